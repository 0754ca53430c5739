/*
 * <linux/bug.h> for driver code: WARN*() and BUG*() as kmm reports (kmm/bug.h). Each WARN
 * macro returns its condition, as the kernel's, so `if (WARN_ON(x)) return -EINVAL;` works;
 * the _ONCE forms report once per call site.
 */
#ifndef _KMM_COMPAT_LINUX_BUG_H
#define _KMM_COMPAT_LINUX_BUG_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <kmm/bug.h>

#define WARN_ON(condition)                                  \
	({                                                  \
		int __ret_warn_on = !!(condition);          \
		if (unlikely(__ret_warn_on))                \
			kmm_warn(__FILE__, __LINE__, NULL); \
		unlikely(__ret_warn_on);                    \
	})
#define WARN(condition, format...)                            \
	({                                                    \
		int __ret_warn_on = !!(condition);            \
		if (unlikely(__ret_warn_on))                  \
			kmm_warn(__FILE__, __LINE__, format); \
		unlikely(__ret_warn_on);                      \
	})
#define WARN_TAINT(condition, taint, format...) WARN(condition, format)
#define __KMM_WARN_ONCE(condition, report)                                             \
	({                                                                             \
		static bool __warned;                                                  \
		int __ret_warn_once = !!(condition);                                   \
		if (unlikely(__ret_warn_once &&                                        \
			     !__atomic_exchange_n(&__warned, true, __ATOMIC_RELAXED))) \
			report;                                                        \
		unlikely(__ret_warn_once);                                             \
	})
#define WARN_ON_ONCE(condition) __KMM_WARN_ONCE(condition, kmm_warn(__FILE__, __LINE__, NULL))
#define WARN_ONCE(condition, format...) \
	__KMM_WARN_ONCE(condition, kmm_warn(__FILE__, __LINE__, format))
#define WARN_TAINT_ONCE(condition, taint, format...) WARN_ONCE(condition, format)
#define WARN_ON_SMP(x) WARN_ON(x)

#define BUG() kmm_bug(__FILE__, __LINE__)
#define BUG_ON(condition)                \
	do {                             \
		if (unlikely(condition)) \
			BUG();           \
	} while (0)

#endif
