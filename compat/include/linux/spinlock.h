/* <linux/spinlock.h> for driver code: spinlock_t, rwlock_t and their _irq, _irqsave and _bh forms. */
#ifndef _KMM_COMPAT_LINUX_SPINLOCK_H
#define _KMM_COMPAT_LINUX_SPINLOCK_H

#include <linux/types.h>
#include <linux/preempt.h>
#include <linux/irqflags.h>
#include <kmm/spinlock.h>

#endif
