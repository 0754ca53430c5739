/*
 * test_memmap.c - struct page and the conversions between virtual addresses, physical
 * addresses, pfns and pages; and the aliasing of the linear map with kmm's physical view.
 *
 * Most tests run on the default x86_32 machine with 1 GiB (low and high memory); the arm32
 * ones check that PHYS_OFFSET enters every formula.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/page.h>
#include <kmm/page_alloc.h>
#include "machine/machine.h"
#include "mm/internal.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static int boot(const char *profile, unsigned long long mem)
{
	struct kmm_config cfg = { .profile = profile, .mem_bytes = mem, .cpus = 2 };

	return kmm_boot(&cfg);
}

static int boot_x86_32(void **state)
{
	return boot("x86_32", GiB);
}

static int boot_arm32(void **state)
{
	return boot("arm32", GiB);
}

static int boot_x86_64(void **state)
{
	return boot("x86_64", 256 * MiB);
}

/* A few physical addresses of low memory, from the first byte to the last. */
static void check_phys_virt_round_trips(void)
{
	const phys_addr_t low_end = PFN_PHYS(max_low_pfn);
	const phys_addr_t phys[] = {
		PHYS_OFFSET,
		PHYS_OFFSET + 1,
		PHYS_OFFSET + 16 * MiB - 1,
		PHYS_OFFSET + 16 * MiB,
		PHYS_OFFSET + 0x123456,
		low_end - PAGE_SIZE,
		low_end - 1,
	};

	for (size_t i = 0; i < sizeof(phys) / sizeof(phys[0]); i++) {
		void *v = phys_to_virt(phys[i]);

		assert_int_equal((unsigned long)v, phys[i] - PHYS_OFFSET + PAGE_OFFSET);
		assert_int_equal(virt_to_phys(v), phys[i]);
		assert_int_equal(__pa(__va(phys[i])), phys[i]);
		assert_ptr_equal(__va(__pa(v)), v);
		assert_int_equal(__phys_to_virt(__virt_to_phys(v)), (unsigned long)v);
	}
	assert_int_equal(virt_to_phys((void *)PAGE_OFFSET), PHYS_OFFSET);
	assert_ptr_equal(phys_to_virt(low_end), high_memory);
}

static void x86_32_virt_to_phys_and_back_is_the_identity(void **state)
{
	check_phys_virt_round_trips();
	assert_int_equal(virt_to_phys((void *)(PAGE_OFFSET + 0x5000)), 0x5000);
}

static void arm32_virt_to_phys_adds_phys_offset(void **state)
{
	check_phys_virt_round_trips();
	assert_int_equal(virt_to_phys((void *)(PAGE_OFFSET + 0x5000)), 0x60005000ULL);
	assert_ptr_equal(__va(0x60005000ULL), (void *)(PAGE_OFFSET + 0x5000));
}

static void check_pfn_page_round_trips(void)
{
	const unsigned long pfns[] = { ARCH_PFN_OFFSET, ARCH_PFN_OFFSET + 1, ARCH_PFN_OFFSET + 4096,
				       max_low_pfn - 1, max_low_pfn,	     max_pfn - 1 };

	for (size_t i = 0; i < sizeof(pfns) / sizeof(pfns[0]); i++) {
		struct page *page = pfn_to_page(pfns[i]);

		assert_ptr_equal(page, &mem_map[pfns[i] - ARCH_PFN_OFFSET]);
		assert_int_equal(page_to_pfn(page), pfns[i]);
		assert_int_equal(page_to_phys(page), PFN_PHYS(pfns[i]));
		assert_ptr_equal(phys_to_page(PFN_PHYS(pfns[i]) + 17), page);
		assert_true(pfn_valid(pfns[i]));
		if (pfns[i] < max_low_pfn) {
			void *addr = pfn_to_virt(pfns[i]);

			assert_ptr_equal(virt_to_page(addr), page);
			assert_ptr_equal(virt_to_page((char *)addr + PAGE_SIZE - 1), page);
			assert_int_equal(virt_to_pfn(addr), pfns[i]);
			assert_ptr_equal(page_address(page), addr);
		}
	}
}

static void x86_32_pfn_and_page_convert_both_ways(void **state)
{
	check_pfn_page_round_trips();
	assert_int_equal(ARCH_PFN_OFFSET, 0);
	assert_int_equal(max_pfn, GiB >> PAGE_SHIFT);
}

static void arm32_pfns_start_at_arch_pfn_offset(void **state)
{
	check_pfn_page_round_trips();
	assert_int_equal(ARCH_PFN_OFFSET, 0x60000);
	assert_ptr_equal(pfn_to_page(0x60000), mem_map);
	assert_int_equal(virt_to_pfn((void *)PAGE_OFFSET), 0x60000);
}

