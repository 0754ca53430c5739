/* <linux/ioport.h> for driver code: struct resource and iomem_resource. */
#ifndef _KMM_COMPAT_LINUX_IOPORT_H
#define _KMM_COMPAT_LINUX_IOPORT_H

#include <kmm/resource.h>

#endif
