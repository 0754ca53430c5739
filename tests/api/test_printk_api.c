/*
 * printk's rate-limited helpers as a driver uses them (<linux/printk.h>): each call site has
 * its own limit of DEFAULT_RATELIMIT_BURST lines per DEFAULT_RATELIMIT_INTERVAL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "common/kmm_test.h"
#include <linux/jiffies.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>

static void rx_error(int n)
{
	pr_warn_ratelimited("mydev: rx error %d\n", n);
}

static void tx_error(int n)
{
	pr_err_ratelimited("mydev: tx error %d\n", n);
}

static unsigned int count(const char *text, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void each_call_site_prints_ten_lines_per_five_seconds(void **state)
{
	struct kmm_test_log log = kmm_test_log_begin();
	char *text;

	for (int i = 0; i < 15; i++) {
		rx_error(i);
		tx_error(i);
	}
	kmm_jiffies_advance(DEFAULT_RATELIMIT_INTERVAL + 1);
	rx_error(99);
	text = kmm_test_log_end(&log);
	assert_int_equal(count(text, "mydev: rx error"), 11);
	assert_int_equal(count(text, "mydev: tx error"), 10);
	assert_non_null(strstr(text, "mydev: rx error 9\n"));
	assert_null(strstr(text, "mydev: rx error 10\n"));
	assert_non_null(strstr(text, "callbacks suppressed\nmydev: rx error 99\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(each_call_site_prints_ten_lines_per_five_seconds,
						kmm_test_boot_manual_clock,
						kmm_test_shutdown_manual_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
