/*
 * test_vmalloc_fault.c - faults in the kernel window become the kernel's Oops report: a linear
 * overflow into a vmalloc guard page, a use after vfree() (debug mode, or after the lazy purge),
 * a write to a read-only vmap, a touch of an unmapped pkmap slot. Each test arms a recovery
 * point with kmm_fault_expect() and checks where the fault was and what was reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/fault.h>
#include <kmm/highmem.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include <kmm/vmalloc.h>

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 1ULL << 30, .cpus = 2 };

	return kmm_boot(&cfg);
}

static int boot_debug(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32",
				  .mem_bytes = 1ULL << 30,
				  .cpus = 2,
				  .options = "vmalloc_debug=1" };

	return kmm_boot(&cfg);
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
	assert_int_equal(c.write, write);
	return c.addr;
}

static void an_overflow_into_the_guard_page_is_an_oops(void **state)
{
	char *p = vmalloc(2 * PAGE_SIZE);
	const char *text;

	p[2 * PAGE_SIZE - 1] = 1; /* the last byte is fine */
	kmm_report_capture_begin();
	assert_int_equal(touch(p + 2 * PAGE_SIZE, true), (unsigned long)p + 2 * PAGE_SIZE);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("page_fault"), 1);
	text = kmm_report_captured_text(0);
	assert_non_null(strstr(text, "BUG: unable to handle page fault for address: "));
	assert_non_null(strstr(text, "#PF: supervisor write access in kernel mode\n"));
	assert_non_null(strstr(text, "#PF: error_code(0x0002) - not-present page\n"));
	assert_non_null(strstr(text, "Oops: 0002 [#1] PREEMPT SMP\n"));
	assert_non_null(strstr(text, "in the guard page"));
	assert_non_null(strstr(text, "Call Trace:"));
	assert_int_equal(kmm_fault_oops_count(), 1);

	kmm_report_capture_begin();
	assert_int_equal(touch(p + 2 * PAGE_SIZE + 100, false),
			 (unsigned long)p + 2 * PAGE_SIZE + 100);
	kmm_report_capture_end();
	assert_int_equal(kmm_report_captured_find("#PF: supervisor read access in kernel mode"), 1);
	assert_int_equal(kmm_report_captured_find("Oops: 0000 [#2]"), 1);
	vfree(p);
}

static void a_write_to_a_read_only_vmap_is_a_permissions_violation(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	char *v = vmap(&page, 1, VM_MAP, PAGE_KERNEL_RO);

	assert_non_null(v);
	assert_int_equal(touch(v, false), 0);
	kmm_report_capture_begin();
	assert_int_equal(touch(v + 8, true), (unsigned long)v + 8);
	kmm_report_capture_end();
	assert_int_equal(
		kmm_report_captured_find("#PF: error_code(0x0003) - permissions violation"), 1);
	vunmap(v);
	__free_page(page);
}

static void without_debug_a_freed_area_stays_mapped_until_the_purge(void **state)
{
	char *p = vmalloc(PAGE_SIZE);

	vfree(p);
	/* Like a stale TLB entry: the kernel's lazy freeing has the same window. */
	assert_int_equal(touch(p, false), 0);
	vm_unmap_aliases();
	kmm_report_capture_begin();
	assert_int_equal(touch(p, false), (unsigned long)p);
	kmm_report_capture_end();
	assert_int_equal(kmm_report_captured_find("is in no vmalloc area"), 1);
}

static void in_debug_mode_a_use_after_vfree_faults_at_once(void **state)
{
	char *p = vmalloc(3 * PAGE_SIZE);

	p[PAGE_SIZE] = 5;
	vfree(p);
	kmm_report_capture_begin();
	assert_int_equal(touch(p + PAGE_SIZE, true), (unsigned long)p + PAGE_SIZE);
	kmm_report_capture_end();
	assert_int_equal(kmm_report_captured_find("freed by vfree()"), 1);
	assert_int_equal(
		kmm_report_captured_find("in_debug_mode_a_use_after_vfree_faults_at_once+0x"), 1);
}

static void in_debug_mode_a_kunmapped_pkmap_slot_faults(void **state)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	char *k = kmap(page);

	k[0] = 1;
	kunmap(page);
	assert_null(page_address(page));
	kmm_report_capture_begin();
	assert_int_equal(touch(k, false), (unsigned long)k);
	kmm_report_capture_end();
	assert_int_equal(kmm_report_captured_find("pkmap slot"), 1);
	__free_page(page);
}

static void a_reused_area_still_ends_in_a_guard_page(void **state)
{
	struct page *pages[2] = { alloc_page(GFP_KERNEL), alloc_page(GFP_KERNEL) };
	char *v = vmap(pages, 2, VM_MAP | VM_NO_GUARD, PAGE_KERNEL);
	char *p;

	/* Same two pages of address space, but the old area had no guard: never reused. */
	vunmap(v);
	p = vmalloc(PAGE_SIZE);
	kmm_report_capture_begin();
	assert_int_equal(touch(p + PAGE_SIZE, true), (unsigned long)p + PAGE_SIZE);
	kmm_report_capture_end();
	vfree(p);
	/* A guarded area of the same size is taken back, guard and all. */
	assert_ptr_equal(vmalloc(PAGE_SIZE), p);
	kmm_report_capture_begin();
	assert_int_equal(touch(p + PAGE_SIZE, false), (unsigned long)p + PAGE_SIZE);
	kmm_report_capture_end();
	vfree(p);
	__free_page(pages[0]);
	__free_page(pages[1]);
}

static void recovery_points_nest(void **state)
{
	char *p = vmalloc(PAGE_SIZE);
	struct kmm_fault_catch outer;

	kmm_report_capture_begin();
	if (kmm_fault_expect(&outer) == 0) {
		assert_int_equal(touch(p + PAGE_SIZE, false), (unsigned long)p + PAGE_SIZE);
		/* The inner point is gone: this one returns to the outer. */
		p[PAGE_SIZE] = 1;
		kmm_fault_done(&outer);
		fail();
	}
	kmm_report_capture_end();
	assert_int_equal(outer.addr, (unsigned long)p + PAGE_SIZE);
	assert_int_equal(kmm_report_captured("page_fault"), 2);
	vfree(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(an_overflow_into_the_guard_page_is_an_oops, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(
			a_write_to_a_read_only_vmap_is_a_permissions_violation, boot,
			kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(
			without_debug_a_freed_area_stays_mapped_until_the_purge, boot,
			kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(in_debug_mode_a_use_after_vfree_faults_at_once,
						boot_debug, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(in_debug_mode_a_kunmapped_pkmap_slot_faults,
						boot_debug, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(a_reused_area_still_ends_in_a_guard_page, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(recovery_points_nest, boot, kmm_test_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
