/*
 * debug_pagealloc=1: free pages are out of the linear map, so a use after free_page() and a
 * write running off an allocated page into its free neighbour are the kernel's Oops at the
 * access, with a line naming the free page; allocated pages (and a freed page allocated
 * again) are reachable as ever.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/fault.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include <kmm/slab.h>

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_64",
				  .mem_bytes = 64 << 20,
				  .options = "debug_pagealloc=1" };

	return kmm_boot(&cfg);
}

static int teardown(void **state)
{
	kmm_shutdown();
	return 0;
}

/* Touch @addr (write if @write) expecting a fault; returns the faulting address, 0 if none. */
static unsigned long touch(volatile char *addr, bool write)
{
	struct kmm_fault_catch c;

	if (kmm_fault_expect(&c) == 0) {
		if (write)
			*addr = 1;
		else
			(void)*addr;
		kmm_fault_done(&c);
		return 0;
	}
	return c.addr;
}

static void a_use_after_free_page_is_an_oops_naming_the_page(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	char *p = page_address(page), pfn[64];

	memset(p, 1, PAGE_SIZE);
	__free_page(page);
	snprintf(pfn, sizeof(pfn), "(pfn 0x%lx) is free", page_to_pfn(page));
	kmm_report_capture_begin();
	assert_int_equal(touch(p + 100, false), (unsigned long)p + 100);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("BUG: unable to handle page fault for address: "),
			 1);
	assert_int_equal(kmm_report_captured_find("#PF: supervisor read access in kernel mode"), 1);
	assert_int_equal(kmm_report_captured_find(pfn), 1);
}

static void a_write_into_a_free_neighbour_is_an_oops(void **state)
{
	struct page *page = alloc_pages(GFP_KERNEL, 1);
	char *p = page_address(page);

	split_page(page, 1);
	__free_page(page + 1); /* the neighbour is free for sure */
	memset(p, 2, PAGE_SIZE); /* its own page is fine */
	kmm_report_capture_begin();
	assert_int_equal(touch(p + PAGE_SIZE, true), (unsigned long)p + PAGE_SIZE);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("#PF: supervisor write access in kernel mode"),
			 1);
	assert_int_equal(kmm_report_captured_find("debug_pagealloc: page"), 1);
	__free_page(page);
}

static void allocated_pages_and_slab_objects_stay_reachable(void **state)
{
	void *objs[64];
	struct page *page = alloc_pages(GFP_KERNEL, 2);

	kmm_report_capture_begin();
	memset(page_address(page), 3, 4 * PAGE_SIZE);
	__free_pages(page, 2);
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	memset(page_address(page), 4, 4 * PAGE_SIZE);
	for (int i = 0; i < 64; i++) {
		objs[i] = kmalloc(2000, GFP_KERNEL);
		memset(objs[i], 5, 2000);
	}
	for (int i = 0; i < 64; i++)
		kfree(objs[i]);
	__free_pages(page, 2);
	assert_int_equal(kmm_report_capture_end(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_use_after_free_page_is_an_oops_naming_the_page,
						boot, teardown),
		cmocka_unit_test_setup_teardown(a_write_into_a_free_neighbour_is_an_oops, boot,
						teardown),
		cmocka_unit_test_setup_teardown(allocated_pages_and_slab_objects_stay_reachable,
						boot, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
