/* <linux/platform_device.h> for driver code: platform devices and drivers. */
#ifndef _KMM_COMPAT_LINUX_PLATFORM_DEVICE_H
#define _KMM_COMPAT_LINUX_PLATFORM_DEVICE_H

#include <linux/device.h>
#include <kmm/device.h>

#endif
