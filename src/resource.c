/*
 * resource.c - the physical address map (/proc/iomem): a tree of named, non-overlapping
 * ranges under iomem_resource, children sorted by start.
 *
 * At boot it holds the RAM ("System RAM") and the firmware area ("Reserved"); device layers
 * add their regions. Locks: resource_lock guards the whole tree.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include <kmm/kmm.h>
#include <kmm/resource.h>
#include "internal/machine.h"

struct resource iomem_resource = { .name = "PCI mem",
				   .start = 0,
				   .end = ~(resource_size_t)0,
				   .flags = IORESOURCE_MEM };

static pthread_mutex_t resource_lock = PTHREAD_MUTEX_INITIALIZER;
static struct resource ram_resources[2];

/* Link @new under @parent if it fits and overlaps no sibling; return the conflict or NULL. */
static struct resource *__request_resource(struct resource *parent, struct resource *new)
{
	struct resource **p = &parent->child;

	if (new->end < new->start || new->start < parent->start || new->end > parent->end)
		return parent;
	for (; *p; p = &(*p)->sibling) {
		if ((*p)->start > new->end)
			break;
		if ((*p)->end >= new->start)
			return *p;
	}
	new->sibling = *p;
	new->parent = parent;
	new->child = NULL;
	*p = new;
	return NULL;
}

int request_resource(struct resource *root, struct resource *new)
{
	struct resource *conflict;

	pthread_mutex_lock(&resource_lock);
	conflict = __request_resource(root, new);
	pthread_mutex_unlock(&resource_lock);
	return conflict ? -EBUSY : 0;
}

int release_resource(struct resource *old)
{
	struct resource **p;
	int err = -EINVAL;

	pthread_mutex_lock(&resource_lock);
	for (p = old->parent ? &old->parent->child : NULL; p && *p; p = &(*p)->sibling) {
		if (*p == old) {
			*p = old->sibling;
			old->parent = NULL;
			old->sibling = NULL;
			err = 0;
			break;
		}
	}
	pthread_mutex_unlock(&resource_lock);
	return err;
}

void resource_init_ram(void)
{
	phys_addr_t start = kmm_layout.phys_offset;
	phys_addr_t end = start + kmm_machine.ram_bytes - 1;
	phys_addr_t reserved = (phys_addr_t)kmm_machine.reserved_pages << PAGE_SHIFT;

	iomem_resource.child = NULL;
	if (reserved) {
		ram_resources[0] = (struct resource){ .name = "Reserved",
						      .start = start,
						      .end = start + reserved - 1,
						      .flags = IORESOURCE_MEM };
		request_resource(&iomem_resource, &ram_resources[0]);
	}
	ram_resources[1] = (struct resource){ .name = "System RAM",
					      .start = start + reserved,
					      .end = end,
					      .flags = IORESOURCE_MEM | IORESOURCE_SYSRAM };
	request_resource(&iomem_resource, &ram_resources[1]);
}

void resource_exit(void)
{
	iomem_resource.child = NULL;
}

static void show(FILE *out, const struct resource *r, int depth)
{
	for (; r; r = r->sibling) {
		fprintf(out, "%*s%08llx-%08llx : %s\n", depth * 2, "", (unsigned long long)r->start,
			(unsigned long long)r->end, r->name ? r->name : "<BAD>");
		show(out, r->child, depth + 1);
	}
}

void kmm_proc_iomem(FILE *out)
{
	pthread_mutex_lock(&resource_lock);
	show(out, iomem_resource.child, 0);
	pthread_mutex_unlock(&resource_lock);
}
