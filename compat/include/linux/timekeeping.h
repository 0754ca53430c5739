/* <linux/timekeeping.h> for driver code: the clocks (kmm/ktime.h) as <linux/ktime.h> names them. */
#ifndef _KMM_COMPAT_LINUX_TIMEKEEPING_H
#define _KMM_COMPAT_LINUX_TIMEKEEPING_H

#include <linux/ktime.h>

#endif
