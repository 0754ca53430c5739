/* <linux/once.h> for driver code: run a statement once per call site. */
#ifndef _KMM_COMPAT_LINUX_ONCE_H
#define _KMM_COMPAT_LINUX_ONCE_H

#include <stdbool.h>

#define DO_ONCE_LITE(func, ...)                                                    \
	do {                                                                       \
		static bool __already_done;                                        \
		if (!__atomic_exchange_n(&__already_done, true, __ATOMIC_RELAXED)) \
			func(__VA_ARGS__);                                         \
	} while (0)
#define DO_ONCE_LITE_IF(condition, func, ...)                                      \
	({                                                                         \
		bool __ret_do_once = !!(condition);                                \
		static bool __already_done;                                        \
		if (__ret_do_once &&                                               \
		    !__atomic_exchange_n(&__already_done, true, __ATOMIC_RELAXED)) \
			func(__VA_ARGS__);                                         \
		__ret_do_once;                                                     \
	})

#endif
