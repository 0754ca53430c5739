/*
 * devres_io.c - the managed (devm_) forms of ioremap and of memory regions: each mapping or
 * region is a device resource, released with the device's other resources when its driver
 * unbinds, as the kernel's lib/devres.c does.
 *
 * Context: process context (they allocate with GFP_KERNEL), as in the kernel.
 */
#include <errno.h>
#include <stdio.h>

#include <kmm/device.h>
#include <kmm/err.h>
#include <kmm/io.h>
#include "machine/io.h"

static void devm_ioremap_release(struct device *dev, void *res)
{
	iounmap(res);
}

void __iomem *devm_ioremap(struct device *dev, resource_size_t phys, resource_size_t size)
{
	void __iomem *p = ioremap_caller(phys, size, __builtin_return_address(0));

	if (p && devres_add_kmm(dev, devm_ioremap_release, (void *)p, (void *)p)) {
		iounmap(p);
		return NULL;
	}
	return p;
}

void devm_iounmap(struct device *dev, void __iomem *addr)
{
	if (devres_release_kmm(dev, devm_ioremap_release, (void *)addr))
		dev_warn(dev, "devm_iounmap of %p: not a devm_ioremap() mapping", (void *)addr);
}

static void devm_region_release(struct device *dev, void *res)
{
	struct resource *r = res;

	__release_region(&iomem_resource, r->start, resource_size(r));
}

struct resource *devm_request_mem_region(struct device *dev, resource_size_t start,
					 resource_size_t n, const char *name)
{
	struct resource *r = request_mem_region(start, n, name);

	if (r && devres_add_kmm(dev, devm_region_release, r, r)) {
		release_mem_region(start, n);
		return NULL;
	}
	return r;
}

void __iomem *devm_ioremap_resource(struct device *dev, const struct resource *res)
{
	void __iomem *p;
	char *name;

	if (!res || !(res->flags & IORESOURCE_MEM)) {
		dev_err(dev, "invalid resource %s", res && res->name ? res->name : "(null)");
		return ERR_PTR(-EINVAL);
	}
	name = devm_kmalloc(dev, 96, GFP_KERNEL);
	if (!name)
		return ERR_PTR(-ENOMEM);
	if (res->name)
		snprintf(name, 96, "%s %s", dev_name(dev), res->name);
	else
		snprintf(name, 96, "%s", dev_name(dev));
	if (!devm_request_mem_region(dev, res->start, resource_size(res), name)) {
		dev_err(dev, "can't request region for resource [mem %#010llx-%#010llx]",
			(unsigned long long)res->start, (unsigned long long)res->end);
		return ERR_PTR(-EBUSY);
	}
	p = devm_ioremap(dev, res->start, resource_size(res));
	if (!p) {
		dev_err(dev, "ioremap failed for resource [mem %#010llx-%#010llx]",
			(unsigned long long)res->start, (unsigned long long)res->end);
		return ERR_PTR(-ENOMEM);
	}
	return p;
}

void __iomem *devm_platform_ioremap_resource(struct platform_device *pdev, unsigned int index)
{
	return devm_ioremap_resource(&pdev->dev,
				     platform_get_resource(pdev, IORESOURCE_MEM, index));
}
