/*
 * alloc_pages_bulk_array: fills only the empty entries, obeys the zone rules of its flags,
 * stops short (with a filled prefix) when memory runs out, and honours fault injection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/fault_inject.h>
#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include "machine/stats.h"

#define NR 300

static int boot_1g(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 1ULL << 30 };

	return kmm_boot(&cfg);
}

static int boot_small(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32",
				  .mem_bytes = 16ULL << 20,
				  .options = "gfp_wait_ms=10,reserve_low_mb=0" };

	return kmm_boot(&cfg);
}

static void free_all(struct page **pages, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (pages[i])
			__free_pages(pages[i], 0);
}

static void bulk_fills_every_empty_entry_with_a_distinct_page(void **state)
{
	static struct page *pages[NR];
	unsigned long normal = stats_read(STAT_PGALLOC_NORMAL);

	memset(pages, 0, sizeof(pages));
	assert_int_equal(alloc_pages_bulk_array(GFP_KERNEL, NR, pages), NR);
	for (int i = 0; i < NR; i++) {
		assert_non_null(pages[i]);
		assert_int_equal(page_count(pages[i]), 1);
		assert_false(PageHighMem(pages[i]));
		for (int j = 0; j < i; j++)
			assert_ptr_not_equal(pages[i], pages[j]);
	}
	assert_int_equal(stats_read(STAT_PGALLOC_NORMAL) - normal, NR);
	free_all(pages, NR);
}

static void bulk_keeps_the_entries_already_set(void **state)
{
	struct page *mine = alloc_page(GFP_KERNEL);
	struct page *pages[8] = { NULL, mine, NULL, NULL, mine, NULL, NULL, NULL };

	assert_non_null(mine);
	assert_int_equal(alloc_pages_bulk_array(GFP_KERNEL, 8, pages), 8);
	assert_ptr_equal(pages[1], mine);
	assert_ptr_equal(pages[4], mine);
	pages[4] = NULL;
	free_all(pages, 8);
}

static void bulk_highuser_takes_high_memory(void **state)
{
	struct page *pages[16] = { NULL };

	assert_int_equal(alloc_pages_bulk_array(GFP_HIGHUSER, 16, pages), 16);
	for (int i = 0; i < 16; i++)
		assert_true(PageHighMem(pages[i]));
	free_all(pages, 16);
}

static void bulk_gives_back_what_it_takes(void **state)
{
	static struct page *pages[NR];
	unsigned long before;

	drain_local_pages();
	before = nr_free_pages();
	memset(pages, 0, sizeof(pages));
	assert_int_equal(alloc_pages_bulk_array(GFP_KERNEL, NR, pages), NR);
	free_all(pages, NR);
	drain_local_pages();
	assert_int_equal(nr_free_pages(), before);
}

static void bulk_stops_short_with_a_filled_prefix_when_memory_runs_out(void **state)
{
	static struct page *pages[8192];
	unsigned long got;

	memset(pages, 0, sizeof(pages));
	kmm_report_capture_begin();
	got = alloc_pages_bulk_array(GFP_KERNEL | __GFP_NOWARN, 8192, pages);
	kmm_report_capture_end();
	assert_true(got > 1000);
	assert_true(got < 4096);
	for (unsigned long i = 0; i < 8192; i++)
		assert_true((pages[i] != NULL) == (i < got));
	free_all(pages, got);
}

static void bulk_fails_under_fail_page_alloc(void **state)
{
	struct page *pages[4] = { NULL };

	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=100"), 0);
	assert_int_equal(alloc_pages_bulk_array(GFP_KERNEL, 4, pages), 0);
	assert_null(pages[0]);
	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=0"), 0);
	assert_int_equal(alloc_pages_bulk_array(GFP_KERNEL, 4, pages), 4);
	free_all(pages, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bulk_fills_every_empty_entry_with_a_distinct_page,
						boot_1g, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(bulk_keeps_the_entries_already_set, boot_1g,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(bulk_highuser_takes_high_memory, boot_1g,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(bulk_gives_back_what_it_takes, boot_1g,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(
			bulk_stops_short_with_a_filled_prefix_when_memory_runs_out, boot_small,
			kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(bulk_fails_under_fail_page_alloc, boot_1g,
						kmm_test_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
