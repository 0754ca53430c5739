/* <linux/hardirq.h> for driver code. */
#ifndef _KMM_COMPAT_LINUX_HARDIRQ_H
#define _KMM_COMPAT_LINUX_HARDIRQ_H

#include <kmm/context.h>

#endif
