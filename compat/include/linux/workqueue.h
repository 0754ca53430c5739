/* <linux/workqueue.h> for driver code: workqueues and work items. */
#ifndef _KMM_COMPAT_LINUX_WORKQUEUE_H
#define _KMM_COMPAT_LINUX_WORKQUEUE_H

#include <linux/types.h>
#include <linux/timer.h>
#include <kmm/workqueue.h>

#endif