static void pfn_valid_is_true_exactly_for_ram_frames(void **state)
{
	assert_true(pfn_valid(ARCH_PFN_OFFSET));
	assert_true(pfn_valid(max_pfn - 1));
	assert_false(pfn_valid(max_pfn));
	assert_false(pfn_valid(max_pfn + 12345));
	assert_false(pfn_valid(~0UL));
}

static void arm32_pfns_below_phys_offset_are_not_valid(void **state)
{
	assert_false(pfn_valid(0));
	assert_false(pfn_valid(0x5ffff));
	assert_true(pfn_valid(0x60000));
}

static void virt_addr_valid_only_for_the_linear_map(void **state)
{
	int on_stack;
	void *on_heap = malloc(64);

	assert_true(virt_addr_valid((void *)PAGE_OFFSET));
	assert_true(virt_addr_valid((char *)PAGE_OFFSET + 12345));
	assert_true(virt_addr_valid((char *)high_memory - 1));
	assert_false(virt_addr_valid(high_memory));
	assert_false(virt_addr_valid((void *)VMALLOC_START));
	assert_false(virt_addr_valid((void *)(VMALLOC_END - 1)));
	assert_false(virt_addr_valid((void *)FIXADDR_START));
	assert_false(virt_addr_valid((void *)(PAGE_OFFSET - 1)));
	assert_false(virt_addr_valid(&on_stack));
	assert_false(virt_addr_valid(on_heap));
	assert_false(virt_addr_valid(NULL));
	free(on_heap);
}

static void virt_addr_valid_is_false_for_high_memory_addresses(void **state)
{
	/* Where the linear map would put high memory if it reached that far. */
	void *would_be = (char *)PAGE_OFFSET + (PFN_PHYS(max_low_pfn) - PHYS_OFFSET);
	void *last_would_be = (char *)PAGE_OFFSET + (PFN_PHYS(max_pfn - 1) - PHYS_OFFSET);

	assert_true(max_low_pfn < max_pfn);
	assert_false(virt_addr_valid(would_be));
	assert_false(virt_addr_valid(last_would_be));
	assert_false(virt_addr_valid((void *)PKMAP_BASE));
}

static void page_address_is_null_for_high_memory_and_linear_for_low(void **state)
{
	assert_null(page_address(pfn_to_page(max_low_pfn)));
	assert_null(page_address(pfn_to_page(max_pfn - 1)));
	assert_ptr_equal(page_address(pfn_to_page(max_low_pfn - 1)),
			 (char *)high_memory - PAGE_SIZE);
	assert_ptr_equal(page_address(pfn_to_page(ARCH_PFN_OFFSET)), (void *)PAGE_OFFSET);
}

static void page_high_mem_starts_at_max_low_pfn(void **state)
{
	assert_false(PageHighMem(pfn_to_page(ARCH_PFN_OFFSET)));
	assert_false(PageHighMem(pfn_to_page(max_low_pfn - 1)));
	assert_true(PageHighMem(pfn_to_page(max_low_pfn)));
	assert_true(PageHighMem(pfn_to_page(max_pfn - 1)));
}

static void x86_64_has_no_high_memory_pages(void **state)
{
	assert_int_equal(max_low_pfn, max_pfn);
	assert_false(PageHighMem(pfn_to_page(max_pfn - 1)));
	assert_non_null(page_address(pfn_to_page(max_pfn - 1)));
	assert_true(virt_addr_valid((char *)high_memory - 1));
}

static void x86_32_zones_are_dma_normal_highmem(void **state)
{
	const unsigned long dma_end = (16 * MiB) >> PAGE_SHIFT;

	assert_int_equal(page_zonenum(pfn_to_page(0)), ZONE_DMA);
	assert_int_equal(page_zonenum(pfn_to_page(dma_end - 1)), ZONE_DMA);
	assert_int_equal(page_zonenum(pfn_to_page(dma_end)), ZONE_NORMAL);
	assert_int_equal(page_zonenum(pfn_to_page(max_low_pfn - 1)), ZONE_NORMAL);
	assert_int_equal(page_zonenum(pfn_to_page(max_low_pfn)), ZONE_HIGHMEM);
	assert_int_equal(page_zonenum(pfn_to_page(max_pfn - 1)), ZONE_HIGHMEM);
	assert_ptr_equal(page_zone(pfn_to_page(dma_end)), &zones[ZONE_NORMAL]);
}

