/*
 * test_page_alloc.c - the buddy page allocator's API: allocation and freeing at every order,
 * references, splitting, exact allocations, zones chosen by GFP flags, compound blocks,
 * zeroing, and the per-thread page caches.
 *
 * Every test boots an x86_32 machine with 1 GiB (DMA, Normal and HighMem zones), remembers the
 * buddy lists as boot left them, and most end by checking that everything they freed merged
 * back into exactly that state.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include "machine/machine.h"
#include "mm/internal.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* The buddy lists right after boot. */
static struct {
	unsigned long nr_free[MAX_NR_ZONES][MAX_PAGE_ORDER + 1];
	unsigned long free_pages[MAX_NR_ZONES];
	unsigned long total;
} boot_state;

static int boot_with(const char *options)
{
	struct kmm_config cfg = {
		.profile = "x86_32", .mem_bytes = GiB, .cpus = 2, .options = options
	};
	int err = kmm_boot(&cfg);

	if (err)
		return err;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		for (int o = 0; o <= MAX_PAGE_ORDER; o++)
			boot_state.nr_free[z][o] = zones[z].free_area[o].nr_free;
		boot_state.free_pages[z] = zones[z].free_pages;
	}
	boot_state.total = nr_free_pages();
	return 0;
}

static int boot(void **state)
{
	return boot_with(NULL);
}

/* Sleeping allocations give up at once instead of waiting a second for frees. */
static int boot_no_wait(void **state)
{
	return boot_with("gfp_wait_ms=0");
}

/* Everything freed and this thread's cache drained: the free lists are as boot left them. */
static void assert_back_to_boot_state(void)
{
	drain_local_pages();
	assert_int_equal(nr_free_pages(), boot_state.total);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		assert_int_equal(zones[z].free_pages, boot_state.free_pages[z]);
		for (int o = 0; o <= MAX_PAGE_ORDER; o++)
			assert_int_equal(zones[z].free_area[o].nr_free, boot_state.nr_free[z][o]);
	}
}

static bool all_bytes_are(const void *p, unsigned char c, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != c)
			return false;
	return true;
}

static void alloc_page_gives_one_referenced_low_page(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);

	assert_non_null(page);
	assert_int_equal(page_count(page), 1);
	assert_false(PageHighMem(page));
	assert_false(PageBuddy(page));
	assert_non_null(page_address(page));
	memset(page_address(page), 0xab, PAGE_SIZE);
	__free_page(page);
	assert_back_to_boot_state();
}

static void every_order_up_to_max_order_is_aligned_to_its_order(void **state)
{
	struct page *pages[MAX_PAGE_ORDER + 1];

	for (unsigned int order = 0; order <= MAX_PAGE_ORDER; order++) {
		pages[order] = alloc_pages(GFP_KERNEL, order);
		assert_non_null(pages[order]);
		assert_int_equal(page_to_pfn(pages[order]) % (1UL << order), 0);
		assert_int_equal(pages[order]->kmm_order, order);
		assert_int_equal(page_count(pages[order]), 1);
		/* The whole block is usable memory. */
		memset(page_address(pages[order]), order, PAGE_SIZE << order);
	}
	for (unsigned int order = 0; order <= MAX_PAGE_ORDER; order++) {
		assert_true(all_bytes_are(page_address(pages[order]), order, PAGE_SIZE << order));
		__free_pages(pages[order], order);
	}
	assert_back_to_boot_state();
}

