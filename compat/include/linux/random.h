/* <linux/random.h> for driver code: get_random_*() (kmm/random.h) and the bounded forms. */
#ifndef _KMM_COMPAT_LINUX_RANDOM_H
#define _KMM_COMPAT_LINUX_RANDOM_H

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/once.h>
#include <linux/types.h>
#include <kmm/random.h>

#define get_random_int() get_random_u32()

/* A uniform value below @ceil, by the multiply-shift the kernel's 6.1 prandom_u32_max uses. */
static inline u32 prandom_u32_max(u32 ceil)
{
	return (u32)(((u64)get_random_u32() * ceil) >> 32);
}

static inline u32 get_random_u32_below(u32 ceil)
{
	return prandom_u32_max(ceil);
}

static inline void prandom_bytes(void *buf, size_t nbytes)
{
	get_random_bytes(buf, nbytes);
}

static inline u32 prandom_u32(void)
{
	return get_random_u32();
}

#endif
