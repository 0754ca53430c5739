/*
 * test_fault_inject.c - the failslab / fail_page_alloc knobs and fail-nth, one behaviour each.
 *
 * The fault points are asked directly through kmm_should_fail(), as the allocators ask them;
 * no machine is booted. Every test starts from the default knobs and a disarmed fail-nth.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include <kmm/fault_inject.h>
#include <kmm/report.h>
#include "lib/fault_inject.h"

#define PAGE 4096

static int reset(void **state)
{
	kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "");
	kmm_fault_parse(KMM_FAILSLAB, "");
	kmm_fail_nth(0);
	return 0;
}

static bool page_fails(gfp_t gfp, unsigned int order)
{
	return kmm_should_fail(KMM_FAIL_PAGE_ALLOC, gfp, order, (size_t)PAGE << order);
}

static bool slab_fails(size_t size)
{
	return kmm_should_fail(KMM_FAILSLAB, GFP_KERNEL, 0, size);
}

static unsigned int count_page_failures(unsigned int calls)
{
	unsigned int failed = 0;

	for (unsigned int i = 0; i < calls; i++)
		failed += page_fails(GFP_KERNEL, 0);
	return failed;
}

static void defaults_never_fail(void **state)
{
	assert_int_equal(count_page_failures(100), 0);
	assert_false(slab_fails(64));
}

static void probability_100_fails_every_call(void **state)
{
	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=100"), 0);
	assert_int_equal(count_page_failures(100), 100);
	assert_false(slab_fails(64));
}

static void probability_50_fails_about_half_the_calls(void **state)
{
	unsigned int failed;

	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=50"), 0);
	failed = count_page_failures(2000);
	assert_in_range(failed, 850, 1150);
}

static void times_limits_failures(void **state)
{
	struct kmm_fault_attr attr;

	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=100,times=3"), 0);
	assert_int_equal(count_page_failures(10), 3);
	kmm_fault_get(KMM_FAIL_PAGE_ALLOC, &attr);
	assert_int_equal(attr.times, 0);
}

static void interval_fails_every_nth_call(void **state)
{
	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=100,interval=3"), 0);
	for (int call = 1; call <= 9; call++)
		assert_int_equal(page_fails(GFP_KERNEL, 0), call % 3 == 0);
}

static void space_lets_bytes_through_first(void **state)
{
	struct kmm_fault_attr attr;

	/* Like the kernel, a call passes only while the space left exceeds its size. */
	assert_int_equal(kmm_fault_parse(KMM_FAILSLAB, "probability=100,space=2500"), 0);
	assert_false(slab_fails(1000));
	assert_false(slab_fails(1000));
	assert_true(slab_fails(1000));
	kmm_fault_get(KMM_FAILSLAB, &attr);
	assert_int_equal(attr.space, 500);
}

static void min_order_spares_small_orders(void **state)
{
	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=100,min-order=2"), 0);
	assert_false(page_fails(GFP_KERNEL, 0));
	assert_false(page_fails(GFP_KERNEL, 1));
	assert_true(page_fails(GFP_KERNEL, 2));
	assert_true(page_fails(GFP_KERNEL, 5));
}

static void ignore_gfp_wait_spares_blocking_requests(void **state)
{
	assert_int_equal(kmm_fault_parse(KMM_FAILSLAB, "probability=100,ignore-gfp-wait=Y"), 0);
	assert_false(kmm_should_fail(KMM_FAILSLAB, GFP_KERNEL, 0, 64));
	assert_true(kmm_should_fail(KMM_FAILSLAB, GFP_ATOMIC, 0, 64));
	assert_true(kmm_should_fail(KMM_FAILSLAB, GFP_NOWAIT, 0, 64));
}

