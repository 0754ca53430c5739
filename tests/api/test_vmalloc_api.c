/*
 * test_vmalloc_api.c - a driver's view of vmalloc, kmap and the fixmap, through the compat
 * headers only: a large buffer from vmalloc, a high page filled through kmap_local_page and
 * read back through a vmap of it, a register page reached through a named fixmap slot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <asm/fixmap.h>
#include <kmm/kmm.h>

struct ring {
	unsigned int head;
	unsigned char data[];
};

static int boot(void **state)
{
	return kmm_boot(NULL);
}

static void a_driver_keeps_a_large_ring_in_vmalloc_memory(void **state)
{
	const size_t size = 1 << 20;
	struct ring *r = vzalloc(sizeof(*r) + size);

	assert_non_null(r);
	assert_true(is_vmalloc_addr(r));
	for (size_t i = 0; i < size; i++)
		r->data[i] = (unsigned char)(i * 7);
	r->head = 42;
	assert_int_equal(r->data[size - 1], (unsigned char)((size - 1) * 7));
	assert_non_null(vmalloc_to_page(&r->data[size / 2]));
	vfree(r);
}

static void a_high_page_round_trips_through_kmap_local_and_vmap(void **state)
{
	struct page *pages[2] = { alloc_page(GFP_HIGHUSER), alloc_page(GFP_HIGHUSER) };
	unsigned char *k, *v;

	assert_true(PageHighMem(pages[0]));
	assert_null(page_address(pages[0]));
	k = kmap_local_page(pages[1]);
	memset(k, 0xc3, PAGE_SIZE);
	kunmap_local(k);
	memcpy_to_page(pages[0], 10, "hello", 6);

	v = vmap(pages, 2, VM_MAP, PAGE_KERNEL);
	assert_non_null(v);
	assert_string_equal((char *)v + 10, "hello");
	assert_int_equal(v[PAGE_SIZE + 17], 0xc3);
	vunmap(v);

	k = kmap(pages[0]);
	assert_ptr_equal(page_address(pages[0]), k);
	assert_ptr_equal(kmap_to_page(k), pages[0]);
	assert_string_equal((char *)k + 10, "hello");
	kunmap(pages[0]);
	__free_page(pages[0]);
	__free_page(pages[1]);
}

static void a_register_page_is_reached_through_a_named_fixmap_slot(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned int *regs = page_address(page);
	volatile unsigned int *fixed;

	regs[3] = 0xfeedbeef;
	fixed = set_fixmap_offset(FIX_EARLYCON_MEM_BASE, page_to_phys(page) + 8);
	assert_int_equal(fix_to_virt(FIX_EARLYCON_MEM_BASE), (unsigned long)fixed & PAGE_MASK);
	assert_int_equal(virt_to_fix((unsigned long)fixed), FIX_EARLYCON_MEM_BASE);
	assert_int_equal(fixed[1], 0xfeedbeef);
	fixed[0] = 7;
	assert_int_equal(regs[2], 7);
	clear_fixmap(FIX_EARLYCON_MEM_BASE);
	__free_page(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_driver_keeps_a_large_ring_in_vmalloc_memory),
		cmocka_unit_test(a_high_page_round_trips_through_kmap_local_and_vmap),
		cmocka_unit_test(a_register_page_is_reached_through_a_named_fixmap_slot),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
