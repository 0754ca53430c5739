/*
 * <kunit/test.h> for test code: Linux 6.1's KUnit API over kmm's runner (kmm/kunit.h).
 *
 * kunit_test_suites() puts the suites' pointers in the section "kunit_test_suites" of the
 * module being linked (the program, or a shared object) and plants a constructor that hands
 * that module's section to the runner: each module has its own __start_/__stop_ bounds, so a
 * suite is found whether it is linked into the program, into libkmm.a's user or into a .so.
 * Each check evaluates its operands once, as the kernel's do.
 */
#ifndef _KMM_COMPAT_KUNIT_TEST_H
#define _KMM_COMPAT_KUNIT_TEST_H

#include <kmm/err.h>
#include <kmm/kunit.h>
#include <kmm/printk.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <string.h>

#ifndef __KUNIT_CONCAT
#define __KUNIT_CONCAT_(a, b) a##b
#define __KUNIT_CONCAT(a, b) __KUNIT_CONCAT_(a, b)
#endif

#define KUNIT_CASE(test_name)                             \
	{                                                 \
		.run_case = test_name, .name = #test_name \
	}
#define KUNIT_CASE_PARAM(test_name, gen_params)                                          \
	{                                                                                \
		.run_case = test_name, .name = #test_name, .generate_params = gen_params \
	}

extern struct kunit_suite *const __start_kunit_test_suites[]
	__attribute__((weak, visibility("hidden")));
extern struct kunit_suite *const __stop_kunit_test_suites[]
	__attribute__((weak, visibility("hidden")));

#define __kunit_test_suites(id, ...)                                                             \
	static struct kunit_suite *const __KUNIT_CONCAT(kunit_suites_, id)[] __attribute__((     \
		used, section("kunit_test_suites"), aligned(sizeof(void *)))) = { __VA_ARGS__ }; \
	static void __attribute__((constructor)) __KUNIT_CONCAT(kunit_register_, id)(void)       \
	{                                                                                        \
		kmm_kunit_register(__start_kunit_test_suites, __stop_kunit_test_suites);         \
	}

#define kunit_test_suites(...) __kunit_test_suites(__COUNTER__, __VA_ARGS__)
#define kunit_test_suite(suite) kunit_test_suites(&suite)
#define kunit_test_init_section_suites(...) kunit_test_suites(__VA_ARGS__)
#define kunit_test_init_section_suite(suite) kunit_test_suite(suite)

#define kunit_suite_for_each_test_case(suite, test_case) \
	for (test_case = (suite)->test_cases; test_case->run_case; test_case++)

static inline void kunit_set_failure(struct kunit *test)
{
	test->status = KUNIT_FAILURE;
}

static inline const char *kunit_status_to_ok_not_ok(enum kunit_status status)
{
	return status == KUNIT_FAILURE ? "not ok" : "ok";
}

static inline void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp);
}

static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc(test, size, gfp | __GFP_ZERO);
}

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp | __GFP_ZERO);
}