static void arm32_dma_zone_is_the_first_16_mib_of_ram(void **state)
{
	const unsigned long dma_end = ARCH_PFN_OFFSET + ((16 * MiB) >> PAGE_SHIFT);

	assert_int_equal(page_zonenum(pfn_to_page(ARCH_PFN_OFFSET)), ZONE_DMA);
	assert_int_equal(page_zonenum(pfn_to_page(dma_end - 1)), ZONE_DMA);
	assert_int_equal(page_zonenum(pfn_to_page(dma_end)), ZONE_NORMAL);
	assert_int_equal(page_zonenum(pfn_to_page(max_low_pfn)), ZONE_HIGHMEM);
}

static void x86_64_zones_are_dma_and_dma32_below_4_gib(void **state)
{
	const unsigned long dma_end = (16 * MiB) >> PAGE_SHIFT;

	assert_int_equal(page_zonenum(pfn_to_page(dma_end - 1)), ZONE_DMA);
	assert_int_equal(page_zonenum(pfn_to_page(dma_end)), ZONE_DMA32);
	assert_int_equal(page_zonenum(pfn_to_page(max_pfn - 1)), ZONE_DMA32);
	assert_false(zone_populated(&zones[ZONE_NORMAL]));
}

static void linear_map_writes_are_seen_through_the_physical_view(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned char *linear, *phys;

	assert_non_null(page);
	linear = page_address(page);
	phys = machine_phys_ptr(page_to_phys(page));
	assert_ptr_not_equal(linear, phys);

	memset(linear, 0x5a, PAGE_SIZE);
	for (size_t i = 0; i < PAGE_SIZE; i += 511)
		assert_int_equal(phys[i], 0x5a);
	phys[100] = 0xc3;
	assert_int_equal(linear[100], 0xc3);
	__free_page(page);
}

static void the_last_low_page_is_aliased_too(void **state)
{
	/* Frame contents, not allocator state: write the highest linear-map byte directly. */
	volatile unsigned char *last = (unsigned char *)high_memory - 1;

	*last = 0x77;
	assert_int_equal(*(unsigned char *)machine_phys_ptr(virt_to_phys((void *)last)), 0x77);
	*last = 0;
}

static void arm32_physical_view_is_indexed_by_physical_address(void **state)
{
	unsigned long addr = __get_free_page(GFP_KERNEL);
	unsigned char *phys;

	assert_true(addr != 0);
	phys = machine_phys_ptr(virt_to_phys((void *)addr));
	assert_in_range(virt_to_phys((void *)addr), 0x60000000ULL, 0x60000000ULL + 768 * MiB - 1);
	((unsigned char *)addr)[7] = 0x99;
	assert_int_equal(phys[7], 0x99);
	free_page(addr);
}

#define X86_32(fn) cmocka_unit_test_setup_teardown(fn, boot_x86_32, kmm_test_shutdown)
#define ARM32(fn) cmocka_unit_test_setup_teardown(fn, boot_arm32, kmm_test_shutdown)
#define X86_64(fn) cmocka_unit_test_setup_teardown(fn, boot_x86_64, kmm_test_shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		X86_32(x86_32_virt_to_phys_and_back_is_the_identity),
		ARM32(arm32_virt_to_phys_adds_phys_offset),
		X86_32(x86_32_pfn_and_page_convert_both_ways),
		ARM32(arm32_pfns_start_at_arch_pfn_offset),
		X86_32(pfn_valid_is_true_exactly_for_ram_frames),
		ARM32(pfn_valid_is_true_exactly_for_ram_frames),
		ARM32(arm32_pfns_below_phys_offset_are_not_valid),
		X86_32(virt_addr_valid_only_for_the_linear_map),
		ARM32(virt_addr_valid_only_for_the_linear_map),
		X86_64(virt_addr_valid_only_for_the_linear_map),
		X86_32(virt_addr_valid_is_false_for_high_memory_addresses),
		ARM32(virt_addr_valid_is_false_for_high_memory_addresses),
		X86_32(page_address_is_null_for_high_memory_and_linear_for_low),
		ARM32(page_address_is_null_for_high_memory_and_linear_for_low),
		X86_32(page_high_mem_starts_at_max_low_pfn),
		X86_64(x86_64_has_no_high_memory_pages),
		X86_32(x86_32_zones_are_dma_normal_highmem),
		ARM32(arm32_dma_zone_is_the_first_16_mib_of_ram),
		X86_64(x86_64_zones_are_dma_and_dma32_below_4_gib),
		X86_32(linear_map_writes_are_seen_through_the_physical_view),
		X86_32(the_last_low_page_is_aliased_too),
		ARM32(arm32_physical_view_is_indexed_by_physical_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
