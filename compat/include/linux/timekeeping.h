/* <linux/timekeeping.h> for driver code: the clocks, as <linux/ktime.h> gives them. */
#ifndef _KMM_COMPAT_LINUX_TIMEKEEPING_H
#define _KMM_COMPAT_LINUX_TIMEKEEPING_H

#include <linux/ktime.h>

#endif
