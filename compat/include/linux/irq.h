/*
 * <linux/irq.h> for driver code: kmm's interrupt lines are the simulated machine's, reached
 * through <linux/interrupt.h>'s request_irq() and friends; the irq_chip layer below them is
 * the machine's own and not modelled.
 */
#ifndef _KMM_COMPAT_LINUX_IRQ_H
#define _KMM_COMPAT_LINUX_IRQ_H

#include <linux/interrupt.h>
#include <linux/irqreturn.h>

#endif
