/*
 * kmm/slab.h - object caches (kmem_cache) and the kmalloc family on top of them.
 *
 * A cache hands out objects of one size carved from slabs, which are blocks of pages from the
 * buddy allocator: every object lies in the linear map, so virt_to_phys() and virt_to_page()
 * work on it. kmalloc() serves sizes 8..8192 from the "kmalloc-N" caches and larger requests
 * from the page allocator directly.
 */
#ifndef KMM_SLAB_H
#define KMM_SLAB_H

#include <stdio.h>
#include <string.h>

#include "types.h"
#include "gfp.h"

typedef unsigned int slab_flags_t;

/* Cache flags, with the kernel's bit values. */
#define SLAB_CONSISTENCY_CHECKS ((slab_flags_t)0x00000100u) /* slab_debug F */
#define SLAB_RED_ZONE ((slab_flags_t)0x00000400u) /* slab_debug Z */
#define SLAB_POISON ((slab_flags_t)0x00000800u) /* slab_debug P */
#define SLAB_KMALLOC ((slab_flags_t)0x00001000u) /* a kmalloc cache */
#define SLAB_HWCACHE_ALIGN ((slab_flags_t)0x00002000u)
#define SLAB_CACHE_DMA ((slab_flags_t)0x00004000u)
#define SLAB_CACHE_DMA32 ((slab_flags_t)0x00008000u)
#define SLAB_STORE_USER ((slab_flags_t)0x00010000u) /* slab_debug U */
#define SLAB_RECLAIM_ACCOUNT ((slab_flags_t)0x00020000u)
#define SLAB_PANIC ((slab_flags_t)0x00040000u)
#define SLAB_TYPESAFE_BY_RCU ((slab_flags_t)0x00080000u)
#define SLAB_MEM_SPREAD ((slab_flags_t)0x00100000u)
#define SLAB_TRACE ((slab_flags_t)0x00200000u)
#define SLAB_NOLEAKTRACE ((slab_flags_t)0x00800000u)
#define SLAB_FAILSLAB ((slab_flags_t)0x02000000u)
#define SLAB_ACCOUNT ((slab_flags_t)0x04000000u)
#define SLAB_NO_USER_FLAGS ((slab_flags_t)0x10000000u)
#define SLAB_TEMPORARY SLAB_RECLAIM_ACCOUNT

/* kmalloc's limits, as on x86 with 4 KiB pages. */
#define KMALLOC_MIN_SIZE 8
#define KMALLOC_SHIFT_HIGH 13
#define KMALLOC_MAX_CACHE_SIZE (1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MAX_SIZE (1UL << 22)
#define ARCH_KMALLOC_MINALIGN 8

/* What kmalloc(0) returns: not NULL, but faults on any access. kfree() accepts it. */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

struct kmem_cache;

/**
 * kmem_cache_create - make a cache of equal-sized objects
 * @name: shown in /proc/slabinfo and in reports; copied
 * @size: object size in bytes (1..KMALLOC_MAX_SIZE / 2)
 * @align: minimum alignment (0 for the default of 8; a power of two)
 * @flags: SLAB_* flags; with SLAB_TYPESAFE_BY_RCU a slab's pages go back to the page
 *         allocator only after an RCU grace period (its objects may be reused at once)
 * @ctor: called once for each object when its slab is made, or NULL
 *
 * Context: process context; may sleep.
 * Return: the cache, or NULL (with a report) on bad arguments or no memory. With SLAB_PANIC,
 * failure aborts the process.
 */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *));

#define KMEM_CACHE(__struct, __flags)                                                       \
	kmem_cache_create(#__struct, sizeof(struct __struct), __alignof__(struct __struct), \
			  (__flags), NULL)

/**
 * kmem_cache_destroy - give a cache and its empty slabs back
 * @s: the cache, or NULL
 *
 * A cache that still has objects is reported ("Slab cache still has objects") and left alive
 * and usable, as the kernel leaves it.
 * Context: process context; no other thread may use @s meanwhile.
 */
void kmem_cache_destroy(struct kmem_cache *s);

/**
 * kmem_cache_alloc - allocate an object
 * @s: the cache
 * @gfp: GFP flags (GFP_KERNEL may sleep; GFP_ATOMIC never does; __GFP_ZERO zeroes)
 *
 * Context: any, given a suitable @gfp.
 * Return: the object (its constructor has run once, when its slab was made), or NULL.
 */
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);

/**
 * kmem_cache_zalloc - kmem_cache_alloc() and zero the object
 * @s: the cache
 * @gfp: GFP flags
 *
 * Context: as kmem_cache_alloc().
 * Return: the object, or NULL.
 */
static inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return kmem_cache_alloc(s, gfp | __GFP_ZERO);
}

/**
 * kmem_cache_alloc_node - kmem_cache_alloc() on a NUMA node (kmm has one; @node is ignored)
 * @s: the cache
 * @gfp: GFP flags
 * @node: node id or NUMA_NO_NODE
 *
 * Context: as kmem_cache_alloc().
 * Return: the object, or NULL.
 */
void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node);

