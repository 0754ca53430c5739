/* <linux/interrupt.h> for driver code: request_irq, tasklets and the hardirq predicates. */
#ifndef _KMM_COMPAT_LINUX_INTERRUPT_H
#define _KMM_COMPAT_LINUX_INTERRUPT_H

#include <linux/types.h>
#include <linux/hardirq.h>
#include <linux/irqflags.h>
#include <kmm/irq.h>
#include <kmm/tasklet.h>

#endif
