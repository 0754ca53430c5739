/* <linux/build_bug.h> for driver code: compile-time checks. */
#ifndef _KMM_COMPAT_LINUX_BUILD_BUG_H
#define _KMM_COMPAT_LINUX_BUILD_BUG_H

#include <linux/compiler.h>

/* 0, or a compile error when @e is a constant that is non-zero (a negative bit-field width). */
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int : (-!!(e)); })))
#define BUILD_BUG_ON_NULL(e) ((void *)sizeof(struct { int : (-!!(e)); }))
#define BUILD_BUG_ON_INVALID(e) ((void)(sizeof((__force long)(e))))
/* A constant true @condition makes a negative-sized array; a run-time one is not checked. */
#define BUILD_BUG_ON(condition) ((void)sizeof(char[1 - 2 * !!(condition)]))
#define BUILD_BUG_ON_MSG(cond, msg) BUILD_BUG_ON(cond)
#define BUILD_BUG_ON_NOT_POWER_OF_2(n) BUILD_BUG_ON((n) == 0 || (((n) & ((n)-1)) != 0))
#define BUILD_BUG() ((void)0)
#define static_assert(expr, ...) __static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...) _Static_assert(expr, msg)

#endif
