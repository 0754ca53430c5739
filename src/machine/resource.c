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
#include <stdlib.h>

#include <kmm/kmm.h>
#include <kmm/resource.h>
#include "machine/machine.h"
#include "machine/report.h"
#include "machine/initcall.h"

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

static int resource_init_ram(void)
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
	return 0;
}

static void resource_exit(void)
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

/* ------------------------------------------------------------------ regions */

/* Where @new goes under @parent: into a range that holds it whole, or around children it
 * holds whole. Returns the conflict when neither works. resource_lock held. */
static struct resource *__insert_resource(struct resource *parent, struct resource *new)
{
	struct resource *first, *next, **p;

	for (;;) {
		first = __request_resource(parent, new);
		if (!first)
			return NULL;
		if (first == parent)
			return first;
		if (first->start <= new->start && first->end >= new->end) {
			parent = first;
			continue;
		}
		break;
	}
	/* @new must enclose a run of consecutive children: [first .. next]. */
	if (first->start < new->start || first->end > new->end)
		return first;
	for (next = first; next->sibling && next->sibling->start <= new->end; next = next->sibling)
		if (next->sibling->end > new->end)
			return next->sibling;
	new->parent = parent;
	new->child = first;
	new->sibling = next->sibling;
	next->sibling = NULL;
	for (struct resource *r = first; r; r = r->sibling)
		r->parent = new;
	for (p = &parent->child; *p != first; p = &(*p)->sibling)
		;
	*p = new;
	return NULL;
}

int insert_resource(struct resource *parent, struct resource *new)
{
	struct resource *conflict;

	pthread_mutex_lock(&resource_lock);
	conflict = __insert_resource(parent, new);
	pthread_mutex_unlock(&resource_lock);
	return conflict ? -EBUSY : 0;
}

int remove_resource(struct resource *old)
{
	struct resource **p, *last;
	int err = -EINVAL;

	pthread_mutex_lock(&resource_lock);
	for (p = old->parent ? &old->parent->child : NULL; p && *p; p = &(*p)->sibling) {
		if (*p != old)
			continue;
		/* Its children take its place. */
		if (old->child) {
			for (last = old->child;; last = last->sibling) {
				last->parent = old->parent;
				if (!last->sibling)
					break;
			}
			last->sibling = old->sibling;
			*p = old->child;
		} else {
			*p = old->sibling;
		}
		old->parent = old->sibling = old->child = NULL;
		err = 0;
		break;
	}
	pthread_mutex_unlock(&resource_lock);
	return err;
}

struct resource *__request_region(struct resource *parent, resource_size_t start, resource_size_t n,
				  const char *name, int flags)
{
	struct resource *res = calloc(1, sizeof(*res));

	if (!res || !n)
		goto fail;
	res->name = name;
	res->start = start;
	res->end = start + n - 1;
	res->flags = (parent->flags & (IORESOURCE_IO | IORESOURCE_MEM)) | IORESOURCE_BUSY |
		     (unsigned long)flags;
	pthread_mutex_lock(&resource_lock);
	for (;;) {
		struct resource *conflict = __request_resource(parent, res);

		if (!conflict)
			break;
		if (conflict != parent && !(conflict->flags & IORESOURCE_BUSY)) {
			parent = conflict;
			continue;
		}
		pthread_mutex_unlock(&resource_lock);
		goto fail;
	}
	pthread_mutex_unlock(&resource_lock);
	return res;
fail:
	free(res);
	return NULL;
}

void __release_region(struct resource *parent, resource_size_t start, resource_size_t n)
{
	resource_size_t end = start + n - 1;
	struct resource **p = &parent->child;

	pthread_mutex_lock(&resource_lock);
	while (*p) {
		struct resource *res = *p;

		if (res->start <= start && res->end >= end) {
			if (!(res->flags & IORESOURCE_BUSY)) {
				p = &res->child;
				continue;
			}
			if (res->start != start || res->end != end)
				break;
			*p = res->sibling;
			pthread_mutex_unlock(&resource_lock);
			free(res);
			return;
		}
		p = &res->sibling;
	}
	pthread_mutex_unlock(&resource_lock);
	report_start("release_region", "Trying to free nonexistent resource <0x%016llx-0x%016llx>",
		     (unsigned long long)start, (unsigned long long)end);
	report_add_stack();
	report_finish();
}

kmm_initcall(arch, iomem_ram, resource_init_ram, resource_exit);
