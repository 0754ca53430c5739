/*
 * Kernel threads and random numbers as driver code sees them (<linux/kthread.h>,
 * <linux/random.h>): kthread_stop() stops a thread that polls kthread_should_stop() and hands
 * back its result; get_random_*() values spread over their range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/delay.h>
#include "common/kmm_test.h"

static int polls;

static int poll_until_stopped(void *data)
{
	int *seen_data = data;

	*seen_data = 1;
	while (!kthread_should_stop()) {
		__atomic_add_fetch(&polls, 1, __ATOMIC_RELAXED);
		msleep(1);
	}
	return 42;
}

static void kthread_stop_returns_the_threads_result(void **state)
{
	int seen = 0;
	struct task_struct *k;

	(void)state;
	assert_false(kthread_should_stop()); /* not a kthread */
	k = kthread_run(poll_until_stopped, &seen, "poller/%d", 3);
	assert_false(IS_ERR(k));
	while (!__atomic_load_n(&polls, __ATOMIC_RELAXED))
		msleep(1);
	assert_int_equal(kthread_stop(k), 42);
	assert_int_equal(seen, 1);
}

static void random_values_spread(void **state)
{
	unsigned int seen[16] = { 0 };
	unsigned char buf[64] = { 0 }, zero[64] = { 0 };

	(void)state;
	for (int i = 0; i < 1600; i++) {
		u32 v = prandom_u32_max(16);

		assert_true(v < 16);
		seen[v]++;
	}
	for (int i = 0; i < 16; i++)
		assert_true(seen[i] > 0);
	get_random_bytes(buf, sizeof(buf));
	assert_memory_not_equal(buf, zero, sizeof(buf));
	assert_true(get_random_u64() != get_random_u64());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kthread_stop_returns_the_threads_result),
		cmocka_unit_test(random_values_spread),
	};

	if (kmm_test_boot("x86_32", 64ULL << 20))
		return 1;
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	kmm_shutdown();
	return failed;
}
