/*
 * test_vmalloc_misuse.c - deliberate misuse of vmalloc, kmap and the fixmap: each is caught
 * with the kernel's words, counted exactly, and refused or repaired without corrupting the
 * vmalloc area or pkmap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/context.h>
#include <kmm/fixmap.h>
#include <kmm/highmem.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include <kmm/vmalloc.h>
#include "mm/vmalloc.h"

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 1ULL << 30, .cpus = 2 };
	int err = kmm_boot(&cfg);

	kmm_report_capture_begin();
	return err;
}

static int shutdown(void **state)
{
	kmm_report_capture_end();
	kmm_shutdown();
	return 0;
}

static void vfree_of_an_address_that_starts_no_area_is_reported(void **state)
{
	char *p = vmalloc(2 * PAGE_SIZE);
	unsigned long low = __get_free_page(GFP_KERNEL);

	vfree(p + PAGE_SIZE);
	vfree((void *)low);
	vfree(p + 1);
	assert_int_equal(kmm_report_captured("vfree_bad"), 3);
	assert_int_equal(kmm_report_captured_find("Trying to vfree() nonexistent vm area ("), 2);
	assert_int_equal(kmm_report_captured_find("Trying to vfree() bad address ("), 1);
	assert_int_equal(kmm_report_captured_find("WARNING: CPU: "), 3);
	/* Nothing was freed: the area is intact. */
	p[2 * PAGE_SIZE - 1] = 1;
	assert_int_equal(find_vm_area(p)->nr_pages, 2);
	vfree(p);
	free_page(low);
	assert_int_equal(kmm_report_captured(NULL), 3);
	assert_true(vmalloc_state_valid());
}

static void a_double_vfree_is_reported_and_ignored(void **state)
{
	char *p = vmalloc(PAGE_SIZE);
	unsigned long used;

	vfree(p);
	used = vmalloc_nr_pages();
	vfree(p);
	assert_int_equal(kmm_report_captured("vfree_bad"), 1);
	assert_int_equal(kmm_report_captured_find("Trying to vfree() nonexistent vm area"), 1);
	assert_int_equal(vmalloc_nr_pages(), used);
	assert_true(vmalloc_state_valid());
}

static void vmalloc_of_zero_bytes_returns_null_and_warns_once(void **state)
{
	assert_null(vmalloc(0));
	assert_null(vzalloc(0));
	assert_int_equal(kmm_report_captured("vmalloc_size"), 1);
	assert_int_equal(kmm_report_captured_find("__vmalloc_node_range"), 1);
}

static void a_size_beyond_ram_is_refused(void **state)
{
	assert_null(vmalloc(2UL << 30));
	assert_null(__vmalloc(2UL << 30, GFP_KERNEL | __GFP_NOWARN));
	assert_int_equal(kmm_report_captured("vmalloc_error"), 1);
	/* A second failure so soon falls under warn_alloc's limit (one report per 10 s). */
	assert_null(vmalloc(~0UL - 10));
	assert_int_equal(kmm_report_captured("vmalloc_error"), 1);
	assert_int_equal(kmm_report_captured_find("vmalloc error: size 2147483648, exceeds total "
						  "pages, mode:0xcc0(GFP_KERNEL)"),
			 1);
}

static void a_size_beyond_the_vmalloc_area_fails_cleanly(void **state)
{
	unsigned long area = VMALLOC_END - VMALLOC_START;

	assert_null(vmalloc(area));
	assert_int_equal(kmm_report_captured_find("vmap allocation for size"), 1);
	assert_int_equal(kmm_report_captured_find("vm_struct allocation failed"), 1);
	assert_true(vmalloc_state_valid());
	assert_int_equal(vmalloc_nr_pages(), 0);
}

static void vmalloc_in_atomic_context_is_reported_by_might_sleep(void **state)
{
	char *p;

	preempt_disable();
	p = vmalloc(PAGE_SIZE);
	preempt_enable();
	assert_non_null(p);
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	assert_int_equal(kmm_report_captured_find("src/mm/vmalloc.c"), 1);
	vfree(p);
}

static void vfree_in_interrupt_context_is_deferred(void **state)
{
	char *p = vmalloc(4 * PAGE_SIZE);

	preempt_count_add(HARDIRQ_OFFSET);
	vfree(p);
	vfree(p); /* the double free is still caught while the first waits */
	preempt_count_sub(HARDIRQ_OFFSET);
	assert_int_equal(kmm_report_captured("might_sleep"), 0);
	assert_int_equal(kmm_report_captured_find("Trying to vfree() nonexistent vm area"), 1);
	/* A work item frees it in process context; vm_unmap_aliases() waits for it. */
	vm_unmap_aliases();
	assert_int_equal(vmalloc_nr_pages(), 0);
	assert_true(vmalloc_state_valid());
}

