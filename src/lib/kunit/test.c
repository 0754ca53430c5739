/*
 * test.c - the KUnit runner: registered suites, one thread per case, KTAP out (kmm/kunit.h).
 *
 * Suites arrive as ranges of suite pointers, one per module that defines any (the program,
 * each shared object), in a growable table. kmm_kunit_run() prints the plan, then for each
 * suite its subtest: "    KTAP version 1", "    # Subtest: name", "    1..N", a line per case
 * (a parameterised case opens a deeper subtest of its parameters), the suite's "# name:
 * pass:P fail:F skip:S total:T" and "# Totals:" lines when it has more than one result, and
 * its own "ok"/"not ok" line: the lines, spacing and conditions of Linux 6.1's runner.
 *
 * A case runs on a new thread that jumps back to its start when the case aborts; the suite's
 * exit and the test's resources then run on that same thread, so what a case allocates is
 * freed by the context that allocated it. While a case runs, kmm's reports come to
 * report_seen(): one the case did not capture fails it and is quoted after the case, unless
 * it is a slab report and the case counts those itself (a "slab_errors" resource, as the
 * kernel's slub tests keep).
 * Context: process context, one run at a time.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kmm/kmm.h>
#include <kmm/printk.h>
#include <kmm/report.h>
#include "lib/kunit/kunit.h"
#include "lib/list.h"

pthread_mutex_t kunit_lock = PTHREAD_MUTEX_INITIALIZER;

struct suite_range {
	struct kunit_suite *const *start, *const *end;
};

static struct suite_range *ranges;
static size_t nr_ranges, ranges_cap;
static __thread struct kunit *current_test;
static struct kunit *running; /* under kunit_lock: the case reports are charged to */

void kmm_kunit_register(struct kunit_suite *const *start, struct kunit_suite *const *end)
{
	struct suite_range *grown;

	if (!start || start == end)
		return;
	for (size_t i = 0; i < nr_ranges; i++)
		if (ranges[i].start == start)
			return;
	if (nr_ranges == ranges_cap) {
		size_t cap = ranges_cap ? 2 * ranges_cap : 8;

		grown = realloc(ranges, cap * sizeof(*ranges));
		if (!grown) {
			fprintf(stderr, "kunit: no memory to register suites; they will not run\n");
			return;
		}
		ranges = grown;
		ranges_cap = cap;
	}
	ranges[nr_ranges++] = (struct suite_range){ start, end };
}

struct kunit *kunit_get_current_test(void)
{
	return current_test;
}

void kunit_print_diag(struct kunit *test, const char *text)
{
	size_t len = strlen(text);

	kmm_printk(KUNIT_SUBTEST_INDENT "# %s: %s%s", test->name, text,
		   len && text[len - 1] == '\n' ? "" : "\n");
}

void kunit_printk_fmt(const char *level, struct kunit *test, const char *fmt, ...)
{
	char msg[KUNIT_LOG_SIZE];
	va_list ap;

	(void)level; /* kmm's log has no levels */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kunit_print_diag(test, msg);
}

void kunit_abort(struct kunit *test)
{
	longjmp(test->run->abort_to, 1);
}

void kunit_do_failed_assertion(struct kunit *test, enum kunit_assert_type type, const char *file,
			       int line, const char *what, const char *fmt, ...)
{
	char text[2 * KUNIT_LOG_SIZE + 1024];
	size_t n;

	test->status = KUNIT_FAILURE;
	n = (size_t)snprintf(text, sizeof(text), "%s FAILED at %s:%d\n",
			     type == KUNIT_ASSERTION ? "ASSERTION" : "EXPECTATION", file, line);
	if (n < sizeof(text))
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", what);
	if (fmt && n < sizeof(text)) {
		va_list ap;

		/* After an explanation the message gets a line of its own; KUNIT_FAIL has none. */
		if (what[0] && n < sizeof(text) - 1)
			text[n++] = '\n';
		va_start(ap, fmt);
		vsnprintf(text + n, sizeof(text) - n, fmt, ap);
		va_end(ap);
	}
	kunit_print_diag(test, text);
	if (type == KUNIT_ASSERTION)
		kunit_abort(test);
}

void kunit_mark_skipped_fmt(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	test->status = KUNIT_SKIPPED;
	va_start(ap, fmt);
	vsnprintf(test->status_comment, sizeof(test->status_comment), fmt, ap);
	va_end(ap);
}

/* Is a report of @id one the running case counts itself, as slub's tests count slab errors? */
static bool report_is_counted(struct kunit *test, const char *id)
{
	struct kunit_resource *res;

	if (strncmp(id, "slab_", 5) != 0)
		return false;
	list_for_each_entry (res, &test->resources, node)
		if (res->name && strcmp(res->name, "slab_errors") == 0)
			return true;
	return false;
}

