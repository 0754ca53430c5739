/*
 * The one report path: capture for tests, a user handler, stderr, and report_abort.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include "machine/report.h"

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	return kmm_boot(&cfg);
}

/* Exported and not inlined, so the stack trace can name it. */
__attribute__((noinline)) void make_report(const char *id, int n);
__attribute__((noinline)) void make_report(const char *id, int n)
{
	report_start(id, "BUG: test report %d", n);
	report_add("detail line");
	report_add_task();
	report_add_stack();
	report_finish();
}

static void capture_counts_each_category_exactly_past_the_stored_texts(void **state)
{
	kmm_report_capture_begin();
	for (int i = 0; i < 100; i++)
		make_report(i % 4 ? "alpha" : "beta", i);
	assert_int_equal(kmm_report_captured(NULL), 100);
	assert_int_equal(kmm_report_captured("alpha"), 75);
	assert_int_equal(kmm_report_captured("beta"), 25);
	assert_int_equal(kmm_report_captured("gamma"), 0);
	assert_non_null(kmm_report_captured_text(63));
	assert_null(kmm_report_captured_text(64));
	assert_int_equal(kmm_report_capture_end(), 100);
}

static void a_report_has_title_task_line_and_call_trace(void **state)
{
	const char *text;

	kmm_report_capture_begin();
	make_report("alpha", 7);
	text = kmm_report_captured_text(0);
	assert_non_null(text);
	assert_int_equal(strncmp(text, "BUG: test report 7\n", 19), 0);
	assert_non_null(strstr(text, "\ndetail line\n"));
	assert_non_null(strstr(text, "\nCPU: "));
	assert_non_null(strstr(text, " PID: "));
	/* The default x86_32 machine: i386's bare trace, no <TASK> ... </TASK> around it. */
	assert_non_null(strstr(text, "Call Trace:\n "));
	assert_null(strstr(text, "<TASK>"));
	/* The caller's frame is named (the tests export their symbols). */
	assert_non_null(strstr(text, "make_report+0x"));
	kmm_report_capture_end();
}

/* x86_64 frames the trace as Debian's amd64 kernel does (tests/kernel/reference/). */
static void an_x86_64_call_trace_is_framed_by_task_markers(void **state)
{
	struct kmm_config cfg = { .profile = "x86_64", .mem_bytes = 64 << 20 };
	const char *text;

	kmm_shutdown();
	assert_int_equal(kmm_boot(&cfg), 0);
	kmm_report_capture_begin();
	make_report("alpha", 8);
	text = kmm_report_captured_text(0);
	assert_non_null(strstr(text, "Call Trace:\n <TASK>\n"));
	assert_non_null(strstr(text, " </TASK>\n"));
	kmm_report_capture_end();
	kmm_shutdown();
	assert_int_equal(boot(state), 0);
}

static void a_new_capture_starts_empty(void **state)
{
	kmm_report_capture_begin();
	make_report("alpha", 1);
	kmm_report_capture_end();
	kmm_report_capture_begin();
	assert_int_equal(kmm_report_captured(NULL), 0);
	assert_int_equal(kmm_report_captured("alpha"), 0);
	assert_int_equal(kmm_report_captured_find("test report"), 0);
	kmm_report_capture_end();
}

struct seen {
	int calls;
	char title[128];
};

static void handler(const struct kmm_report *r, void *arg)
{
	struct seen *seen = arg;

	seen->calls++;
	strncpy(seen->title, r->title, sizeof(seen->title) - 1);
}

static void a_handler_receives_reports_outside_a_capture(void **state)
{
	struct seen seen = { 0 };
	unsigned long before = kmm_report_count();

	kmm_report_set_handler(handler, &seen);
	make_report("alpha", 42);
	kmm_report_set_handler(NULL, NULL);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.title, "BUG: test report 42");
	assert_int_equal(kmm_report_count() - before, 1);
}

static void report_abort_stops_the_program_at_the_first_report(void **state)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 2);
		kmm_option_set("report_abort", "1");
		free_pages(PAGE_OFFSET + 1, 0);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capture_counts_each_category_exactly_past_the_stored_texts),
		cmocka_unit_test(a_report_has_title_task_line_and_call_trace),
		cmocka_unit_test(an_x86_64_call_trace_is_framed_by_task_markers),
		cmocka_unit_test(a_new_capture_starts_empty),
		cmocka_unit_test(a_handler_receives_reports_outside_a_capture),
		cmocka_unit_test(report_abort_stops_the_program_at_the_first_report),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
