/* <linux/jiffies.h> for driver code: jiffies, HZ and the time_after() family. */
#ifndef _KMM_COMPAT_LINUX_JIFFIES_H
#define _KMM_COMPAT_LINUX_JIFFIES_H

#include <linux/types.h>
#include <linux/ktime.h>
#include <linux/timex.h>
#include <kmm/jiffies.h>

#endif
