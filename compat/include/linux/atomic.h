/* <linux/atomic.h> for driver code: atomic_t, atomic64_t, atomic_long_t. */
#ifndef _KMM_COMPAT_LINUX_ATOMIC_H
#define _KMM_COMPAT_LINUX_ATOMIC_H

#include <linux/types.h>
#include <asm/barrier.h>
#include <kmm/atomic.h>

#endif
