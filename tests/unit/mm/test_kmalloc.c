/*
 * kmalloc and its family: size classes and ksize as the 6.1 reference shows them, the large
 * path, ZERO_SIZE_PTR, overflow, krealloc, the dup helpers, DMA, failslab.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/slab.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include <kmm/fault_inject.h>
#include "mm/internal.h"

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 1 };

	return kmm_boot(&cfg);
}

static void ksize_rounds_to_the_kernels_classes(void **state)
{
	static const struct {
		size_t ask, got;
	} want[] = {
		{ 1, 8 },	{ 8, 8 },	{ 9, 16 },	 { 17, 32 },	   { 33, 64 },
		{ 65, 96 },	{ 96, 96 },	{ 97, 128 },	 { 129, 192 },	   { 192, 192 },
		{ 193, 256 },	{ 257, 512 },	{ 513, 1024 },	 { 1025, 2048 },   { 2049, 4096 },
		{ 4097, 8192 }, { 8192, 8192 }, { 8193, 16384 }, { 16385, 32768 },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		void *p = kmalloc(want[i].ask, GFP_KERNEL);

		assert_non_null(p);
		assert_int_equal(ksize(p), want[i].got);
		memset(p, 0xa5, want[i].got);
		kfree(p);
	}
}

/* Every size up to 8 KiB, in every variant, comes from the smallest class that holds it. */
static void every_size_is_served_by_the_smallest_class_that_holds_it(void **state)
{
	static const unsigned int classes[] = { 8,   16,  32,	64,   96,   128, 192,
						256, 512, 1024, 2048, 4096, 8192 };
	static const gfp_t variants[] = { GFP_KERNEL, GFP_KERNEL_ACCOUNT,
					  GFP_KERNEL | __GFP_RECLAIMABLE, GFP_KERNEL | GFP_DMA };
	unsigned int c = 0;

	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		while (classes[c] < size)
			c++;
		for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
			void *p;

			if (v && size % 61 != 0 && size != classes[c])
				continue; /* the variants share the table: a sample will do */
			p = kmalloc(size, variants[v]);
			if (!p || ksize(p) != classes[c] ||
			    virt_to_head_page(p)->slab_cache !=
				    kmm_kmalloc_cache(size, variants[v]))
				fail_msg("kmalloc(%zu, variant %zu): %p, ksize %zu, want class %u",
					 size, v, p, p ? ksize(p) : 0, classes[c]);
			kfree(p);
		}
	}
}

static void kmalloc_size_roundup_agrees_with_ksize(void **state)
{
	static const size_t sizes[] = { 1, 8, 9, 65, 100, 129, 193, 1000, 4097, 8192, 8193, 70000 };

	assert_int_equal(kmalloc_size_roundup(0), 0);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *p = kmalloc(sizes[i], GFP_KERNEL);

		assert_int_equal(kmalloc_size_roundup(sizes[i]), ksize(p));
		kfree(p);
	}
}

static void power_of_two_sizes_are_naturally_aligned(void **state)
{
	for (size_t size = 8; size <= 8192; size *= 2) {
		void *p = kmalloc(size, GFP_KERNEL);

		assert_int_equal((unsigned long)p % size, 0);
		kfree(p);
	}
}

static void large_requests_are_compound_pages(void **state)
{
	unsigned long before = nr_free_pages();
	void *p = kmalloc(20000, GFP_KERNEL);
	struct page *page = virt_to_page(p);

	assert_non_null(p);
	assert_true(PageHead(page));
	assert_false(PageSlab(page));
	assert_int_equal(compound_order(page), 3);
	assert_int_equal(ksize(p), 32768);
	kfree(p);
	kmm_drain_all_pages();
	assert_true(nr_free_pages() >= before);
}

static void above_kmalloc_max_size_fails_with_a_warning_unless_nowarn(void **state)
{
	void *p;

	kmm_report_capture_begin();
	assert_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN));
	assert_int_equal(kmm_report_captured(NULL), 0);
	assert_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	assert_true(kmm_report_captured(NULL) <= 1); /* WARN_ON_ONCE: once per boot */
	kmm_report_capture_end();
	p = kmalloc(KMALLOC_MAX_SIZE, GFP_KERNEL);
	assert_non_null(p);
	assert_int_equal(ksize(p), KMALLOC_MAX_SIZE);
	kfree(p);
}

