/*
 * WARN_ON() and its family (<linux/bug.h>): a "cut here" report naming the file and line,
 * the condition as the value, and the _ONCE forms quiet after their first report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <linux/bug.h>
#include <linux/kernel.h>
#include <kmm/report.h>
#include "common/kmm_test.h"

static void warn_on_reports_place_and_returns_condition(void **state)
{
	int line;

	(void)state;
	kmm_report_capture_begin();
	assert_false(WARN_ON(0));
	line = __LINE__ + 1;
	assert_true(WARN_ON(2 > 1));
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("warn"), 1);
	char where[128];

	snprintf(where, sizeof(where), "test_bug_api.c:%d %s", line, __func__);
	assert_non_null(strstr(kmm_report_captured_text(0), where));
	assert_non_null(
		strstr(kmm_report_captured_text(0), "------------[ cut here ]------------"));
	assert_non_null(strstr(kmm_report_captured_text(0), "WARNING: CPU: "));
}

static void warn_prints_its_message_and_once_forms_warn_once(void **state)
{
	(void)state;
	kmm_report_capture_begin();
	assert_true(WARN(1, "bad value %d\n", 7));
	for (int i = 0; i < 3; i++) {
		assert_true(WARN_ON_ONCE(i >= 0));
		assert_true(WARN_ONCE(1, "once %d", i));
	}
	assert_int_equal(kmm_report_capture_end(), 3);
	assert_non_null(strstr(kmm_report_captured_text(0), "bad value 7\nWARNING: CPU: "));
	assert_non_null(strstr(kmm_report_captured_text(2), "once 0\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(warn_on_reports_place_and_returns_condition),
		cmocka_unit_test(warn_prints_its_message_and_once_forms_warn_once),
	};

	if (kmm_test_boot("x86_32", 64ULL << 20))
		return 1;
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	kmm_shutdown();
	return failed;
}
