/*
 * kmm/random.h - the kernel's random numbers: unpredictable values for driver and test code.
 *
 * Each thread draws from its own generator, seeded from the host's getrandom(), so the
 * calls take no lock; get_random_bytes() asks the host directly.
 */
#ifndef KMM_RANDOM_H
#define KMM_RANDOM_H

#include <stddef.h>
#include "types.h"

/**
 * get_random_bytes - fill @buf with @len random bytes
 * @buf: where
 * @len: how many
 *
 * Context: any.
 */
void get_random_bytes(void *buf, size_t len);

/**
 * get_random_u64 - a random 64-bit value
 *
 * Context: any.
 * Return: the value.
 */
u64 get_random_u64(void);

static inline u32 get_random_u32(void)
{
	return (u32)(get_random_u64() >> 32);
}

static inline u16 get_random_u16(void)
{
	return (u16)(get_random_u64() >> 48);
}

static inline u8 get_random_u8(void)
{
	return (u8)(get_random_u64() >> 56);
}

static inline unsigned long get_random_long(void)
{
	return (unsigned long)get_random_u64();
}

/* A value in [0, ep_ro): the high half of a 32x32-bit product, as the kernel computes it. */
static inline u32 prandom_u32_max(u32 ep_ro)
{
	return (u32)(((u64)get_random_u32() * ep_ro) >> 32);
}

#endif