static void live_blocks_never_overlap(void **state)
{
	enum { N = 300 };
	unsigned long start[N], end[N];

	for (int i = 0; i < N; i++) {
		unsigned int order = (unsigned int)(i * 7) % 6;
		struct page *page = alloc_pages(GFP_KERNEL, order);

		assert_non_null(page);
		start[i] = page_to_pfn(page);
		end[i] = start[i] + (1UL << order);
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			assert_true(end[i] <= start[j] || end[j] <= start[i]);
	for (int i = 0; i < N; i++)
		__free_pages(pfn_to_page(start[i]), (unsigned int)(i * 7) % 6);
	assert_back_to_boot_state();
}

static void buddies_merge_back_to_the_boot_state(void **state)
{
	enum { N = 512 };
	struct page *pages[N];
	unsigned int orders[N];
	unsigned int seed = 12345;

	for (int i = 0; i < N; i++) {
		orders[i] = (unsigned int)rand_r(&seed) % 8;
		pages[i] = alloc_pages(GFP_KERNEL, orders[i]);
		assert_non_null(pages[i]);
	}
	assert_true(nr_free_pages() < boot_state.total);
	/* Free in a shuffled order so merges happen in every direction. */
	for (int i = N - 1; i > 0; i--) {
		int j = rand_r(&seed) % (i + 1);
		struct page *p = pages[i];
		unsigned int o = orders[i];

		pages[i] = pages[j];
		orders[i] = orders[j];
		pages[j] = p;
		orders[j] = o;
	}
	for (int i = 0; i < N; i++)
		__free_pages(pages[i], orders[i]);
	assert_back_to_boot_state();
}

static void nr_free_pages_drops_by_the_block_size(void **state)
{
	/* Orders above PCP_MAX_ORDER go straight to the buddy lists: exact accounting. */
	unsigned long before = nr_free_pages();
	struct page *page = alloc_pages(GFP_KERNEL, 5);

	assert_non_null(page);
	assert_int_equal(nr_free_pages(), before - 32);
	__free_pages(page, 5);
	assert_int_equal(nr_free_pages(), before);
}

static void get_free_pages_returns_the_linear_address_of_the_block(void **state)
{
	unsigned long addr = __get_free_pages(GFP_KERNEL, 3);
	struct page *page;

	assert_true(addr != 0);
	assert_true(virt_addr_valid((void *)addr));
	assert_int_equal(addr % (PAGE_SIZE << 3), (PAGE_OFFSET % (PAGE_SIZE << 3)));
	page = virt_to_page(addr);
	assert_int_equal(page->kmm_order, 3);
	assert_int_equal(page_count(page), 1);
	assert_ptr_equal(page_address(page), (void *)addr);
	memset((void *)addr, 0x11, PAGE_SIZE << 3);
	free_pages(addr, 3);
	assert_back_to_boot_state();
}

static void get_free_page_and_free_page_round_trip(void **state)
{
	unsigned long addr = __get_free_page(GFP_KERNEL);

	assert_true(addr != 0);
	assert_int_equal(offset_in_page(addr), 0);
	assert_true(virt_addr_valid((void *)addr));
	*(volatile long *)addr = 42;
	free_page(addr);
	free_page(0); /* ignored */
	assert_back_to_boot_state();
}

static void get_free_pages_never_returns_high_memory(void **state)
{
	unsigned long addr = __get_free_pages(GFP_HIGHUSER, 0);

	assert_true(addr != 0);
	assert_false(PageHighMem(virt_to_page(addr)));
	free_page(addr);
	assert_back_to_boot_state();
}

static void get_zeroed_page_is_zero_even_after_the_page_was_dirtied(void **state)
{
	enum { N = 64 };
	unsigned long dirty[N], zeroed[N];
	int reused = 0;

	for (int i = 0; i < N; i++) {
		dirty[i] = __get_free_page(GFP_KERNEL);
		assert_true(dirty[i] != 0);
		memset((void *)dirty[i], 0xee, PAGE_SIZE);
	}
	for (int i = 0; i < N; i++)
		free_page(dirty[i]);
	for (int i = 0; i < N; i++) {
		zeroed[i] = get_zeroed_page(GFP_KERNEL);
		assert_true(zeroed[i] != 0);
		assert_true(all_bytes_are((void *)zeroed[i], 0, PAGE_SIZE));
		for (int j = 0; j < N; j++)
			reused += zeroed[i] == dirty[j];
	}
	/* The dirtied pages were handed out again, so zeroing really happened. */
	assert_true(reused > 0);
	for (int i = 0; i < N; i++)
		free_page(zeroed[i]);
	assert_back_to_boot_state();
}

static void gfp_zero_zeroes_a_whole_block(void **state)
{
	struct page *page = alloc_pages(GFP_KERNEL, 2);
	struct page *again;

	assert_non_null(page);
	memset(page_address(page), 0xcd, PAGE_SIZE << 2);
	__free_pages(page, 2);
	again = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	assert_ptr_equal(again, page);
	assert_true(all_bytes_are(page_address(again), 0, PAGE_SIZE << 2));
	__free_pages(again, 2);
	assert_back_to_boot_state();
}

static void gfp_zero_zeroes_a_high_memory_page(void **state)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	struct page *again;

	assert_non_null(page);
	assert_true(PageHighMem(page));
	memset(machine_phys_ptr(page_to_phys(page)), 0xfe, PAGE_SIZE);
	__free_page(page);
	again = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	assert_ptr_equal(again, page);
	assert_true(PageHighMem(again));
	assert_true(all_bytes_are(machine_phys_ptr(page_to_phys(again)), 0, PAGE_SIZE));
	__free_page(again);
	assert_back_to_boot_state();
}

