/* <linux/device.h> for driver code: struct device, devm_ allocations, dev_err and friends. */
#ifndef _KMM_COMPAT_LINUX_DEVICE_H
#define _KMM_COMPAT_LINUX_DEVICE_H

#include <linux/errno.h>
#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/ioport.h>
#include <kmm/device.h>

#endif