#define kunit_mark_skipped(test, fmt, ...) kunit_mark_skipped_fmt(test, fmt, ##__VA_ARGS__)
#define kunit_skip(test, fmt, ...)                                \
	do {                                                      \
		kunit_mark_skipped_fmt(test, fmt, ##__VA_ARGS__); \
		kunit_abort(test);                                \
	} while (0)

#define kunit_printk(lvl, test, fmt, ...) kunit_printk_fmt(lvl, test, fmt, ##__VA_ARGS__)
#define kunit_info(test, fmt, ...) kunit_printk(KERN_INFO, test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...) kunit_printk(KERN_WARNING, test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...) kunit_printk(KERN_ERR, test, fmt, ##__VA_ARGS__)
#define kunit_log(lvl, test_or_suite, fmt, ...) kmm_printk(lvl fmt "\n", ##__VA_ARGS__)

#define KUNIT_SUCCEED(test) \
	do {                \
	} while (0)

#define KUNIT_FAIL_ASSERTION(test, type, fmt, ...) \
	kunit_do_failed_assertion(test, type, __FILE__, __LINE__, "", fmt, ##__VA_ARGS__)
#define KUNIT_FAIL(test, fmt, ...) KUNIT_FAIL_ASSERTION(test, KUNIT_EXPECTATION, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_FAILURE(test, fmt, ...) \
	KUNIT_FAIL_ASSERTION(test, KUNIT_ASSERTION, fmt, ##__VA_ARGS__)

#define KUNIT_UNARY_ASSERTION(test, type, cond, expected, fmt, ...)                              \
	do {                                                                                     \
		if ((!!(cond)) != (expected))                                                    \
			kunit_unary_failed(test, type, __FILE__, __LINE__, #cond, expected, fmt, \
					   ##__VA_ARGS__);                                       \
	} while (0)

#define KUNIT_BINARY_INT_ASSERTION(test, type, left, op, right, fmt, ...)                      \
	do {                                                                                   \
		const typeof(left) __left = (left);                                            \
		const typeof(right) __right = (right);                                         \
		if (!(__left op __right))                                                      \
			kunit_binary_int_failed(test, type, __FILE__, __LINE__, #left, #op,    \
						#right, (long long)__left, (long long)__right, \
						fmt, ##__VA_ARGS__);                           \
	} while (0)

#define KUNIT_BINARY_PTR_ASSERTION(test, type, left, op, right, fmt, ...)                   \
	do {                                                                                \
		const typeof(left) __left = (left);                                         \
		const typeof(right) __right = (right);                                      \
		if (!(__left op __right))                                                   \
			kunit_binary_ptr_failed(test, type, __FILE__, __LINE__, #left, #op, \
						#right, (const void *)__left,               \
						(const void *)__right, fmt, ##__VA_ARGS__); \
	} while (0)

#define KUNIT_BINARY_STR_ASSERTION(test, type, left, op, right, fmt, ...)                     \
	do {                                                                                  \
		const char *__left = (left);                                                  \
		const char *__right = (right);                                                \
		if (!(strcmp(__left, __right) op 0))                                          \
			kunit_binary_str_failed(test, type, __FILE__, __LINE__, #left, #op,   \
						#right, __left, __right, fmt, ##__VA_ARGS__); \
	} while (0)

#define KUNIT_PTR_NOT_ERR_OR_NULL_MSG_ASSERTION(test, type, ptr, fmt, ...)                 \
	do {                                                                               \
		const typeof(ptr) __ptr = (ptr);                                           \
		if (IS_ERR_OR_NULL(__ptr))                                                 \
			kunit_ptr_not_err_failed(test, type, __FILE__, __LINE__, #ptr,     \
						 (const void *)__ptr, fmt, ##__VA_ARGS__); \
	} while (0)

/* The families: TYPE is EXPECT (the case goes on) or ASSERT (the case ends). */
#define __KUNIT_T(TYPE) __KUNIT_T_##TYPE
#define __KUNIT_T_EXPECT KUNIT_EXPECTATION
#define __KUNIT_T_ASSERT KUNIT_ASSERTION

#define KUNIT_EXPECT_TRUE(test, c) KUNIT_EXPECT_TRUE_MSG(test, c, NULL)
#define KUNIT_EXPECT_TRUE_MSG(test, c, fmt, ...) \
	KUNIT_UNARY_ASSERTION(test, KUNIT_EXPECTATION, c, true, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE(test, c) KUNIT_EXPECT_FALSE_MSG(test, c, NULL)
#define KUNIT_EXPECT_FALSE_MSG(test, c, fmt, ...) \
	KUNIT_UNARY_ASSERTION(test, KUNIT_EXPECTATION, c, false, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_TRUE(test, c) KUNIT_ASSERT_TRUE_MSG(test, c, NULL)
#define KUNIT_ASSERT_TRUE_MSG(test, c, fmt, ...) \
	KUNIT_UNARY_ASSERTION(test, KUNIT_ASSERTION, c, true, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_FALSE(test, c) KUNIT_ASSERT_FALSE_MSG(test, c, NULL)
#define KUNIT_ASSERT_FALSE_MSG(test, c, fmt, ...) \
	KUNIT_UNARY_ASSERTION(test, KUNIT_ASSERTION, c, false, fmt, ##__VA_ARGS__)

#define __KUNIT_INT(TYPE, test, l, op, r, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, __KUNIT_T(TYPE), l, op, r, fmt, ##__VA_ARGS__)
#define __KUNIT_PTR(TYPE, test, l, op, r, fmt, ...) \
	KUNIT_BINARY_PTR_ASSERTION(test, __KUNIT_T(TYPE), l, op, r, fmt, ##__VA_ARGS__)
#define __KUNIT_STR(TYPE, test, l, op, r, fmt, ...) \
	KUNIT_BINARY_STR_ASSERTION(test, __KUNIT_T(TYPE), l, op, r, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_EQ(test, l, r) __KUNIT_INT(EXPECT, test, l, ==, r, NULL)
#define KUNIT_EXPECT_EQ_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(EXPECT, test, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NE(test, l, r) __KUNIT_INT(EXPECT, test, l, !=, r, NULL)
#define KUNIT_EXPECT_NE_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(EXPECT, test, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LT(test, l, r) __KUNIT_INT(EXPECT, test, l, <, r, NULL)
#define KUNIT_EXPECT_LT_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(EXPECT, test, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LE(test, l, r) __KUNIT_INT(EXPECT, test, l, <=, r, NULL)
#define KUNIT_EXPECT_LE_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(EXPECT, test, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GT(test, l, r) __KUNIT_INT(EXPECT, test, l, >, r, NULL)
#define KUNIT_EXPECT_GT_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(EXPECT, test, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GE(test, l, r) __KUNIT_INT(EXPECT, test, l, >=, r, NULL)
#define KUNIT_EXPECT_GE_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(EXPECT, test, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_EQ(test, l, r) __KUNIT_INT(ASSERT, test, l, ==, r, NULL)
#define KUNIT_ASSERT_EQ_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(ASSERT, test, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NE(test, l, r) __KUNIT_INT(ASSERT, test, l, !=, r, NULL)
#define KUNIT_ASSERT_NE_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(ASSERT, test, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LT(test, l, r) __KUNIT_INT(ASSERT, test, l, <, r, NULL)
#define KUNIT_ASSERT_LT_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(ASSERT, test, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LE(test, l, r) __KUNIT_INT(ASSERT, test, l, <=, r, NULL)
#define KUNIT_ASSERT_LE_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(ASSERT, test, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GT(test, l, r) __KUNIT_INT(ASSERT, test, l, >, r, NULL)
#define KUNIT_ASSERT_GT_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(ASSERT, test, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GE(test, l, r) __KUNIT_INT(ASSERT, test, l, >=, r, NULL)
#define KUNIT_ASSERT_GE_MSG(test, l, r, fmt, ...) \
	__KUNIT_INT(ASSERT, test, l, >=, r, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_PTR_EQ(test, l, r) __KUNIT_PTR(EXPECT, test, l, ==, r, NULL)
#define KUNIT_EXPECT_PTR_EQ_MSG(test, l, r, fmt, ...) \
	__KUNIT_PTR(EXPECT, test, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_NE(test, l, r) __KUNIT_PTR(EXPECT, test, l, !=, r, NULL)
#define KUNIT_EXPECT_PTR_NE_MSG(test, l, r, fmt, ...) \
	__KUNIT_PTR(EXPECT, test, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ(test, l, r) __KUNIT_PTR(ASSERT, test, l, ==, r, NULL)
#define KUNIT_ASSERT_PTR_EQ_MSG(test, l, r, fmt, ...) \
	__KUNIT_PTR(ASSERT, test, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_NE(test, l, r) __KUNIT_PTR(ASSERT, test, l, !=, r, NULL)
#define KUNIT_ASSERT_PTR_NE_MSG(test, l, r, fmt, ...) \
	__KUNIT_PTR(ASSERT, test, l, !=, r, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_NULL(test, p) KUNIT_EXPECT_PTR_EQ(test, p, NULL)
#define KUNIT_EXPECT_NULL_MSG(test, p, fmt, ...) \
	KUNIT_EXPECT_PTR_EQ_MSG(test, p, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL(test, p) KUNIT_EXPECT_PTR_NE(test, p, NULL)
#define KUNIT_EXPECT_NOT_NULL_MSG(test, p, fmt, ...) \
	KUNIT_EXPECT_PTR_NE_MSG(test, p, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NULL(test, p) KUNIT_ASSERT_PTR_EQ(test, p, NULL)
#define KUNIT_ASSERT_NULL_MSG(test, p, fmt, ...) \
	KUNIT_ASSERT_PTR_EQ_MSG(test, p, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NOT_NULL(test, p) KUNIT_ASSERT_PTR_NE(test, p, NULL)
#define KUNIT_ASSERT_NOT_NULL_MSG(test, p, fmt, ...) \
	KUNIT_ASSERT_PTR_NE_MSG(test, p, NULL, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_STREQ(test, l, r) __KUNIT_STR(EXPECT, test, l, ==, r, NULL)
#define KUNIT_EXPECT_STREQ_MSG(test, l, r, fmt, ...) \
	__KUNIT_STR(EXPECT, test, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STRNEQ(test, l, r) __KUNIT_STR(EXPECT, test, l, !=, r, NULL)
#define KUNIT_EXPECT_STRNEQ_MSG(test, l, r, fmt, ...) \
	__KUNIT_STR(EXPECT, test, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STREQ(test, l, r) __KUNIT_STR(ASSERT, test, l, ==, r, NULL)
#define KUNIT_ASSERT_STREQ_MSG(test, l, r, fmt, ...) \
	__KUNIT_STR(ASSERT, test, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STRNEQ(test, l, r) __KUNIT_STR(ASSERT, test, l, !=, r, NULL)
#define KUNIT_ASSERT_STRNEQ_MSG(test, l, r, fmt, ...) \
	__KUNIT_STR(ASSERT, test, l, !=, r, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_NOT_ERR_OR_NULL(test, p) KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, p, NULL)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, p, fmt, ...) \
	KUNIT_PTR_NOT_ERR_OR_NULL_MSG_ASSERTION(test, KUNIT_EXPECTATION, p, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p) KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, p, NULL)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, p, fmt, ...) \
	KUNIT_PTR_NOT_ERR_OR_NULL_MSG_ASSERTION(test, KUNIT_ASSERTION, p, fmt, ##__VA_ARGS__)

/*
 * KUNIT_ARRAY_PARAM(name, array, get_desc): name##_gen_params walks @array, naming each
 * parameter with @get_desc(param, desc) when given.
 */
#define KUNIT_ARRAY_PARAM(name, array, get_desc)                                          \
	static const void *name##_gen_params(const void *prev, char *desc)                \
	{                                                                                 \
		typeof((array)[0]) *__next = prev ? ((typeof(__next))prev) + 1 : (array); \
		if (__next - (array) < (long)(sizeof(array) / sizeof((array)[0]))) {      \
			void (*__get_desc)(typeof(__next), char *) = get_desc;            \
			if (__get_desc)                                                   \
				__get_desc(__next, desc);                                 \
			return __next;                                                    \
		}                                                                         \
		return NULL;                                                              \
	}

#include <kunit/resource.h>

#endif