static void vfree_under_a_spinlock_is_reported_and_deferred(void **state)
{
	char *p = vmalloc(PAGE_SIZE);
	char *q = vmalloc(PAGE_SIZE);

	preempt_disable();
	vfree(p);
	vfree_atomic(q);
	preempt_enable();
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	vfree(vmalloc(PAGE_SIZE));
	vm_unmap_aliases();
	assert_int_equal(vmalloc_nr_pages(), 0);
	assert_int_equal(kmm_report_captured(NULL), 1);
}

static void vunmap_of_a_non_vmap_address_is_reported(void **state)
{
	vunmap((void *)VMALLOC_START);
	assert_int_equal(kmm_report_captured_find("Trying to vunmap() nonexistent vm area"), 1);
}

static void kunmap_of_a_page_that_is_not_kmapped_is_a_bug(void **state)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	struct page *low = alloc_page(GFP_KERNEL);

	kunmap(page);
	assert_int_equal(kmm_report_captured("kunmap_bad"), 1);
	kmap(page);
	kunmap(page);
	kunmap(page); /* one too many */
	assert_int_equal(kmm_report_captured("kunmap_bad"), 2);
	assert_int_equal(kmm_report_captured_find("kernel BUG at src/mm/highmem.c:"), 2);
	kunmap(low); /* low memory has nothing to undo: fine */
	assert_int_equal(kmm_report_captured(NULL), 2);
	/* pkmap still works. */
	assert_non_null(kmap(page));
	kunmap(page);
	__free_page(page);
	__free_page(low);
}

static void kunmap_local_out_of_order_is_reported_and_repaired(void **state)
{
	struct page *a = alloc_page(GFP_HIGHUSER), *b = alloc_page(GFP_HIGHUSER);
	char *va = kmap_local_page(a);
	char *vb = kmap_local_page(b);
	struct kmm_highmem_usage u;

	kunmap_local(va);
	assert_int_equal(kmm_report_captured("kmap_local_order"), 1);
	assert_int_equal(kmm_report_captured_find("out of order"), 1);
	vb[0] = 3; /* the other mapping is untouched */
	kunmap_local(vb);
	kunmap_local(vb); /* nothing left to unmap */
	assert_int_equal(kmm_report_captured("kmap_local_order"), 2);
	assert_int_equal(kmm_report_captured_find("does not hold"), 1);
	kmm_highmem_usage(&u);
	assert_int_equal(u.fixmap_kmap_in_use, 0);
	__free_page(a);
	__free_page(b);
}

static void kmap_local_nesting_beyond_km_max_idx_is_a_bug(void **state)
{
	struct page *pages[KM_MAX_IDX + 1];
	void *addr[KM_MAX_IDX + 1];

	for (int i = 0; i <= KM_MAX_IDX; i++) {
		pages[i] = alloc_page(GFP_HIGHUSER);
		addr[i] = kmap_local_page(pages[i]);
	}
	assert_null(addr[KM_MAX_IDX]);
	assert_int_equal(kmm_report_captured("kmap_local_overflow"), 1);
	for (int i = KM_MAX_IDX - 1; i >= 0; i--)
		kunmap_local(addr[i]);
	for (int i = 0; i <= KM_MAX_IDX; i++)
		__free_page(pages[i]);
	assert_int_equal(kmm_report_captured(NULL), 1);
}

static void sleeping_inside_kmap_atomic_is_reported(void **state)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	char *k = kmap_atomic(page);

	assert_true(in_atomic());
	k[0] = 1;
	kunmap_atomic(kmap(page)); /* kmap may sleep; and its address is no kmap_atomic one */
	kunmap_atomic(k);
	assert_false(in_atomic());
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	kunmap(page);
	__free_page(page);
}

static void set_fixmap_refuses_kmap_slots_and_non_ram(void **state)
{
	set_fixmap(FIX_KMAP_BEGIN, 0x100000);
	set_fixmap(FIX_APIC_BASE, 0xfee00000ULL + (8ULL << 30));
	assert_int_equal(kmm_report_captured("fixmap"), 2);
	assert_int_equal(kmm_report_captured_find("not a named fixmap slot"), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, boot, shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(vfree_of_an_address_that_starts_no_area_is_reported),
		T(a_double_vfree_is_reported_and_ignored),
		T(vmalloc_of_zero_bytes_returns_null_and_warns_once),
		T(a_size_beyond_ram_is_refused),
		T(a_size_beyond_the_vmalloc_area_fails_cleanly),
		T(vmalloc_in_atomic_context_is_reported_by_might_sleep),
		T(vfree_in_interrupt_context_is_deferred),
		T(vfree_under_a_spinlock_is_reported_and_deferred),
		T(vunmap_of_a_non_vmap_address_is_reported),
		T(kunmap_of_a_page_that_is_not_kmapped_is_a_bug),
		T(kunmap_local_out_of_order_is_reported_and_repaired),
		T(kmap_local_nesting_beyond_km_max_idx_is_a_bug),
		T(sleeping_inside_kmap_atomic_is_reported),
		T(set_fixmap_refuses_kmap_slots_and_non_ram),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
