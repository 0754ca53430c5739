/* <linux/preempt.h> for driver code: the preempt count and context tests. */
#ifndef _KMM_COMPAT_LINUX_PREEMPT_H
#define _KMM_COMPAT_LINUX_PREEMPT_H

#include <kmm/context.h>

#endif
