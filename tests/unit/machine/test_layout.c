/*
 * test_layout.c - booting each profile, and the kernel's relations between the areas of its
 * virtual address layout.
 *
 * Addresses are compared relative to PAGE_OFFSET (the window may be moved on this host); the
 * absolute 0xC0000000 is checked only when the window sits at the real address. Every test
 * boots its own machine and the teardown shuts it down.
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
#include <kmm/layout.h>
#include <kmm/page_alloc.h>
#include "machine/cpu.h"
#include "arch/profile.h"
#include "mm/internal.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* The 32-bit profiles' real PAGE_OFFSET: model addresses are measured from it. */
#define MODEL_PAGE_OFFSET 0xC0000000UL

static int boot(const char *profile, unsigned long long mem, unsigned int cpus)
{
	struct kmm_config cfg = { .profile = profile, .mem_bytes = mem, .cpus = cpus };

	return kmm_boot(&cfg);
}

/* Where @addr would be if the window sat at the real address (32-bit profiles). */
static unsigned long model(unsigned long addr)
{
	return addr - PAGE_OFFSET + MODEL_PAGE_OFFSET;
}

static int clean_env(void **state)
{
	unsetenv("KMM_PROFILE");
	unsetenv("KMM_MEM");
	unsetenv("KMM_CPUS");
	unsetenv("KMM_OPTIONS");
	return 0;
}

static int shutdown(void **state)
{
	kmm_shutdown();
	clean_env(state);
	return 0;
}

static void null_config_boots_x86_32_with_1_gib_and_2_cpus(void **state)
{
	assert_int_equal(kmm_boot(NULL), 0);
	assert_true(kmm_booted());
	assert_string_equal(kmm_layout.profile, "x86_32");
	assert_int_equal(max_pfn - ARCH_PFN_OFFSET, GiB >> PAGE_SHIFT);
	assert_int_equal(kmm_layout.nr_cpus, 2);
}

static void x86_32_lowmem_is_896_mib_at_0xc0000000(void **state)
{
	assert_int_equal(boot("x86_32", GiB, 1), 0);
	assert_int_equal(PHYS_OFFSET, 0);
	assert_int_equal((unsigned long)high_memory - PAGE_OFFSET, 896 * MiB);
	assert_int_equal(max_low_pfn, (896 * MiB) >> PAGE_SHIFT);
	assert_int_equal(max_pfn, GiB >> PAGE_SHIFT);
	assert_int_equal(model((unsigned long)high_memory), 0xF8000000UL);
	if (kmm_layout.at_real_address) {
		assert_int_equal(PAGE_OFFSET, 0xC0000000UL);
		assert_int_equal(kmm_layout.window_start, 0xC0000000UL);
	}
	assert_int_equal(kmm_layout.window_start, PAGE_OFFSET);
	assert_int_equal(kmm_layout.window_end - kmm_layout.window_start, GiB);
}

static void x86_32_vmalloc_starts_vmalloc_offset_above_high_memory(void **state)
{
	assert_int_equal(boot("x86_32", GiB, 2), 0);
	assert_int_equal(VMALLOC_OFFSET, 8 * MiB);
	assert_int_equal(VMALLOC_START, (unsigned long)high_memory + VMALLOC_OFFSET);
	assert_true(VMALLOC_START < VMALLOC_END);
}

static void x86_32_vmalloc_ends_two_pages_below_pkmap(void **state)
{
	assert_int_equal(boot("x86_32", GiB, 2), 0);
	assert_int_equal(LAST_PKMAP, 1024);
	assert_int_equal(VMALLOC_END, PKMAP_BASE - 2 * PAGE_SIZE);
	/* PKMAP_BASE is PMD (4 MiB) aligned in the model. */
	assert_int_equal(model(PKMAP_BASE) % (4 * MiB), 0);
}

static void x86_32_pkmap_lies_below_the_fixmap(void **state)
{
	assert_int_equal(boot("x86_32", GiB, 2), 0);
	assert_true(PKMAP_BASE + LAST_PKMAP * PAGE_SIZE <= FIXADDR_START);
	assert_true(FIXADDR_START < FIXADDR_TOP);
	assert_true(FIXADDR_TOP < kmm_layout.window_end);
}

