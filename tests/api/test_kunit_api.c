/*
 * KUnit on kmm: suites written against <kunit/test.h> run under kmm_kunit_run() and print
 * the KTAP Linux 6.1 prints. Each cmocka test selects its own suites with a filter glob.
 * Built twice: linked with libkmm.a and with libkmm.so, so the suites are found either way.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <kunit/test.h>
#include <linux/slab.h>
#include <kmm/report.h>
#include <kmm/slab.h>
#include "common/kmm_test.h"

/* ---- a suite that passes, with a parameterised case and a skipped one ---- */

static int suite_inits, suite_exits, case_inits, case_exits;

static int pass_suite_init(struct kunit_suite *suite)
{
	(void)suite;
	suite_inits++;
	return 0;
}

static void pass_suite_exit(struct kunit_suite *suite)
{
	(void)suite;
	suite_exits++;
}

static int pass_init(struct kunit *test)
{
	case_inits++;
	test->priv = kunit_kzalloc(test, 32, GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void pass_exit(struct kunit *test)
{
	(void)test;
	case_exits++;
}

static void checks_hold(struct kunit *test)
{
	const char *s = "abc";
	char *zeroed = test->priv;

	KUNIT_EXPECT_EQ(test, 1 + 1, 2);
	KUNIT_EXPECT_NE_MSG(test, 1, 2, "never printed");
	KUNIT_EXPECT_LT(test, 1, 2);
	KUNIT_EXPECT_LE(test, 2, 2);
	KUNIT_EXPECT_GT(test, 3, 2);
	KUNIT_EXPECT_GE(test, 3, 3);
	KUNIT_EXPECT_TRUE(test, s != NULL);
	KUNIT_EXPECT_FALSE(test, s == NULL);
	KUNIT_EXPECT_STREQ(test, s, "abc");
	KUNIT_EXPECT_STRNEQ(test, s, "abd");
	KUNIT_EXPECT_PTR_EQ(test, s, s);
	KUNIT_EXPECT_NOT_NULL(test, zeroed);
	KUNIT_EXPECT_NULL(test, NULL);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, zeroed);
	KUNIT_ASSERT_EQ(test, zeroed[31], 0);
}

static void skips(struct kunit *test)
{
	kunit_skip(test, "not on this machine");
	KUNIT_FAIL(test, "kunit_skip() returned");
}

struct square {
	int in, out;
};

static const struct square squares[] = { { 1, 1 }, { 2, 4 }, { 3, 9 } };

static void square_desc(const struct square *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%d squared", p->in);
}

KUNIT_ARRAY_PARAM(squares, squares, square_desc);

static void squares_right(struct kunit *test)
{
	const struct square *p = test->param_value;

	KUNIT_EXPECT_EQ(test, p->in * p->in, p->out);
}

static struct kunit_case pass_cases[] = {
	KUNIT_CASE(checks_hold),
	KUNIT_CASE(skips),
	KUNIT_CASE_PARAM(squares_right, squares_gen_params),
	{},
};

static struct kunit_suite pass_suite = {
	.name = "kmm-pass",
	.suite_init = pass_suite_init,
	.suite_exit = pass_suite_exit,
	.init = pass_init,
	.exit = pass_exit,
	.test_cases = pass_cases,
};

/* ---- a suite that fails: expectations, an assertion, an unexpected report ---- */

static int reached_after_assert, freed_resources;

static void expectation_fails(struct kunit *test)
{
	int two = 2;

	KUNIT_EXPECT_EQ(test, two, 3);
	KUNIT_EXPECT_STREQ_MSG(test, "x", "y", "left %s", "alone");
}

static void count_free(struct kunit_resource *res)
{
	(void)res;
	freed_resources++;
}

static void assertion_ends_case(struct kunit *test)
{
	static struct kunit_resource res;

	kunit_add_resource(test, NULL, count_free, &res, NULL);
	KUNIT_ASSERT_TRUE(test, 1 == 2);
	reached_after_assert = 1;
}

static void double_free_reported(struct kunit *test)
{
	void *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	kfree(p);
	KUNIT_SUCCEED(test);
}

static struct kunit_case fail_cases[] = {
	KUNIT_CASE(expectation_fails),
	KUNIT_CASE(assertion_ends_case),
	KUNIT_CASE(double_free_reported),
	{},
};

static struct kunit_suite fail_suite = {
	.name = "kmm-fail",
	.test_cases = fail_cases,
};

/* ---- a suite whose init fails ---- */

static int broken_suite_init(struct kunit_suite *suite)
{
	(void)suite;
	return -ENODEV;
}

static struct kunit_case broken_cases[] = { KUNIT_CASE(checks_hold), {} };

static struct kunit_suite broken_suite = {
	.name = "kmm-broken",
	.suite_init = broken_suite_init,
	.test_cases = broken_cases,
};

kunit_test_suites(&pass_suite, &fail_suite);
kunit_test_suite(broken_suite);

static char *run(const char *glob, int *failed)
{
	struct kmm_test_log log = kmm_test_log_begin();

	*failed = kmm_kunit_run(glob);
	return kmm_test_log_end(&log);
}

static void passing_suite_prints_6_1_ktap(void **state)
{
	int failed;
	char *out;

	(void)state;
	out = run("kmm-pass", &failed);
	assert_int_equal(failed, 0);
	assert_string_equal(out, "KTAP version 1\n"
				 "1..1\n"
				 "    KTAP version 1\n"
				 "    # Subtest: kmm-pass\n"
				 "    1..3\n"
				 "    ok 1 checks_hold\n"
				 "    ok 2 skips # SKIP not on this machine\n"
				 "        KTAP version 1\n"
				 "        # Subtest: squares_right\n"
				 "        ok 1 1 squared\n"
				 "        ok 2 2 squared\n"
				 "        ok 3 3 squared\n"
				 "    # squares_right: pass:3 fail:0 skip:0 total:3\n"
				 "    ok 3 squares_right\n"
				 "# kmm-pass: pass:2 fail:0 skip:1 total:3\n"
				 "# Totals: pass:4 fail:0 skip:1 total:5\n"
				 "ok 1 kmm-pass\n");
	assert_int_equal(suite_inits, 1);
	assert_int_equal(suite_exits, 1);
	assert_int_equal(case_inits, 5);
	assert_int_equal(case_exits, 5);
	free(out);
}

static void failures_are_explained_and_counted(void **state)
{
	int failed;
	char *out;

	(void)state;
	out = run("kmm-fail", &failed);
	assert_int_equal(failed, 1);
	assert_non_null(strstr(out, "    # expectation_fails: EXPECTATION FAILED at "));
	assert_non_null(strstr(out, "    Expected two == 3, but\n"
				    "        two == 2\n"
				    "    not ok 1 expectation_fails\n") ||
			strstr(out, "    Expected two == 3, but\n"
				    "        two == 2\n"));
	assert_non_null(strstr(out, "    Expected \"x\" == \"y\", but\n\nleft alone\n") ||
			strstr(out, "    Expected \"x\" == \"y\", but\nleft alone\n"));
	assert_non_null(strstr(out, "    # assertion_ends_case: ASSERTION FAILED at "));
	assert_non_null(strstr(out, "    Expected 1 == 2 to be true, but is false\n"));
	assert_non_null(strstr(out, "    not ok 2 assertion_ends_case\n"));
	assert_int_equal(reached_after_assert, 0);
	assert_int_equal(freed_resources, 1);
	/* The double free is kmm's report, quoted, and fails a case that checked nothing. */
	assert_non_null(strstr(out, "    # double_free_reported: a kmm report the case did not "
				    "expect:\n"));
	assert_non_null(strstr(out, "Object already free"));
	assert_non_null(strstr(out, "    not ok 3 double_free_reported\n"));
	assert_non_null(strstr(out, "# kmm-fail: pass:0 fail:3 skip:0 total:3\n"
				    "# Totals: pass:0 fail:3 skip:0 total:3\n"
				    "not ok 1 kmm-fail\n"));
	free(out);
}

static void glob_selects_cases(void **state)
{
	int failed;
	char *out;

	(void)state;
	out = run("kmm-*.checks_*", &failed);
	assert_int_equal(failed, 1); /* kmm-broken's suite_init fails whatever the cases */
	/* Suites run in link order, which the section keeps; either order is this module's. */
	assert_true(strncmp(out, "KTAP version 1\n1..2\n", 20) == 0);
	assert_non_null(strstr(out, "    KTAP version 1\n"
				    "    # Subtest: kmm-pass\n"
				    "    1..1\n"
				    "    ok 1 checks_hold\n"
				    "ok "));
	assert_non_null(strstr(out, "    # kmm-broken:     # failed to initialize (-19)\n"
				    "not ok "));
	assert_null(strstr(out, "squares_right"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passing_suite_prints_6_1_ktap),
		cmocka_unit_test(failures_are_explained_and_counted),
		cmocka_unit_test(glob_selects_cases),
	};

	if (kmm_test_boot("x86_32", 64ULL << 20))
		return 1;
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	kmm_shutdown();
	return failed;
}
