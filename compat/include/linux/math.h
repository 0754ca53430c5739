/* <linux/math.h> for driver code: rounding divisions and multiples, abs(). */
#ifndef _KMM_COMPAT_LINUX_MATH_H
#define _KMM_COMPAT_LINUX_MATH_H

#include <linux/const.h>
#include <linux/types.h>

#define __round_mask(x, y) ((__typeof__(x))((y)-1))
#define round_up(x, y) ((((x)-1) | __round_mask(x, y)) + 1)
#define round_down(x, y) ((x) & ~__round_mask(x, y))
#define DIV_ROUND_UP __KERNEL_DIV_ROUND_UP
#ifndef __KERNEL_DIV_ROUND_UP
#define __KERNEL_DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))
#endif
#define DIV_ROUND_DOWN_ULL(ll, d)               \
	({                                      \
		unsigned long long _tmp = (ll); \
		_tmp / (d);                     \
	})
#define DIV_ROUND_UP_ULL(ll, d) DIV_ROUND_DOWN_ULL((unsigned long long)(ll) + (d)-1, (d))
#define roundup(x, y)                            \
	({                                       \
		typeof(y) __y = y;               \
		(((x) + (__y - 1)) / __y) * __y; \
	})
#define rounddown(x, y)              \
	({                           \
		typeof(x) __x = (x); \
		__x - (__x % (y));   \
	})
#define DIV_ROUND_CLOSEST(x, divisor)                                \
	({                                                           \
		typeof(x) __x = x;                                   \
		typeof(divisor) __d = divisor;                       \
		(((typeof(x))-1) > 0 || ((typeof(divisor))-1) > 0 || \
		 (((__x) > 0) == ((__d) > 0))) ?                     \
			(((__x) + ((__d) / 2)) / (__d)) :            \
			(((__x) - ((__d) / 2)) / (__d));             \
	})
#define mult_frac(x, numer, denom)                              \
	({                                                      \
		typeof(x) quot = (x) / (denom);                 \
		typeof(x) rem = (x) % (denom);                  \
		(quot * (numer)) + ((rem * (numer)) / (denom)); \
	})
#define sector_div(a, b) do_div(a, b)
/* abs() is libc's (int, long through labs): a macro of that name would rewrite <stdlib.h>. */

#endif