static void get_page_and_put_page_count_references(void **state)
{
	/* Order 4 bypasses the thread cache, so the free is visible in nr_free_pages. */
	unsigned long before = nr_free_pages();
	struct page *page = alloc_pages(GFP_KERNEL, 4);

	assert_non_null(page);
	assert_int_equal(page_count(page), 1);
	get_page(page);
	get_page(page);
	assert_int_equal(page_count(page), 3);
	put_page(page);
	assert_int_equal(page_count(page), 2);
	__free_pages(page, 4);
	assert_int_equal(page_count(page), 1);
	assert_int_equal(nr_free_pages(), before - 16);
	put_page(page);
	assert_int_equal(page_count(page), 0);
	assert_int_equal(nr_free_pages(), before);
	assert_back_to_boot_state();
}

static void put_page_frees_an_order_0_page_into_the_cache(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);

	assert_non_null(page);
	get_page(page);
	put_page(page);
	assert_false(kmm_test_page_flag(page, PG_pcp));
	put_page(page);
	assert_true(kmm_test_page_flag(page, PG_pcp));
	assert_back_to_boot_state();
}

static void split_page_makes_independent_order_0_pages(void **state)
{
	unsigned long before = nr_free_pages();
	struct page *page = alloc_pages(GFP_KERNEL, 4);

	assert_non_null(page);
	split_page(page, 4);
	for (int i = 0; i < 16; i++) {
		assert_int_equal(page_count(page + i), 1);
		assert_int_equal(page[i].kmm_order, 0);
	}
	/* Freeing half leaves the other half allocated. */
	for (int i = 0; i < 16; i += 2)
		__free_page(page + i);
	drain_local_pages();
	assert_int_equal(nr_free_pages(), before - 8);
	for (int i = 1; i < 16; i += 2) {
		assert_int_equal(page_count(page + i), 1);
		memset(page_address(page + i), 0x42, PAGE_SIZE);
	}
	for (int i = 1; i < 16; i += 2)
		__free_page(page + i);
	assert_back_to_boot_state();
}

