/*
 * base.h - the device model as the layers above it call it (defined in device.c).
 */
#ifndef KMM_DRIVERS_BASE_H
#define KMM_DRIVERS_BASE_H

#include <kmm/device.h>
#include "machine/os.h"

/*
 * Call @hook whenever a device loses its driver (unbind, failed probe) or is unregistered, in
 * the thread doing it, after the device's managed resources are released: the kernel's
 * BUS_NOTIFY_UNBOUND_DRIVER. Registering the same hook twice is harmless. Boot-time only.
 */
KMM_HIDDEN void device_register_unbound_hook(void (*hook)(struct device *dev));

#endif /* KMM_DRIVERS_BASE_H */
