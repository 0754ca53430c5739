/*
 * test_gfp.c - what each GFP mask does when memory runs short: which watermark it may go
 * below, whether it sleeps, how long it waits, who wakes it, when it warns and in what words.
 *
 * Every test boots its own x86_32 machine with 64 MiB (zones DMA and Normal, no highmem) and
 * thread caches off (pcp_high=0, pcp_batch=1), so a zone's free_pages is exactly what a
 * watermark check sees. "Exhausting" memory takes every free block, order 10 first, with
 * GFP_NOWAIT|__GFP_NOFAIL, which may ignore the watermarks; the blocks are kept in held[].
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <kmm/context.h>
#include <kmm/fault_inject.h>
#include <kmm/jiffies.h>
#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include <kmm/shrinker.h>
#include <kmm/vmalloc.h>
#include "common/kmm_test.h"
#include "mm/internal.h"

#define MAX_HELD 8192
#define TAKE_ALL (GFP_NOWAIT | __GFP_NOFAIL | __GFP_NOWARN)

struct held_block {
	struct page *page;
	unsigned int order;
};

static struct held_block held[MAX_HELD];
static unsigned int nr_held;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void hold(struct page *page, unsigned int order)
{
	assert_true(nr_held < MAX_HELD);
	held[nr_held++] = (struct held_block){ page, order };
}

static void release_held(unsigned int i)
{
	__free_pages(held[i].page, held[i].order);
	held[i] = held[--nr_held];
}

/* Take every free page of every zone, largest blocks first. */
static void exhaust_memory(void)
{
	for (int order = MAX_PAGE_ORDER; order >= 0; order--) {
		struct page *page;

		while ((page = alloc_pages(TAKE_ALL, (unsigned int)order)))
			hold(page, (unsigned int)order);
	}
	assert_int_equal(nr_free_pages(), 0);
}

/* With the other zones empty, leave exactly @target free pages in @zone. */
static void set_zone_free(enum zone_type zone, unsigned long target)
{
	struct zone *z = &zones[zone];
	struct page *page;

	for (unsigned int i = 0; i < nr_held && z->free_pages < target;) {
		if (page_zonenum(held[i].page) == zone)
			release_held(i);
		else
			i++;
	}
	while (z->free_pages > target) {
		page = alloc_pages(TAKE_ALL, 0);
		assert_non_null(page);
		assert_int_equal(page_zonenum(page), zone);
		hold(page, 0);
	}
	assert_int_equal(z->free_pages, target);
}

static int boot(void **state)
{
	struct kmm_config cfg = {
		.profile = "x86_32",
		.mem_bytes = 64ULL << 20,
		.cpus = 2,
		.options = "pcp_high=0,pcp_batch=1,gfp_wait_ms=100",
	};

	nr_held = 0;
	kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "");
	kmm_fail_nth(0);
	if (kmm_boot(&cfg))
		return -1;
	kmm_report_capture_begin();
	return 0;
}

static int shutdown(void **state)
{
	kmm_report_capture_end();
	kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "");
	kmm_fail_nth(0);
	while (nr_held)
		release_held(nr_held - 1);
	kmm_shutdown();
	return 0;
}

/* ---------------------------------------------------------------- watermarks and sleeping */

static void gfp_atomic_succeeds_below_min_watermark_where_gfp_nowait_fails(void **state)
{
	struct zone *normal = &zones[ZONE_NORMAL];
	unsigned long min = normal->watermark[WMARK_MIN];
	unsigned int atomic_pages = 0;
	struct page *page;

	assert_true(min > 8);
	exhaust_memory();
	set_zone_free(ZONE_NORMAL, min);

	assert_null(alloc_page(GFP_NOWAIT | __GFP_NOWARN));
	assert_int_equal(normal->free_pages, min);

	while ((page = alloc_page(GFP_ATOMIC | __GFP_NOWARN))) {
		assert_int_equal(page_zonenum(page), ZONE_NORMAL);
		hold(page, 0);
		atomic_pages++;
	}
	/* __GFP_HIGH halves min, __GFP_ATOMIC takes a further quarter: about 3/8 of it stays. */
	assert_true(atomic_pages > 0);
	assert_true(normal->free_pages < min);
	assert_true(normal->free_pages >= min / 4);
	assert_int_equal(kmm_report_captured(NULL), 0);
}

