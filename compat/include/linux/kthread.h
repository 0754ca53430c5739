/*
 * <linux/kthread.h> for driver code: kthread_run(), kthread_should_stop(), kthread_stop()
 * over kmm's kernel threads (kmm/kthread.h). kthread_run() formats the name as the kernel's.
 */
#ifndef _KMM_COMPAT_LINUX_KTHREAD_H
#define _KMM_COMPAT_LINUX_KTHREAD_H

#include <stdio.h>
#include <linux/err.h>
#include <linux/sched.h>
#include <kmm/kthread.h>

#define kthread_run(threadfn, data, namefmt, ...)                                         \
	({                                                                                \
		char __kthread_name[16];                                                  \
		snprintf(__kthread_name, sizeof(__kthread_name), namefmt, ##__VA_ARGS__); \
		kmm_kthread_run(threadfn, data, __kthread_name);                          \
	})

#endif
