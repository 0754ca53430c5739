/*
 * The event counters: counted where the event happens, per zone, summed over live and exited
 * threads, reset by a new boot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include "machine/stats.h"

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 1ULL << 30 };

	return kmm_boot(&cfg);
}

static void pgalloc_counts_pages_of_the_zone_used(void **state)
{
	unsigned long normal = stats_read(STAT_PGALLOC_NORMAL);
	unsigned long high = stats_read(STAT_PGALLOC_HIGH);
	unsigned long dma = stats_read(STAT_PGALLOC_DMA);
	struct page *a = alloc_pages(GFP_KERNEL, 3);
	struct page *b = alloc_pages(GFP_HIGHUSER, 1);
	struct page *c = alloc_pages(GFP_KERNEL | GFP_DMA, 0);

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal(stats_read(STAT_PGALLOC_NORMAL) - normal, 8);
	assert_int_equal(stats_read(STAT_PGALLOC_HIGH) - high, 2);
	assert_int_equal(stats_read(STAT_PGALLOC_DMA) - dma, 1);
	__free_pages(a, 3);
	__free_pages(b, 1);
	__free_pages(c, 0);
}

static void pgfree_counts_freed_pages(void **state)
{
	unsigned long freed = stats_read(STAT_PGFREE);
	struct page *p = alloc_pages(GFP_KERNEL, 2);

	assert_non_null(p);
	assert_int_equal(stats_read(STAT_PGFREE), freed);
	__free_pages(p, 2);
	assert_int_equal(stats_read(STAT_PGFREE) - freed, 4);
}

static void *alloc_and_exit(void *arg)
{
	__free_pages(alloc_pages(GFP_KERNEL, 4), 4);
	return NULL;
}

static void counts_survive_the_thread_that_made_them(void **state)
{
	unsigned long normal = stats_read(STAT_PGALLOC_NORMAL);
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, alloc_and_exit, NULL), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(stats_read(STAT_PGALLOC_NORMAL) - normal, 16);
}

static void a_new_boot_starts_from_zero(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	__free_pages(alloc_pages(GFP_KERNEL, 0), 0);
	assert_true(stats_read(STAT_PGFREE) > 0);
	kmm_shutdown();
	assert_int_equal(kmm_boot(&cfg), 0);
	assert_int_equal(stats_read(STAT_PGFREE), 0);
	assert_int_equal(stats_read(STAT_PGALLOC_NORMAL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pgalloc_counts_pages_of_the_zone_used),
		cmocka_unit_test(pgfree_counts_freed_pages),
		cmocka_unit_test(counts_survive_the_thread_that_made_them),
		cmocka_unit_test(a_new_boot_starts_from_zero),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