static void alloc_pages_exact_gives_back_the_tail_pages(void **state)
{
	size_t size = 5 * PAGE_SIZE - 100;
	unsigned long before;
	char *p;

	drain_local_pages();
	before = nr_free_pages();
	p = alloc_pages_exact(size, GFP_KERNEL);
	assert_non_null(p);
	assert_int_equal(offset_in_page(p), 0);
	assert_true(virt_addr_valid(p));
	memset(p, 0x33, size);
	/* get_order(5 pages) == 3: the block had 8 pages; the 3 past the size went back. */
	drain_local_pages();
	assert_int_equal(nr_free_pages(), before - 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(page_count(virt_to_page(p + i * PAGE_SIZE)), 1);
	free_pages_exact(p, size);
	assert_back_to_boot_state();
}

static void alloc_pages_exact_of_a_power_of_two_keeps_the_whole_block(void **state)
{
	unsigned long before;
	void *p;

	drain_local_pages();
	before = nr_free_pages();
	p = alloc_pages_exact(32 * PAGE_SIZE, GFP_KERNEL);
	assert_non_null(p);
	drain_local_pages();
	assert_int_equal(nr_free_pages(), before - 32);
	free_pages_exact(p, 32 * PAGE_SIZE);
	assert_back_to_boot_state();
}

static void get_order_is_the_smallest_order_that_fits(void **state)
{
	assert_int_equal(get_order(1), 0);
	assert_int_equal(get_order(PAGE_SIZE), 0);
	assert_int_equal(get_order(PAGE_SIZE + 1), 1);
	assert_int_equal(get_order(2 * PAGE_SIZE), 1);
	assert_int_equal(get_order(2 * PAGE_SIZE + 1), 2);
	assert_int_equal(get_order(5 * PAGE_SIZE), 3);
	assert_int_equal(get_order(PAGE_SIZE << MAX_PAGE_ORDER), MAX_PAGE_ORDER);
	assert_int_equal(get_order((PAGE_SIZE << MAX_PAGE_ORDER) + 1), MAX_PAGE_ORDER + 1);
}

static void gfp_dma_gives_a_page_below_16_mib(void **state)
{
	for (unsigned int order = 0; order <= 5; order++) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_DMA, order);

		assert_non_null(page);
		assert_int_equal(page_zonenum(page), ZONE_DMA);
		assert_true(page_to_phys(page) + (PAGE_SIZE << order) <= 16 * MiB);
		__free_pages(page, order);
	}
	assert_back_to_boot_state();
}

static void gfp_highmem_gives_a_high_memory_page(void **state)
{
	struct page *page = alloc_pages(GFP_HIGHUSER, 0);
	struct page *big = alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 6);

	assert_non_null(page);
	assert_non_null(big);
	assert_true(PageHighMem(page));
	assert_int_equal(page_zonenum(page), ZONE_HIGHMEM);
	assert_null(page_address(page));
	assert_true(PageHighMem(big));
	__free_pages(big, 6);
	__free_page(page);
	assert_back_to_boot_state();
}

static void gfp_kernel_never_gives_high_memory(void **state)
{
	/* Take every low-memory page GFP_KERNEL can get; none may come from HighMem. */
	struct page **taken = calloc(GiB >> PAGE_SHIFT, sizeof(*taken));
	unsigned int *orders = calloc(GiB >> PAGE_SHIFT, sizeof(*orders));
	size_t n = 0;
	struct page *high;

	assert_non_null(taken);
	assert_non_null(orders);
	for (int order = MAX_PAGE_ORDER; order >= 0; order--) {
		struct page *page;

		while ((page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, (unsigned int)order))) {
			assert_false(PageHighMem(page));
			assert_int_not_equal(page_zonenum(page), ZONE_HIGHMEM);
			taken[n] = page;
			orders[n++] = (unsigned int)order;
		}
	}
	assert_true(n > 0);
	assert_int_equal(zones[ZONE_HIGHMEM].free_pages, boot_state.free_pages[ZONE_HIGHMEM]);
	/* High memory is still there for whoever asks for it. */
	high = alloc_page(GFP_HIGHUSER);
	assert_non_null(high);
	assert_true(PageHighMem(high));
	__free_page(high);
	while (n--)
		__free_pages(taken[n], orders[n]);
	free(taken);
	free(orders);
	assert_back_to_boot_state();
}