static void gfp_nowait_and_gfp_atomic_never_sleep_when_memory_is_exhausted(void **state)
{
	long long t0, elapsed;

	assert_int_equal(kmm_option_set("gfp_wait_ms", "2000"), 0);
	exhaust_memory();

	t0 = now_ms();
	assert_null(alloc_page(GFP_NOWAIT));
	assert_null(alloc_pages(GFP_ATOMIC, 3));
	elapsed = now_ms() - t0;
	assert_true(elapsed < 500);
	/* The first failure is warned about, as the kernel does for atomic allocations; the
	 * second, a moment later, falls under warn_alloc's limit of one report per 10 s. */
	assert_int_equal(kmm_report_captured("page_alloc_failure"), 1);
	assert_int_equal(kmm_report_captured_find("mode:0x800(GFP_NOWAIT)"), 1);
}

static void warn_alloc_reports_once_per_10_seconds_then_counts_what_it_suppressed(void **state)
{
	struct kmm_test_log log;
	char *text;

	kmm_jiffies_set_manual(true);
	exhaust_memory();
	log = kmm_test_log_begin();
	assert_null(alloc_page(GFP_NOWAIT));
	assert_null(alloc_pages(GFP_ATOMIC, 3));
	assert_null(vmalloc(64UL << 20)); /* vmalloc's failures share the page allocator's limit */
	assert_int_equal(kmm_report_captured(NULL), 1);
	kmm_jiffies_advance(10 * HZ); /* the interval is not over until it has fully passed */
	assert_null(alloc_page(GFP_NOWAIT));
	assert_int_equal(kmm_report_captured(NULL), 1);
	kmm_jiffies_advance(1);
	assert_null(alloc_pages(GFP_ATOMIC, 3));
	text = kmm_test_log_end(&log);
	assert_int_equal(kmm_report_captured("page_alloc_failure"), 2);
	assert_int_equal(kmm_report_captured_find("order:3, mode:0xa20(GFP_ATOMIC)"), 1);
	assert_non_null(strstr(text, "warn_alloc: 3 callbacks suppressed\n"));
	free(text);
	kmm_jiffies_set_manual(false);
}

static unsigned int counted_shrinker_calls;

static unsigned long count_nothing(struct shrinker *s, struct shrink_control *sc)
{
	counted_shrinker_calls++;
	return 0;
}

static unsigned long scan_nothing(struct shrinker *s, struct shrink_control *sc)
{
	return SHRINK_STOP;
}

static void gfp_noretry_fails_after_one_reclaim_round_without_waiting(void **state)
{
	struct shrinker counter = { .count_objects = count_nothing,
				    .scan_objects = scan_nothing,
				    .seeks = DEFAULT_SEEKS };
	long long t0, elapsed;

	assert_int_equal(kmm_option_set("gfp_wait_ms", "2000"), 0);
	exhaust_memory();
	counted_shrinker_calls = 0;
	register_shrinker(&counter, "test-counter");

	t0 = now_ms();
	assert_null(alloc_page(GFP_KERNEL | __GFP_NORETRY));
	elapsed = now_ms() - t0;
	unregister_shrinker(&counter);

	assert_true(elapsed < 500);
	assert_int_equal(counted_shrinker_calls, 1);
	assert_int_equal(kmm_report_captured("page_alloc_failure"), 1);
	assert_int_equal(kmm_report_captured_find("mode:0x10cc0(GFP_KERNEL|__GFP_NORETRY)"), 1);
}