static void x86_32_fixaddr_top_is_0xfffff000(void **state)
{
	assert_int_equal(boot("x86_32", GiB, 2), 0);
	assert_int_equal(model(FIXADDR_TOP), 0xFFFFF000UL);
	assert_int_equal(kmm_layout.window_end - FIXADDR_TOP, PAGE_SIZE);
	if (kmm_layout.at_real_address)
		assert_int_equal(FIXADDR_TOP, 0xFFFFF000UL);
}

static void x86_32_fixmap_grows_with_the_cpus(void **state)
{
	unsigned long one, four;

	assert_int_equal(boot("x86_32", 256 * MiB, 1), 0);
	one = FIXADDR_TOP - FIXADDR_START;
	kmm_shutdown();
	assert_int_equal(boot("x86_32", 256 * MiB, 4), 0);
	four = FIXADDR_TOP - FIXADDR_START;
	/* Each CPU has its own kmap_local slots. */
	assert_int_equal(four - one, 3 * KM_MAX_IDX * PAGE_SIZE);
}

static void i386_lowmem_ends_the_vmalloc_reserve_below_vmalloc_end(void **state)
{
	/* Linux 6.1's i386 MAXMEM: VMALLOC_END - PAGE_OFFSET - 128 MiB = 876 MiB less 8 KiB. */
	assert_int_equal(boot("i386", GiB, 1), 0);
	assert_int_equal(PHYS_OFFSET, 0);
	assert_int_equal((unsigned long)high_memory, VMALLOC_END - 128 * MiB);
	assert_int_equal((unsigned long)high_memory - PAGE_OFFSET, 0x36bfe000UL);
	assert_int_equal(max_low_pfn, 0x36bfe);
	assert_int_equal(max_pfn, GiB >> PAGE_SHIFT);
	assert_int_equal(model((unsigned long)high_memory), 0xF6BFE000UL);
	if (kmm_layout.at_real_address) {
		assert_int_equal(PAGE_OFFSET, 0xC0000000UL);
		assert_int_equal(kmm_layout.window_start, 0xC0000000UL);
	}
	assert_int_equal(kmm_layout.window_start, PAGE_OFFSET);
	assert_int_equal(kmm_layout.window_end - kmm_layout.window_start, GiB);
}

static void i386_layout_is_the_6_1_kernels(void **state)
{
	/* What Debian's 6.1 686 kernel printed for 1 GiB (tests/kernel/reference-x86_32/). */
	assert_int_equal(boot("i386", GiB, 1), 0);
	assert_int_equal(model(VMALLOC_START), 0xF73FE000UL);
	assert_int_equal(model(VMALLOC_END), 0xFEBFE000UL);
	assert_int_equal(model(PKMAP_BASE), 0xFEC00000UL);
	assert_int_equal(model(FIXADDR_START), 0xFFDB8000UL);
	assert_int_equal(model(FIXADDR_TOP), 0xFFFFF000UL);
}

static void i386_fixmap_has_room_for_every_cpu(void **state)
{
	unsigned long one, all;

	assert_int_equal(boot("i386", 256 * MiB, 1), 0);
	one = FIXADDR_TOP - FIXADDR_START;
	kmm_shutdown();
	assert_int_equal(boot("i386", 256 * MiB, KMM_MAX_CPUS), 0);
	all = FIXADDR_TOP - FIXADDR_START;
	/* Sized at build time for NR_CPUS (32, kmm's limit too), not for the CPUs booted. */
	assert_int_equal(one, all);
	assert_int_equal(all, 583 * PAGE_SIZE);
	assert_true(all >= (FIX_NAMED_SLOTS + KM_MAX_IDX * KMM_MAX_CPUS) * PAGE_SIZE);
}

static void i386_small_ram_gets_a_larger_vmalloc_area(void **state)
{
	unsigned long big_ram_area, small_ram_area;

	assert_int_equal(boot("i386", GiB, 2), 0);
	big_ram_area = VMALLOC_END - VMALLOC_START;
	kmm_shutdown();
	assert_int_equal(boot("i386", 512 * MiB, 2), 0);
	small_ram_area = VMALLOC_END - VMALLOC_START;
	/* Low memory shrank to 512 MiB; vmalloc takes all it gave up. */
	assert_int_equal(small_ram_area - big_ram_area, 0x36bfe000UL - 512 * MiB);
	assert_int_equal(VMALLOC_START, (unsigned long)high_memory + VMALLOC_OFFSET);
}

