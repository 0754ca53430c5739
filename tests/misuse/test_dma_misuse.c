/*
 * DMA-API misuse, each caught by dma-debug with the kernel's report and an exact count:
 * freeing or unmapping what was never mapped, unmapping with another size, direction or
 * function, a CPU address that differs, an sg list unmapped with another count, a mapping
 * whose error was never checked, syncs outside a mapping or against its direction, mapping
 * vmalloc or stack memory, and mappings left behind when the driver goes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/kmm.h>
#include <kmm/report.h>
#include <kmm/scatterlist.h>
#include <kmm/slab.h>
#include <kmm/vmalloc.h>

static struct platform_device pdev = { .name = "misdrv", .id = 0 };
static struct device *dev;

static int probe(struct platform_device *p)
{
	return dma_set_mask_and_coherent(&p->dev, DMA_BIT_MASK(32));
}

static struct platform_driver drv = { .probe = probe, .driver = { .name = "misdrv" } };

static int setup(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32",
				  .mem_bytes = 256ULL << 20,
				  .options = "dma_debug=1" };
	int err = kmm_boot(&cfg);

	if (err)
		return err;
	platform_driver_register(&drv);
	platform_device_register(&pdev);
	dev = &pdev.dev;
	kmm_report_capture_begin();
	return dev->driver ? 0 : -1;
}

static int teardown(void **state)
{
	kmm_report_capture_end();
	platform_device_unregister(&pdev);
	platform_driver_unregister(&drv);
	kmm_shutdown();
	return 0;
}

/* Map @len bytes of a fresh kmalloc buffer and check the mapping, as a careful driver does. */
static dma_addr_t map_checked(void **buf, size_t len, enum dma_data_direction dir)
{
	dma_addr_t addr;

	*buf = kmalloc(len, GFP_KERNEL);
	addr = dma_map_single(dev, *buf, len, dir);
	assert_false(dma_mapping_error(dev, addr));
	return addr;
}

static void freeing_coherent_memory_never_allocated(void **state)
{
	void *p = kmalloc(PAGE_SIZE, GFP_KERNEL);
	char expect[200];

	dma_free_coherent(dev, PAGE_SIZE, p, virt_to_phys(p));
	snprintf(
		expect, sizeof(expect),
		"DMA-API: misdrv misdrv.0: device driver tries to free DMA memory it has not allocated [device address=0x%016llx] [size=4096 bytes]",
		(unsigned long long)virt_to_phys(p));
	assert_int_equal(kmm_report_captured_find(expect), 1);
	assert_int_equal(kmm_report_captured("dma_debug"), 1);
	assert_int_equal(kmm_dma_debug_errors(), 1);
	/* Refused: the memory is still the kmalloc buffer it was. */
	kfree(p);
}

static void unmapping_an_invalid_address(void **state)
{
	dma_unmap_single(dev, DMA_MAPPING_ERROR, 64, DMA_TO_DEVICE);
	assert_int_equal(
		kmm_report_captured_find(
			"DMA-API: misdrv misdrv.0: device driver tries to free an invalid DMA memory address"),
		1);
	assert_int_equal(kmm_report_captured("dma_debug"), 1);
}

static void unmapping_with_a_different_size(void **state)
{
	void *buf;
	dma_addr_t addr = map_checked(&buf, 2048, DMA_FROM_DEVICE);
	char expect[220];

	dma_unmap_single(dev, addr, 1024, DMA_FROM_DEVICE);
	snprintf(
		expect, sizeof(expect),
		"DMA-API: misdrv misdrv.0: device driver frees DMA memory with different size [device address=0x%016llx] [map size=2048 bytes] [unmap size=1024 bytes]",
		(unsigned long long)addr);
	assert_int_equal(kmm_report_captured_find(expect), 1);
	assert_int_equal(kmm_report_captured("dma_debug"), 1);
	assert_int_equal(kmm_dma_debug_entries(dev), 0);
	kfree(buf);
}

static void unmapping_with_a_different_direction(void **state)
{
	void *buf;
	dma_addr_t addr = map_checked(&buf, 64, DMA_TO_DEVICE);

	dma_unmap_single(dev, addr, 64, DMA_FROM_DEVICE);
	assert_int_equal(
		kmm_report_captured_find(
			"device driver frees DMA memory with different direction [device address=0x"),
		1);
	assert_int_equal(kmm_report_captured_find(
				 "[mapped with DMA_TO_DEVICE] [unmapped with DMA_FROM_DEVICE]"),
			 1);
	assert_int_equal(kmm_report_captured("dma_debug"), 1);
	kfree(buf);
}

