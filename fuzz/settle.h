/*
 * settle.h - the free-page count a fuzz target compares after each input: taken once caches,
 * lazily freed vmalloc areas and per-thread page lists have given back what they hold, so
 * that any difference is memory the input leaked.
 */
#ifndef FUZZ_SETTLE_H
#define FUZZ_SETTLE_H

#include <kmm/gfp.h>
#include <kmm/page_alloc.h>
#include <kmm/shrinker.h>
#include <kmm/vmalloc.h>

static inline unsigned long settled_free_pages(void)
{
	kmm_shrink_all(GFP_KERNEL); /* the slab shrinker empties every cache's free slabs */
	vm_unmap_aliases();
	kmm_drain_all_pages();
	return nr_free_pages();
}

#endif /* FUZZ_SETTLE_H */
