/*
 * Device memory: regions at their own physical addresses, on the physical map, refusing
 * overlaps, and backed by one memory file so every mapping shows the same bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/devmem.h>
#include <kmm/kmm.h>
#include <kmm/page.h>
#include <kmm/proc.h>
#include "machine/physmem.h"

#define VRAM_PHYS 0xE0000000ULL
#define VRAM_SIZE (4UL << 20)

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 1ULL << 30 };

	return kmm_boot(&cfg);
}

static char *iomem_text(void)
{
	return kmm_test_text(kmm_proc_iomem);
}

static void a_region_appears_on_the_physical_map(void **state)
{
	struct kmm_devmem *vram = kmm_devmem_create("vram", VRAM_PHYS, VRAM_SIZE);
	char *iomem;

	assert_non_null(vram);
	assert_int_equal(kmm_devmem_phys(vram), VRAM_PHYS);
	assert_int_equal(kmm_devmem_size(vram), VRAM_SIZE);
	iomem = iomem_text();
	assert_non_null(strstr(iomem, "e0000000-e03fffff : vram\n"));
	free(iomem);
	kmm_devmem_destroy(vram);
	iomem = iomem_text();
	assert_null(strstr(iomem, "vram"));
	free(iomem);
}

static void overlapping_ram_or_another_region_is_refused(void **state)
{
	struct kmm_devmem *a = kmm_devmem_create("a", VRAM_PHYS, VRAM_SIZE);

	assert_non_null(a);
	assert_null(kmm_devmem_create("in-ram", 0x01000000, VRAM_SIZE));
	assert_null(kmm_devmem_create("overlap", VRAM_PHYS + VRAM_SIZE - PAGE_SIZE, VRAM_SIZE));
	assert_null(kmm_devmem_create("misaligned", VRAM_PHYS + VRAM_SIZE + 1, PAGE_SIZE));
	assert_null(kmm_devmem_create("empty", VRAM_PHYS + VRAM_SIZE, 0));
	kmm_devmem_destroy(a);
}

static void device_memory_has_no_struct_page(void **state)
{
	struct kmm_devmem *vram = kmm_devmem_create("vram", VRAM_PHYS, VRAM_SIZE);

	assert_non_null(vram);
	assert_false(pfn_valid(PHYS_PFN(VRAM_PHYS)));
	kmm_devmem_destroy(vram);
}

static void lookup_tells_ram_from_device_memory(void **state)
{
	struct kmm_devmem *vram = kmm_devmem_create("vram", VRAM_PHYS, VRAM_SIZE);
	struct phys_backing ram = physmem_lookup(0x00200000);
	struct phys_backing dev = physmem_lookup(VRAM_PHYS + 0x3000);
	struct phys_backing none = physmem_lookup(0xF0000000ULL);

	assert_int_equal(ram.kind, PHYS_RAM);
	assert_int_equal(ram.offset, 0x00200000);
	assert_int_equal(dev.kind, PHYS_DEVICE);
	assert_int_equal(dev.offset, 0x3000);
	assert_int_equal(dev.len, VRAM_SIZE - 0x3000);
	assert_ptr_equal(dev.devmem, vram);
	assert_int_equal(none.kind, PHYS_NONE);
	kmm_devmem_destroy(vram);
}

static void the_device_view_is_the_memory_file(void **state)
{
	struct kmm_devmem *vram = kmm_devmem_create("vram", VRAM_PHYS, VRAM_SIZE);
	struct phys_backing dev;
	unsigned char *view, *second;

	assert_non_null(vram);
	view = kmm_devmem_ptr(vram);
	memset(view + 0x2000, 0x5a, 64);
	dev = physmem_lookup(VRAM_PHYS + 0x2000);
	second = os_reserve(PAGE_SIZE, 0, PAGE_SIZE);
	assert_non_null(second);
	assert_int_equal(os_map_shared(second, PAGE_SIZE, dev.fd, dev.offset), 0);
	assert_int_equal(second[0], 0x5a);
	second[1] = 0xa5;
	assert_int_equal(view[0x2001], 0xa5);
	os_release(second, PAGE_SIZE);
	kmm_devmem_destroy(vram);
}

static void shutdown_removes_regions_left_behind(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 1ULL << 30 };
	char *iomem;

	assert_non_null(kmm_devmem_create("left", VRAM_PHYS, VRAM_SIZE));
	kmm_shutdown();
	assert_int_equal(kmm_boot(&cfg), 0);
	iomem = iomem_text();
	assert_null(strstr(iomem, "left"));
	free(iomem);
	assert_non_null(kmm_devmem_create("again", VRAM_PHYS, VRAM_SIZE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_region_appears_on_the_physical_map),
		cmocka_unit_test(overlapping_ram_or_another_region_is_refused),
		cmocka_unit_test(device_memory_has_no_struct_page),
		cmocka_unit_test(lookup_tells_ram_from_device_memory),
		cmocka_unit_test(the_device_view_is_the_memory_file),
		cmocka_unit_test(shutdown_removes_regions_left_behind),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
