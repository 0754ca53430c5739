/* <linux/bits.h> for driver code: single bits and contiguous masks. */
#ifndef _KMM_COMPAT_LINUX_BITS_H
#define _KMM_COMPAT_LINUX_BITS_H

#include <linux/const.h>
#include <kmm/bitops.h>

#define BITS_PER_LONG_LONG 64
#define BITS_PER_BYTE 8
#define BIT_ULL(nr) (1ULL << (nr))
#define BIT_ULL_MASK(nr) (1ULL << ((nr) % BITS_PER_LONG_LONG))
#define BIT_ULL_WORD(nr) ((nr) / BITS_PER_LONG_LONG)
/* Bits @l to @h, inclusive: GENMASK(7, 4) == 0xf0. */
#define GENMASK(h, l) (((~0UL) - (1UL << (l)) + 1) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l) \
	(((~0ULL) - (1ULL << (l)) + 1) & (~0ULL >> (BITS_PER_LONG_LONG - 1 - (h))))

#endif
