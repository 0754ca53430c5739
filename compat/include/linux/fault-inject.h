/* <linux/fault-inject.h> for driver tests: kmm's fault points and fail-nth. */
#ifndef _KMM_COMPAT_LINUX_FAULT_INJECT_H
#define _KMM_COMPAT_LINUX_FAULT_INJECT_H

#include <kmm/fault_inject.h>

#endif
