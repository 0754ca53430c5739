/*
 * assert.h - kmm's internal consistency checks, by debug level (KMM_DEBUG_LEVEL):
 * kmm_assert (cheap, level >= 1), kmm_assert_internal (level >= 2), kmm_assert_expensive
 * (whole-structure validators, level 3). A failed check means kmm's own metadata is corrupt:
 * it prints the expression and aborts. Disabled checks still type-check their expression.
 * The handler never allocates.
 */
#ifndef KMM_INTERNAL_ASSERT_H
#define KMM_INTERNAL_ASSERT_H

#include "machine/os.h"

#ifndef KMM_DEBUG_LEVEL
#define KMM_DEBUG_LEVEL 1
#endif

KMM_HIDDEN void kmm_assert_fail(const char *expr, const char *file, int line, const char *func)
	__attribute__((noreturn));

#define kmm_assert_level(level, expr)                                         \
	do {                                                                  \
		if (KMM_DEBUG_LEVEL >= (level) && !(expr))                    \
			kmm_assert_fail(#expr, __FILE__, __LINE__, __func__); \
	} while (0)

#define kmm_assert(expr) kmm_assert_level(1, expr)
#define kmm_assert_internal(expr) kmm_assert_level(2, expr)
#define kmm_assert_expensive(expr) kmm_assert_level(3, expr)

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif /* KMM_INTERNAL_ASSERT_H */
