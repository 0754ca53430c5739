/* <linux/miscdevice.h> for driver code: misc_register and MISC_DYNAMIC_MINOR. */
#ifndef _KMM_COMPAT_LINUX_MISCDEVICE_H
#define _KMM_COMPAT_LINUX_MISCDEVICE_H

#include <linux/fs.h>

#endif
