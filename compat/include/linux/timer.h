/* <linux/timer.h> for driver code: timer_list. */
#ifndef _KMM_COMPAT_LINUX_TIMER_H
#define _KMM_COMPAT_LINUX_TIMER_H

#include <linux/types.h>
#include <linux/jiffies.h>
#include <kmm/timer.h>

#endif
