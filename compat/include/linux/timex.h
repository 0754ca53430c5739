/* <linux/timex.h> for driver code: the cycle counter (asm/timex.h). */
#ifndef _KMM_COMPAT_LINUX_TIMEX_H
#define _KMM_COMPAT_LINUX_TIMEX_H

#include <asm/timex.h>

#endif
