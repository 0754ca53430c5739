/*
 * <linux/minmax.h> for driver code: min, max, clamp and swap, each argument evaluated once.
 * The kernel's versions also refuse mixed signedness at compile time; these do not.
 */
#ifndef _KMM_COMPAT_LINUX_MINMAX_H
#define _KMM_COMPAT_LINUX_MINMAX_H

#define min(x, y)                                      \
	({                                             \
		typeof(x) __min_x = (x);               \
		typeof(y) __min_y = (y);               \
		__min_x < __min_y ? __min_x : __min_y; \
	})
#define max(x, y)                                      \
	({                                             \
		typeof(x) __max_x = (x);               \
		typeof(y) __max_y = (y);               \
		__max_x > __max_y ? __max_x : __max_y; \
	})
#define min_t(type, x, y) min((type)(x), (type)(y))
#define max_t(type, x, y) max((type)(x), (type)(y))
#define clamp(val, lo, hi) min(max(val, lo), hi)
#define clamp_t(type, val, lo, hi) min_t(type, max_t(type, val, lo), hi)
#define clamp_val(val, lo, hi) clamp_t(typeof(val), val, lo, hi)
#define swap(a, b)                          \
	do {                                \
		typeof(a) __swap_tmp = (a); \
		(a) = (b);                  \
		(b) = __swap_tmp;           \
	} while (0)

#endif