/*
 * The report handler while a case runs. It is called under the report lock, so it only
 * notes the report; the case's thread prints it when the case ends.
 */
static void report_seen(const struct kmm_report *report, void *arg)
{
	struct kunit_report_note *note;
	struct kunit *test;
	size_t len = strlen(report->text);

	(void)arg;
	pthread_mutex_lock(&kunit_lock);
	test = running;
	if (!test) {
		pthread_mutex_unlock(&kunit_lock);
		fwrite(report->text, 1, len, stderr);
		return;
	}
	if (report_is_counted(test, report->id)) {
		pthread_mutex_unlock(&kunit_lock);
		return;
	}
	test->status = KUNIT_FAILURE;
	note = malloc(sizeof(*note) + len + 1);
	if (note) {
		memcpy(note->text, report->text, len + 1);
		note->next = NULL;
		*test->run->reports_tail = note;
		test->run->reports_tail = &note->next;
	} else {
		test->run->dropped_reports++;
	}
	pthread_mutex_unlock(&kunit_lock);
}

/* Quote the reports @test did not expect, each line as a diagnostic, and forget them. */
static void print_reports(struct kunit *test)
{
	struct kunit_report_note *note = test->run->reports;

	while (note) {
		struct kunit_report_note *next = note->next;
		char *line = note->text, *nl;

		kunit_print_diag(test, "a kmm report the case did not expect:");
		for (; *line; line = nl + 1) {
			char buf[KUNIT_LOG_SIZE];
			size_t len;

			nl = strchr(line, '\n');
			if (!nl)
				nl = line + strlen(line) - 1;
			len = (size_t)(nl - line) + (*nl != '\n');
			if (len >= sizeof(buf))
				len = sizeof(buf) - 1;
			memcpy(buf, line, len);
			buf[len] = '\0';
			kmm_printk(KUNIT_SUBTEST_INDENT "# %s\n", buf);
		}
		free(note);
		note = next;
	}
	if (test->run->dropped_reports)
		kmm_printk(KUNIT_SUBTEST_INDENT "# %s: %u more reports (no memory to keep them)\n",
			   test->name, test->run->dropped_reports);
	test->run->reports = NULL;
	test->run->reports_tail = &test->run->reports;
	test->run->dropped_reports = 0;
}

struct case_context {
	struct kunit *test;
	struct kunit_suite *suite;
	struct kunit_case *test_case;
};

static void *case_thread(void *arg)
{
	struct case_context *ctx = arg;
	struct kunit *test = ctx->test;
	struct kunit_suite *suite = ctx->suite;

	current_test = test;
	if (!setjmp(test->run->abort_to)) {
		int ret = suite->init ? suite->init(test) : 0;

		if (ret) {
			kunit_printk_fmt("", test, "failed to initialize: %d\n", ret);
			test->status = KUNIT_FAILURE;
		} else {
			ctx->test_case->run_case(test);
		}
	}
	/* Reached normally or by kunit_abort(): the case's cleanup runs either way. */
	if (!setjmp(test->run->abort_to) && suite->exit)
		suite->exit(test);
	kunit_cleanup(test);
	current_test = NULL;
	return NULL;
}

static void run_case(struct kunit_suite *suite, struct kunit_case *test_case, struct kunit *test)
{
	struct case_context ctx = { test, suite, test_case };
	struct kunit_run run = { .reports_tail = &run.reports };
	pthread_t thread;
	int err;

	test->name = test_case->name;
	test->run = &run;
	test->status = KUNIT_SUCCESS;
	test->status_comment[0] = '\0';
	INIT_LIST_HEAD(&test->resources);

	pthread_mutex_lock(&kunit_lock);
	running = test;
	pthread_mutex_unlock(&kunit_lock);
	err = pthread_create(&thread, NULL, case_thread, &ctx);
	if (err) {
		test->status = KUNIT_FAILURE;
		kunit_printk_fmt("", test,
				 "internal error occurred preventing test case from running: %d\n",
				 -err);
	} else {
		pthread_join(thread, NULL);
	}
	pthread_mutex_lock(&kunit_lock);
	running = NULL;
	pthread_mutex_unlock(&kunit_lock);
	print_reports(test);
	test->run = NULL;

	if (test->status == KUNIT_FAILURE)
		test_case->status = KUNIT_FAILURE;
	else if (test_case->status != KUNIT_FAILURE && test->status == KUNIT_SUCCESS)
		test_case->status = KUNIT_SUCCESS;
}

