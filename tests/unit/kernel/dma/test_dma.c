/*
 * DMA masks and coherent memory: which masks a machine supports, the zone coherent memory
 * comes from for each mask, bus addresses equal to physical addresses, zeroing, managed
 * (dmam_) allocations released with the driver, and direct streaming mappings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include <kmm/slab.h>

static struct device *new_device(const char *name)
{
	static struct device dev;

	memset(&dev, 0, sizeof(dev));
	dev.init_name = name;
	dev.kmm_dma_mask_storage = DMA_BIT_MASK(32);
	dev.dma_mask = &dev.kmm_dma_mask_storage;
	dev.coherent_dma_mask = DMA_BIT_MASK(32);
	device_register(&dev);
	return &dev;
}

static int boot_x86_32(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32",
				  .mem_bytes = 1ULL << 30,
				  .options = "dma_debug=1" };

	return kmm_boot(&cfg);
}

static int boot_arm32(void **state)
{
	struct kmm_config cfg = { .profile = "arm32", .mem_bytes = 256ULL << 20 };

	return kmm_boot(&cfg);
}

static int boot_x86_64_5g(void **state)
{
	struct kmm_config cfg = { .profile = "x86_64",
				  .mem_bytes = 5ULL << 30,
				  .options = "dma_debug=1" };

	return kmm_boot(&cfg);
}

static void masks_reaching_zone_dma_are_supported(void **state)
{
	struct device *dev = new_device("maskdev");

	assert_int_equal(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(24)), 0);
	assert_int_equal(dma_get_mask(dev), DMA_BIT_MASK(24));
	assert_int_equal(dev->coherent_dma_mask, DMA_BIT_MASK(24));
	assert_int_equal(dma_set_mask(dev, DMA_BIT_MASK(32)), 0);
	assert_int_equal(dma_set_mask(dev, DMA_BIT_MASK(64)), 0);
	/* 1 MiB cannot hold ZONE_DMA (16 MiB): refused, the old mask stays. */
	assert_int_equal(dma_set_mask(dev, DMA_BIT_MASK(20)), -EIO);
	assert_int_equal(dma_get_mask(dev), DMA_BIT_MASK(64));
	assert_int_equal(dma_set_coherent_mask(dev, DMA_BIT_MASK(20)), -EIO);
	assert_int_equal(dev->coherent_dma_mask, DMA_BIT_MASK(24));
	/* 1 GiB of RAM needs 30 bits. */
	assert_int_equal(dma_get_required_mask(dev), DMA_BIT_MASK(30));
	device_unregister(dev);
}

static void arm32_ram_above_a_24_bit_mask_refuses_it(void **state)
{
	struct device *dev = new_device("armdev");

	/* RAM starts at 0x60000000: nothing lies below 16 MiB. */
	assert_int_equal(dma_set_mask(dev, DMA_BIT_MASK(24)), -EIO);
	assert_int_equal(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32)), 0);
	device_unregister(dev);
}

static void coherent_memory_lies_below_the_coherent_mask(void **state)
{
	static const unsigned int bits[] = { 24, 28, 30, 32 };
	struct device *dev = new_device("cohdev");

	for (unsigned int i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		dma_addr_t handle;
		unsigned char *p;

		assert_int_equal(dma_set_coherent_mask(dev, DMA_BIT_MASK(bits[i])), 0);
		p = dma_alloc_coherent(dev, 3 * PAGE_SIZE, &handle, GFP_KERNEL);
		assert_non_null(p);
		assert_true(handle + 3 * PAGE_SIZE - 1 <= DMA_BIT_MASK(bits[i]));
		assert_int_equal(handle, virt_to_phys(p));
		assert_true(PAGE_ALIGNED(p));
		for (size_t j = 0; j < 3 * PAGE_SIZE; j++)
			assert_int_equal(p[j], 0);
		memset(p, 0xa5, 3 * PAGE_SIZE);
		dma_free_coherent(dev, 3 * PAGE_SIZE, p, handle);
	}
	assert_int_equal(kmm_dma_debug_entries(dev), 0);
	device_unregister(dev);
}

static void coherent_memory_with_a_24_bit_mask_comes_from_zone_dma(void **state)
{
	struct device *dev = new_device("isa");
	dma_addr_t handle;
	void *p;

	assert_int_equal(dma_set_coherent_mask(dev, DMA_BIT_MASK(24)), 0);
	p = dma_alloc_coherent(dev, PAGE_SIZE, &handle, GFP_KERNEL);
	assert_non_null(p);
	assert_int_equal(page_zonenum(virt_to_page(p)), 0);
	dma_free_coherent(dev, PAGE_SIZE, p, handle);
	device_unregister(dev);
}

