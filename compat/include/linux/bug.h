/*
 * <linux/bug.h> for driver code: WARN_ON() and its family report through kmm's WARN
 * (kmm/bug.h) and evaluate to the condition, as the kernel's do; the _ONCE forms warn once
 * per call site.
 */
#ifndef _KMM_COMPAT_LINUX_BUG_H
#define _KMM_COMPAT_LINUX_BUG_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <kmm/bug.h>

/* BUG() is a report (kmm_bug), and the caller goes on: see kmm/bug.h. */
#define BUG() kmm_bug(__FILE__, __LINE__)
#define BUG_ON(condition)                \
	do {                             \
		if (unlikely(condition)) \
			BUG();           \
	} while (0)
#define WARN_ON_SMP(x) WARN_ON(x)
#define WARN_TAINT(condition, taint, format...) WARN(condition, format)
#define WARN_TAINT_ONCE(condition, taint, format...) WARN_ONCE(condition, format)

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
