/*
 * test_fixmap.c - the fixmap: indices count down from FIXADDR_TOP, every slot lies inside the
 * fixmap area, named slots map a RAM page at a fixed address and clear_fixmap takes it away.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/fault.h>
#include <kmm/fixmap.h>
#include <kmm/highmem.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 1ULL << 30, .cpus = 2 };

	return kmm_boot(&cfg);
}

static int boot_arm32(void **state)
{
	struct kmm_config cfg = { .profile = "arm32", .mem_bytes = 1ULL << 30, .cpus = 4 };

	return kmm_boot(&cfg);
}

static void fixmap_indices_count_down_from_fixaddr_top(void **state)
{
	assert_int_equal(__fix_to_virt(FIX_HOLE), FIXADDR_TOP);
	assert_int_equal(fix_to_virt(FIX_APIC_BASE), FIXADDR_TOP - FIX_APIC_BASE * PAGE_SIZE);
	assert_int_equal(FIX_KMAP_END, FIX_KMAP_BEGIN + KM_MAX_IDX * (int)kmm_layout.nr_cpus - 1);
	for (int idx = 0; idx < __end_of_fixed_addresses; idx++) {
		unsigned long v = fix_to_virt((unsigned int)idx);

		assert_true(v > FIXADDR_START && v <= FIXADDR_TOP);
		assert_int_equal(virt_to_fix(v), idx);
		assert_int_equal(virt_to_fix(v + PAGE_SIZE - 1), idx);
	}
	if (kmm_layout.at_real_address && !strcmp(kmm_layout.profile, "x86_32"))
		assert_int_equal(FIXADDR_TOP, 0xfffff000UL);
}

static void set_fixmap_maps_a_ram_page_until_clear_fixmap(void **state)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	struct kmm_highmem_usage u;
	struct kmm_fault_catch c;
	volatile char *p;

	memcpy_to_page(page, 0, "fixed", 6);
	set_fixmap(FIX_TEXT_POKE0, page_to_phys(page));
	p = (volatile char *)fix_to_virt(FIX_TEXT_POKE0);
	assert_string_equal((const char *)p, "fixed");
	kmm_highmem_usage(&u);
	assert_int_equal(u.fixmap_named_set, 1);
	clear_fixmap(FIX_TEXT_POKE0);
	kmm_highmem_usage(&u);
	assert_int_equal(u.fixmap_named_set, 0);

	kmm_report_capture_begin();
	if (kmm_fault_expect(&c) == 0) {
		(void)p[0];
		kmm_fault_done(&c);
		fail();
	}
	kmm_report_capture_end();
	assert_int_equal(c.addr, (unsigned long)p);
	assert_int_equal(kmm_report_captured_find("is fixmap slot"), 1);
	__free_page(page);
}

static void set_fixmap_ro_is_read_only(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct kmm_fault_catch c;
	volatile char *p;

	set_fixmap_ro(FIX_DBGP_BASE, page_to_phys(page));
	p = (volatile char *)fix_to_virt(FIX_DBGP_BASE);
	assert_int_equal(p[0], ((char *)page_address(page))[0]);
	kmm_report_capture_begin();
	if (kmm_fault_expect(&c) == 0) {
		p[0] = 1;
		kmm_fault_done(&c);
		fail();
	}
	kmm_report_capture_end();
	assert_true(c.write);
	clear_fixmap(FIX_DBGP_BASE);
	__free_page(page);
}

static void arm32_fixmap_holds_every_cpus_kmap_slots(void **state)
{
	assert_int_equal(kmm_layout.nr_cpus, 4);
	assert_true(__fix_to_virt(FIX_KMAP_END) > FIXADDR_START);
	fixmap_indices_count_down_from_fixaddr_top(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fixmap_indices_count_down_from_fixaddr_top, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(set_fixmap_maps_a_ram_page_until_clear_fixmap, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(set_fixmap_ro_is_read_only, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(arm32_fixmap_holds_every_cpus_kmap_slots,
						boot_arm32, kmm_test_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
