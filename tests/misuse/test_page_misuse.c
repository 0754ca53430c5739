/*
 * test_page_misuse.c - deliberate misuse of the page allocator: each one is caught by exactly
 * one report of the expected kind, and the allocator is left intact.
 *
 * Like the kernel's slub KUnit test counting slab_errors, every case asserts the exact number
 * of reports by id, the report's first line, and then that nothing was corrupted: the free
 * lists add up, nr_free_pages() is what it should be, and every order can still be allocated
 * and freed. A block the allocator refuses to take back (the kernel's bad_page() leaks it) is
 * accounted as leaked, never as free.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include "mm/internal.h"

static unsigned long boot_free;

static int boot(void **state)
{
	struct kmm_config cfg = {
		.profile = "x86_32",
		.mem_bytes = 64ULL << 20,
		.cpus = 2,
	};

	if (kmm_boot(&cfg))
		return -1;
	drain_local_pages();
	boot_free = nr_free_pages();
	kmm_report_capture_begin();
	return 0;
}

static int shutdown(void **state)
{
	kmm_report_capture_end();
	kmm_shutdown();
	return 0;
}

/* The one captured report is of category @id and its first line begins with @title. */
static void assert_one_report(const char *id, const char *title)
{
	const char *text;

	assert_int_equal(kmm_report_captured(NULL), 1);
	assert_int_equal(kmm_report_captured(id), 1);
	text = kmm_report_captured_text(0);
	assert_non_null(text);
	if (strncmp(text, title, strlen(title)) != 0)
		fail_msg("report begins \"%.80s\", expected \"%s\"", text, title);
}

static void assert_reason(const char *reason)
{
	assert_int_equal(kmm_report_captured_find(reason), 1);
}

/*
 * Nothing corrupted: @leaked pages are missing from the boot state and no more, every zone's
 * free lists add up to its free_pages, and blocks of every order still come and go.
 */
static void assert_allocator_intact(unsigned long leaked)
{
	drain_local_pages();
	assert_int_equal(nr_free_pages(), boot_free - leaked);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		unsigned long sum = 0;

		for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++)
			sum += zones[i].free_area[o].nr_free << o;
		assert_int_equal(sum, zones[i].free_pages);
	}
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++) {
		struct page *page = alloc_pages(GFP_KERNEL, o);

		assert_non_null(page);
		assert_int_equal(page_count(page), 1);
		__free_pages(page, o);
	}
	drain_local_pages();
	assert_int_equal(nr_free_pages(), boot_free - leaked);
	/* The checks themselves reported nothing. */
	assert_int_equal(kmm_report_captured(NULL), 1);
}

static void double_free_pages_is_a_bad_page_state(void **state)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	assert_non_null(page);
	__free_pages(page, 0);
	assert_int_equal(kmm_report_captured(NULL), 0);
	__free_pages(page, 0);

	assert_one_report("bad_page", "BUG: Bad page state in process");
	assert_reason("page dumped because: VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
	assert_allocator_intact(0);
}

static void double_free_of_a_large_block_is_a_bad_page_state(void **state)
{
	struct page *page = alloc_pages(GFP_KERNEL, 5);

	assert_non_null(page);
	__free_pages(page, 5);
	__free_pages(page, 5);

	assert_one_report("bad_page", "BUG: Bad page state in process");
	assert_allocator_intact(0);
}

static void free_with_the_wrong_order_is_refused(void **state)
{
	struct page *page = alloc_pages(GFP_KERNEL, 2);

	assert_non_null(page);
	__free_pages(page, 1);

	assert_one_report("bad_page", "BUG: Bad page state in process");
	assert_reason("page dumped because: freed with order 1, allocated with order 2");
	/* None of the block went back under the wrong order: it is leaked whole. */
	assert_allocator_intact(4);
}

static void free_with_a_larger_order_than_allocated_is_refused(void **state)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	assert_non_null(page);
	__free_pages(page, 3);

	assert_one_report("bad_page", "BUG: Bad page state in process");
	assert_reason("page dumped because: freed with order 3, allocated with order 0");
	assert_allocator_intact(1);
}

static void free_pages_of_a_misaligned_address_is_a_bad_free(void **state)
{
	unsigned long addr = __get_free_pages(GFP_KERNEL, 1);

	assert_true(addr != 0);
	free_pages(addr + 100, 1);

	assert_one_report("bad_free", "BUG: free_pages(");
	assert_reason("address not page aligned");
	/* The block is untouched and still its owner's to free. */
	assert_int_equal(page_count(virt_to_page(addr)), 1);
	free_pages(addr, 1);
	assert_allocator_intact(0);
}

