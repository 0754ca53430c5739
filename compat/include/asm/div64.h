/*
 * <asm/div64.h> for driver code: do_div(n, base) divides the u64 @n in place by the u32 @base
 * and evaluates to the remainder, as the kernel's macro does.
 */
#ifndef _KMM_COMPAT_ASM_DIV64_H
#define _KMM_COMPAT_ASM_DIV64_H

#include <linux/types.h>

#define do_div(n, base)                          \
	({                                       \
		u32 __base = (base);             \
		u32 __rem = (u32)((n) % __base); \
		(n) = (n) / __base;              \
		__rem;                           \
	})

#endif
