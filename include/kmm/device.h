/*
 * kmm/device.h - devices, the platform bus, and managed (devm_) resources.
 *
 * A struct device carries what the memory API needs to know about a piece of hardware: its
 * name, the DMA masks that say which bus addresses it can reach, and the list of managed
 * resources released when its driver goes away. Platform devices describe their registers,
 * device memory and interrupt line as struct resource entries; a platform driver whose name
 * matches is probed when both are registered, and removed when either goes.
 */
#ifndef KMM_DEVICE_H
#define KMM_DEVICE_H

#include <pthread.h>

#include "types.h"
#include "gfp.h"
#include "resource.h"

struct bus_type {
	const char *name;
};

/* The bus platform devices sit on ("platform" in dma-debug reports). */
extern struct bus_type platform_bus_type;

struct device_driver {
	const char *name;
	struct bus_type *bus;
};

/*
 * Invariant: dma_mask is NULL or points at a mask (for platform devices, at
 * kmm_dma_mask_storage); devres_head lists the managed resources, newest first, under
 * devres_lock.
 */
struct device {
	const char *init_name; /* name to use if dev_set_name() is never called */
	char kmm_name[48];
	struct device *parent;
	struct bus_type *bus;
	struct device_driver *driver; /* the bound driver, or NULL */
	void *driver_data;
	u64 *dma_mask; /* streaming DMA reach; NULL: the device does no DMA */
	u64 coherent_dma_mask; /* reach of dma_alloc_coherent() memory */
	u64 kmm_dma_mask_storage;
	struct list_head devres_head;
	pthread_mutex_t devres_lock;
	bool kmm_registered;
	void (*release)(struct device *dev);
};

/**
 * dev_name - the device's name ("ringdma.0")
 * @dev: the device
 *
 * Context: any.
 * Return: the name, never NULL.
 */
const char *dev_name(const struct device *dev);

/**
 * dev_set_name - name a device, printf-style
 * @dev: the device
 * @fmt: format
 *
 * Context: any.
 * Return: 0.
 */
int dev_set_name(struct device *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * dev_driver_string - what the kernel prints before a device's name in messages
 * @dev: the device
 *
 * Context: any.
 * Return: the bound driver's name, else the bus name, else "".
 */
const char *dev_driver_string(const struct device *dev);

static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}

static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}

/**
 * device_initialize - prepare a device that is not on any bus (tests, simple users)
 * @dev: the device, zeroed except for what the caller set (init_name, masks)
 *
 * Context: any.
 */
void device_initialize(struct device *dev);

/**
 * device_register - initialize and announce a bare device
 * @dev: the device
 *
 * Context: process context.
 * Return: 0.
 */
int device_register(struct device *dev);

/**
 * device_unregister - take a bare device away: its managed resources are released and
 * dma-debug reports DMA memory it still holds
 * @dev: the device
 *
 * Context: process context; may sleep.
 */
void device_unregister(struct device *dev);

/* dev_err() and friends: "DRIVER NAME: message" on stderr (dev_dbg prints nothing). */
void _dev_printk(const char *level, const struct device *dev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define dev_emerg(dev, ...) _dev_printk("emerg", dev, __VA_ARGS__)
#define dev_crit(dev, ...) _dev_printk("crit", dev, __VA_ARGS__)
#define dev_alert(dev, ...) _dev_printk("alert", dev, __VA_ARGS__)
#define dev_err(dev, ...) _dev_printk("err", dev, __VA_ARGS__)
#define dev_warn(dev, ...) _dev_printk("warn", dev, __VA_ARGS__)
#define dev_notice(dev, ...) _dev_printk("notice", dev, __VA_ARGS__)
#define dev_info(dev, ...) _dev_printk("info", dev, __VA_ARGS__)
#define dev_dbg(dev, ...)            \
	do {                         \
		if (0)               \
			(void)(dev); \
	} while (0)

/* ------------------------------------------------------------------ managed resources */

typedef void (*dr_release_t)(struct device *dev, void *res);

/**
 * devm_kmalloc - kmalloc() memory freed automatically when the driver detaches
 * @dev: the device
 * @size: bytes
 * @gfp: GFP flags
 *
 * Context: as kmalloc().
 * Return: the memory, or NULL.
 */
void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp);

static inline void *devm_kzalloc(struct device *dev, size_t size, gfp_t gfp)
{
	return devm_kmalloc(dev, size, gfp | __GFP_ZERO);
}

static inline void *devm_kcalloc(struct device *dev, size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return devm_kmalloc(dev, n * size, gfp | __GFP_ZERO);
}

/**
 * devm_kfree - free devm_kmalloc() memory early
 * @dev: the device
 * @p: the memory
 *
 * Context: any.
 */
void devm_kfree(struct device *dev, const void *p);

