/*
 * kmm/ktime.h - the kernel's nanosecond time (ktime_t) and its clocks: monotonic (the host's,
 * from boot of the process), boot time (the same: kmm never suspends) and real time.
 * Context: any.
 */
#ifndef KMM_KTIME_H
#define KMM_KTIME_H

#include "types.h"

typedef s64 ktime_t;

/**
 * ktime_get - the monotonic clock, in nanoseconds
 *
 * Context: any.
 */
ktime_t ktime_get(void);

/**
 * ktime_get_real - the wall clock (CLOCK_REALTIME), in nanoseconds since 1970
 *
 * Context: any.
 */
ktime_t ktime_get_real(void);

#endif /* KMM_KTIME_H */