static void gfp_kernel_waits_gfp_wait_ms_then_fails_with_page_allocation_failure(void **state)
{
	long long t0, elapsed;
	const char *text;

	exhaust_memory();
	kmm_set_current_comm("insmod");

	t0 = now_ms();
	assert_null(alloc_pages(GFP_KERNEL, 2));
	elapsed = now_ms() - t0;

	assert_true(elapsed >= 95);
	assert_true(elapsed < 1000);
	assert_int_equal(kmm_report_captured(NULL), 1);
	assert_int_equal(kmm_report_captured("page_alloc_failure"), 1);
	text = kmm_report_captured_text(0);
	assert_non_null(text);
	assert_non_null(strstr(text, "insmod: page allocation failure: order:2, "
				     "mode:0xcc0(GFP_KERNEL), nodemask=(null)"));
	assert_non_null(strstr(text, "Mem-Info:"));
	/* x86_32: the 686 kernel has no NUMA, so no "Node 0 " before the zone. */
	assert_non_null(strstr(text, "\nNormal free:0kB"));
	assert_null(strstr(text, "Node 0 Normal"));
}

/* Debian's amd64 kernel has NUMA: its Mem-Info names the node before each zone. */
static void x86_64_mem_info_names_the_node_of_each_zone(void **state)
{
	struct kmm_config cfg = { .profile = "x86_64", .mem_bytes = 64ULL << 20, .cpus = 2 };
	const char *text;

	shutdown(state);
	assert_int_equal(kmm_boot(&cfg), 0);
	kmm_report_capture_begin();
	exhaust_memory();
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NORETRY, 0));
	text = kmm_report_captured_text(0);
	assert_non_null(text);
	assert_non_null(strstr(text, "\nNode 0 DMA32 free:0kB"));
	assert_non_null(strstr(text, "\nNode 0 DMA32: "));
}

static void gfp_nowarn_silences_the_page_allocation_failure(void **state)
{
	long long t0, elapsed;

	exhaust_memory();
	t0 = now_ms();
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 2));
	elapsed = now_ms() - t0;

	assert_true(elapsed >= 95);
	assert_null(alloc_page(GFP_ATOMIC | __GFP_NOWARN));
	assert_int_equal(kmm_report_captured(NULL), 0);
}

struct delayed_free {
	struct page *page;
	unsigned int order;
	unsigned int delay_ms;
};

static void *free_later(void *arg)
{
	struct delayed_free *d = arg;

	usleep(d->delay_ms * 1000);
	__free_pages(d->page, d->order);
	return NULL;
}

/* Start a thread that frees the largest held block after @delay_ms. */
static pthread_t start_delayed_free(struct delayed_free *d, unsigned int delay_ms)
{
	unsigned int best = 0;
	pthread_t tid;

	assert_true(nr_held > 0);
	for (unsigned int i = 1; i < nr_held; i++)
		if (held[i].order > held[best].order)
			best = i;
	/* It must lift a zone above its min watermark on its own. */
	assert_int_equal(held[best].order, MAX_PAGE_ORDER);
	*d = (struct delayed_free){ held[best].page, held[best].order, delay_ms };
	held[best] = held[--nr_held];
	assert_int_equal(pthread_create(&tid, NULL, free_later, d), 0);
	return tid;
}

static void gfp_kernel_waiter_wakes_when_another_thread_frees(void **state)
{
	struct delayed_free d;
	struct page *page;
	long long t0, elapsed;
	pthread_t tid;

	assert_int_equal(kmm_option_set("gfp_wait_ms", "2000"), 0);
	exhaust_memory();
	/* The clock starts before the freeing thread, so its 50 ms sleep lies inside it. */
	t0 = now_ms();
	tid = start_delayed_free(&d, 50);
	page = alloc_page(GFP_KERNEL);
	elapsed = now_ms() - t0;
	pthread_join(tid, NULL);

	assert_non_null(page);
	hold(page, 0);
	assert_true(elapsed >= 40);
	assert_true(elapsed < 1500);
	assert_int_equal(kmm_report_captured(NULL), 0);
}

static void gfp_nofail_waits_past_gfp_wait_ms_until_another_thread_frees(void **state)
{
	struct delayed_free d;
	struct page *page;
	long long t0, elapsed;
	pthread_t tid;

	exhaust_memory();
	t0 = now_ms();
	tid = start_delayed_free(&d, 400);

	page = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 1);
	elapsed = now_ms() - t0;
	pthread_join(tid, NULL);

	assert_non_null(page);
	hold(page, 1);
	assert_true(elapsed >= 350);
	assert_int_equal(kmm_report_captured(NULL), 0);
}

