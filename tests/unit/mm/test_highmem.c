/*
 * test_highmem.c - high memory on the default x86_32 machine: pages with no linear address,
 * kmap through pkmap (use counts, lazy flush, sleeping when every slot is taken), kmap_local
 * and kmap_atomic through the per-CPU fixmap slots, and the same bytes seen through every
 * mapping of a frame.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/context.h>
#include <kmm/fixmap.h>
#include <kmm/highmem.h>
#include <kmm/page_alloc.h>
#include <kmm/vmalloc.h>

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 1ULL << 30, .cpus = 2 };

	return kmm_boot(&cfg);
}

static bool in_pkmap(const void *p)
{
	unsigned long a = (unsigned long)p;

	return a >= PKMAP_BASE && a < PKMAP_ADDR(LAST_PKMAP);
}

static bool in_kmap_slots(const void *p)
{
	unsigned long a = (unsigned long)p;

	return a >= __fix_to_virt(FIX_KMAP_END) && a <= __fix_to_virt(FIX_KMAP_BEGIN);
}

static void high_pages_have_no_address_until_kmapped(void **state)
{
	struct page *high = alloc_page(GFP_HIGHUSER);
	struct page *low = alloc_page(GFP_KERNEL);
	char *k;

	assert_true(PageHighMem(high));
	assert_false(PageHighMem(low));
	assert_null(page_address(high));
	assert_ptr_equal(kmap(low), page_address(low));
	kunmap(low);
	k = kmap(high);
	assert_true(in_pkmap(k));
	assert_ptr_equal(page_address(high), k);
	assert_ptr_equal(kmap_to_page(k + 100), high);
	kunmap(high);
	__free_page(high);
	__free_page(low);
	assert_true(totalhigh_pages() > 0);
	assert_true(nr_free_highpages() <= totalhigh_pages());
}

static void kmap_counts_users_and_keeps_the_slot_until_the_flush(void **state)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	struct kmm_highmem_usage u;
	char *a = kmap(page), *b = kmap(page);

	assert_ptr_equal(a, b);
	kmm_highmem_usage(&u);
	assert_int_equal(u.pkmap_slots, LAST_PKMAP);
	assert_int_equal(u.pkmap_in_use, 1);
	kunmap(page);
	kunmap(page);
	kmm_highmem_usage(&u);
	assert_int_equal(u.pkmap_in_use, 0);
	assert_int_equal(u.pkmap_mapped, 1);
	/* Unused but still mapped: the next kmap of the page takes it back. */
	assert_ptr_equal(page_address(page), a);
	assert_ptr_equal(kmap(page), a);
	kunmap(page);
	__free_page(page);
}

static void pkmap_slots_are_recycled_when_the_scan_wraps(void **state)
{
	struct page *pages[8];
	struct kmm_highmem_usage u;

	for (int i = 0; i < 8; i++)
		pages[i] = alloc_page(GFP_HIGHUSER);
	for (unsigned int n = 0; n < 3 * LAST_PKMAP; n++) {
		struct page *page = pages[n % 8];
		unsigned int *k = kmap(page);

		k[0] = n;
		kunmap(page);
	}
	kmm_highmem_usage(&u);
	assert_true(u.pkmap_mapped <= LAST_PKMAP);
	assert_int_equal(u.pkmap_in_use, 0);
	for (int i = 0; i < 8; i++) {
		unsigned int *k = kmap_local_page(pages[i]);

		assert_int_equal(k[0] % 8, i);
		kunmap_local(k);
		__free_page(pages[i]);
	}
}

struct waiter {
	struct page *page;
	void *addr;
	int done;
};

static void *kmap_in_thread(void *arg)
{
	struct waiter *w = arg;

	w->addr = kmap(w->page);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void kmap_sleeps_while_every_slot_is_in_use(void **state)
{
	unsigned int n = LAST_PKMAP;
	struct page **pages = calloc(n, sizeof(*pages));
	struct waiter w = { .page = alloc_page(GFP_HIGHUSER) };
	pthread_t t;

	for (unsigned int i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_HIGHUSER);
		assert_non_null(kmap(pages[i]));
	}
	assert_int_equal(pthread_create(&t, NULL, kmap_in_thread, &w), 0);
	usleep(50 * 1000);
	assert_int_equal(__atomic_load_n(&w.done, __ATOMIC_ACQUIRE), 0);
	kunmap(pages[n / 2]);
	pthread_join(t, NULL);
	assert_true(in_pkmap(w.addr));
	assert_ptr_equal(page_address(w.page), w.addr);
	kunmap(w.page);
	for (unsigned int i = 0; i < n; i++) {
		if (i != n / 2)
			kunmap(pages[i]);
		__free_page(pages[i]);
	}
	__free_page(w.page);
	free(pages);
}

