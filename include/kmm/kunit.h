/*
 * kmm/kunit.h - KUnit on kmm: the kernel's test structures, their runner and its KTAP output.
 *
 * A suite (struct kunit_suite) is a named, NULL-terminated array of cases (struct kunit_case);
 * <kunit/test.h> gives driver code the kernel's macros over these. Suites register through the
 * section "kunit_test_suites" of the program or shared object that defines them (each such
 * module hands its section to kmm_kunit_register() from a constructor), and kmm_kunit_run()
 * runs them, printing KTAP version 1 to stdout exactly as Linux 6.1 prints it, so
 * tools/testing/kunit/kunit.py parse reads it.
 *
 * Each case runs in a thread of its own, as the kernel runs it in a kthread: a failed
 * assertion or kunit_skip() ends that thread, the case's exit and its resources still run. A
 * kmm report (kmm/report.h) that a case did not capture fails the case, with the report
 * quoted, as KASAN and UBSAN reports fail a case in the kernel.
 */
#ifndef KMM_KUNIT_H
#define KMM_KUNIT_H

#include <stdarg.h>
#include <stddef.h>
#include "types.h"

#define KUNIT_LOG_SIZE 512
#define KUNIT_PARAM_DESC_SIZE 128
#define KUNIT_STATUS_COMMENT_SIZE 256
#define KUNIT_SUBTEST_INDENT "    "
#define KUNIT_SUBSUBTEST_INDENT "        "

enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

enum kunit_assert_type {
	KUNIT_ASSERTION,
	KUNIT_EXPECTATION,
};

struct kunit;
struct kunit_suite;

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
	/* private: the runner's */
	enum kunit_status status;
	char *log;
};

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
	/* private: the runner's */
	char status_comment[KUNIT_STATUS_COMMENT_SIZE];
	void *debugfs;
	char *log;
	int suite_init_err;
};

struct kunit_run; /* the runner's per-case state (lib/kunit/test.c) */

struct kunit {
	void *priv; /* the test's own, typically set by the suite's init */
	/* private: the runner's */
	const char *name;
	char *log;
	struct kunit_run *run;
	const void *param_value;
	int param_index;
	enum kunit_status status;
	struct list_head resources; /* struct kunit_resource.node, newest first */
	char status_comment[KUNIT_STATUS_COMMENT_SIZE];
};

struct kunit_resource;
typedef int (*kunit_resource_init_t)(struct kunit_resource *, void *);
typedef void (*kunit_resource_free_t)(struct kunit_resource *);
typedef bool (*kunit_resource_match_t)(struct kunit *test, struct kunit_resource *res,
				       void *match_data);

struct kunit_resource {
	void *data;
	const char *name;
	kunit_resource_free_t free;
	/* private: refcount > 0 while on the test's list or held by a finder */
	int refcount;
	struct list_head node;
	bool should_kfree;
};

/**
 * kmm_kunit_register - make the suites in [@start, @end) known to the runner
 * @start: first suite pointer of a module's "kunit_test_suites" section
 * @end: one past the last
 *
 * Called by the constructor kunit_test_suites() plants; registering the same range twice
 * (every translation unit of a module plants one) counts once.
 * Context: process context, before kmm_kunit_run().
 */
void kmm_kunit_register(struct kunit_suite *const *start, struct kunit_suite *const *end);

/**
 * kmm_kunit_run - run every registered suite whose cases match @filter_glob
 * @filter_glob: "suite" or "suite.case" shell globs, as kunit.filter_glob; NULL runs all
 *
 * Prints "KTAP version 1", the plan and every suite's subtest to stdout.
 * Context: process context on a booted machine.
 * Return: the number of suites that failed (0: all passed or were skipped).
 */
int kmm_kunit_run(const char *filter_glob);

/**
 * kmm_kunit_main - boot the machine, run the suites the arguments select, shut down
 * @argc: argument count
 * @argv: arguments; "kunit.filter_glob=GLOB" or a bare GLOB selects suites, "--list" only
 *        prints "suite.case" names, as kunit.action=list does
 *
 * Context: process context with no machine booted.
 * Return: an exit status: 0 when every selected suite passed, 1 otherwise (2: boot failed).
 */
int kmm_kunit_main(int argc, char **argv);

/**
 * kunit_get_current_test - the test the calling thread runs, if any
 *
 * Context: any.
 * Return: the test, or NULL outside a case.
 */
struct kunit *kunit_get_current_test(void);

/**
 * kunit_do_failed_assertion - record a failed check and, for an assertion, end the case
 * @test: the test
 * @type: KUNIT_ASSERTION (does not return) or KUNIT_EXPECTATION
 * @file: where the check is
 * @line: its line
 * @what: the explanation, already formatted ("    Expected a == b, but\n...")
 * @fmt: the check's own message (its _MSG form), or NULL
 *
 * Context: inside a case.
 */