static void x86_32_512_mib_has_no_high_memory(void **state)
{
	assert_int_equal(boot("x86_32", 512 * MiB, 2), 0);
	assert_int_equal(LAST_PKMAP, 0);
	assert_int_equal(PKMAP_BASE, 0);
	assert_int_equal(max_low_pfn, max_pfn);
	assert_int_equal((unsigned long)high_memory - PAGE_OFFSET, 512 * MiB);
	assert_false(zone_populated(&zones[ZONE_HIGHMEM]));
}

static void x86_32_small_ram_gets_a_larger_vmalloc_area(void **state)
{
	unsigned long big_ram_area, small_ram_area;

	assert_int_equal(boot("x86_32", GiB, 2), 0);
	big_ram_area = VMALLOC_END - VMALLOC_START;
	kmm_shutdown();
	assert_int_equal(boot("x86_32", 512 * MiB, 2), 0);
	small_ram_area = VMALLOC_END - VMALLOC_START;
	/* Low memory shrank by 384 MiB; vmalloc takes all of it. */
	assert_int_equal(small_ram_area - big_ram_area, 384 * MiB);
	assert_int_equal(VMALLOC_START, (unsigned long)high_memory + VMALLOC_OFFSET);
}

static void arm32_ram_starts_at_phys_offset_0x60000000(void **state)
{
	assert_int_equal(boot("arm32", 64 * MiB, 1), 0);
	assert_int_equal(PHYS_OFFSET, 0x60000000ULL);
	assert_int_equal(ARCH_PFN_OFFSET, 0x60000);
	assert_int_equal(virt_to_phys((void *)PAGE_OFFSET), 0x60000000ULL);
	assert_int_equal(__virt_to_phys(PAGE_OFFSET + 0x1234), 0x60001234ULL);
	assert_int_equal(max_pfn, 0x60000 + ((64 * MiB) >> PAGE_SHIFT));
	if (kmm_layout.at_real_address)
		assert_int_equal(PAGE_OFFSET, 0xC0000000UL);
}

static void arm32_lowmem_is_at_most_768_mib(void **state)
{
	assert_int_equal(boot("arm32", GiB, 2), 0);
	assert_int_equal((unsigned long)high_memory - PAGE_OFFSET, 768 * MiB);
	assert_int_equal(max_low_pfn - ARCH_PFN_OFFSET, (768 * MiB) >> PAGE_SHIFT);
	assert_int_equal(max_pfn - ARCH_PFN_OFFSET, GiB >> PAGE_SHIFT);
	assert_int_equal(model(VMALLOC_END), 0xFF800000UL);
	assert_true(VMALLOC_END - VMALLOC_START >= 240 * MiB);
}

static void arm32_vmalloc_start_is_rounded_up_to_8_mib(void **state)
{
	/* high_memory 0xC6400000 + 8 MiB = 0xC6C00000, rounded up to 0xC7000000. */
	assert_int_equal(boot("arm32", 100 * MiB, 1), 0);
	assert_int_equal((unsigned long)high_memory - PAGE_OFFSET, 100 * MiB);
	assert_int_equal(model(VMALLOC_START), 0xC7000000UL);
	assert_true(VMALLOC_START >= (unsigned long)high_memory + VMALLOC_OFFSET);
}

static void arm32_pkmap_lies_right_below_page_offset(void **state)
{
	assert_int_equal(boot("arm32", GiB, 2), 0);
	assert_int_equal(LAST_PKMAP, 512);
	assert_int_equal(PKMAP_BASE + LAST_PKMAP * PAGE_SIZE, PAGE_OFFSET);
	assert_int_equal(MODULES_END, PKMAP_BASE);
	assert_true(MODULES_VADDR < MODULES_END);
	assert_int_equal(kmm_layout.window_start, MODULES_VADDR);
}

static void arm32_without_high_memory_has_no_pkmap(void **state)
{
	assert_int_equal(boot("arm32", 512 * MiB, 2), 0);
	assert_int_equal(LAST_PKMAP, 0);
	assert_int_equal(PKMAP_BASE, 0);
	assert_int_equal(max_low_pfn, max_pfn);
}