static void zero_size_gives_zero_size_ptr_and_kfree_ignores_it(void **state)
{
	void *p = kmalloc(0, GFP_KERNEL);

	assert_ptr_equal(p, ZERO_SIZE_PTR);
	assert_int_equal((unsigned long)p, 0x10);
	assert_int_equal(ksize(p), 0);
	kmm_report_capture_begin();
	kfree(p);
	kfree(NULL);
	kfree_sensitive(NULL);
	assert_int_equal(kmm_report_capture_end(), 0);
}

static void array_overflow_returns_null_quietly(void **state)
{
	/* Hidden from gcc, whose __alloc_size checks would refuse the constants at build time. */
	volatile size_t huge = SIZE_MAX;

	kmm_report_capture_begin();
	assert_null(kcalloc(huge / 2, 4, GFP_KERNEL));
	assert_null(kmalloc_array(huge, 2, GFP_KERNEL));
	assert_null(krealloc_array(NULL, huge / 8, 16, GFP_KERNEL));
	assert_int_equal(kmm_report_capture_end(), 0);
}

static void kzalloc_and_kcalloc_zero(void **state)
{
	unsigned char *p = kmalloc(200, GFP_KERNEL);

	memset(p, 0xff, 200);
	kfree(p);
	p = kzalloc(200, GFP_KERNEL);
	for (int i = 0; i < 200; i++)
		assert_int_equal(p[i], 0);
	kfree(p);
	p = kcalloc(50, 4, GFP_KERNEL);
	for (int i = 0; i < 200; i++)
		assert_int_equal(p[i], 0);
	kfree(p);
}

static void krealloc_keeps_contents_and_reuses_room(void **state)
{
	char *p = kmalloc(10, GFP_KERNEL), *q;

	strcpy(p, "abcdefghi");
	q = krealloc(p, 16, GFP_KERNEL);
	assert_ptr_equal(q, p); /* still fits in kmalloc-16 */
	q = krealloc(q, 1000, GFP_KERNEL);
	assert_string_equal(q, "abcdefghi");
	assert_int_equal(ksize(q), 1024);
	p = krealloc(q, 0, GFP_KERNEL);
	assert_ptr_equal(p, ZERO_SIZE_PTR);
	p = krealloc(NULL, 30, GFP_KERNEL);
	assert_int_equal(ksize(p), 32);
	q = krealloc(p, 100, GFP_KERNEL | __GFP_ZERO);
	for (int i = 32; i < 100; i++)
		assert_int_equal(q[i], 0);
	kfree(q);
}

static void dup_helpers_copy(void **state)
{
	char *a = kstrdup("driver", GFP_KERNEL);
	char *b = kstrndup("driver", 3, GFP_KERNEL);
	char *c = kmemdup("\x01\x02\x03", 3, GFP_KERNEL);
	char *d = kmemdup_nul("xyz", 2, GFP_KERNEL);

	assert_string_equal(a, "driver");
	assert_string_equal(b, "dri");
	assert_memory_equal(c, "\x01\x02\x03", 3);
	assert_string_equal(d, "xy");
	assert_null(kstrdup(NULL, GFP_KERNEL));
	kfree(a);
	kfree(b);
	kfree(c);
	kfree(d);
}

static void gfp_dma_comes_from_zone_dma_caches(void **state)
{
	void *p = kmalloc(100, GFP_KERNEL | GFP_DMA);
	void *big = kmalloc(10000, GFP_KERNEL | GFP_DMA);

	assert_int_equal(page_zonenum(virt_to_page(p)), ZONE_DMA);
	assert_string_equal(kmm_kmalloc_cache(100, GFP_DMA) ? "ok" : "no", "ok");
	assert_ptr_equal(virt_to_head_page(p)->slab_cache, kmm_kmalloc_cache(100, GFP_DMA));
	assert_int_equal(page_zonenum(virt_to_page(big)), ZONE_DMA);
	kfree(p);
	kfree(big);
}

static void variants_are_picked_by_gfp(void **state)
{
	assert_ptr_not_equal(kmm_kmalloc_cache(64, GFP_KERNEL),
			     kmm_kmalloc_cache(64, GFP_KERNEL_ACCOUNT));
	assert_ptr_not_equal(kmm_kmalloc_cache(64, GFP_KERNEL),
			     kmm_kmalloc_cache(64, GFP_KERNEL | __GFP_RECLAIMABLE));
	assert_null(kmm_kmalloc_cache(8193, GFP_KERNEL));
	assert_null(kmm_kmalloc_cache(0, GFP_KERNEL));
}

