/* <linux/irqflags.h> for driver code: local_irq_save/restore and irqs_disabled(). */
#ifndef _KMM_COMPAT_LINUX_IRQFLAGS_H
#define _KMM_COMPAT_LINUX_IRQFLAGS_H

#include <kmm/context.h>

#endif
