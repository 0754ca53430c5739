/* <asm/div64.h> for driver code: do_div(), which divides @n in place and yields the remainder. */
#ifndef _KMM_COMPAT_ASM_DIV64_H
#define _KMM_COMPAT_ASM_DIV64_H

#include <linux/types.h>

#define do_div(n, base)                               \
	({                                            \
		u32 __base = (base);                  \
		u32 __rem = (u32)((u64)(n) % __base); \
		(n) = (u64)(n) / __base;              \
		__rem;                                \
	})

#endif
