/*
 * assert.c - the text of a failed KUNIT_EXPECT_* or KUNIT_ASSERT_* check.
 *
 * Each helper writes the kernel's explanation ("Expected a == b, but", then the value of each
 * side that is not already a literal of that value) into a buffer on the stack and hands it
 * to kunit_do_failed_assertion(), which prints it under the "EXPECTATION FAILED at" line and
 * ends the case for an assertion. Nothing here allocates: a check that fails because memory
 * ran out must still be able to say so.
 * Context: inside a case.
 */
#include <stdio.h>
#include <string.h>
#include <kmm/err.h>
#include "lib/kunit/kunit.h"

#define EXPLAIN_MAX 1024

/* Is @text the way C would write @value ("5" for 5)? Then printing the value adds nothing. */
static bool is_literal(const char *text, long long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", value);
	return strcmp(buf, text) == 0;
}

/* Is @text the string literal of @value ("\"abc\"" for abc)? */
static bool is_str_literal(const char *text, const char *value)
{
	size_t len = strlen(text);

	return len >= 2 && text[0] == '"' && text[len - 1] == '"' &&
	       strncmp(text + 1, value, len - 2) == 0;
}

static void fail(struct kunit *test, enum kunit_assert_type type, const char *file, int line,
		 const char *what, const char *fmt, va_list ap)
{
	char msg[KUNIT_LOG_SIZE];

	if (fmt)
		vsnprintf(msg, sizeof(msg), fmt, ap);
	if (fmt)
		kunit_do_failed_assertion(test, type, file, line, what, "%s", msg);
	else
		kunit_do_failed_assertion(test, type, file, line, what, NULL);
}

void kunit_binary_int_failed(struct kunit *test, enum kunit_assert_type type, const char *file,
			     int line, const char *left, const char *op, const char *right,
			     long long lv, long long rv, const char *fmt, ...)
{
	char what[EXPLAIN_MAX];
	size_t n;
	va_list ap;

	n = (size_t)snprintf(what, sizeof(what), KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n",
			     left, op, right);
	if (!is_literal(left, lv) && n < sizeof(what))
		n += (size_t)snprintf(what + n, sizeof(what) - n,
				      KUNIT_SUBSUBTEST_INDENT "%s == %lld\n", left, lv);
	if (!is_literal(right, rv) && n < sizeof(what))
		snprintf(what + n, sizeof(what) - n, KUNIT_SUBSUBTEST_INDENT "%s == %lld", right,
			 rv);
	va_start(ap, fmt);
	fail(test, type, file, line, what, fmt, ap);
	va_end(ap);
}

void kunit_binary_ptr_failed(struct kunit *test, enum kunit_assert_type type, const char *file,
			     int line, const char *left, const char *op, const char *right,
			     const void *lv, const void *rv, const char *fmt, ...)
{
	char what[EXPLAIN_MAX];
	va_list ap;

	/* %px: the kernel prints a raw pointer as zero-padded hex. */
	snprintf(what, sizeof(what),
		 KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n" KUNIT_SUBSUBTEST_INDENT
				      "%s == %0*lx\n" KUNIT_SUBSUBTEST_INDENT "%s == %0*lx",
		 left, op, right, left, (int)(2 * sizeof(void *)), (unsigned long)lv, right,
		 (int)(2 * sizeof(void *)), (unsigned long)rv);
	va_start(ap, fmt);
	fail(test, type, file, line, what, fmt, ap);
	va_end(ap);
}

void kunit_binary_str_failed(struct kunit *test, enum kunit_assert_type type, const char *file,
			     int line, const char *left, const char *op, const char *right,
			     const char *lv, const char *rv, const char *fmt, ...)
{
	char what[EXPLAIN_MAX];
	size_t n;
	va_list ap;

	n = (size_t)snprintf(what, sizeof(what), KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n",
			     left, op, right);
	if (!is_str_literal(left, lv) && n < sizeof(what))
		n += (size_t)snprintf(what + n, sizeof(what) - n,
				      KUNIT_SUBSUBTEST_INDENT "%s == \"%s\"\n", left, lv);
	if (!is_str_literal(right, rv) && n < sizeof(what))
		snprintf(what + n, sizeof(what) - n, KUNIT_SUBSUBTEST_INDENT "%s == \"%s\"", right,
			 rv);
	va_start(ap, fmt);
	fail(test, type, file, line, what, fmt, ap);
	va_end(ap);
}

void kunit_unary_failed(struct kunit *test, enum kunit_assert_type type, const char *file, int line,
			const char *cond, bool expected, const char *fmt, ...)
{
	char what[EXPLAIN_MAX];
	va_list ap;

	snprintf(what, sizeof(what), KUNIT_SUBTEST_INDENT "Expected %s to be %s, but is %s\n", cond,
		 expected ? "true" : "false", expected ? "false" : "true");
	va_start(ap, fmt);
	fail(test, type, file, line, what, fmt, ap);
	va_end(ap);
}

void kunit_ptr_not_err_failed(struct kunit *test, enum kunit_assert_type type, const char *file,
			      int line, const char *text, const void *value, const char *fmt, ...)
{
	char what[EXPLAIN_MAX];
	va_list ap;

	if (!value)
		snprintf(what, sizeof(what),
			 KUNIT_SUBTEST_INDENT "Expected %s is not null, but is\n", text);
	else
		snprintf(what, sizeof(what),
			 KUNIT_SUBTEST_INDENT "Expected %s is not error, but is: %ld\n", text,
			 PTR_ERR(value));
	va_start(ap, fmt);
	fail(test, type, file, line, what, fmt, ap);
	va_end(ap);
}