static void ignore_gfp_highmem_spares_highmem_requests(void **state)
{
	assert_int_equal(
		kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=100,ignore-gfp-highmem=1"), 0);
	assert_false(page_fails(GFP_HIGHUSER, 0));
	assert_true(page_fails(GFP_KERNEL, 0));
}

static void nofail_is_never_failed(void **state)
{
	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=100"), 0);
	assert_false(page_fails(GFP_KERNEL | __GFP_NOFAIL, 0));
	kmm_fail_nth(1);
	assert_false(page_fails(GFP_KERNEL | __GFP_NOFAIL, 0));
	assert_int_equal(kmm_fail_nth_pending(), 1);
}

static void fail_nth_fails_exactly_the_nth_call(void **state)
{
	kmm_fail_nth(3);
	assert_false(page_fails(GFP_KERNEL, 0));
	assert_false(page_fails(GFP_KERNEL, 0));
	assert_int_equal(kmm_fail_nth_pending(), 1);
	assert_true(page_fails(GFP_KERNEL, 0));
	assert_int_equal(kmm_fail_nth_pending(), 0);
	assert_false(page_fails(GFP_KERNEL, 0));
}

static void fail_nth_counts_every_fault_point(void **state)
{
	kmm_fail_nth(2);
	assert_false(page_fails(GFP_KERNEL, 0));
	assert_true(slab_fails(64));
}

static void fail_nth_overrides_the_generic_knobs(void **state)
{
	assert_int_equal(kmm_fault_parse(KMM_FAILSLAB, "probability=100,times=0"), 0);
	kmm_fail_nth(2);
	assert_false(slab_fails(64));
	assert_true(slab_fails(64));
}

static void fail_nth_respects_the_point_filters(void **state)
{
	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "min-order=1"), 0);
	kmm_fail_nth(1);
	assert_false(page_fails(GFP_KERNEL, 0));
	assert_int_equal(kmm_fail_nth_pending(), 1);
	assert_true(page_fails(GFP_KERNEL, 1));
}

static void *other_thread_calls(void *arg)
{
	unsigned int *failed = arg;

	for (int i = 0; i < 5; i++)
		*failed += slab_fails(64);
	kmm_fail_nth(1);
	*failed += 10 * slab_fails(64);
	return NULL;
}

static void fail_nth_is_per_thread(void **state)
{
	unsigned int other_failed = 0;
	pthread_t t;

	kmm_fail_nth(2);
	assert_int_equal(pthread_create(&t, NULL, other_thread_calls, &other_failed), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	/* The other thread's five calls left ours armed; its own fail-nth failed its call. */
	assert_int_equal(other_failed, 10);
	assert_int_equal(kmm_fail_nth_pending(), 2);
	assert_false(slab_fails(64));
	assert_true(slab_fails(64));
}

static unsigned int shared_failures;

static void *hammer(void *arg)
{
	for (int i = 0; i < 1000; i++)
		if (page_fails(GFP_KERNEL, 0))
			__atomic_fetch_add(&shared_failures, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void times_is_exact_across_threads(void **state)
{
	pthread_t t[4];

	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=100,times=100"), 0);
	shared_failures = 0;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, NULL), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(shared_failures, 100);
}

static void parse_accepts_every_knob(void **state)
{
	struct kmm_fault_attr attr;

	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC,
					 "probability=7,interval=5,times=-1,space=0x1000,verbose=2,"
					 "min-order=3,ignore-gfp-wait=Y,ignore-gfp-highmem=N"),
			 0);
	kmm_fault_get(KMM_FAIL_PAGE_ALLOC, &attr);
	assert_int_equal(attr.probability, 7);
	assert_int_equal(attr.interval, 5);
	assert_int_equal(attr.times, -1);
	assert_int_equal(attr.space, 4096);
	assert_int_equal(attr.verbose, 2);
	assert_int_equal(attr.min_order, 3);
	assert_true(attr.ignore_gfp_wait);
	assert_false(attr.ignore_gfp_highmem);
}

static void parse_resets_unnamed_knobs(void **state)
{
	struct kmm_fault_attr attr;

	assert_int_equal(kmm_fault_parse(KMM_FAILSLAB, "probability=9,times=4"), 0);
	assert_int_equal(kmm_fault_parse(KMM_FAILSLAB, "verbose=1"), 0);
	kmm_fault_get(KMM_FAILSLAB, &attr);
	assert_int_equal(attr.probability, 0);
	assert_int_equal(attr.times, -1);
	assert_int_equal(attr.interval, 1);
	assert_int_equal(attr.verbose, 1);
}

static void parse_rejects_garbage(void **state)
{
	static const char *const bad[] = {
		"probability",	   "probability=",
		"probability=101", "probability=-1",
		"probability=1x",  "times=-2",
		"space=-5",	   "ignore-gfp-wait=maybe",
		"min-order=-1",	   "bogus=1",
		"probability=1,,", "=1",
		"probability=5 ",  "interval=99999999999999999999",
	};
	struct kmm_fault_attr attr;

	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=3"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, bad[i]), -EINVAL);
	kmm_fault_get(KMM_FAIL_PAGE_ALLOC, &attr);
	assert_int_equal(attr.probability, 3);
}