/**
 * kmem_cache_free - give an object back to its cache
 * @s: the cache it came from
 * @objp: the object (NULL is ignored)
 *
 * A wrong cache, a pointer that is no object, or a second free is reported and refused.
 * Context: any; never sleeps.
 */
void kmem_cache_free(struct kmem_cache *s, void *objp);

/**
 * kmem_cache_alloc_bulk - allocate @size objects at once
 * @s: the cache
 * @gfp: GFP flags
 * @size: number of objects
 * @p: receives them
 *
 * Context: as kmem_cache_alloc().
 * Return: @size, or 0 (nothing allocated) on failure.
 */
int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t size, void **p);

/**
 * kmem_cache_free_bulk - free @size objects of one cache
 * @s: the cache
 * @size: number of objects
 * @p: the objects
 *
 * Context: any; never sleeps.
 */
void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p);

/**
 * kmem_cache_shrink - release the cache's empty slabs to the page allocator
 * @s: the cache
 *
 * Flushes the calling thread's cached slab and those of exited threads; other threads flush
 * theirs the next time they refill.
 * Context: process context.
 * Return: 0.
 */
int kmem_cache_shrink(struct kmem_cache *s);

/**
 * kmem_cache_size - the object size a cache was created with
 * @s: the cache
 *
 * Return: the size in bytes.
 */
unsigned int kmem_cache_size(struct kmem_cache *s);

/**
 * kmalloc - allocate @size bytes of physically contiguous memory
 * @size: bytes; 0 gives ZERO_SIZE_PTR
 * @gfp: GFP flags; GFP_DMA picks the dma-kmalloc caches
 *
 * Sizes up to 8192 come from the kmalloc-N caches (8, 16, 32, 64, 96, 128, 192, 256, 512,
 * 1k, 2k, 4k, 8k); larger ones are compound pages from the page allocator.
 * Context: as kmem_cache_alloc().
 * Return: the memory, aligned to at least 8 bytes (to its size for powers of two), or NULL.
 */
void *kmalloc(size_t size, gfp_t gfp) __attribute__((alloc_size(1), malloc));

/**
 * kfree - free memory from kmalloc() and friends
 * @objp: the memory; NULL and ZERO_SIZE_PTR are ignored
 *
 * Context: any; never sleeps.
 */
void kfree(const void *objp);

/**
 * kfree_sensitive - clear memory, then kfree() it
 * @objp: the memory, or NULL
 *
 * Context: any; never sleeps.
 */
void kfree_sensitive(const void *objp);

/**
 * ksize - how many bytes an allocation really provides
 * @objp: memory from kmalloc(), or NULL
 *
 * Return: the usable size (the size class, or the page block for large allocations).
 */
size_t ksize(const void *objp);

/**
 * krealloc - resize a kmalloc() allocation
 * @p: the old memory (NULL or ZERO_SIZE_PTR act as kmalloc())
 * @new_size: bytes wanted; 0 frees @p and returns ZERO_SIZE_PTR
 * @gfp: GFP flags
 *
 * The contents are kept up to the smaller size; @p is returned itself when it is big enough.
 * Context: as kmalloc().
 * Return: the memory, or NULL (and @p untouched).
 */
void *krealloc(const void *p, size_t new_size, gfp_t gfp) __attribute__((alloc_size(2)));

/**
 * kmemdup - kmalloc() a copy of a buffer
 * @src: the bytes
 * @len: how many
 * @gfp: GFP flags
 *
 * Context: as kmalloc().
 * Return: the copy, or NULL.
 */
void *kmemdup(const void *src, size_t len, gfp_t gfp) __attribute__((alloc_size(2), malloc));

/**
 * kstrdup - kmalloc() a copy of a string
 * @s: the string, or NULL
 * @gfp: GFP flags
 *
 * Context: as kmalloc().
 * Return: the copy, or NULL (also for a NULL @s).
 */
char *kstrdup(const char *s, gfp_t gfp);

/**
 * kstrndup - kmalloc() a copy of at most @max bytes of a string, NUL-terminated
 * @s: the string, or NULL
 * @max: most bytes copied
 * @gfp: GFP flags
 *
 * Context: as kmalloc().
 * Return: the copy, or NULL.
 */
char *kstrndup(const char *s, size_t max, gfp_t gfp);

/**
 * kmemdup_nul - kmalloc() a NUL-terminated copy of @len bytes
 * @s: the bytes
 * @len: how many
 * @gfp: GFP flags
 *
 * Context: as kmalloc().
 * Return: the copy, or NULL.
 */
char *kmemdup_nul(const char *s, size_t len, gfp_t gfp);

static inline __attribute__((alloc_size(1), malloc)) void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

static inline __attribute__((alloc_size(1, 2), malloc)) void *kmalloc_array(size_t n, size_t size,
									    gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, gfp);
}

static inline __attribute__((alloc_size(1, 2), malloc)) void *kcalloc(size_t n, size_t size,
								      gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}

static inline void *krealloc_array(void *p, size_t new_n, size_t new_size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(new_n, new_size, &bytes))
		return NULL;
	return krealloc(p, bytes, gfp);
}

