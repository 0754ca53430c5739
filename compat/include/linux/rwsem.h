/* <linux/rwsem.h> for driver code: struct rw_semaphore. */
#ifndef _KMM_COMPAT_LINUX_RWSEM_H
#define _KMM_COMPAT_LINUX_RWSEM_H

#include <linux/types.h>
#include <linux/lockdep.h>
#include <kmm/rwsem.h>

#endif