static void never_checking_the_mapping_error(void **state)
{
	void *buf = kmalloc(128, GFP_KERNEL);
	dma_addr_t addr = dma_map_single(dev, buf, 128, DMA_TO_DEVICE);
	char expect[200];

	dma_unmap_single(dev, addr, 128, DMA_TO_DEVICE);
	snprintf(
		expect, sizeof(expect),
		"DMA-API: misdrv misdrv.0: device driver failed to check map error[device address=0x%016llx] [size=128 bytes] [mapped as single]",
		(unsigned long long)addr);
	assert_int_equal(kmm_report_captured_find(expect), 1);
	assert_int_equal(kmm_report_captured("dma_debug"), 1);
	kfree(buf);
}

static void unmapping_what_was_never_mapped(void **state)
{
	void *buf = kmalloc(128, GFP_KERNEL);

	dma_unmap_single(dev, virt_to_phys(buf), 128, DMA_TO_DEVICE);
	assert_int_equal(kmm_report_captured_find(
				 "device driver tries to free DMA memory it has not allocated"),
			 1);
	/* Twice unmapped: the second unmap finds nothing either. */
	dma_unmap_single(dev, virt_to_phys(buf), 128, DMA_TO_DEVICE);
	assert_int_equal(kmm_report_captured("dma_debug"), 2);
	kfree(buf);
}

static void freeing_with_the_wrong_function(void **state)
{
	dma_addr_t handle;
	void *p = dma_alloc_coherent(dev, PAGE_SIZE, &handle, GFP_KERNEL);

	dma_unmap_single(dev, handle, PAGE_SIZE, DMA_BIDIRECTIONAL);
	assert_int_equal(
		kmm_report_captured_find("device driver frees DMA memory with wrong function"), 1);
	assert_int_equal(kmm_report_captured_find(
				 "[size=4096 bytes] [mapped as coherent] [unmapped as single]"),
			 1);
	assert_int_equal(kmm_report_captured("dma_debug"), 1);
	(void)p;
}

static void freeing_coherent_memory_with_another_cpu_address(void **state)
{
	dma_addr_t handle;
	char *p = dma_alloc_coherent(dev, PAGE_SIZE, &handle, GFP_KERNEL);

	dma_free_coherent(dev, PAGE_SIZE, p + 64, handle);
	assert_int_equal(kmm_report_captured_find(
				 "device driver frees DMA memory with different CPU address"),
			 1);
	assert_int_equal(kmm_report_captured("dma_debug"), 1);
	/* Repaired: freed as allocated, nothing left in the table. */
	assert_int_equal(kmm_dma_debug_entries(dev), 0);
}

static void unmapping_an_sg_list_with_another_count(void **state)
{
	struct scatterlist sg[2];
	void *a = kmalloc(100, GFP_KERNEL), *b = kmalloc(100, GFP_KERNEL);

	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], a, 100);
	sg_set_buf(&sg[1], b, 100);
	assert_int_equal(dma_map_sg(dev, sg, 2, DMA_TO_DEVICE), 2);
	assert_false(dma_mapping_error(dev, sg_dma_address(&sg[0])));
	assert_false(dma_mapping_error(dev, sg_dma_address(&sg[1])));
	dma_unmap_sg(dev, sg, 1, DMA_TO_DEVICE);
	assert_int_equal(
		kmm_report_captured_find(
			"DMA-API: misdrv misdrv.0: device driver frees DMA sg list with different entry count [map count=2] [unmap count=1]"),
		1);
	assert_int_equal(kmm_report_captured("dma_debug"), 1);
	assert_int_equal(kmm_dma_debug_entries(dev), 1);
	dma_unmap_sg(dev, &sg[1], 1, DMA_TO_DEVICE);
	assert_int_equal(kmm_report_captured("dma_debug"), 2);
	kfree(a);
	kfree(b);
}

static void syncing_memory_never_mapped_or_past_the_mapping(void **state)
{
	void *buf;
	dma_addr_t addr = map_checked(&buf, 256, DMA_FROM_DEVICE);
	char expect[240];

	dma_sync_single_for_cpu(dev, addr + 0x100000, 16, DMA_FROM_DEVICE);
	assert_int_equal(kmm_report_captured_find(
				 "device driver tries to sync DMA memory it has not allocated"),
			 1);
	dma_sync_single_for_cpu(dev, addr + 200, 100, DMA_FROM_DEVICE);
	snprintf(
		expect, sizeof(expect),
		"device driver syncs DMA memory outside allocated range [device address=0x%016llx] [allocation size=256 bytes] [sync offset+size=300]",
		(unsigned long long)addr);
	assert_int_equal(kmm_report_captured_find(expect), 1);
	assert_int_equal(kmm_report_captured("dma_debug"), 2);
	dma_unmap_single(dev, addr, 256, DMA_FROM_DEVICE);
	assert_int_equal(kmm_report_captured("dma_debug"), 2);
	kfree(buf);
}