struct stats {
	unsigned long passed, skipped, failed, total;
};

static void count(struct stats *s, enum kunit_status status)
{
	s->passed += status == KUNIT_SUCCESS;
	s->skipped += status == KUNIT_SKIPPED;
	s->failed += status == KUNIT_FAILURE;
	s->total++;
}

static const char *ok_not_ok(enum kunit_status status)
{
	return status == KUNIT_FAILURE ? "not ok" : "ok";
}

static void run_param_case(struct kunit_suite *suite, struct kunit_case *test_case,
			   struct kunit *test, struct stats *param_stats)
{
	char desc[KUNIT_PARAM_DESC_SIZE] = "";

	test->param_value = test_case->generate_params(NULL, desc);
	kmm_printk(KUNIT_SUBTEST_INDENT KUNIT_SUBTEST_INDENT "KTAP version 1\n");
	kmm_printk(KUNIT_SUBTEST_INDENT KUNIT_SUBTEST_INDENT "# Subtest: %s\n", test_case->name);
	while (test->param_value) {
		run_case(suite, test_case, test);
		if (!desc[0])
			snprintf(desc, sizeof(desc), "param-%d", test->param_index);
		kmm_printk(KUNIT_SUBTEST_INDENT KUNIT_SUBTEST_INDENT "%s %d %s\n",
			   ok_not_ok(test->status), test->param_index + 1, desc);
		desc[0] = '\0';
		test->param_value = test_case->generate_params(test->param_value, desc);
		test->param_index++;
		count(param_stats, test->status);
	}
}

static size_t nr_cases(const struct kunit_suite *suite)
{
	size_t n = 0;

	while (suite->test_cases[n].run_case)
		n++;
	return n;
}

static enum kunit_status suite_status(const struct kunit_suite *suite)
{
	enum kunit_status status = KUNIT_SKIPPED;

	if (suite->suite_init_err)
		return KUNIT_FAILURE;
	for (const struct kunit_case *c = suite->test_cases; c->run_case; c++) {
		if (c->status == KUNIT_FAILURE)
			return KUNIT_FAILURE;
		if (c->status == KUNIT_SUCCESS)
			status = KUNIT_SUCCESS;
	}
	return status;
}

/* Run one suite as the @number-th subtest; returns its status. */
static enum kunit_status run_suite(struct kunit_suite *suite, size_t number)
{
	struct stats suite_stats = { 0 }, total_stats = { 0 };
	enum kunit_status status;
	size_t i = 0;

	suite->status_comment[0] = '\0';
	suite->suite_init_err = suite->suite_init ? suite->suite_init(suite) : 0;
	if (suite->suite_init_err) {
		kmm_printk(KUNIT_SUBTEST_INDENT "# %s: " KUNIT_SUBTEST_INDENT
						"# failed to initialize (%d)\n",
			   suite->name, suite->suite_init_err);
		goto end;
	}
	kmm_printk(KUNIT_SUBTEST_INDENT "KTAP version 1\n");
	kmm_printk(KUNIT_SUBTEST_INDENT "# Subtest: %s\n", suite->name);
	kmm_printk(KUNIT_SUBTEST_INDENT "1..%zu\n", nr_cases(suite));
	for (struct kunit_case *c = suite->test_cases; c->run_case; c++) {
		struct kunit test = { .param_index = 0 };
		struct stats param_stats = { 0 };

		i++;
		c->status = KUNIT_SKIPPED;
		if (!c->generate_params) {
			run_case(suite, c, &test);
			count(&param_stats, test.status);
		} else {
			run_param_case(suite, c, &test, &param_stats);
		}
		if (param_stats.total > 1)
			kmm_printk(KUNIT_SUBTEST_INDENT
				   "# %s: pass:%lu fail:%lu skip:%lu total:%lu\n",
				   c->name, param_stats.passed, param_stats.failed,
				   param_stats.skipped, param_stats.total);
		kmm_printk(KUNIT_SUBTEST_INDENT "%s %zu %s%s%s\n", ok_not_ok(c->status), i, c->name,
			   c->status == KUNIT_SKIPPED ? " # SKIP " : "",
			   c->status == KUNIT_SKIPPED ? test.status_comment : "");
		count(&suite_stats, c->status);
		total_stats.passed += param_stats.passed;
		total_stats.skipped += param_stats.skipped;
		total_stats.failed += param_stats.failed;
		total_stats.total += param_stats.total;
	}
	if (suite->suite_exit)
		suite->suite_exit(suite);
	if (suite_stats.total > 1)
		kmm_printk("# %s: pass:%lu fail:%lu skip:%lu total:%lu\n", suite->name,
			   suite_stats.passed, suite_stats.failed, suite_stats.skipped,
			   suite_stats.total);
	if (total_stats.total > 1)
		kmm_printk("# Totals: pass:%lu fail:%lu skip:%lu total:%lu\n", total_stats.passed,
			   total_stats.failed, total_stats.skipped, total_stats.total);
end:
	status = suite_status(suite);
	kmm_printk("%s %zu %s%s%s\n", ok_not_ok(status), number, suite->name,
		   status == KUNIT_SKIPPED ? " # SKIP " : "",
		   status == KUNIT_SKIPPED ? suite->status_comment : "");
	return status;
}

