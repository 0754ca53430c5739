/*
 * A stand-in for the kernel's private mm/slab.h, for the kernel's own tests that include it
 * by its relative path ("../mm/slab.h" from lib/): the harness puts this folder's mm/ on the
 * include path, so the relative include lands here. It is not the kernel's header: it offers
 * only what those tests touch, over kmm's API.
 *
 * struct kmem_cache is kmm's own, private to src/mm/; the tests read one field of it, the
 * free pointer's offset (s->offset). The harness generates kmm-offsets.h from kmm's private
 * header at build time, as the kernel's build generates asm-offsets.h, and the struct here
 * places that one field where kmm keeps it.
 */
#ifndef _KMM_STAND_IN_MM_SLAB_H
#define _KMM_STAND_IN_MM_SLAB_H

#include <linux/kasan.h>
#include <linux/slab.h>
#include <kmm-offsets.h>

struct kmem_cache {
	char __kmm_fields_before_offset[KMM_KMEM_CACHE_OFFSET];
	unsigned int offset; /* the free pointer, from the object's start */
};

/* The kernel's validator counts into the running KUnit test's "slab_errors"; so does kmm's. */
static inline long validate_slab_cache(struct kmem_cache *s)
{
	return kmm_slab_validate(s);
}

#endif