static void gfp_comp_makes_a_compound_block(void **state)
{
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
	char *addr;

	assert_non_null(head);
	addr = page_address(head);
	assert_true(PageHead(head));
	assert_false(PageTail(head));
	assert_true(PageCompound(head));
	assert_int_equal(compound_order(head), 3);
	for (int i = 1; i < 8; i++) {
		assert_true(PageTail(head + i));
		assert_false(PageHead(head + i));
		assert_ptr_equal(compound_head(head + i), head);
		assert_int_equal(page_count(head + i), 1);
		assert_ptr_equal(virt_to_head_page(addr + i * PAGE_SIZE + 5), head);
	}
	assert_false(PageTail(head + 8));
	/* A reference through a tail page is a reference to the head. */
	get_page(head + 5);
	assert_int_equal(page_count(head), 2);
	put_page(head + 5);
	assert_int_equal(page_count(head), 1);
	__free_pages(head, 3);
	assert_back_to_boot_state();
}

static void put_page_on_a_tail_frees_the_whole_compound_block(void **state)
{
	unsigned long before = nr_free_pages();
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, 4);

	assert_non_null(head);
	assert_int_equal(nr_free_pages(), before - 16);
	put_page(head + 9);
	assert_int_equal(nr_free_pages(), before);
	assert_false(PageHead(head));
	for (int i = 1; i < 16; i++)
		assert_false(PageTail(head + i));
	assert_back_to_boot_state();
}

static void order_above_max_order_fails_with_one_report_per_boot(void **state)
{
	unsigned long before = nr_free_pages();

	kmm_report_capture_begin();
	assert_null(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1));
	assert_int_equal(kmm_report_captured("page_alloc_order"), 1);
	assert_int_equal(kmm_report_captured_find("order 11 is above MAX_PAGE_ORDER (10)"), 1);
	/* WARN_ON_ONCE: later impossible orders fail just as surely, silently. */
	assert_int_equal(__get_free_pages(GFP_KERNEL, MAX_PAGE_ORDER + 5), 0);
	assert_null(alloc_pages(GFP_ATOMIC, MAX_PAGE_ORDER + 1));
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(nr_free_pages(), before);
}

static void order_above_max_order_with_nowarn_fails_silently(void **state)
{
	kmm_report_capture_begin();
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER + 1));
	assert_int_equal(kmm_report_captured(NULL), 0);
	/* The silent failure did not use up the one warning. */
	assert_null(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1));
	assert_int_equal(kmm_report_capture_end(), 1);
}

static void the_order_warning_comes_again_after_a_reboot(void **state)
{
	kmm_report_capture_begin();
	assert_null(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1));
	kmm_shutdown();
	assert_int_equal(boot(state), 0);
	assert_null(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1));
	assert_int_equal(kmm_report_capture_end(), 2);
}

static void max_order_itself_is_served(void **state)
{
	struct page *page;

	kmm_report_capture_begin();
	page = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	assert_non_null(page);
	assert_int_equal(page_to_pfn(page) % MAX_ORDER_NR_PAGES, 0);
	assert_int_equal(kmm_report_capture_end(), 0);
	__free_pages(page, MAX_PAGE_ORDER);
	assert_back_to_boot_state();
}

/* ---- thread caches */

struct handoff {
	struct page *pages[64];
	unsigned int reports;
	pthread_barrier_t cached, may_exit;
};

static void *free_them(void *arg)
{
	struct handoff *h = arg;

	kmm_report_capture_begin();
	for (int i = 0; i < 64; i++)
		__free_page(h->pages[i]);
	h->reports = kmm_report_capture_end();
	return NULL;
}

