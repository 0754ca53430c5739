/*
 * dma-debug's table: every mapping and coherent allocation is an entry until unmapped or
 * freed, correct use reports nothing, dma_mapping_error() marks an entry checked, a sync
 * anywhere inside a mapping finds it, and with the option off nothing is tracked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/kmm.h>
#include <kmm/report.h>
#include <kmm/scatterlist.h>
#include <kmm/slab.h>

static struct device a, b;

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32",
				  .mem_bytes = 256ULL << 20,
				  .options = "dma_debug=1" };
	int err = kmm_boot(&cfg);

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.init_name = "deva";
	b.init_name = "devb";
	device_register(&a);
	device_register(&b);
	kmm_report_capture_begin();
	return err;
}

static int shutdown(void **state)
{
	unsigned int reports = kmm_report_capture_end();

	device_unregister(&a);
	device_unregister(&b);
	kmm_shutdown();
	return reports ? -1 : 0;
}

static void every_mapping_is_an_entry_until_unmapped(void **state)
{
	void *buf[8];
	dma_addr_t addr[8], handle;
	void *coh;

	for (int i = 0; i < 8; i++) {
		buf[i] = kmalloc(300, GFP_KERNEL);
		addr[i] = dma_map_single(i & 1 ? &b : &a, buf[i], 300, DMA_TO_DEVICE);
		assert_false(dma_mapping_error(i & 1 ? &b : &a, addr[i]));
	}
	coh = dma_alloc_coherent(&a, 2 * PAGE_SIZE, &handle, GFP_KERNEL);
	assert_int_equal(kmm_dma_debug_entries(NULL), 9);
	assert_int_equal(kmm_dma_debug_entries(&a), 5);
	assert_int_equal(kmm_dma_debug_entries(&b), 4);
	for (int i = 0; i < 8; i++) {
		dma_unmap_single(i & 1 ? &b : &a, addr[i], 300, DMA_TO_DEVICE);
		kfree(buf[i]);
	}
	dma_free_coherent(&a, 2 * PAGE_SIZE, coh, handle);
	assert_int_equal(kmm_dma_debug_entries(NULL), 0);
	assert_int_equal(kmm_dma_debug_errors(), 0);
}

static void the_same_buffer_mapped_for_two_devices_is_two_entries(void **state)
{
	void *buf = kmalloc(64, GFP_KERNEL);
	dma_addr_t x = dma_map_single(&a, buf, 64, DMA_BIDIRECTIONAL);
	dma_addr_t y = dma_map_single(&b, buf, 64, DMA_BIDIRECTIONAL);

	assert_int_equal(x, y);
	assert_false(dma_mapping_error(&a, x));
	assert_false(dma_mapping_error(&b, y));
	dma_unmap_single(&b, y, 64, DMA_BIDIRECTIONAL);
	assert_int_equal(kmm_dma_debug_entries(&a), 1);
	dma_unmap_single(&a, x, 64, DMA_BIDIRECTIONAL);
	assert_int_equal(kmm_dma_debug_entries(NULL), 0);
	kfree(buf);
}

static void syncs_inside_a_large_mapping_find_it(void **state)
{
	void *buf = kmalloc(64 << 10, GFP_KERNEL);
	dma_addr_t addr = dma_map_single(&a, buf, 64 << 10, DMA_FROM_DEVICE);

	assert_false(dma_mapping_error(&a, addr));
	dma_sync_single_range_for_cpu(&a, addr, 40 << 10, 4096, DMA_FROM_DEVICE);
	dma_sync_single_range_for_device(&a, addr, 60 << 10, 4096, DMA_FROM_DEVICE);
	dma_unmap_single(&a, addr, 64 << 10, DMA_FROM_DEVICE);
	kfree(buf);
}

static void scatterlist_segments_are_entries(void **state)
{
	struct scatterlist sg[4], *s;
	void *bufs[4];
	int i;

	sg_init_table(sg, 4);
	for (i = 0; i < 4; i++) {
		bufs[i] = kmalloc(512, GFP_KERNEL);
		sg_set_buf(&sg[i], bufs[i], 512);
	}
	assert_int_equal(sg_nents(sg), 4);
	assert_int_equal(dma_map_sg(&a, sg, 4, DMA_TO_DEVICE), 4);
	for_each_sg(sg, s, 4, i) assert_false(dma_mapping_error(&a, sg_dma_address(s)));
	assert_int_equal(kmm_dma_debug_entries(&a), 4);
	dma_sync_sg_for_device(&a, sg, 4, DMA_TO_DEVICE);
	dma_unmap_sg(&a, sg, 4, DMA_TO_DEVICE);
	assert_int_equal(kmm_dma_debug_entries(&a), 0);
	for (i = 0; i < 4; i++)
		kfree(bufs[i]);
}

static void chained_scatterlists_are_walked(void **state)
{
	struct scatterlist first[2], second[2], *s;
	void *bufs[3];
	int i;

	sg_init_table(first, 2);
	sg_init_table(second, 2);
	sg_chain(first, 2, second);
	bufs[0] = kmalloc(100, GFP_KERNEL);
	bufs[1] = kmalloc(200, GFP_KERNEL);
	bufs[2] = kmalloc(300, GFP_KERNEL);
	sg_set_buf(&first[0], bufs[0], 100);
	sg_set_buf(&second[0], bufs[1], 200);
	sg_set_buf(&second[1], bufs[2], 300);
	assert_int_equal(sg_nents(first), 3);
	assert_int_equal(dma_map_sg(&a, first, 3, DMA_BIDIRECTIONAL), 3);
	for_each_sg(first, s, 3, i)
	{
		assert_int_equal(sg_dma_address(s), virt_to_phys(bufs[i]));
		assert_int_equal(sg_dma_len(s), 100 * (i + 1));
		assert_false(dma_mapping_error(&a, sg_dma_address(s)));
	}
	dma_unmap_sg(&a, first, 3, DMA_BIDIRECTIONAL);
	for (i = 0; i < 3; i++)
		kfree(bufs[i]);
}

static void with_the_option_off_nothing_is_tracked(void **state)
{
	void *buf = kmalloc(64, GFP_KERNEL);
	dma_addr_t addr;

	assert_int_equal(kmm_option_set("dma_debug", "0"), 0);
	addr = dma_map_single(&a, buf, 64, DMA_TO_DEVICE);
	assert_int_equal(kmm_dma_debug_entries(NULL), 0);
	/* Unchecked and unmapped with the wrong size: no report without the option. */
	dma_unmap_single(&a, addr, 32, DMA_TO_DEVICE);
	assert_int_equal(kmm_option_set("dma_debug", "1"), 0);
	kfree(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_mapping_is_an_entry_until_unmapped, boot,
						shutdown),
		cmocka_unit_test_setup_teardown(
			the_same_buffer_mapped_for_two_devices_is_two_entries, boot, shutdown),
		cmocka_unit_test_setup_teardown(syncs_inside_a_large_mapping_find_it, boot,
						shutdown),
		cmocka_unit_test_setup_teardown(scatterlist_segments_are_entries, boot, shutdown),
		cmocka_unit_test_setup_teardown(chained_scatterlists_are_walked, boot, shutdown),
		cmocka_unit_test_setup_teardown(with_the_option_off_nothing_is_tracked, boot,
						shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
