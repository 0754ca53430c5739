/*
 * device.c - devices, the platform bus, and managed (devm_) resources.
 *
 * Data: every registered platform device and driver sits on one of two lists; binding is by
 * name, as the platform bus matches when there is no device tree. Each device keeps its
 * managed resources on dev->devres_head, newest first, and releases them in that order when
 * its driver detaches (after remove(), or after a failed probe), as devres does. dma-debug
 * then reports the DMA memory the driver left behind.
 *
 * Locks: bus_lock (recursive, so a probe may register a child device) guards both lists and
 * every bind/unbind; dev->devres_lock is taken inside it, briefly. Context: registration
 * and unregistration are process-context calls; devres_add_kmm() may be called from any
 * context.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/slab.h>
#include "drivers/base/base.h"
#include "machine/assert.h"
#include "machine/io.h"
#include "lib/list.h"
#include "machine/initcall.h"

struct bus_type platform_bus_type = { .name = "platform" };

struct devres {
	struct list_head node;
	dr_release_t release;
	void *res;
	const void *match;
};

struct bus_entry {
	struct list_head node;
	void *obj; /* struct platform_device or struct platform_driver */
};

static pthread_mutex_t bus_lock;
static pthread_once_t bus_once = PTHREAD_ONCE_INIT;
static struct list_head devices = { &devices, &devices };
static struct list_head drivers = { &drivers, &drivers };

static void bus_lock_init(void)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&bus_lock, &attr);
	pthread_mutexattr_destroy(&attr);
}

static void bus_enter(void)
{
	pthread_once(&bus_once, bus_lock_init);
	pthread_mutex_lock(&bus_lock);
}

static void bus_leave(void)
{
	pthread_mutex_unlock(&bus_lock);
}

const char *dev_name(const struct device *dev)
{
	if (dev->kmm_name[0])
		return dev->kmm_name;
	return dev->init_name ? dev->init_name : "";
}

int dev_set_name(struct device *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->kmm_name, sizeof(dev->kmm_name), fmt, ap);
	va_end(ap);
	return 0;
}

const char *dev_driver_string(const struct device *dev)
{
	struct device_driver *drv = __atomic_load_n(&dev->driver, __ATOMIC_ACQUIRE);

	if (drv && drv->name)
		return drv->name;
	return dev->bus && dev->bus->name ? dev->bus->name : "";
}

void _dev_printk(const char *level, const struct device *dev, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (dev)
		fprintf(stderr, "%s %s: %s", dev_driver_string(dev), dev_name(dev), msg);
	else
		fprintf(stderr, "(NULL device *): %s", msg);
	if (!*msg || msg[strlen(msg) - 1] != '\n')
		fputc('\n', stderr);
	(void)level;
}

void device_initialize(struct device *dev)
{
	INIT_LIST_HEAD(&dev->devres_head);
	pthread_mutex_init(&dev->devres_lock, NULL);
	if (!dev->kmm_name[0] && dev->init_name)
		dev_set_name(dev, "%s", dev->init_name);
}

int device_register(struct device *dev)
{
	device_initialize(dev);
	dev->kmm_registered = true;
	return 0;
}

/*
 * Who wants to know that a device has lost its driver or gone (dma-debug checks for leaked
 * mappings), as the kernel's bus notifiers tell them BUS_NOTIFY_UNBOUND_DRIVER.
 */
#define MAX_UNBOUND_HOOKS 4

static void (*unbound_hooks[MAX_UNBOUND_HOOKS])(struct device *dev);

void device_register_unbound_hook(void (*hook)(struct device *dev))
{
	for (unsigned int i = 0; i < MAX_UNBOUND_HOOKS; i++) {
		if (unbound_hooks[i] == hook)
			return;
		if (!unbound_hooks[i]) {
			unbound_hooks[i] = hook;
			return;
		}
	}
	kmm_assert(!"too many unbound hooks");
}

static void notify_unbound(struct device *dev)
{
	for (unsigned int i = 0; i < MAX_UNBOUND_HOOKS && unbound_hooks[i]; i++)
		unbound_hooks[i](dev);
}

void device_unregister(struct device *dev)
{
	if (!dev->kmm_registered)
		return;
	devres_release_all(dev);
	notify_unbound(dev);
	dev->kmm_registered = false;
	if (dev->release)
		dev->release(dev);
}

/* ------------------------------------------------------------------ devres */

int devres_add_kmm(struct device *dev, dr_release_t release, void *res, const void *match)
{
	struct devres *dr = malloc(sizeof(*dr));

	if (!dr)
		return -ENOMEM;
	dr->release = release;
	dr->res = res;
	dr->match = match;
	pthread_mutex_lock(&dev->devres_lock);
	list_add(&dr->node, &dev->devres_head);
	pthread_mutex_unlock(&dev->devres_lock);
	return 0;
}

static struct devres *devres_take(struct device *dev, dr_release_t release, const void *match)
{
	struct devres *dr, *found = NULL;

