/* <linux/refcount.h> for driver code: refcount_t. */
#ifndef _KMM_COMPAT_LINUX_REFCOUNT_H
#define _KMM_COMPAT_LINUX_REFCOUNT_H

#include <linux/atomic.h>
#include <kmm/refcount.h>

#endif
