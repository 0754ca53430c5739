/*
 * A driver's use of the page allocator, written only against the compat headers: the
 * classic "allocate a buffer for mmap" pattern (__get_free_pages, SetPageReserved on each page,
 * virt_to_phys for the device, ClearPageReserved before free_pages).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/kernel.h>
#include <linux/io.h>
#include <kmm/kmm.h>

#define RING_ORDER 2

struct ring {
	unsigned long buf;
	phys_addr_t bus;
};

static int ring_init(struct ring *r)
{
	r->buf = __get_free_pages(GFP_KERNEL | __GFP_ZERO, RING_ORDER);
	if (!r->buf)
		return -1;
	for (unsigned long p = r->buf; p < r->buf + (PAGE_SIZE << RING_ORDER); p += PAGE_SIZE)
		SetPageReserved(virt_to_page(p));
	r->bus = virt_to_phys((void *)r->buf);
	return 0;
}

static void ring_exit(struct ring *r)
{
	for (unsigned long p = r->buf; p < r->buf + (PAGE_SIZE << RING_ORDER); p += PAGE_SIZE)
		ClearPageReserved(virt_to_page(p));
	free_pages(r->buf, RING_ORDER);
}

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	return kmm_boot(&cfg);
}

static void ring_buffer_is_zeroed_contiguous_and_reserved(void **state)
{
	struct ring r;
	unsigned char *p;

	assert_int_equal(ring_init(&r), 0);
	p = (unsigned char *)r.buf;
	for (size_t i = 0; i < (PAGE_SIZE << RING_ORDER); i++)
		assert_int_equal(p[i], 0);
	assert_true(PageReserved(virt_to_page(r.buf)));
	assert_true(PageReserved(virt_to_page(r.buf + 3 * PAGE_SIZE)));
	/* The bus address is the buffer's physical address, naturally aligned to its size. */
	assert_int_equal(r.bus & ((PAGE_SIZE << RING_ORDER) - 1), 0);
	assert_ptr_equal(phys_to_virt(r.bus), (void *)r.buf);
	assert_int_equal(page_to_phys(virt_to_page(r.buf)), r.bus);
	ring_exit(&r);
}

static void freed_ring_pages_return_to_the_allocator(void **state)
{
	struct ring r;
	unsigned long before;

	drain_local_pages();
	before = nr_free_pages();
	assert_int_equal(ring_init(&r), 0);
	ring_exit(&r);
	drain_local_pages();
	assert_int_equal(nr_free_pages(), before);
}

static void might_sleep_is_silent_in_process_context(void **state)
{
	assert_false(in_atomic());
	assert_false(in_interrupt());
	assert_true(in_task());
	might_sleep();
	assert_false(__might_sleep(__FILE__, __LINE__));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ring_buffer_is_zeroed_contiguous_and_reserved),
		cmocka_unit_test(freed_ring_pages_return_to_the_allocator),
		cmocka_unit_test(might_sleep_is_silent_in_process_context),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