static void pages_freed_by_another_thread_come_back(void **state)
{
	struct handoff h = { 0 };
	pthread_t t;

	for (int i = 0; i < 64; i++) {
		h.pages[i] = alloc_page(GFP_KERNEL);
		assert_non_null(h.pages[i]);
	}
	assert_int_equal(pthread_create(&t, NULL, free_them, &h), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(h.reports, 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(page_count(h.pages[i]), 0);
	/* The pages are usable again from this thread. */
	for (int i = 0; i < 64; i++) {
		h.pages[i] = alloc_page(GFP_KERNEL);
		assert_non_null(h.pages[i]);
	}
	for (int i = 0; i < 64; i++)
		__free_page(h.pages[i]);
	assert_back_to_boot_state();
}

static void *cache_pages_then_wait(void *arg)
{
	struct handoff *h = arg;

	for (int i = 0; i < 16; i++)
		h->pages[i] = alloc_page(GFP_KERNEL);
	for (int i = 0; i < 16; i++)
		if (h->pages[i])
			__free_page(h->pages[i]);
	pthread_barrier_wait(&h->cached);
	pthread_barrier_wait(&h->may_exit);
	return NULL;
}

static void an_exiting_thread_gives_its_cached_pages_back(void **state)
{
	struct handoff h = { 0 };
	pthread_t t;

	pthread_barrier_init(&h.cached, NULL, 2);
	pthread_barrier_init(&h.may_exit, NULL, 2);
	assert_int_equal(pthread_create(&t, NULL, cache_pages_then_wait, &h), 0);
	pthread_barrier_wait(&h.cached);
	for (int i = 0; i < 16; i++)
		assert_non_null(h.pages[i]);
	/* The pages sit free in the other thread's cache, not on the buddy lists. */
	assert_true(nr_free_pages() < boot_state.total);
	assert_true(kmm_test_page_flag(h.pages[0], PG_pcp));
	pthread_barrier_wait(&h.may_exit);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(nr_free_pages(), boot_state.total);
	pthread_barrier_destroy(&h.cached);
	pthread_barrier_destroy(&h.may_exit);
	assert_back_to_boot_state();
}

static void drain_local_pages_empties_this_threads_cache(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);

	assert_non_null(page);
	__free_page(page);
	assert_true(nr_free_pages() < boot_state.total);
	drain_local_pages();
	assert_int_equal(nr_free_pages(), boot_state.total);
	assert_false(kmm_test_page_flag(page, PG_pcp));
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, boot, kmm_test_shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(alloc_page_gives_one_referenced_low_page),
		TEST(every_order_up_to_max_order_is_aligned_to_its_order),
		TEST(live_blocks_never_overlap),
		TEST(buddies_merge_back_to_the_boot_state),
		TEST(nr_free_pages_drops_by_the_block_size),
		TEST(get_free_pages_returns_the_linear_address_of_the_block),
		TEST(get_free_page_and_free_page_round_trip),
		TEST(get_free_pages_never_returns_high_memory),
		TEST(get_zeroed_page_is_zero_even_after_the_page_was_dirtied),
		TEST(gfp_zero_zeroes_a_whole_block),
		TEST(gfp_zero_zeroes_a_high_memory_page),
		TEST(get_page_and_put_page_count_references),
		TEST(put_page_frees_an_order_0_page_into_the_cache),
		TEST(split_page_makes_independent_order_0_pages),
		TEST(alloc_pages_exact_gives_back_the_tail_pages),
		TEST(alloc_pages_exact_of_a_power_of_two_keeps_the_whole_block),
		TEST(get_order_is_the_smallest_order_that_fits),
		TEST(gfp_dma_gives_a_page_below_16_mib),
		TEST(gfp_highmem_gives_a_high_memory_page),
		cmocka_unit_test_setup_teardown(gfp_kernel_never_gives_high_memory, boot_no_wait,
						kmm_test_shutdown),
		TEST(gfp_comp_makes_a_compound_block),
		TEST(put_page_on_a_tail_frees_the_whole_compound_block),
		TEST(order_above_max_order_fails_with_one_report_per_boot),
		TEST(order_above_max_order_with_nowarn_fails_silently),
		TEST(the_order_warning_comes_again_after_a_reboot),
		TEST(max_order_itself_is_served),
		TEST(pages_freed_by_another_thread_come_back),
		TEST(an_exiting_thread_gives_its_cached_pages_back),
		TEST(drain_local_pages_empties_this_threads_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