static void syncing_against_the_mapping_direction(void **state)
{
	void *buf;
	dma_addr_t to = map_checked(&buf, 64, DMA_TO_DEVICE);

	/* A to-device mapping synced for the CPU as bidirectional: wrong direction, and the
	 * CPU would read memory only the device is meant to read. */
	dma_sync_single_for_cpu(dev, to, 64, DMA_BIDIRECTIONAL);
	assert_int_equal(
		kmm_report_captured_find("device driver syncs DMA memory with different direction"),
		1);
	assert_int_equal(
		kmm_report_captured_find("device driver syncs device read-only DMA memory for cpu"),
		1);
	dma_unmap_single(dev, to, 64, DMA_TO_DEVICE);
	to = dma_map_single(dev, buf, 64, DMA_FROM_DEVICE);
	assert_false(dma_mapping_error(dev, to));
	dma_sync_single_for_device(dev, to, 64, DMA_BIDIRECTIONAL);
	assert_int_equal(kmm_report_captured_find(
				 "device driver syncs device write-only DMA memory to device"),
			 1);
	assert_int_equal(kmm_report_captured("dma_debug"), 4);
	/* In the mapping's own direction, nothing to report. */
	dma_sync_single_for_cpu(dev, to, 64, DMA_FROM_DEVICE);
	dma_unmap_single(dev, to, 64, DMA_FROM_DEVICE);
	assert_int_equal(kmm_report_captured("dma_debug"), 4);
	kfree(buf);
}

static void mapping_vmalloc_memory(void **state)
{
	void *v = vmalloc(PAGE_SIZE);
	dma_addr_t addr = dma_map_single(dev, v, 64, DMA_TO_DEVICE);

	assert_true(dma_mapping_error(dev, addr));
	assert_int_equal(
		kmm_report_captured_find("misdrv misdrv.0: rejecting DMA map of vmalloc memory"),
		1);
	assert_int_equal(kmm_report_capture_end(), 1);
	kmm_report_capture_begin();
	vfree(v);
}

static void mapping_stack_memory(void **state)
{
	char on_stack[64];
	dma_addr_t addr = dma_map_single(dev, on_stack, sizeof(on_stack), DMA_TO_DEVICE);
	char expect[120];

	assert_true(dma_mapping_error(dev, addr));
	snprintf(expect, sizeof(expect),
		 "DMA-API: misdrv misdrv.0: device driver maps memory from stack [addr=%p]",
		 (void *)on_stack);
	assert_int_equal(kmm_report_captured_find(expect), 1);
	assert_int_equal(kmm_report_captured("dma_debug"), 1);
}

static void mappings_left_behind_when_the_driver_goes(void **state)
{
	void *a, *b;
	dma_addr_t first = map_checked(&a, 512, DMA_FROM_DEVICE);
	dma_addr_t handle;

	(void)map_checked(&b, 64, DMA_TO_DEVICE);
	assert_non_null(dma_alloc_coherent(dev, PAGE_SIZE, &handle, GFP_KERNEL));
	assert_int_equal(kmm_dma_debug_entries(dev), 3);
	platform_driver_unregister(&drv);
	assert_int_equal(kmm_report_captured("dma_debug"), 1);
	assert_int_equal(
		kmm_report_captured_find(
			"DMA-API: platform misdrv.0: device driver has pending DMA allocations while released from device [count=3]"),
		1);
	assert_int_equal(
		kmm_report_captured_find("One of leaked entries details: [device address=0x"), 1);
	(void)first;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(freeing_coherent_memory_never_allocated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(unmapping_an_invalid_address, setup, teardown),
		cmocka_unit_test_setup_teardown(unmapping_with_a_different_size, setup, teardown),
		cmocka_unit_test_setup_teardown(unmapping_with_a_different_direction, setup,
						teardown),
		cmocka_unit_test_setup_teardown(never_checking_the_mapping_error, setup, teardown),
		cmocka_unit_test_setup_teardown(unmapping_what_was_never_mapped, setup, teardown),
		cmocka_unit_test_setup_teardown(freeing_with_the_wrong_function, setup, teardown),
		cmocka_unit_test_setup_teardown(freeing_coherent_memory_with_another_cpu_address,
						setup, teardown),
		cmocka_unit_test_setup_teardown(unmapping_an_sg_list_with_another_count, setup,
						teardown),
		cmocka_unit_test_setup_teardown(syncing_memory_never_mapped_or_past_the_mapping,
						setup, teardown),
		cmocka_unit_test_setup_teardown(syncing_against_the_mapping_direction, setup,
						teardown),
		cmocka_unit_test_setup_teardown(mapping_vmalloc_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(mapping_stack_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(mappings_left_behind_when_the_driver_goes, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