/* ---------------------------------------------------------------- shrinkers */

#define CACHE_PAGES 1024

static struct page *cache_pages[CACHE_PAGES];
static unsigned long cache_count, cache_scans;

static unsigned long cache_count_objects(struct shrinker *s, struct shrink_control *sc)
{
	return cache_count ? cache_count : SHRINK_EMPTY;
}

static unsigned long cache_scan_objects(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0;

	cache_scans++;
	while (freed < sc->nr_to_scan && cache_count) {
		__free_page(cache_pages[--cache_count]);
		freed++;
	}
	return freed;
}

static bool was_in_cache(const struct page *page)
{
	for (unsigned int i = 0; i < CACHE_PAGES; i++)
		if (cache_pages[i] == page)
			return true;
	return false;
}

static void registered_shrinkers_free_memory_that_satisfies_the_allocation(void **state)
{
	struct shrinker cache = { .count_objects = cache_count_objects,
				  .scan_objects = cache_scan_objects,
				  .seeks = DEFAULT_SEEKS };
	struct page *page;
	long long t0;

	/* The cache holds more than min of the Normal zone, as a page cache would. */
	assert_true(CACHE_PAGES > zones[ZONE_NORMAL].watermark[WMARK_MIN] * 2);
	for (cache_count = 0; cache_count < CACHE_PAGES; cache_count++) {
		cache_pages[cache_count] = alloc_page(GFP_KERNEL);
		assert_non_null(cache_pages[cache_count]);
	}
	cache_scans = 0;
	exhaust_memory();
	register_shrinker(&cache, "test-cache");

	t0 = now_ms();
	page = alloc_page(GFP_KERNEL);
	assert_true(now_ms() - t0 < 100);
	unregister_shrinker(&cache);

	assert_non_null(page);
	assert_true(cache_scans > 0);
	assert_true(cache_count < CACHE_PAGES);
	/* Everything else is held, so the page can only be one the shrinker gave back. */
	assert_true(was_in_cache(page));
	__free_page(page);
	assert_int_equal(kmm_report_captured(NULL), 0);
	while (cache_count)
		__free_page(cache_pages[--cache_count]);
}

/* ---------------------------------------------------------------- atomic context */

static void gfp_kernel_in_atomic_context_reports_once_and_does_not_sleep(void **state)
{
	struct page *first, *second;
	long long t0, elapsed;
	const char *text;

	assert_int_equal(kmm_option_set("gfp_wait_ms", "2000"), 0);
	exhaust_memory();
	set_zone_free(ZONE_NORMAL, zones[ZONE_NORMAL].watermark[WMARK_MIN]);

	preempt_disable();
	t0 = now_ms();
	first = alloc_page(GFP_KERNEL);
	second = alloc_page(GFP_KERNEL);
	elapsed = now_ms() - t0;
	preempt_enable();

	/* Below min only an atomic allocation succeeds: it was served as one. */
	assert_non_null(first);
	assert_non_null(second);
	hold(first, 0);
	hold(second, 0);
	assert_true(elapsed < 500);
	assert_int_equal(kmm_report_captured(NULL), 1);
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	text = kmm_report_captured_text(0);
	assert_non_null(strstr(text, "BUG: sleeping function called from invalid context at "));
	assert_non_null(strstr(text, "in_atomic(): 1, irqs_disabled(): 0"));
	assert_non_null(strstr(text, "preempt_count: 1, expected: 0"));
}

static void gfp_kernel_in_atomic_context_fails_fast_when_memory_is_exhausted(void **state)
{
	long long t0, elapsed;

	assert_int_equal(kmm_option_set("gfp_wait_ms", "2000"), 0);
	exhaust_memory();

	preempt_disable();
	t0 = now_ms();
	assert_null(alloc_page(GFP_KERNEL | __GFP_NOWARN));
	elapsed = now_ms() - t0;
	preempt_enable();

	assert_true(elapsed < 500);
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
}

/* ---------------------------------------------------------------- mode strings */

