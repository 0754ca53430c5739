/* <linux/cdev.h> for driver code: struct cdev, cdev_init/cdev_add/cdev_del. */
#ifndef _KMM_COMPAT_LINUX_CDEV_H
#define _KMM_COMPAT_LINUX_CDEV_H

#include <linux/fs.h>

#endif
