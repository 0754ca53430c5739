/* <linux/log2.h> for driver code: integer base-2 logarithms and powers of two. */
#ifndef _KMM_COMPAT_LINUX_LOG2_H
#define _KMM_COMPAT_LINUX_LOG2_H

#include <linux/types.h>

static inline __attribute__((const)) bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static inline __attribute__((const)) int __ilog2_u32(u32 n)
{
	return 31 - __builtin_clz(n);
}

static inline __attribute__((const)) int __ilog2_u64(u64 n)
{
	return 63 - __builtin_clzll(n);
}

/* Constant for a constant argument, as the kernel's; ilog2(0) is undefined there too. */
#define ilog2(n)                                                             \
	(__builtin_constant_p(n) ? ((n) < 2 ? 0 : 63 - __builtin_clzll(n)) : \
	 (sizeof(n) <= 4)	 ? __ilog2_u32(n) :                          \
				   __ilog2_u64(n))
#define roundup_pow_of_two(n) ((n) == 1 ? 1 : (1UL << (ilog2((n)-1) + 1)))
#define rounddown_pow_of_two(n) (1UL << ilog2(n))
#define order_base_2(n) ((n) > 1 ? ilog2((n)-1) + 1 : 0)
#define bits_per(n) ((n) < 2 ? 1 : ilog2(n) + 1)

#endif
