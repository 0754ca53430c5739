/* <linux/kthread.h> for driver code: kernel threads (kmm/kthread.h). */
#ifndef _KMM_COMPAT_LINUX_KTHREAD_H
#define _KMM_COMPAT_LINUX_KTHREAD_H

#include <linux/err.h>
#include <linux/sched.h>
#include <kmm/kthread.h>

/* Make a kernel thread and let it run at once; the task, or an ERR_PTR(). */
#define kthread_run(threadfn, data, namefmt, ...)                                                 \
	({                                                                                        \
		struct task_struct *__k = kthread_create(threadfn, data, namefmt, ##__VA_ARGS__); \
		if (!IS_ERR(__k))                                                                 \
			wake_up_process(__k);                                                     \
		__k;                                                                              \
	})

#endif
