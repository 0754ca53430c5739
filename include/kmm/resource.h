/*
 * kmm/resource.h - struct resource and the physical address map (/proc/iomem).
 */
#ifndef KMM_RESOURCE_H
#define KMM_RESOURCE_H

#include "types.h"

#define IORESOURCE_IO 0x00000100
#define IORESOURCE_MEM 0x00000200
#define IORESOURCE_IRQ 0x00000400
#define IORESOURCE_BUSY 0x80000000
#define IORESOURCE_SYSRAM 0x01000000

struct resource {
	resource_size_t start;
	resource_size_t end; /* inclusive */
	const char *name;
	unsigned long flags;
	struct resource *parent, *sibling, *child;
};

/* The root of the physical memory map. */
extern struct resource iomem_resource;

static inline resource_size_t resource_size(const struct resource *res)
{
	return res->end - res->start + 1;
}

/**
 * request_resource - claim a range under @root
 * @root: the parent range
 * @new: the range to add; must lie inside @root and overlap none of its children
 *
 * Context: process context.
 * Return: 0, or -EBUSY on overlap.
 */
int request_resource(struct resource *root, struct resource *new);

/**
 * release_resource - remove a range claimed with request_resource()
 * @old: the range
 *
 * Context: process context.
 * Return: 0, or -EINVAL if it was not in the tree.
 */
int release_resource(struct resource *old);

#endif /* KMM_RESOURCE_H */
