/* <linux/semaphore.h> for driver code: struct semaphore. */
#ifndef _KMM_COMPAT_LINUX_SEMAPHORE_H
#define _KMM_COMPAT_LINUX_SEMAPHORE_H

#include <linux/types.h>
#include <kmm/semaphore.h>

#endif
