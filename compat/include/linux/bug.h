/*
 * <linux/bug.h> for driver code: WARN_ON() and its family report through kmm's WARN
 * (kmm/bug.h) and evaluate to the condition, as the kernel's do; the _ONCE forms warn once
 * per call site.
 */
#ifndef _KMM_COMPAT_LINUX_BUG_H
#define _KMM_COMPAT_LINUX_BUG_H

#include <linux/compiler.h>
#include <kmm/bug.h>

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")
#define BUILD_BUG_ON_MSG(cond, msg) _Static_assert(!(cond), msg)

#define WARN(condition, format...)                                        \
	({                                                                \
		int __ret_warn_on = !!(condition);                        \
		if (unlikely(__ret_warn_on))                              \
			__kmm_warn(__FILE__, __LINE__, __func__, format); \
		unlikely(__ret_warn_on);                                  \
	})

#define WARN_ON(condition)                                              \
	({                                                              \
		int __ret_warn_on = !!(condition);                      \
		if (unlikely(__ret_warn_on))                            \
			__kmm_warn(__FILE__, __LINE__, __func__, NULL); \
		unlikely(__ret_warn_on);                                \
	})

#define WARN_ONCE(condition, format...)                                   \
	({                                                                \
		static bool __warned;                                     \
		int __ret_warn_once = !!(condition);                      \
		if (unlikely(__ret_warn_once && !__warned)) {             \
			__warned = true;                                  \
			__kmm_warn(__FILE__, __LINE__, __func__, format); \
		}                                                         \
		unlikely(__ret_warn_once);                                \
	})

#define WARN_ON_ONCE(condition)                                         \
	({                                                              \
		static bool __warned;                                   \
		int __ret_warn_once = !!(condition);                    \
		if (unlikely(__ret_warn_once && !__warned)) {           \
			__warned = true;                                \
			__kmm_warn(__FILE__, __LINE__, __func__, NULL); \
		}                                                       \
		unlikely(__ret_warn_once);                              \
	})

#endif
