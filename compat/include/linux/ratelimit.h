/* <linux/ratelimit.h> for driver code: struct ratelimit_state and __ratelimit(). */
#ifndef _KMM_COMPAT_LINUX_RATELIMIT_H
#define _KMM_COMPAT_LINUX_RATELIMIT_H

#include <kmm/ratelimit.h>

#endif