/*
 * A suite as the filter selects it: the suite itself, or a copy whose case array holds only
 * the matching cases. NULL when no case matches (or memory ran out, which is said).
 */
static struct kunit_suite *select_suite(struct kunit_suite *suite, const char *glob)
{
	char suite_glob[256];
	const char *case_glob = NULL, *dot;
	struct kunit_suite *copy;
	struct kunit_case *cases;
	size_t n = 0;

	if (!glob)
		return suite;
	dot = strchr(glob, '.');
	snprintf(suite_glob, sizeof(suite_glob), "%.*s",
		 dot ? (int)(dot - glob) : (int)strlen(glob), glob);
	if (dot)
		case_glob = dot + 1;
	if (fnmatch(suite_glob, suite->name, 0) != 0)
		return NULL;
	if (!case_glob)
		return suite;
	cases = calloc(nr_cases(suite) + 1, sizeof(*cases));
	copy = malloc(sizeof(*copy));
	if (!cases || !copy) {
		free(cases);
		free(copy);
		fprintf(stderr, "kunit: no memory to filter suite %s\n", suite->name);
		return NULL;
	}
	for (struct kunit_case *c = suite->test_cases; c->run_case; c++)
		if (fnmatch(case_glob, c->name, 0) == 0)
			cases[n++] = *c;
	if (!n) {
		free(cases);
		free(copy);
		return NULL;
	}
	memcpy(copy, suite, sizeof(*copy));
	copy->test_cases = cases;
	return copy;
}

static void release_selected(struct kunit_suite *selected, struct kunit_suite *suite)
{
	if (selected == suite)
		return;
	free(selected->test_cases);
	free(selected);
}

/* Walk every registered suite as the filter selects it; @fn NULL only counts. */
static size_t for_each_selected(const char *glob, size_t (*fn)(struct kunit_suite *, size_t))
{
	size_t n = 0, failed = 0;

	for (size_t r = 0; r < nr_ranges; r++) {
		for (struct kunit_suite *const *s = ranges[r].start; s < ranges[r].end; s++) {
			struct kunit_suite *sel;

			if (!*s)
				continue;
			sel = select_suite(*s, glob);
			if (!sel)
				continue;
			n++;
			if (fn)
				failed += fn(sel, n);
			release_selected(sel, *s);
		}
	}
	return fn ? failed : n;
}

static size_t run_one(struct kunit_suite *suite, size_t number)
{
	return run_suite(suite, number) == KUNIT_FAILURE;
}

static size_t list_one(struct kunit_suite *suite, size_t number)
{
	(void)number;
	for (struct kunit_case *c = suite->test_cases; c->run_case; c++)
		kmm_printk("%s.%s\n", suite->name, c->name);
	return 0;
}

int kmm_kunit_run(const char *filter_glob)
{
	if (filter_glob && !filter_glob[0])
		filter_glob = NULL;
	kmm_printk("KTAP version 1\n");
	kmm_printk("1..%zu\n", for_each_selected(filter_glob, NULL));
	kmm_report_set_handler(report_seen, NULL);
	size_t failed = for_each_selected(filter_glob, run_one);
	kmm_report_set_handler(NULL, NULL);
	fflush(stdout);
	return (int)failed;
}

int kmm_kunit_main(int argc, char **argv)
{
	const char *glob = NULL;
	bool list = false;
	int failed, err;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "kunit.filter_glob=", 18) == 0)
			glob = argv[i] + 18;
		else if (strcmp(argv[i], "--list") == 0 ||
			 strcmp(argv[i], "kunit.action=list") == 0)
			list = true;
		else
			glob = argv[i];
	}
	if (list) {
		kmm_printk("KTAP version 1\n");
		for_each_selected(glob, list_one);
		fflush(stdout);
		return 0;
	}
	err = kmm_boot(NULL);
	if (err) {
		fprintf(stderr, "kunit: kmm_boot failed: %d\n", err);
		return 2;
	}
	failed = kmm_kunit_run(glob);
	kmm_shutdown();
	return failed ? 1 : 0;
}