/**
 * devm_add_action - run @action(@data) when the driver detaches
 * @dev: the device
 * @action: the cleanup
 * @data: its argument
 *
 * Context: process context.
 * Return: 0, or -ENOMEM.
 */
int devm_add_action(struct device *dev, void (*action)(void *), void *data);

/**
 * devm_add_action_or_reset - devm_add_action(), running @action at once if that fails
 * @dev: the device
 * @action: the cleanup
 * @data: its argument
 *
 * Context: process context.
 * Return: 0, or -ENOMEM.
 */
int devm_add_action_or_reset(struct device *dev, void (*action)(void *), void *data);

/**
 * devres_add_kmm - record a managed resource (for kmm's own devm_ functions)
 * @dev: the device
 * @release: called with @dev and @res at detach, newest first
 * @res: the resource
 * @match: a key devres_release_kmm() finds it by
 *
 * Context: any (uses GFP_ATOMIC-free host memory).
 * Return: 0, or -ENOMEM.
 */
int devres_add_kmm(struct device *dev, dr_release_t release, void *res, const void *match);

/**
 * devres_release_kmm - release one managed resource early
 * @dev: the device
 * @release: as given to devres_add_kmm()
 * @match: the key
 *
 * Context: process context.
 * Return: 0, or -ENOENT.
 */
int devres_release_kmm(struct device *dev, dr_release_t release, const void *match);

/**
 * devres_release_all - release every managed resource of @dev, newest first
 * @dev: the device
 *
 * Context: process context; may sleep.
 * Return: how many were released.
 */
int devres_release_all(struct device *dev);

/* ------------------------------------------------------------------ platform bus */

#define PLATFORM_DEVID_NONE (-1)
#define PLATFORM_DEVID_AUTO (-2)

struct platform_device {
	const char *name;
	int id;
	struct device dev;
	u32 num_resources;
	struct resource *resource;
	bool kmm_allocated; /* from platform_device_alloc(); freed on the last put */
};

struct platform_driver {
	int (*probe)(struct platform_device *pdev);
	int (*remove)(struct platform_device *pdev);
	void (*shutdown)(struct platform_device *pdev);
	struct device_driver driver;
};

#define to_platform_device(d) \
	((struct platform_device *)((char *)(d)-offsetof(struct platform_device, dev)))

static inline void *platform_get_drvdata(const struct platform_device *pdev)
{
	return pdev->dev.driver_data;
}

static inline void platform_set_drvdata(struct platform_device *pdev, void *data)
{
	pdev->dev.driver_data = data;
}

/**
 * platform_device_register - add a platform device, claim its memory resources in
 * iomem_resource, and probe a matching driver
 * @pdev: the device (name, id, resources set)
 *
 * Its DMA masks default to 32 bits, as the kernel's platform devices do.
 * Context: process context; may sleep.
 * Return: 0, -EBUSY if a memory resource overlaps another, or the probe's error is not
 * returned (a failed probe leaves the device unbound, as in the kernel).
 */
int platform_device_register(struct platform_device *pdev);

/**
 * platform_device_unregister - remove the driver if bound, then the device
 * @pdev: the device
 *
 * Context: process context; may sleep.
 */
void platform_device_unregister(struct platform_device *pdev);

/**
 * platform_device_register_simple - allocate and register a platform device
 * @name: device and driver-matching name
 * @id: instance number, or PLATFORM_DEVID_NONE
 * @res: resources to copy, or NULL
 * @num: how many
 *
 * Context: process context; may sleep.
 * Return: the device, or NULL.
 */
struct platform_device *platform_device_register_simple(const char *name, int id,
							const struct resource *res,
							unsigned int num);

/**
 * platform_driver_register - add a driver and probe every matching device
 * @drv: the driver (driver.name, probe, remove)
 *
 * Context: process context; may sleep.
 * Return: 0, or -EBUSY if a driver of that name is registered.
 */
int platform_driver_register(struct platform_driver *drv);

/**
 * platform_driver_unregister - remove the driver from every device it is bound to
 * @drv: the driver
 *
 * Context: process context; may sleep.
 */
void platform_driver_unregister(struct platform_driver *drv);

/**
 * platform_get_resource - the @num-th resource of @type
 * @pdev: the device
 * @type: IORESOURCE_MEM, IORESOURCE_IRQ ...
 * @num: 0-based index among resources of that type
 *
 * Context: any.
 * Return: the resource, or NULL.
 */
struct resource *platform_get_resource(struct platform_device *pdev, unsigned int type,
				       unsigned int num);

/**
 * platform_get_irq - the @num-th interrupt line of a device
 * @pdev: the device
 * @num: 0-based index
 *
 * Context: any.
 * Return: the line, or -ENXIO.
 */
int platform_get_irq(struct platform_device *pdev, unsigned int num);

#endif /* KMM_DEVICE_H */
