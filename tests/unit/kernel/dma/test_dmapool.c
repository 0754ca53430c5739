/*
 * DMA pools: blocks of the asked size and alignment that never cross the boundary, bus
 * addresses matching kernel addresses, zeroing, reuse after free, memory below the device's
 * coherent mask, and the reports for bad frees and for a pool destroyed while busy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/dmapool.h>
#include <kmm/kmm.h>
#include <kmm/report.h>

static struct device dev;

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 256ULL << 20 };
	int err = kmm_boot(&cfg);

	memset(&dev, 0, sizeof(dev));
	dev.init_name = "pooldev";
	dev.dma_mask = &dev.kmm_dma_mask_storage;
	device_register(&dev);
	return err ? err : dma_set_mask_and_coherent(&dev, DMA_BIT_MASK(32));
}

static int shutdown(void **state)
{
	device_unregister(&dev);
	kmm_shutdown();
	return 0;
}

static void blocks_are_aligned_and_never_cross_the_boundary(void **state)
{
	struct dma_pool *pool = dma_pool_create("desc", &dev, 48, 16, 256);
	void *blocks[300];
	dma_addr_t dma[300];

	assert_non_null(pool);
	for (int i = 0; i < 300; i++) {
		blocks[i] = dma_pool_alloc(pool, GFP_KERNEL, &dma[i]);
		assert_non_null(blocks[i]);
		assert_int_equal(dma[i], virt_to_phys(blocks[i]));
		assert_int_equal(dma[i] % 16, 0);
		assert_int_equal(dma[i] / 256, (dma[i] + 48 - 1) / 256);
		memset(blocks[i], i, 48);
		for (int j = 0; j < i; j++)
			assert_true(dma[j] + 48 <= dma[i] || dma[i] + 48 <= dma[j]);
	}
	for (int i = 0; i < 300; i++) {
		assert_int_equal(((unsigned char *)blocks[i])[47], (unsigned char)i);
		dma_pool_free(pool, blocks[i], dma[i]);
	}
	dma_pool_destroy(pool);
}

static void zalloc_zeroes_and_freed_blocks_are_reused(void **state)
{
	struct dma_pool *pool = dma_pool_create("cmd", &dev, 100, 0, 0);
	dma_addr_t a, b;
	unsigned char *p, *q;

	p = dma_pool_alloc(pool, GFP_KERNEL, &a);
	memset(p, 0xff, 100);
	dma_pool_free(pool, p, a);
	q = dma_pool_zalloc(pool, GFP_ATOMIC, &b);
	assert_ptr_equal(p, q);
	assert_int_equal(a, b);
	for (int i = 0; i < 100; i++)
		assert_int_equal(q[i], 0);
	dma_pool_free(pool, q, b);
	dma_pool_destroy(pool);
	dma_pool_destroy(NULL);
}

static void blocks_larger_than_a_page_and_a_24_bit_device(void **state)
{
	struct dma_pool *pool;
	dma_addr_t a;
	void *p;

	assert_int_equal(dma_set_coherent_mask(&dev, DMA_BIT_MASK(24)), 0);
	pool = dma_pool_create("big", &dev, 6000, 64, 0);
	assert_non_null(pool);
	p = dma_pool_alloc(pool, GFP_KERNEL, &a);
	assert_non_null(p);
	assert_true(a + 6000 <= (16ULL << 20));
	dma_pool_free(pool, p, a);
	dma_pool_destroy(pool);
	assert_int_equal(dma_set_coherent_mask(&dev, DMA_BIT_MASK(32)), 0);
}

static void bad_arguments_are_refused(void **state)
{
	assert_null(dma_pool_create("x", &dev, 0, 8, 0));
	assert_null(dma_pool_create("x", &dev, 64, 3, 0));
	assert_null(dma_pool_create("x", &dev, 64, 8, 32));
	assert_null(dma_pool_create("x", &dev, 64, 8, 100));
}

static void bad_frees_and_a_busy_destroy_are_reported(void **state)
{
	struct dma_pool *pool = dma_pool_create("ring", &dev, 32, 32, 0);
	dma_addr_t a, b;
	void *p, *q;
	char expect[128];

	p = dma_pool_alloc(pool, GFP_KERNEL, &a);
	q = dma_pool_alloc(pool, GFP_KERNEL, &b);
	kmm_report_capture_begin();
	dma_pool_free(pool, p, a + 0x100000);
	assert_int_equal(kmm_report_captured_find("(bad dma)"), 1);
	dma_pool_free(pool, (char *)p + 4, a);
	assert_int_equal(kmm_report_captured_find("(bad vaddr)"), 1);
	dma_pool_free(pool, p, a);
	dma_pool_free(pool, p, a);
	snprintf(expect, sizeof(expect), "pooldev: dma_pool_free ring, dma 0x%016llx already free",
		 (unsigned long long)a);
	assert_int_equal(kmm_report_captured_find(expect), 1);
	dma_pool_destroy(pool);
	snprintf(expect, sizeof(expect), "pooldev: dma_pool_destroy ring, %p busy", (void *)p);
	assert_int_equal(kmm_report_captured_find(expect), 1);
	assert_int_equal(kmm_report_captured("dma_pool"), 4);
	assert_int_equal(kmm_report_capture_end(), 4);
	(void)q;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_are_aligned_and_never_cross_the_boundary),
		cmocka_unit_test(zalloc_zeroes_and_freed_blocks_are_reused),
		cmocka_unit_test(blocks_larger_than_a_page_and_a_24_bit_device),
		cmocka_unit_test(bad_arguments_are_refused),
		cmocka_unit_test(bad_frees_and_a_busy_destroy_are_reported),
	};

	return cmocka_run_group_tests(tests, boot, shutdown);
}
