/* <linux/wait.h> for driver code: wait queues and wait_event(). */
#ifndef _KMM_COMPAT_LINUX_WAIT_H
#define _KMM_COMPAT_LINUX_WAIT_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <kmm/wait.h>

#endif