static void kmap_local_nests_and_unmaps_in_reverse_order(void **state)
{
	struct page *a = alloc_page(GFP_HIGHUSER), *b = alloc_page(GFP_HIGHUSER);
	struct page *low = alloc_page(GFP_KERNEL);
	struct kmm_highmem_usage u;
	char *va = kmap_local_page(a);
	char *vb = kmap_local_page(b);
	char *vl = kmap_local_page(low);

	assert_true(in_kmap_slots(va));
	assert_true(in_kmap_slots(vb));
	assert_ptr_not_equal(va, vb);
	assert_ptr_equal(vl, page_address(low));
	assert_ptr_equal(kmap_to_page(vb), b);
	assert_false(in_atomic());
	kmm_highmem_usage(&u);
	assert_int_equal(u.fixmap_kmap_in_use, 2);
	assert_int_equal(u.fixmap_kmap_slots, KM_MAX_IDX * 2);
	va[0] = 'a';
	vb[0] = 'b';
	kunmap_local(vl);
	kunmap_local(vb + 77);
	kunmap_local(va);
	kmm_highmem_usage(&u);
	assert_int_equal(u.fixmap_kmap_in_use, 0);
	/* kmap sees what kmap_local wrote. */
	assert_int_equal(((char *)kmap(a))[0], 'a');
	kunmap(a);
	__free_page(a);
	__free_page(b);
	__free_page(low);
}

static void kmap_atomic_disables_preemption_until_kunmap_atomic(void **state)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	char *k = kmap_atomic(page);

	assert_true(in_atomic());
	assert_true(in_kmap_slots(k));
	memset(k, 0x11, PAGE_SIZE);
	kunmap_atomic(k);
	assert_false(in_atomic());
	k = kmap_atomic(alloc_page(GFP_KERNEL)); /* low memory: still atomic */
	assert_true(in_atomic());
	kunmap_atomic(k);
	assert_false(in_atomic());
	__free_page(virt_to_page(k));
	k = kmap(page);
	assert_int_equal(k[PAGE_SIZE - 1], 0x11);
	kunmap(page);
	__free_page(page);
}

static void highmem_copy_helpers_move_whole_pages(void **state)
{
	struct page *a = alloc_page(GFP_HIGHUSER), *b = alloc_page(GFP_HIGHUSER);
	char buf[16];

	memcpy_to_page(a, 4000, "abcdefghij", 11);
	copy_highpage(b, a);
	memcpy_from_page(buf, b, 4000, 11);
	assert_string_equal(buf, "abcdefghij");
	memzero_page(b, 4002, 2);
	memcpy_from_page(buf, b, 4000, 11);
	assert_memory_equal(buf, "ab\0\0efghij", 11);
	clear_highpage(a);
	memcpy_from_page(buf, a, 4000, 11);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0\0\0", 11);
	__free_page(a);
	__free_page(b);
}

static void a_high_page_is_the_same_bytes_in_every_mapping(void **state)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	unsigned char *k = kmap(page);
	unsigned char *l = kmap_local_page(page);
	unsigned char *v = vmap(&page, 1, VM_MAP, PAGE_KERNEL);

	assert_ptr_not_equal(k, l);
	k[1] = 1;
	l[2] = 2;
	v[3] = 3;
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(k[i], i);
		assert_int_equal(l[i], i);
		assert_int_equal(v[i], i);
	}
	vunmap(v);
	kunmap_local(l);
	kunmap(page);
	__free_page(page);
}

struct local_user {
	struct page *page;
	int failures;
};

/* Threads sharing a simulated CPU each get their own kmap_local slots. */
static void *local_churn(void *arg)
{
	struct local_user *u = arg;

	for (int i = 0; i < 2000; i++) {
		unsigned int *k = kmap_local_page(u->page);

		k[0] = (unsigned int)i;
		if (k[0] != (unsigned int)i)
			u->failures++;
		kunmap_local(k);
	}
	return NULL;
}

static void threads_on_one_cpu_never_share_a_kmap_slot(void **state)
{
	struct local_user users[4];
	pthread_t t[4];

	for (int i = 0; i < 4; i++) {
		users[i] = (struct local_user){ .page = alloc_page(GFP_HIGHUSER) };
		pthread_create(&t[i], NULL, local_churn, &users[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(users[i].failures, 0);
		__free_page(users[i].page);
	}
}

static void x86_64_has_no_high_memory(void **state)
{
	struct kmm_config cfg = { .profile = "x86_64", .mem_bytes = 256ULL << 20, .cpus = 2 };
	struct page *page;
	char *k;

	kmm_shutdown();
	assert_int_equal(kmm_boot(&cfg), 0);
	assert_int_equal(totalhigh_pages(), 0);
	page = alloc_page(GFP_HIGHUSER);
	assert_false(PageHighMem(page));
	k = kmap(page);
	assert_ptr_equal(k, page_address(page));
	kunmap(page);
	assert_ptr_equal(kmap_local_page(page), k);
	kunmap_local(k);
	__free_page(page);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, boot, kmm_test_shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(high_pages_have_no_address_until_kmapped),
		T(kmap_counts_users_and_keeps_the_slot_until_the_flush),
		T(pkmap_slots_are_recycled_when_the_scan_wraps),
		T(kmap_sleeps_while_every_slot_is_in_use),
		T(kmap_local_nests_and_unmaps_in_reverse_order),
		T(kmap_atomic_disables_preemption_until_kunmap_atomic),
		T(highmem_copy_helpers_move_whole_pages),
		T(a_high_page_is_the_same_bytes_in_every_mapping),
		T(threads_on_one_cpu_never_share_a_kmap_slot),
		T(x86_64_has_no_high_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