	pthread_mutex_lock(&dev->devres_lock);
	list_for_each_entry (dr, &dev->devres_head, node) {
		if (dr->release == release && dr->match == match) {
			list_del(&dr->node);
			found = dr;
			break;
		}
	}
	pthread_mutex_unlock(&dev->devres_lock);
	return found;
}

int devres_release_kmm(struct device *dev, dr_release_t release, const void *match)
{
	struct devres *dr = devres_take(dev, release, match);

	if (!dr)
		return -ENOENT;
	dr->release(dev, dr->res);
	free(dr);
	return 0;
}

int devres_release_all(struct device *dev)
{
	int n = 0;

	if (!dev->devres_head.next)
		return 0;
	for (;;) {
		struct devres *dr = NULL;

		pthread_mutex_lock(&dev->devres_lock);
		if (!list_empty(&dev->devres_head)) {
			dr = list_first_entry(&dev->devres_head, struct devres, node);
			list_del(&dr->node);
		}
		pthread_mutex_unlock(&dev->devres_lock);
		if (!dr)
			return n;
		dr->release(dev, dr->res);
		free(dr);
		n++;
	}
}

static void devm_kmalloc_release(struct device *dev, void *res)
{
	kfree(res);
}

void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp)
{
	void *p = kmalloc(size, gfp);

	if (p && devres_add_kmm(dev, devm_kmalloc_release, p, p)) {
		kfree(p);
		return NULL;
	}
	return p;
}

void devm_kfree(struct device *dev, const void *p)
{
	if (p && devres_release_kmm(dev, devm_kmalloc_release, p))
		dev_warn(dev, "devm_kfree of %p: not devm_kmalloc memory", p);
}

struct devm_action {
	void (*action)(void *);
	void *data;
};

static void devm_action_release(struct device *dev, void *res)
{
	struct devm_action *a = res;

	a->action(a->data);
	free(a);
}