static void gfp_format_names_masks_as_the_kernel_prints_them(void **state)
{
	char buf[256];

	assert_string_equal(gfp_format(GFP_KERNEL, buf, sizeof(buf)), "GFP_KERNEL");
	assert_string_equal(gfp_format(GFP_KERNEL | __GFP_ZERO, buf, sizeof(buf)),
			    "GFP_KERNEL|__GFP_ZERO");
	assert_string_equal(gfp_format(GFP_KERNEL | __GFP_NORETRY, buf, sizeof(buf)),
			    "GFP_KERNEL|__GFP_NORETRY");
	assert_string_equal(gfp_format(GFP_ATOMIC, buf, sizeof(buf)), "GFP_ATOMIC");
	assert_string_equal(gfp_format(GFP_ATOMIC | __GFP_NOWARN, buf, sizeof(buf)),
			    "GFP_ATOMIC|__GFP_NOWARN");
	assert_string_equal(gfp_format(GFP_NOWAIT, buf, sizeof(buf)), "GFP_NOWAIT");
	assert_string_equal(gfp_format(GFP_KERNEL | __GFP_DMA, buf, sizeof(buf)),
			    "GFP_KERNEL|GFP_DMA");
	assert_string_equal(gfp_format(GFP_HIGHUSER_MOVABLE, buf, sizeof(buf)),
			    "GFP_HIGHUSER_MOVABLE");
	assert_string_equal(gfp_format(0, buf, sizeof(buf)), "none");
}

/* ---------------------------------------------------------------- fault injection */

static void fail_nth_1_fails_the_next_alloc_pages(void **state)
{
	struct page *page;

	kmm_fail_nth(1);
	assert_null(alloc_page(GFP_KERNEL));
	assert_int_equal(kmm_fail_nth_pending(), 0);
	page = alloc_page(GFP_KERNEL);
	assert_non_null(page);
	__free_page(page);
	/* An injected failure is not a page allocation failure: nothing was short. */
	assert_int_equal(kmm_report_captured("page_alloc_failure"), 0);
}

static void fail_page_alloc_probability_100_fails_and_times_2_fails_twice(void **state)
{
	unsigned long before = nr_free_pages();
	struct page *page;

	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=100"), 0);
	for (int i = 0; i < 10; i++)
		assert_null(alloc_pages(GFP_KERNEL, (unsigned int)i % (MAX_PAGE_ORDER + 1)));
	assert_int_equal(nr_free_pages(), before);

	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=100,times=2"), 0);
	assert_null(alloc_page(GFP_KERNEL));
	assert_null(alloc_page(GFP_ATOMIC));
	page = alloc_page(GFP_KERNEL);
	assert_non_null(page);
	__free_page(page);
	assert_int_equal(kmm_report_captured("page_alloc_failure"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, boot, shutdown)
		T(gfp_atomic_succeeds_below_min_watermark_where_gfp_nowait_fails),
		T(gfp_nowait_and_gfp_atomic_never_sleep_when_memory_is_exhausted),
		T(warn_alloc_reports_once_per_10_seconds_then_counts_what_it_suppressed),
		T(gfp_noretry_fails_after_one_reclaim_round_without_waiting),
		T(gfp_kernel_waits_gfp_wait_ms_then_fails_with_page_allocation_failure),
		T(x86_64_mem_info_names_the_node_of_each_zone),
		T(gfp_nowarn_silences_the_page_allocation_failure),
		T(gfp_kernel_waiter_wakes_when_another_thread_frees),
		T(gfp_nofail_waits_past_gfp_wait_ms_until_another_thread_frees),
		T(registered_shrinkers_free_memory_that_satisfies_the_allocation),
		T(gfp_kernel_in_atomic_context_reports_once_and_does_not_sleep),
		T(gfp_kernel_in_atomic_context_fails_fast_when_memory_is_exhausted),
		T(gfp_format_names_masks_as_the_kernel_prints_them),
		T(fail_nth_1_fails_the_next_alloc_pages),
		T(fail_page_alloc_probability_100_fails_and_times_2_fails_twice),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
