/* <linux/dmapool.h> for driver code: pools of small coherent blocks. */
#ifndef _KMM_COMPAT_LINUX_DMAPOOL_H
#define _KMM_COMPAT_LINUX_DMAPOOL_H

#include <linux/device.h>
#include <kmm/dmapool.h>

#endif