static void kvmalloc_family_round_trips(void **state)
{
	unsigned char *p = kvmalloc(100000, GFP_KERNEL);
	unsigned char *z = kvzalloc(64, GFP_KERNEL);

	assert_non_null(p);
	memset(p, 0x33, 100000);
	for (int i = 0; i < 64; i++)
		assert_int_equal(z[i], 0);
	kvfree_sensitive(p, 100000);
	kvfree_sensitive(z, 64);
	kvfree(NULL);
}

static void kfree_sensitive_clears_before_freeing(void **state)
{
	unsigned char *p = kmalloc(64, GFP_KERNEL), *q;

	memset(p, 0x77, 64);
	kfree_sensitive(p);
	q = kmalloc(64, GFP_KERNEL); /* the same object comes straight back */
	assert_ptr_equal(q, p);
	for (int i = 0; i < 64; i++)
		if (i < 32 || i >= 40) /* the free pointer sat in the middle */
			assert_int_equal(q[i], 0);
	kfree(q);
}

static void failslab_applies_to_kmalloc(void **state)
{
	kmm_fail_nth(1);
	assert_null(kmalloc(32, GFP_KERNEL));
	kfree(kmalloc(32, GFP_KERNEL));
}

struct batch {
	void *objs[400];
	int n;
};

static void *kmalloc_batch(void *arg)
{
	struct batch *b = arg;

	for (int i = 0; i < b->n; i++)
		b->objs[i] = kmalloc(64, GFP_KERNEL);
	return NULL;
}

static void *kfree_batch(void *arg)
{
	struct batch *b = arg;

	for (int i = 0; i < b->n; i++)
		kfree(b->objs[i]);
	return NULL;
}

static void run(void *(*fn)(void *), struct batch *b)
{
	pthread_t t;

	pthread_create(&t, NULL, fn, b);
	pthread_join(t, NULL);
}

/* kfree takes a shortcut when the calling thread holds the object's slab; from any other
 * thread (one new to kmm, or after the allocating thread is gone) the objects still go back
 * where they belong, and come out again once each. */
static void kfree_from_other_threads_gives_objects_back(void **state)
{
	struct kmem_cache *s = kmm_kmalloc_cache(64, GFP_KERNEL);
	struct batch b = { .n = 200 }, again = { .n = 400 };

	kmalloc_batch(&b); /* here; freed by a new thread */
	run(kfree_batch, &b);
	assert_int_equal(kmm_slab_validate(s), 0);
	run(kmalloc_batch, &b); /* by a thread that exits; freed by another new one */
	run(kfree_batch, &b);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmalloc_batch(&again);
	for (int i = 0; i < again.n; i++)
		for (int j = i + 1; j < again.n; j++)
			assert_ptr_not_equal(again.objs[i], again.objs[j]);
	kfree_batch(&again);
	assert_int_equal(kmm_slab_validate(s), 0);
}

static void kfree_of_a_foreign_pointer_is_reported(void **state)
{
	unsigned long page = __get_free_page(GFP_KERNEL);
	int local;

	kmm_report_capture_begin();
	kfree((void *)page);
	kfree(&local);
	assert_int_equal(kmm_report_captured("slab_invalid_free"), 2);
	kmm_report_capture_end();
	free_page(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ksize_rounds_to_the_kernels_classes),
		cmocka_unit_test(every_size_is_served_by_the_smallest_class_that_holds_it),
		cmocka_unit_test(kmalloc_size_roundup_agrees_with_ksize),
		cmocka_unit_test(power_of_two_sizes_are_naturally_aligned),
		cmocka_unit_test(large_requests_are_compound_pages),
		cmocka_unit_test(above_kmalloc_max_size_fails_with_a_warning_unless_nowarn),
		cmocka_unit_test(zero_size_gives_zero_size_ptr_and_kfree_ignores_it),
		cmocka_unit_test(array_overflow_returns_null_quietly),
		cmocka_unit_test(kzalloc_and_kcalloc_zero),
		cmocka_unit_test(krealloc_keeps_contents_and_reuses_room),
		cmocka_unit_test(dup_helpers_copy),
		cmocka_unit_test(gfp_dma_comes_from_zone_dma_caches),
		cmocka_unit_test(variants_are_picked_by_gfp),
		cmocka_unit_test(kvmalloc_family_round_trips),
		cmocka_unit_test(kfree_sensitive_clears_before_freeing),
		cmocka_unit_test(failslab_applies_to_kmalloc),
		cmocka_unit_test(kfree_from_other_threads_gives_objects_back),
		cmocka_unit_test(kfree_of_a_foreign_pointer_is_reported),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