static void x86_64_coherent_32_bit_memory_comes_from_dma32(void **state)
{
	struct device *dev = new_device("pcidev");
	dma_addr_t handle;
	void *p;

	assert_int_equal(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32)), 0);
	p = dma_alloc_coherent(dev, 8 * PAGE_SIZE, &handle, GFP_KERNEL);
	assert_non_null(p);
	assert_true(handle >= (16ULL << 20));
	assert_true(handle + 8 * PAGE_SIZE <= (4ULL << 30));
	dma_free_coherent(dev, 8 * PAGE_SIZE, p, handle);
	assert_int_equal(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)), 0);
	device_unregister(dev);
}

static void managed_coherent_memory_is_freed_with_the_device(void **state)
{
	struct device *dev = new_device("managed");
	unsigned long before = nr_free_pages();
	dma_addr_t h1, h2;
	void *a, *b;

	kmm_report_capture_begin();
	a = dmam_alloc_coherent(dev, PAGE_SIZE, &h1, GFP_KERNEL);
	b = dmam_alloc_coherent(dev, 5 * PAGE_SIZE, &h2, GFP_KERNEL);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(kmm_dma_debug_entries(dev), 2);
	dmam_free_coherent(dev, PAGE_SIZE, a, h1);
	assert_int_equal(kmm_dma_debug_entries(dev), 1);
	device_unregister(dev);
	drain_local_pages();
	assert_int_equal(kmm_dma_debug_entries(NULL), 0);
	assert_int_equal(kmm_report_capture_end(), 0);
	assert_true(nr_free_pages() >= before);
}

static void reachable_buffers_map_in_place(void **state)
{
	struct device *dev = new_device("direct");
	unsigned char *buf = kmalloc(512, GFP_KERNEL);
	dma_addr_t addr;

	kmm_report_capture_begin();
	addr = dma_map_single(dev, buf, 512, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(dev, addr));
	assert_int_equal(addr, virt_to_phys(buf));
	assert_true(dma_capable(dev, addr, 512));
	dma_sync_single_for_cpu(dev, addr, 512, DMA_TO_DEVICE);
	dma_sync_single_for_device(dev, addr, 512, DMA_TO_DEVICE);
	dma_unmap_single(dev, addr, 512, DMA_TO_DEVICE);
	addr = dma_map_page(dev, virt_to_page(buf), offset_in_page(buf), 64, DMA_FROM_DEVICE);
	assert_false(dma_mapping_error(dev, addr));
	assert_int_equal(addr, virt_to_phys(buf));
	dma_unmap_page(dev, addr, 64, DMA_FROM_DEVICE);
	assert_int_equal(kmm_report_capture_end(), 0);
	kfree(buf);
	device_unregister(dev);
}

static void x86_64_buffers_above_4g_are_bounced_for_a_32_bit_device(void **state)
{
	struct device *dev = new_device("dev32");
	struct page *page;
	dma_addr_t addr;
	unsigned char *p;

	assert_int_equal(dma_set_mask(dev, DMA_BIT_MASK(32)), 0);
	page = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(page);
	/* All of DMA32 is below 4 GiB; with 5 GiB of RAM the Normal zone is above it. */
	assert_true(page_to_phys(page) >= (4ULL << 30));
	p = page_address(page);
	memset(p, 0x3c, PAGE_SIZE);
	addr = dma_map_page(dev, page, 0, PAGE_SIZE, DMA_BIDIRECTIONAL);
	assert_false(dma_mapping_error(dev, addr));
	assert_true(addr < (4ULL << 30));
	assert_memory_equal(phys_to_virt(addr), p, PAGE_SIZE);
	memset(phys_to_virt(addr), 0x7e, PAGE_SIZE); /* the device writes */
	dma_unmap_page(dev, addr, PAGE_SIZE, DMA_BIDIRECTIONAL);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(p[i], 0x7e);
	__free_pages(page, 0);
	device_unregister(dev);
}

int main(void)
{
	const struct CMUnitTest x86_32[] = {
		cmocka_unit_test(masks_reaching_zone_dma_are_supported),
		cmocka_unit_test(coherent_memory_lies_below_the_coherent_mask),
		cmocka_unit_test(coherent_memory_with_a_24_bit_mask_comes_from_zone_dma),
		cmocka_unit_test(managed_coherent_memory_is_freed_with_the_device),
		cmocka_unit_test(reachable_buffers_map_in_place),
	};
	const struct CMUnitTest arm32[] = {
		cmocka_unit_test(arm32_ram_above_a_24_bit_mask_refuses_it),
	};
	const struct CMUnitTest x86_64[] = {
		cmocka_unit_test(x86_64_coherent_32_bit_memory_comes_from_dma32),
		cmocka_unit_test(x86_64_buffers_above_4g_are_bounced_for_a_32_bit_device),
	};
	int failed =
		cmocka_run_group_tests_name("dma x86_32", x86_32, boot_x86_32, kmm_test_shutdown);

	failed += cmocka_run_group_tests_name("dma arm32", arm32, boot_arm32, kmm_test_shutdown);
	failed += cmocka_run_group_tests_name("dma x86_64", x86_64, boot_x86_64_5g,
					      kmm_test_shutdown);
	return failed;
}
