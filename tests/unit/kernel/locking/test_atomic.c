/*
 * atomic_t, atomic64_t, atomic_long_t, refcount_t and the bit operations: results, the
 * saturation reports of refcount_t, and two threads racing on one counter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <pthread.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/atomic.h>
#include <kmm/refcount.h>
#include <kmm/bitops.h>
#include <kmm/barrier.h>
#include <kmm/report.h>

#define RACE_LOOPS 100000

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	return kmm_boot(&cfg);
}

static void atomic_ops_return_what_the_kernel_returns(void **state)
{
	atomic_t v = ATOMIC_INIT(5);

	assert_int_equal(atomic_read(&v), 5);
	atomic_inc(&v);
	atomic_add(4, &v);
	assert_int_equal(atomic_read(&v), 10);
	assert_int_equal(atomic_fetch_add(2, &v), 10);
	assert_int_equal(atomic_add_return(3, &v), 15);
	assert_int_equal(atomic_sub_return(5, &v), 10);
	assert_false(atomic_sub_and_test(9, &v));
	assert_true(atomic_dec_and_test(&v));
	assert_false(atomic_inc_not_zero(&v));
	assert_int_equal(atomic_cmpxchg(&v, 0, 7), 0);
	assert_int_equal(atomic_cmpxchg(&v, 0, 9), 7);
	assert_int_equal(atomic_xchg(&v, 1), 7);
	assert_true(atomic_inc_not_zero(&v));
	assert_int_equal(atomic_read(&v), 2);
	assert_int_equal(atomic_fetch_or(4, &v), 2);
	assert_int_equal(atomic_fetch_andnot(2, &v), 6);
	assert_int_equal(atomic_read(&v), 4);
	assert_int_equal(atomic_dec_if_positive(&v), 3);
	atomic_set(&v, 0);
	assert_int_equal(atomic_dec_if_positive(&v), -1);
	assert_int_equal(atomic_read(&v), 0);
	assert_true(atomic_add_negative(-1, &v));
}

static void atomic64_and_long_are_wide(void **state)
{
	atomic64_t a = ATOMIC64_INIT(1LL << 40);
	atomic_long_t l = ATOMIC_LONG_INIT(-1);

	atomic64_add(1LL << 40, &a);
	assert_true(atomic64_read(&a) == (2LL << 40));
	assert_true(atomic_long_inc_and_test(&l));
	assert_true(atomic_long_add_unless(&l, 5, 1));
	assert_false(atomic_long_add_unless(&l, 5, 5));
	assert_int_equal(atomic_long_read(&l), 5);
}

static void *inc_many(void *arg)
{
	atomic_t *v = arg;

	for (int i = 0; i < RACE_LOOPS; i++)
		atomic_inc(v);
	return NULL;
}

static void two_threads_incrementing_lose_nothing(void **state)
{
	atomic_t v = ATOMIC_INIT(0);
	pthread_t a, b;

	pthread_create(&a, NULL, inc_many, &v);
	pthread_create(&b, NULL, inc_many, &v);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	assert_int_equal(atomic_read(&v), 2 * RACE_LOOPS);
}

static void refcount_counts_and_frees_on_last_put(void **state)
{
	refcount_t r = REFCOUNT_INIT(1);

	refcount_inc(&r);
	assert_int_equal(refcount_read(&r), 2);
	assert_false(refcount_dec_and_test(&r));
	assert_true(refcount_inc_not_zero(&r));
	assert_false(refcount_dec_and_test(&r));
	assert_true(refcount_dec_and_test(&r));
	assert_false(refcount_inc_not_zero(&r));
}

static void refcount_increment_from_zero_saturates_with_one_report(void **state)
{
	refcount_t r = REFCOUNT_INIT(0);

	kmm_report_capture_begin();
	refcount_inc(&r);
	refcount_inc(&r);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("refcount_t: addition on 0; use-after-free."), 1);
	assert_true((int)refcount_read(&r) < 0);
	assert_false(refcount_dec_and_test(&r)); /* saturated: never reaches zero again */
}

static void refcount_underflow_is_reported_as_use_after_free(void **state)
{
	refcount_t r = REFCOUNT_INIT(1);

	kmm_report_capture_begin();
	assert_true(refcount_dec_and_test(&r));
	assert_false(refcount_dec_and_test(&r));
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("refcount_t: underflow; use-after-free."), 1);
}

static void refcount_overflow_saturates_instead_of_wrapping(void **state)
{
	refcount_t r = REFCOUNT_INIT(INT_MAX);

	kmm_report_capture_begin();
	refcount_inc(&r);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("refcount_t: saturated; leaking memory."), 1);
	assert_int_equal((int)refcount_read(&r), REFCOUNT_SATURATED);
}

static void bit_operations_work_across_words(void **state)
{
	DECLARE_BITMAP(map, 130) = { 0 };
	unsigned long bit, n = 0;

	set_bit(0, map);
	set_bit(64, map);
	set_bit(129, map);
	assert_true(test_bit(64, map));
	assert_false(test_bit(65, map));
	assert_true(test_and_clear_bit(64, map));
	assert_false(test_and_clear_bit(64, map));
	assert_false(test_and_set_bit(100, map));
	assert_true(test_and_set_bit(100, map));
	change_bit(1, map);
	__set_bit(2, map);
	__clear_bit(2, map);
	assert_int_equal(find_first_bit(map, 130), 0);
	assert_int_equal(find_next_bit(map, 130, 2), 100);
	assert_int_equal(find_first_zero_bit(map, 130), 2);
	for_each_set_bit(bit, map, 130) n++;
	assert_int_equal(n, 4);
	assert_int_equal(fls(0x80), 8);
	assert_int_equal(__ffs(0x80), 7);
	assert_false(test_and_set_bit_lock(3, map));
	clear_bit_unlock(3, map);
	assert_false(test_bit(3, map));
}

static int published;
static int payload;

static void *publisher(void *arg)
{
	payload = 42;
	smp_store_release(&published, 1);
	return NULL;
}

static void release_acquire_publishes_plain_data(void **state)
{
	pthread_t t;

	pthread_create(&t, NULL, publisher, NULL);
	while (!smp_load_acquire(&published))
		;
	assert_int_equal(payload, 42);
	assert_int_equal(READ_ONCE(published), 1);
	WRITE_ONCE(published, 0);
	smp_mb();
	pthread_join(t, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(atomic_ops_return_what_the_kernel_returns),
		cmocka_unit_test(atomic64_and_long_are_wide),
		cmocka_unit_test(two_threads_incrementing_lose_nothing),
		cmocka_unit_test(refcount_counts_and_frees_on_last_put),
		cmocka_unit_test(refcount_increment_from_zero_saturates_with_one_report),
		cmocka_unit_test(refcount_underflow_is_reported_as_use_after_free),
		cmocka_unit_test(refcount_overflow_saturates_instead_of_wrapping),
		cmocka_unit_test(bit_operations_work_across_words),
		cmocka_unit_test(release_acquire_publishes_plain_data),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
