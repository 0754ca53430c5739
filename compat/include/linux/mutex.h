/* <linux/mutex.h> for driver code: struct mutex. */
#ifndef _KMM_COMPAT_LINUX_MUTEX_H
#define _KMM_COMPAT_LINUX_MUTEX_H

#include <linux/types.h>
#include <linux/lockdep.h>
#include <kmm/mutex.h>

#endif