/**
 * kmem_cache_create_usercopy - kmem_cache_create() with a region user copies may touch
 * @name: as kmem_cache_create()
 * @size: object size
 * @align: alignment
 * @flags: SLAB_* flags
 * @useroffset: start of the user-copyable region
 * @usersize: its length; 0: none (a cache from kmem_cache_create() has none)
 *
 * With hardened usercopy (on by default, as in Debian), copy_to_user() and copy_from_user()
 * of a size the compiler does not know must stay inside [@useroffset, @useroffset +
 * @usersize) of one object; anything else is refused with the kernel's report. A region that
 * does not fit the object is a WARNING and becomes none.
 * @ctor: constructor, or NULL
 *
 * Context: process context; may sleep.
 * Return: the cache, or NULL.
 */
struct kmem_cache *kmem_cache_create_usercopy(const char *name, unsigned int size,
					      unsigned int align, slab_flags_t flags,
					      unsigned int useroffset, unsigned int usersize,
					      void (*ctor)(void *));

/**
 * kmalloc_size_roundup - the size kmalloc() would really give for @size
 * @size: a request
 *
 * Return: the size class (or page block) that would serve it; 0 for 0.
 */
static inline size_t kmalloc_size_roundup(size_t size)
{
	static const unsigned short classes[] = { 8,   16,  32,	  64,	96,   128, 192,
						  256, 512, 1024, 2048, 4096, 8192 };
	size_t pages = 4096;

	if (!size)
		return 0;
	for (unsigned int i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (size <= classes[i])
			return classes[i];
	while (pages < size)
		pages <<= 1;
	return pages;
}

#define kmalloc_track_caller(size, gfp) kmalloc((size), (gfp))
#define kmalloc_node(size, gfp, node) kmalloc((size), (gfp))
#define kzalloc_node(size, gfp, node) kzalloc((size), (gfp))
#define kcalloc_node(n, size, gfp, node) kcalloc((n), (size), (gfp))
#define kmalloc_array_node(n, size, gfp, node) kmalloc_array((n), (size), (gfp))

/*
 * The kvmalloc family: kmalloc memory when it comes easily, else vmalloc memory, as in the
 * kernel; kvfree() takes either (both defined in vmalloc.c, documented in kmm/vmalloc.h).
 */
void *kmm_kvmalloc(size_t size, gfp_t gfp);
void kmm_kvfree(const void *addr);

static inline void *kvmalloc(size_t size, gfp_t gfp)
{
	return kmm_kvmalloc(size, gfp);
}

static inline void *kvzalloc(size_t size, gfp_t gfp)
{
	return kmm_kvmalloc(size, gfp | __GFP_ZERO);
}

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmm_kvmalloc(bytes, gfp);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kvmalloc_array(n, size, gfp | __GFP_ZERO);
}

static inline void kvfree(const void *p)
{
	kmm_kvfree(p);
}

static inline void kvfree_sensitive(const void *p, size_t len)
{
	if (p) {
		memset((void *)p, 0, len);
		__asm__ __volatile__("" : : "r"(p) : "memory");
	}
	kvfree(p);
}

#define kvmalloc_node(size, gfp, node) kvmalloc((size), (gfp))
#define kvzalloc_node(size, gfp, node) kvzalloc((size), (gfp))

/* One cache's numbers, as /proc/slabinfo shows them. */
struct kmm_slab_info {
	char name[64];
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned int objsize; /* bytes per object slot, metadata included */
	unsigned int objperslab;
	unsigned int pagesperslab;
	unsigned long active_slabs;
	unsigned long num_slabs;
};

/**
 * kmm_slab_info - the numbers of every cache, newest first
 * @info: receives up to @max entries
 * @max: room in @info
 *
 * Context: process context.
 * Return: the number of caches (which may exceed @max).
 */
int kmm_slab_info(struct kmm_slab_info *info, int max);

/**
 * kmm_proc_slabinfo - print /proc/slabinfo ("slabinfo - version: 2.1")
 * @out: where to print
 *
 * Context: process context.
 */
void kmm_proc_slabinfo(FILE *out);

/**
 * kmm_slab_validate - check every slab of a cache, repairing what it reports
 * @s: the cache
 *
 * Walks the cache's slabs (debug caches: all; others: those not held by a live thread) and
 * checks free lists, counters, red zones and poison as slab_debug allows. Every "BUG" and
 * every "FIX" line counts as one error, as in the kernel's slub KUnit tests.
 * Context: process context.
 * Return: the number of errors found.
 */
int kmm_slab_validate(struct kmem_cache *s);

/**
 * kmm_kmalloc_cache - the kmalloc cache that serves @size bytes with @gfp
 * @size: 1..KMALLOC_MAX_CACHE_SIZE
 * @gfp: GFP flags (GFP_DMA, __GFP_RECLAIMABLE and __GFP_ACCOUNT pick the variant)
 *
 * Return: the cache, or NULL for sizes the page allocator serves.
 */
struct kmem_cache *kmm_kmalloc_cache(size_t size, gfp_t gfp);

#endif /* KMM_SLAB_H */
