/* <linux/sched.h> for driver code: task states, schedule() and schedule_timeout(). */
#ifndef _KMM_COMPAT_LINUX_SCHED_H
#define _KMM_COMPAT_LINUX_SCHED_H

#include <linux/types.h>
#include <linux/preempt.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/timex.h>
#include <linux/thread_info.h>
#include <kmm/wait.h>

#endif
