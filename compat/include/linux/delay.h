/* <linux/delay.h> for driver code: udelay, mdelay, msleep. */
#ifndef _KMM_COMPAT_LINUX_DELAY_H
#define _KMM_COMPAT_LINUX_DELAY_H

#include <kmm/delay.h>

#endif
