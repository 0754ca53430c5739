/*
 * layout.c - computing the kernel virtual address layout of a profile for a RAM size, the
 * way each architecture's headers derive it: on x86_32 from the top down (the fixmap, pkmap,
 * VMALLOC_END, then low memory ends the vmalloc reserve below it), elsewhere the linear map
 * first, the vmalloc area after a guard gap, then the fixed or computed rest.
 */
#include <errno.h>
#include <string.h>

#include "arch/profile.h"

static unsigned long align_up(unsigned long x, unsigned long a)
{
	return a ? (x + a - 1) & ~(a - 1) : x;
}

static void place_fixmap(const struct profile *p, unsigned int cpus, struct kmm_layout *l)
{
	unsigned long slots = FIX_NAMED_SLOTS + (unsigned long)KM_MAX_IDX * cpus;

	if (p->fixaddr_start) {
		l->fixaddr_start = p->fixaddr_start;
		l->fixaddr_top = p->fixaddr_top;
	} else if (p->fixaddr_top) {
		l->fixaddr_top = p->fixaddr_top;
		l->fixaddr_start = p->fixaddr_top - slots * PAGE_SIZE;
	} else {
		l->fixaddr_start = align_up(l->vmalloc_end + p->fixmap_gap, PAGE_SIZE);
		l->fixaddr_top = l->fixaddr_start + slots * PAGE_SIZE;
	}
}

int layout_compute(const struct profile *p, unsigned long long ram, unsigned int cpus,
		   struct kmm_layout *l)
{
	unsigned long long lowmem_max = p->lowmem_max, lowmem;

	memset(l, 0, sizeof(*l));
	l->profile = p->name;
	l->arch = p->arch;
	l->nr_cpus = cpus;
	/* x86_32: the top of the space is fixed, and low memory is what the vmalloc reserve leaves. */
	if (p->pkmap_below_fixmap) {
		place_fixmap(p, cpus, l);
		l->pkmap_base = p->pkmap_base ?
					p->pkmap_base :
					(l->fixaddr_start - PAGE_SIZE * (p->last_pkmap + 1)) &
						~(p->pmd_size - 1);
		l->vmalloc_end = l->pkmap_base - 2 * PAGE_SIZE;
		if (p->vmalloc_reserve)
			lowmem_max = l->vmalloc_end - p->page_offset - p->vmalloc_reserve;
	}
	lowmem = lowmem_max && ram > lowmem_max ? lowmem_max : ram;
	l->page_offset = p->page_offset;
	l->phys_offset = p->phys_offset;
	l->min_pfn = (unsigned long)(p->phys_offset >> PAGE_SHIFT);
	l->low_pfn_end = l->min_pfn + (unsigned long)(lowmem >> PAGE_SHIFT);
	l->pfn_end = l->min_pfn + (unsigned long)(ram >> PAGE_SHIFT);
	l->high_mem = p->page_offset + (unsigned long)lowmem;
	l->vmalloc_offset = p->vmalloc_offset;
	l->vmalloc_start = align_up(l->high_mem + p->vmalloc_offset, p->vmalloc_align);
	l->modules_vaddr = p->modules_vaddr;
	l->modules_end = p->modules_end;
	if (ram > lowmem)
		l->last_pkmap = p->last_pkmap;

	if (!p->pkmap_below_fixmap) {
		l->pkmap_base = p->pkmap_base;
		l->vmalloc_end = p->vmalloc_end ? p->vmalloc_end :
						  l->vmalloc_start + (unsigned long)p->vmalloc_size;
		place_fixmap(p, cpus, l);
	}
	if (!l->last_pkmap)
		l->pkmap_base = 0;

	l->window_start = p->modules_vaddr ? p->modules_vaddr : p->page_offset;
	l->window_end = p->window_end ? (unsigned long)p->window_end : l->fixaddr_top + PAGE_SIZE;
	if (l->vmalloc_start >= l->vmalloc_end || l->fixaddr_start >= l->fixaddr_top ||
	    l->fixaddr_top - l->fixaddr_start < (FIX_NAMED_SLOTS + KM_MAX_IDX * cpus) * PAGE_SIZE)
		return -EINVAL;
	return 0;
}

static void shift(unsigned long *addr, long delta)
{
	if (*addr)
		*addr += (unsigned long)delta;
}

void layout_shift(struct kmm_layout *l, long delta)
{
	shift(&l->window_start, delta);
	shift(&l->window_end, delta);
	shift(&l->page_offset, delta);
	shift(&l->high_mem, delta);
	shift(&l->vmalloc_start, delta);
	shift(&l->vmalloc_end, delta);
	shift(&l->pkmap_base, delta);
	shift(&l->fixaddr_start, delta);
	shift(&l->fixaddr_top, delta);
	shift(&l->modules_vaddr, delta);
	shift(&l->modules_end, delta);
}
