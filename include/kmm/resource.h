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

/**
 * insert_resource - put @new into the tree under @parent, nesting it inside a range that
 * holds it whole or around children it holds whole (what platform devices use)
 * @parent: where to start
 * @new: the range
 *
 * Context: process context.
 * Return: 0, or -EBUSY when it straddles another range.
 */
int insert_resource(struct resource *parent, struct resource *new);

/**
 * remove_resource - take out a range inserted with insert_resource(); its children move up
 * @old: the range
 *
 * Context: process context.
 * Return: 0, or -EINVAL if it was not in the tree.
 */
int remove_resource(struct resource *old);

/**
 * __request_region - claim [@start, @start + @n) as busy, inside the innermost non-busy range
 * under @parent that holds it
 * @parent: root to search (&iomem_resource)
 * @start: first address
 * @n: length
 * @name: shown in /proc/iomem (kept by reference)
 * @flags: extra IORESOURCE_* flags
 *
 * Context: process context.
 * Return: the new busy range, or NULL when any part is taken.
 */
struct resource *__request_region(struct resource *parent, resource_size_t start, resource_size_t n,
				  const char *name, int flags);

/**
 * __release_region - give back a range claimed with __request_region()
 * @parent: the root it was claimed under
 * @start: its first address
 * @n: its length
 *
 * A range never claimed is reported ("Trying to free nonexistent resource").
 * Context: process context.
 */
void __release_region(struct resource *parent, resource_size_t start, resource_size_t n);

#define request_mem_region(start, n, name) \
	__request_region(&iomem_resource, (start), (n), (name), 0)
#define release_mem_region(start, n) __release_region(&iomem_resource, (start), (n))

#endif /* KMM_RESOURCE_H */
