/* <linux/percpu.h> for driver code: per-CPU variables. */
#ifndef _KMM_COMPAT_LINUX_PERCPU_H
#define _KMM_COMPAT_LINUX_PERCPU_H

#include <linux/types.h>
#include <linux/preempt.h>
#include <kmm/percpu.h>

#endif
