/* <linux/irqreturn.h> for driver code: an interrupt handler's answer (kmm/irq.h). */
#ifndef _KMM_COMPAT_LINUX_IRQRETURN_H
#define _KMM_COMPAT_LINUX_IRQRETURN_H

#include <kmm/irq.h>

#endif