static void parse_rejects_page_alloc_knobs_for_failslab(void **state)
{
	assert_int_equal(kmm_fault_parse(KMM_FAILSLAB, "min-order=0"), -EINVAL);
	assert_int_equal(kmm_fault_parse(KMM_FAILSLAB, "ignore-gfp-highmem=Y"), -EINVAL);
	assert_int_equal(kmm_fault_parse(KMM_FAIL_NR_POINTS, ""), -EINVAL);
}

static void verbose_1_reports_one_line(void **state)
{
	const char *text;

	assert_int_equal(kmm_fault_parse(KMM_FAIL_PAGE_ALLOC, "probability=100,verbose=1"), 0);
	kmm_report_capture_begin();
	assert_true(page_fails(GFP_KERNEL, 0));
	assert_int_equal(kmm_report_captured("fault_inject"), 1);
	text = kmm_report_captured_text(0);
	assert_string_equal(
		text, "FAULT_INJECTION: forcing a failure.\n"
		      "name fail_page_alloc, interval 1, probability 100, space 0, times -1\n");
	kmm_report_capture_end();
}

static void verbose_2_adds_the_call_trace(void **state)
{
	assert_int_equal(kmm_fault_parse(KMM_FAILSLAB, "probability=100,verbose=2,times=2"), 0);
	kmm_report_capture_begin();
	assert_true(slab_fails(64));
	assert_int_equal(kmm_report_captured("fault_inject"), 1);
	assert_int_equal(kmm_report_captured_find("name failslab, interval 1, probability 100, "
						  "space 0, times 2\n"),
			 1);
	assert_int_equal(kmm_report_captured_find("Call Trace:"), 1);
	kmm_report_capture_end();
}

static void nowarn_requests_fail_silently(void **state)
{
	assert_int_equal(kmm_fault_parse(KMM_FAILSLAB, "probability=100,verbose=2"), 0);
	kmm_report_capture_begin();
	assert_true(kmm_should_fail(KMM_FAILSLAB, GFP_KERNEL | __GFP_NOWARN, 0, 64));
	assert_int_equal(kmm_report_capture_end(), 0);
}

static void environment_configures_both_points(void **state)
{
	struct kmm_fault_attr attr;

	setenv("KMM_FAIL_PAGE_ALLOC", "probability=100,times=2", 1);
	setenv("KMM_FAILSLAB", "interval=4,probability=25", 1);
	setenv("KMM_FAULT_SEED", "12345", 1);
	fault_inject_init_from_env();
	kmm_fault_get(KMM_FAIL_PAGE_ALLOC, &attr);
	assert_int_equal(attr.probability, 100);
	assert_int_equal(attr.times, 2);
	kmm_fault_get(KMM_FAILSLAB, &attr);
	assert_int_equal(attr.probability, 25);
	assert_int_equal(attr.interval, 4);

	/* Read once: a second call changes nothing. */
	setenv("KMM_FAILSLAB", "probability=1", 1);
	fault_inject_init_from_env();
	kmm_fault_get(KMM_FAILSLAB, &attr);
	assert_int_equal(attr.probability, 25);
}

#define TEST(fn) cmocka_unit_test_setup(fn, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(defaults_never_fail),
		TEST(probability_100_fails_every_call),
		TEST(probability_50_fails_about_half_the_calls),
		TEST(times_limits_failures),
		TEST(interval_fails_every_nth_call),
		TEST(space_lets_bytes_through_first),
		TEST(min_order_spares_small_orders),
		TEST(ignore_gfp_wait_spares_blocking_requests),
		TEST(ignore_gfp_highmem_spares_highmem_requests),
		TEST(nofail_is_never_failed),
		TEST(fail_nth_fails_exactly_the_nth_call),
		TEST(fail_nth_counts_every_fault_point),
		TEST(fail_nth_overrides_the_generic_knobs),
		TEST(fail_nth_respects_the_point_filters),
		TEST(fail_nth_is_per_thread),
		TEST(times_is_exact_across_threads),
		TEST(parse_accepts_every_knob),
		TEST(parse_resets_unnamed_knobs),
		TEST(parse_rejects_garbage),
		TEST(parse_rejects_page_alloc_knobs_for_failslab),
		TEST(verbose_1_reports_one_line),
		TEST(verbose_2_adds_the_call_trace),
		TEST(nowarn_requests_fail_silently),
		TEST(environment_configures_both_points),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