int devm_add_action(struct device *dev, void (*action)(void *), void *data)
{
	struct devm_action *a = malloc(sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->action = action;
	a->data = data;
	if (devres_add_kmm(dev, devm_action_release, a, a)) {
		free(a);
		return -ENOMEM;
	}
	return 0;
}

int devm_add_action_or_reset(struct device *dev, void (*action)(void *), void *data)
{
	int err = devm_add_action(dev, action, data);

	if (err)
		action(data);
	return err;
}

/* ------------------------------------------------------------------ platform bus */

static struct bus_entry *find_entry(struct list_head *list, const void *obj)
{
	struct bus_entry *e;

	list_for_each_entry (e, list, node)
		if (e->obj == obj)
			return e;
	return NULL;
}

/* Bind @drv to @pdev: probe; on failure undo what the probe left managed. bus_lock held. */
static void bind(struct platform_device *pdev, struct platform_driver *drv)
{
	int err;

	__atomic_store_n(&pdev->dev.driver, &drv->driver, __ATOMIC_RELEASE);
	err = drv->probe ? drv->probe(pdev) : 0;
	if (err) {
		devres_release_all(&pdev->dev);
		__atomic_store_n(&pdev->dev.driver, NULL, __ATOMIC_RELEASE);
		pdev->dev.driver_data = NULL;
		notify_unbound(&pdev->dev);
		if (err != -ENODEV && err != -ENXIO)
			dev_warn(&pdev->dev, "probe with driver %s failed with error %d",
				 drv->driver.name, err);
	}
}

/* Unbind: remove(), then managed resources, then dma-debug's leak check. bus_lock held. */
static void unbind(struct platform_device *pdev)
{
	struct platform_driver *drv;

	if (!pdev->dev.driver)
		return;
	drv = (struct platform_driver *)((char *)pdev->dev.driver -
					 offsetof(struct platform_driver, driver));
	if (drv->remove)
		drv->remove(pdev);
	devres_release_all(&pdev->dev);
	__atomic_store_n(&pdev->dev.driver, NULL, __ATOMIC_RELEASE);
	pdev->dev.driver_data = NULL;
	notify_unbound(&pdev->dev);
}

static bool matches(const struct platform_device *pdev, const struct platform_driver *drv)
{
	return drv->driver.name && strcmp(pdev->name, drv->driver.name) == 0;
}

static void release_resources(struct platform_device *pdev, u32 upto)
{
	for (u32 i = 0; i < upto; i++) {
		struct resource *r = &pdev->resource[i];

		if ((r->flags & IORESOURCE_MEM) && r->parent)
			remove_resource(r);
	}
}

int platform_device_register(struct platform_device *pdev)
{
	struct bus_entry *e;
	struct device *dev = &pdev->dev;
	u32 i;

	if (!pdev->name)
		return -EINVAL;
	device_initialize(dev);
	dev->bus = &platform_bus_type;
	if (pdev->id >= 0)
		dev_set_name(dev, "%s.%d", pdev->name, pdev->id);
	else
		dev_set_name(dev, "%s", pdev->name);
	if (!dev->dma_mask) {
		dev->kmm_dma_mask_storage = DMA_BIT_MASK(32);
		dev->dma_mask = &dev->kmm_dma_mask_storage;
	}
	if (!dev->coherent_dma_mask)
		dev->coherent_dma_mask = DMA_BIT_MASK(32);
	for (i = 0; i < pdev->num_resources; i++) {
		struct resource *r = &pdev->resource[i];

		if (!r->name)
			r->name = dev_name(dev);
		if ((r->flags & IORESOURCE_MEM) && insert_resource(&iomem_resource, r)) {
			dev_err(dev, "failed to claim resource %u", i);
			release_resources(pdev, i);
			return -EBUSY;
		}
	}
	e = malloc(sizeof(*e));
	if (!e) {
		release_resources(pdev, pdev->num_resources);
		return -ENOMEM;
	}
	e->obj = pdev;
	bus_enter();
	list_add_tail(&e->node, &devices);
	dev->kmm_registered = true;
	list_for_each_entry (e, &drivers, node) {
		if (matches(pdev, e->obj)) {
			bind(pdev, e->obj);
			break;
		}
	}
	bus_leave();
	return 0;
}

void platform_device_unregister(struct platform_device *pdev)
{
	struct bus_entry *e;

	if (!pdev)
		return;
	bus_enter();
	e = find_entry(&devices, pdev);
	if (!e) {
		bus_leave();
		return;
	}
	unbind(pdev);
	list_del(&e->node);
	free(e);
	pdev->dev.kmm_registered = false;
	bus_leave();
	devres_release_all(&pdev->dev);
	release_resources(pdev, pdev->num_resources);
	if (pdev->dev.release)
		pdev->dev.release(&pdev->dev);
	if (pdev->kmm_allocated) {
		free(pdev->resource);
		free(pdev);
	}
}

struct platform_device *platform_device_register_simple(const char *name, int id,
							const struct resource *res,
							unsigned int num)
{
	struct platform_device *pdev = calloc(1, sizeof(*pdev));

	if (!pdev)
		return NULL;
	pdev->name = name;
	pdev->id = id == PLATFORM_DEVID_AUTO ? 0 : id;
	pdev->kmm_allocated = true;
	if (num) {
		pdev->resource = calloc(num, sizeof(*res));
		if (!pdev->resource) {
			free(pdev);
			return NULL;
		}
		for (unsigned int i = 0; i < num; i++) {
			pdev->resource[i] = res[i];
			pdev->resource[i].parent = NULL;
			pdev->resource[i].sibling = NULL;
			pdev->resource[i].child = NULL;
		}
		pdev->num_resources = num;
	}
	if (platform_device_register(pdev)) {
		free(pdev->resource);
		free(pdev);
		return NULL;
	}
	return pdev;
}

int platform_driver_register(struct platform_driver *drv)
{
	struct bus_entry *e, *d;

	if (!drv->driver.name)
		return -EINVAL;
	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->obj = drv;
	drv->driver.bus = &platform_bus_type;
	bus_enter();
	list_for_each_entry (d, &drivers, node) {
		struct platform_driver *other = d->obj;

		if (strcmp(other->driver.name, drv->driver.name) == 0) {
			bus_leave();
			free(e);
			return -EBUSY;
		}
	}
	list_add_tail(&e->node, &drivers);
	list_for_each_entry (d, &devices, node) {
		struct platform_device *pdev = d->obj;

		if (!pdev->dev.driver && matches(pdev, drv))
			bind(pdev, drv);
	}
	bus_leave();
	return 0;
}

void platform_driver_unregister(struct platform_driver *drv)
{
	struct bus_entry *e;

	bus_enter();
	e = find_entry(&drivers, drv);
	if (e) {
		struct bus_entry *d;

		list_for_each_entry (d, &devices, node) {
			struct platform_device *pdev = d->obj;

			if (pdev->dev.driver == &drv->driver)
				unbind(pdev);
		}
		list_del(&e->node);
		free(e);
	}
	bus_leave();
}

struct resource *platform_get_resource(struct platform_device *pdev, unsigned int type,
				       unsigned int num)
{
	for (u32 i = 0; i < pdev->num_resources; i++) {
		struct resource *r = &pdev->resource[i];

		if ((r->flags & type) && num-- == 0)
			return r;
	}
	return NULL;
}

int platform_get_irq(struct platform_device *pdev, unsigned int num)
{
	struct resource *r = platform_get_resource(pdev, IORESOURCE_IRQ, num);

	return r ? (int)r->start : -ENXIO;
}

static void device_shutdown_all(void)
{
	bus_enter();
	while (!list_empty(&devices)) {
		struct bus_entry *e = list_first_entry(&devices, struct bus_entry, node);

		bus_leave();
		platform_device_unregister(e->obj);
		bus_enter();
	}
	while (!list_empty(&drivers)) {
		struct bus_entry *e = list_first_entry(&drivers, struct bus_entry, node);

		list_del(&e->node);
		free(e);
	}
	bus_leave();
}

kmm_initcall(device, devices, NULL, device_shutdown_all);