static void x86_64_maps_all_ram_directly_and_has_no_pkmap(void **state)
{
	assert_int_equal(boot("x86_64", 256 * MiB, 2), 0);
	assert_int_equal(PHYS_OFFSET, 0);
	assert_int_equal(LAST_PKMAP, 0);
	assert_int_equal(PKMAP_BASE, 0);
	assert_int_equal(max_low_pfn, max_pfn);
	assert_int_equal((unsigned long)high_memory - PAGE_OFFSET, 256 * MiB);
	assert_true(VMALLOC_START >= (unsigned long)high_memory + VMALLOC_OFFSET);
	assert_true(VMALLOC_START < VMALLOC_END);
	assert_true(VMALLOC_END <= FIXADDR_START);
	assert_false(zone_populated(&zones[ZONE_HIGHMEM]));
	assert_true(zone_populated(&zones[ZONE_DMA32]));
}

static void every_area_lies_inside_the_window_in_order(void **state)
{
	static const char *const profiles[] = { "x86_32", "arm32", "x86_64" };

	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(boot(profiles[i], GiB, 2), 0);
		assert_true(kmm_layout.window_start <= PAGE_OFFSET);
		assert_true(PAGE_OFFSET < (unsigned long)high_memory);
		assert_true((unsigned long)high_memory < VMALLOC_START);
		assert_true(VMALLOC_END <= FIXADDR_START);
		assert_true(FIXADDR_TOP < kmm_layout.window_end);
		assert_int_equal(PAGE_OFFSET % PAGE_SIZE, 0);
		assert_int_equal(VMALLOC_START % PAGE_SIZE, 0);
		assert_int_equal(VMALLOC_END % PAGE_SIZE, 0);
		assert_int_equal(FIXADDR_START % PAGE_SIZE, 0);
		kmm_shutdown();
	}
}

static void mem_is_rounded_down_to_4_mib(void **state)
{
	assert_int_equal(boot("x86_32", 64 * MiB + 3 * MiB + 123, 1), 0);
	assert_int_equal(max_pfn - ARCH_PFN_OFFSET, (64 * MiB) >> PAGE_SHIFT);
}

static void unknown_profile_is_einval(void **state)
{
	assert_int_equal(boot("sparc32", 64 * MiB, 1), -EINVAL);
	assert_false(kmm_booted());
}

static void mem_below_8_mib_is_einval(void **state)
{
	assert_int_equal(boot("x86_32", 4 * MiB, 1), -EINVAL);
	assert_int_equal(boot("x86_32", 8 * MiB - 1, 1), -EINVAL);
	assert_int_equal(boot("x86_32", 1, 1), -EINVAL);
	assert_false(kmm_booted());
	assert_int_equal(boot("x86_32", 8 * MiB, 1), 0);
}

static void mem_above_the_profile_maximum_is_einval(void **state)
{
	assert_int_equal(boot("x86_32", 8 * GiB, 1), -EINVAL);
	assert_int_equal(boot("arm32", 3 * GiB, 1), -EINVAL);
	assert_false(kmm_booted());
}

static void more_than_32_cpus_is_einval(void **state)
{
	assert_int_equal(boot("x86_32", 64 * MiB, 33), -EINVAL);
	assert_false(kmm_booted());
	assert_int_equal(boot("x86_32", 64 * MiB, 32), 0);
	assert_int_equal(kmm_layout.nr_cpus, 32);
}

static void booting_twice_is_ebusy(void **state)
{
	assert_int_equal(boot("x86_32", 64 * MiB, 1), 0);
	assert_int_equal(boot("x86_32", 64 * MiB, 1), -EBUSY);
	assert_int_equal(boot("arm32", 64 * MiB, 1), -EBUSY);
	/* The running machine is untouched. */
	assert_true(kmm_booted());
	assert_string_equal(kmm_layout.profile, "x86_32");
}

static void environment_supplies_the_zero_fields(void **state)
{
	struct kmm_config cfg = { 0 };

	setenv("KMM_PROFILE", "arm32", 1);
	setenv("KMM_MEM", "64M", 1);
	setenv("KMM_CPUS", "3", 1);
	assert_int_equal(kmm_boot(&cfg), 0);
	assert_string_equal(kmm_layout.profile, "arm32");
	assert_int_equal(max_pfn - ARCH_PFN_OFFSET, (64 * MiB) >> PAGE_SHIFT);
	assert_int_equal(kmm_layout.nr_cpus, 3);
}

