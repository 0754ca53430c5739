/*
 * The kernel's message rate limit on kmm's jiffies (kmm/ratelimit.h): a burst per interval,
 * the interval over only once it has fully passed, the missed ones counted and told at the
 * next interval (or on release, with RATELIMIT_MSG_ON_RELEASE), and interval 0 meaning no limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kmm/jiffies.h>
#include <kmm/ratelimit.h>
#include "common/kmm_test.h"

static int allowed(struct ratelimit_state *rs, int tries)
{
	int n = 0;

	while (tries--)
		n += __ratelimit(rs);
	return n;
}

static void a_burst_passes_per_interval_and_the_rest_is_counted(void **state)
{
	DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 3);
	struct kmm_test_log log;
	char *text;

	assert_int_equal(allowed(&rs, 5), 3);
	assert_int_equal(rs.missed, 2);
	kmm_jiffies_advance(5 * HZ);
	assert_int_equal(allowed(&rs, 1), 0);
	log = kmm_test_log_begin();
	kmm_jiffies_advance(1);
	assert_int_equal(allowed(&rs, 4), 3);
	text = kmm_test_log_end(&log);
	/* The caller's name, as the kernel's __ratelimit() passes __func__. */
	assert_string_equal(text, "allowed: 3 callbacks suppressed\n");
	assert_int_equal(rs.missed, 1);
	free(text);
}

static void msg_on_release_keeps_the_count_for_exit(void **state)
{
	struct ratelimit_state rs;
	struct kmm_test_log log;
	char *text;

	ratelimit_state_init(&rs, HZ, 1);
	ratelimit_set_flags(&rs, RATELIMIT_MSG_ON_RELEASE);
	assert_int_equal(allowed(&rs, 3), 1);
	kmm_jiffies_advance(HZ + 1);
	log = kmm_test_log_begin();
	assert_int_equal(allowed(&rs, 1), 1);
	ratelimit_state_exit(&rs);
	text = kmm_test_log_end(&log);
	assert_non_null(strstr(text, ": 2 output lines suppressed due to ratelimiting\n"));
	assert_null(strstr(text, "callbacks suppressed"));
	free(text);
}

static void interval_zero_never_limits_and_burst_zero_always_does(void **state)
{
	struct ratelimit_state open, shut;

	ratelimit_state_init(&open, 0, 1);
	ratelimit_state_init(&shut, HZ, 0);
	assert_int_equal(allowed(&open, 100), 100);
	assert_int_equal(allowed(&shut, 5), 0);
	ratelimit_default_init(&open);
	assert_int_equal(open.interval, DEFAULT_RATELIMIT_INTERVAL);
	assert_int_equal(allowed(&open, 20), DEFAULT_RATELIMIT_BURST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_burst_passes_per_interval_and_the_rest_is_counted,
						kmm_test_boot_manual_clock,
						kmm_test_shutdown_manual_clock),
		cmocka_unit_test_setup_teardown(msg_on_release_keeps_the_count_for_exit,
						kmm_test_boot_manual_clock,
						kmm_test_shutdown_manual_clock),
		cmocka_unit_test_setup_teardown(
			interval_zero_never_limits_and_burst_zero_always_does,
			kmm_test_boot_manual_clock, kmm_test_shutdown_manual_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
