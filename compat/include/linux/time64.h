/* <linux/time64.h> for driver code: the time unit constants. */
#ifndef _KMM_COMPAT_LINUX_TIME64_H
#define _KMM_COMPAT_LINUX_TIME64_H

#include <linux/types.h>

typedef s64 time64_t;
typedef u64 timeu64_t;

#define MSEC_PER_SEC 1000L
#define USEC_PER_MSEC 1000L
#define NSEC_PER_USEC 1000L
#define NSEC_PER_MSEC 1000000L
#define USEC_PER_SEC 1000000L
#define NSEC_PER_SEC 1000000000L
#define FSEC_PER_SEC 1000000000000000LL

#endif