static void config_fields_override_the_environment(void **state)
{
	setenv("KMM_PROFILE", "arm32", 1);
	setenv("KMM_MEM", "64M", 1);
	setenv("KMM_CPUS", "3", 1);
	assert_int_equal(boot("x86_64", 32 * MiB, 1), 0);
	assert_string_equal(kmm_layout.profile, "x86_64");
	assert_int_equal(max_pfn - ARCH_PFN_OFFSET, (32 * MiB) >> PAGE_SHIFT);
	assert_int_equal(kmm_layout.nr_cpus, 1);
}

static void bad_environment_is_einval(void **state)
{
	setenv("KMM_PROFILE", "pdp11", 1);
	assert_int_equal(kmm_boot(NULL), -EINVAL);
	setenv("KMM_PROFILE", "x86_32", 1);
	setenv("KMM_MEM", "lots", 1);
	assert_int_equal(kmm_boot(NULL), -EINVAL);
	setenv("KMM_MEM", "2M", 1);
	assert_int_equal(kmm_boot(NULL), -EINVAL);
	assert_false(kmm_booted());
}

static void shutdown_then_boot_again_gives_a_fresh_machine(void **state)
{
	unsigned long fresh_free;
	unsigned long *p;

	assert_int_equal(boot("x86_32", 64 * MiB, 1), 0);
	fresh_free = nr_free_pages();
	p = (unsigned long *)__get_free_pages(GFP_KERNEL, 4);
	assert_non_null(p);
	p[0] = 0xdeadbeef;
	kmm_shutdown();
	assert_false(kmm_booted());

	assert_int_equal(boot("arm32", 64 * MiB, 1), 0);
	assert_string_equal(kmm_layout.profile, "arm32");
	kmm_shutdown();

	/* The same machine again: all memory free (the leak is gone), and RAM is fresh. */
	assert_int_equal(boot("x86_32", 64 * MiB, 1), 0);
	assert_int_equal(nr_free_pages(), fresh_free);
	p = (unsigned long *)__get_free_pages(GFP_KERNEL, 4);
	assert_non_null(p);
	assert_int_equal(p[0], 0);
	free_pages((unsigned long)p, 4);
}

static void shutdown_without_boot_is_harmless(void **state)
{
	kmm_shutdown();
	kmm_shutdown();
	assert_false(kmm_booted());
	assert_int_equal(boot("x86_32", 64 * MiB, 1), 0);
	assert_true(kmm_booted());
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, clean_env, shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(null_config_boots_x86_32_with_1_gib_and_2_cpus),
		TEST(x86_32_lowmem_is_896_mib_at_0xc0000000),
		TEST(x86_32_vmalloc_starts_vmalloc_offset_above_high_memory),
		TEST(x86_32_vmalloc_ends_two_pages_below_pkmap),
		TEST(x86_32_pkmap_lies_below_the_fixmap),
		TEST(x86_32_fixaddr_top_is_0xfffff000),
		TEST(x86_32_fixmap_grows_with_the_cpus),
		TEST(x86_32_512_mib_has_no_high_memory),
		TEST(x86_32_small_ram_gets_a_larger_vmalloc_area),
		TEST(i386_lowmem_ends_the_vmalloc_reserve_below_vmalloc_end),
		TEST(i386_layout_is_the_6_1_kernels),
		TEST(i386_fixmap_has_room_for_every_cpu),
		TEST(i386_small_ram_gets_a_larger_vmalloc_area),
		TEST(arm32_ram_starts_at_phys_offset_0x60000000),
		TEST(arm32_lowmem_is_at_most_768_mib),
		TEST(arm32_vmalloc_start_is_rounded_up_to_8_mib),
		TEST(arm32_pkmap_lies_right_below_page_offset),
		TEST(arm32_without_high_memory_has_no_pkmap),
		TEST(x86_64_maps_all_ram_directly_and_has_no_pkmap),
		TEST(every_area_lies_inside_the_window_in_order),
		TEST(mem_is_rounded_down_to_4_mib),
		TEST(unknown_profile_is_einval),
		TEST(mem_below_8_mib_is_einval),
		TEST(mem_above_the_profile_maximum_is_einval),
		TEST(more_than_32_cpus_is_einval),
		TEST(booting_twice_is_ebusy),
		TEST(environment_supplies_the_zero_fields),
		TEST(config_fields_override_the_environment),
		TEST(bad_environment_is_einval),
		TEST(shutdown_then_boot_again_gives_a_fresh_machine),
		TEST(shutdown_without_boot_is_harmless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