static void free_pages_of_an_address_outside_the_linear_map_is_a_bad_free(void **state)
{
	/* The first page past low memory: in the kernel window, but no RAM is mapped there. */
	free_pages((unsigned long)high_memory, 0);

	assert_one_report("bad_free", "BUG: free_pages(");
	assert_reason("not a linear-map address of RAM");
	assert_allocator_intact(0);
}

static void free_pages_of_a_host_heap_address_is_a_bad_free(void **state)
{
	void *host = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	assert_non_null(host);
	free_pages((unsigned long)host, 0);
	free(host);

	assert_one_report("bad_free", "BUG: free_pages(");
	assert_reason("not a linear-map address of RAM");
	assert_allocator_intact(0);
}

static void free_pages_of_a_struct_page_outside_mem_map_is_a_bad_free(void **state)
{
	struct page fake = { 0 };

	__free_pages(&fake, 0);

	assert_one_report("bad_free", "BUG: __free_pages(");
	assert_reason("not a struct page of RAM");
	assert_allocator_intact(0);
}

static void free_with_order_above_max_page_order_is_a_bad_free(void **state)
{
	struct page *page = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);

	assert_non_null(page);
	__free_pages(page, MAX_PAGE_ORDER + 1);

	assert_one_report("bad_free", "BUG: __free_pages(");
	assert_reason("order above MAX_PAGE_ORDER");
	assert_int_equal(page_count(page), 1);
	__free_pages(page, MAX_PAGE_ORDER);
	assert_allocator_intact(0);
}

static void put_page_on_a_free_page_is_a_bad_page_state(void **state)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	assert_non_null(page);
	__free_pages(page, 0);
	put_page(page);

	assert_one_report("bad_page", "BUG: Bad page state in process");
	assert_reason("VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
	assert_allocator_intact(0);
}

static void put_page_on_a_page_back_in_the_buddy_lists_is_a_bad_page_state(void **state)
{
	/* Order 4 bypasses the thread cache: the page is a buddy-list page again at once. */
	struct page *page = alloc_pages(GFP_KERNEL, PCP_MAX_ORDER + 1);

	assert_non_null(page);
	__free_pages(page, PCP_MAX_ORDER + 1);
	put_page(page);

	assert_one_report("bad_page", "BUG: Bad page state in process");
	assert_allocator_intact(0);
}

static void free_of_a_page_with_pg_reserved_reports_flags_set_at_free(void **state)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	assert_non_null(page);
	SetPageReserved(page);
	__free_pages(page, 0);

	assert_one_report("bad_page", "BUG: Bad page state in process");
	assert_reason("page dumped because: PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
	assert_int_equal(kmm_report_captured_find("reserved"), 1);
	/* As in the kernel, a bad page is taken out of circulation. */
	assert_allocator_intact(1);
}

static void get_page_on_a_free_page_is_a_bad_page_state(void **state)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	assert_non_null(page);
	__free_pages(page, 0);
	get_page(page);

	assert_one_report("bad_page", "BUG: Bad page state in process");
	assert_reason("VM_BUG_ON_PAGE(page_ref_count(page) <= 0)");
	/* The reference was refused, so the page stays free. */
	assert_int_equal(page_count(page), 0);
	assert_allocator_intact(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, boot, shutdown)
		T(double_free_pages_is_a_bad_page_state),
		T(double_free_of_a_large_block_is_a_bad_page_state),
		T(free_with_the_wrong_order_is_refused),
		T(free_with_a_larger_order_than_allocated_is_refused),
		T(free_pages_of_a_misaligned_address_is_a_bad_free),
		T(free_pages_of_an_address_outside_the_linear_map_is_a_bad_free),
		T(free_pages_of_a_host_heap_address_is_a_bad_free),
		T(free_pages_of_a_struct_page_outside_mem_map_is_a_bad_free),
		T(free_with_order_above_max_page_order_is_a_bad_free),
		T(put_page_on_a_free_page_is_a_bad_page_state),
		T(put_page_on_a_page_back_in_the_buddy_lists_is_a_bad_page_state),
		T(free_of_a_page_with_pg_reserved_reports_flags_set_at_free),
		T(get_page_on_a_free_page_is_a_bad_page_state),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
