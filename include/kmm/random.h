/*
 * kmm/random.h - the kernel's random numbers: unpredictable (from the host's getrandom),
 * never blocking. Context: any.
 */
#ifndef KMM_RANDOM_H
#define KMM_RANDOM_H

#include <stddef.h>
#include "types.h"

/**
 * get_random_bytes - fill a buffer with random bytes
 * @buf: where
 * @len: how many
 *
 * Context: any.
 */
void get_random_bytes(void *buf, size_t len);

u8 get_random_u8(void);
u16 get_random_u16(void);
u32 get_random_u32(void);
u64 get_random_u64(void);
unsigned long get_random_long(void);

#endif /* KMM_RANDOM_H */