void kunit_do_failed_assertion(struct kunit *test, enum kunit_assert_type type, const char *file,
			       int line, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Helpers behind the KUNIT_* check macros: each builds the kernel's explanation text. */
void kunit_binary_int_failed(struct kunit *test, enum kunit_assert_type type, const char *file,
			     int line, const char *left, const char *op, const char *right,
			     long long lv, long long rv, const char *fmt, ...)
	__attribute__((format(printf, 10, 11)));
void kunit_binary_ptr_failed(struct kunit *test, enum kunit_assert_type type, const char *file,
			     int line, const char *left, const char *op, const char *right,
			     const void *lv, const void *rv, const char *fmt, ...)
	__attribute__((format(printf, 10, 11)));
void kunit_binary_str_failed(struct kunit *test, enum kunit_assert_type type, const char *file,
			     int line, const char *left, const char *op, const char *right,
			     const char *lv, const char *rv, const char *fmt, ...)
	__attribute__((format(printf, 10, 11)));
void kunit_unary_failed(struct kunit *test, enum kunit_assert_type type, const char *file, int line,
			const char *cond, bool expected, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void kunit_ptr_not_err_failed(struct kunit *test, enum kunit_assert_type type, const char *file,
			      int line, const char *text, const void *value, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/**
 * kunit_mark_skipped_fmt - mark the test skipped with a reason; it keeps running
 * @test: the test
 * @fmt: the reason, printed after "# SKIP"
 *
 * Context: inside a case.
 */
void kunit_mark_skipped_fmt(struct kunit *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * kunit_abort - end the running case now (after a failed assertion or kunit_skip())
 * @test: the test
 *
 * Context: inside a case, on the case's own thread.
 */
void kunit_abort(struct kunit *test) __attribute__((noreturn));

/**
 * kunit_printk_fmt - print a line of the test's diagnostics ("    # name: ...")
 * @level: a KERN_<LEVEL> marker
 * @test: the test
 * @fmt: the message
 *
 * Context: any.
 */
void kunit_printk_fmt(const char *level, struct kunit *test, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * __kunit_add_resource - put @res on @test's list, after @init succeeds
 * @test: the test
 * @init: called with @res and @data first; NULL stores @data as res->data
 * @free: called with @res when the test ends or the resource is destroyed
 * @res: the resource (the caller's memory unless should_kfree)
 * @data: for @init
 *
 * Context: inside a case or its init.
 * Return: 0, or what @init returned.
 */
int __kunit_add_resource(struct kunit *test, kunit_resource_init_t init, kunit_resource_free_t free,
			 struct kunit_resource *res, void *data);

/**
 * kunit_find_resource - the newest resource @match accepts, with a reference taken
 * @test: the test
 * @match: the predicate
 * @match_data: passed to @match
 *
 * Context: any. Drop the reference with kunit_put_resource().
 * Return: the resource, or NULL.
 */
struct kunit_resource *kunit_find_resource(struct kunit *test, kunit_resource_match_t match,
					   void *match_data);

/**
 * kunit_get_resource - take one more reference on @res
 * @res: the resource
 *
 * Context: any.
 */
void kunit_get_resource(struct kunit_resource *res);

/**
 * kunit_put_resource - drop a reference; the last one frees the resource
 * @res: the resource
 *
 * Context: any.
 */
void kunit_put_resource(struct kunit_resource *res);

/**
 * kunit_remove_resource - take @res off its test's list, dropping the list's reference
 * @test: the test
 * @res: the resource
 *
 * Context: any.
 */
void kunit_remove_resource(struct kunit *test, struct kunit_resource *res);

/**
 * kunit_destroy_resource - find the resource @match accepts and free it now
 * @test: the test
 * @match: the predicate
 * @match_data: passed to @match
 *
 * Context: any.
 * Return: 0, or -ENOENT when none matches.
 */
int kunit_destroy_resource(struct kunit *test, kunit_resource_match_t match, void *match_data);

/**
 * kunit_cleanup - free every resource of @test, newest first
 * @test: the test
 *
 * Context: process context.
 */
void kunit_cleanup(struct kunit *test);

/**
 * kunit_resource_name_match - kunit_resource_match_t for named resources
 * @test: unused
 * @res: the candidate
 * @match_name: the name (a const char *)
 *
 * Return: whether @res carries that name.
 */
bool kunit_resource_name_match(struct kunit *test, struct kunit_resource *res, void *match_name);

/**
 * kunit_add_named_resource - __kunit_add_resource() with a name no other resource has
 * @test: the test
 * @init: as for __kunit_add_resource()
 * @free: as for __kunit_add_resource()
 * @res: the resource
 * @name: its name, kept by pointer
 * @data: as for __kunit_add_resource()
 *
 * Context: inside a case or its init.
 * Return: 0, -EEXIST when the name is taken, or what @init returned.
 */
int kunit_add_named_resource(struct kunit *test, kunit_resource_init_t init,
			     kunit_resource_free_t free, struct kunit_resource *res,
			     const char *name, void *data);

/**
 * kunit_alloc_and_get_resource - allocate a resource, init it, and return it referenced
 * @test: the test
 * @init: as for __kunit_add_resource()
 * @free: as for __kunit_add_resource()
 * @internal_gfp: unused: kmm allocates the resource itself from the host
 * @context: passed to @init
 *
 * Context: inside a case.
 * Return: the resource, or NULL.
 */
struct kunit_resource *kunit_alloc_and_get_resource(struct kunit *test, kunit_resource_init_t init,
						    kunit_resource_free_t free, gfp_t internal_gfp,
						    void *context);

/**
 * kunit_kmalloc_array - kmalloc_array() whose memory is freed when the test ends
 * @test: the test
 * @n: elements
 * @size: bytes each
 * @gfp: as for kmalloc()
 *
 * Context: as for kmalloc() with @gfp.
 * Return: the memory, or NULL.
 */
void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp);

/**
 * kunit_kfree - free memory from kunit_kmalloc_array() before the test ends
 * @test: the test
 * @ptr: the memory
 *
 * Context: process context.
 */
void kunit_kfree(struct kunit *test, const void *ptr);

#endif /* KMM_KUNIT_H */
