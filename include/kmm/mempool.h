/*
 * kmm/mempool.h - memory pools: an allocator with a reserve of min_nr elements set aside at
 * creation, so that an allocation that may sleep always makes progress, even when the
 * backing allocator fails, by waiting for an element to be freed back to the pool.
 */
#ifndef KMM_MEMPOOL_H
#define KMM_MEMPOOL_H

#include <pthread.h>

#include "types.h"
#include "gfp.h"

struct kmem_cache;

typedef void *(mempool_alloc_t)(gfp_t gfp_mask, void *pool_data);
typedef void(mempool_free_t)(void *element, void *pool_data);

/* Invariant (under lock): 0 <= curr_nr <= min_nr; elements[0..curr_nr) are the reserve. */
typedef struct mempool_s {
	pthread_mutex_t lock;
	pthread_cond_t wait; /* signalled when an element comes back to the reserve */
	int min_nr;
	int curr_nr;
	void **elements;
	void *pool_data;
	mempool_alloc_t *alloc;
	mempool_free_t *free;
} mempool_t;

/**
 * mempool_init - set up a pool in caller-provided memory and fill its reserve
 * @pool: the pool
 * @min_nr: elements kept in reserve
 * @alloc_fn: the backing allocator
 * @free_fn: gives an element back to the backing allocator
 * @pool_data: passed to both
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int mempool_init(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
		 void *pool_data);

/**
 * mempool_exit - free the reserve of a pool set up by mempool_init()
 * @pool: the pool (every element handed out must be back)
 *
 * Context: process context.
 */
void mempool_exit(mempool_t *pool);

/**
 * mempool_create - allocate a pool and fill its reserve
 * @min_nr: elements kept in reserve
 * @alloc_fn: the backing allocator
 * @free_fn: gives an element back to the backing allocator
 * @pool_data: passed to both
 *
 * Context: process context; may sleep.
 * Return: the pool, or NULL.
 */
mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			  void *pool_data);

/**
 * mempool_create_node - mempool_create() with the pool's own gfp and node (node ignored)
 * @min_nr: elements kept in reserve
 * @alloc_fn: the backing allocator
 * @free_fn: gives an element back
 * @pool_data: passed to both
 * @gfp_mask: flags for the pool's own memory and its reserve
 * @node_id: NUMA node (kmm has one)
 *
 * Context: as @gfp_mask allows.
 * Return: the pool, or NULL.
 */
mempool_t *mempool_create_node(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			       void *pool_data, gfp_t gfp_mask, int node_id);

/**
 * mempool_destroy - free the reserve and the pool
 * @pool: the pool, or NULL
 *
 * Context: process context.
 */
void mempool_destroy(mempool_t *pool);

/**
 * mempool_resize - change the size of the reserve
 * @pool: the pool
 * @new_min_nr: the new reserve size
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int mempool_resize(mempool_t *pool, int new_min_nr);

/**
 * mempool_alloc - allocate an element: from the backing allocator, else from the reserve
 * @pool: the pool
 * @gfp_mask: GFP flags. With __GFP_DIRECT_RECLAIM (GFP_KERNEL, GFP_NOIO...) the call never
 *            fails: it waits for an element to be freed. Without it (GFP_ATOMIC, GFP_NOWAIT)
 *            it returns NULL at once when both are empty.
 *
 * Context: may sleep if @gfp_mask allows.
 * Return: the element, or NULL.
 */
void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask);

/**
 * mempool_free - give an element back: to the reserve if it is short, else to the allocator
 * @element: the element, or NULL
 * @pool: the pool it came from
 *
 * Context: any; never sleeps.
 */
void mempool_free(void *element, mempool_t *pool);

static inline bool mempool_initialized(mempool_t *pool)
{
	return pool->elements != NULL;
}

/* Backing allocators for the common pools; pool_data is the cache, the size or the order. */
void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data);
void mempool_free_slab(void *element, void *pool_data);
void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data);
void mempool_kfree(void *element, void *pool_data);
void *mempool_alloc_pages(gfp_t gfp_mask, void *pool_data);
void mempool_free_pages(void *element, void *pool_data);

static inline mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *kc)
{
	return mempool_create(min_nr, mempool_alloc_slab, mempool_free_slab, kc);
}

static inline mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size)
{
	return mempool_create(min_nr, mempool_kmalloc, mempool_kfree, (void *)size);
}

/* Elements are struct page * of 2^order pages. */
static inline mempool_t *mempool_create_page_pool(int min_nr, int order)
{
	return mempool_create(min_nr, mempool_alloc_pages, mempool_free_pages, (void *)(long)order);
}

static inline int mempool_init_slab_pool(mempool_t *pool, int min_nr, struct kmem_cache *kc)
{
	return mempool_init(pool, min_nr, mempool_alloc_slab, mempool_free_slab, kc);
}

static inline int mempool_init_kmalloc_pool(mempool_t *pool, int min_nr, size_t size)
{
	return mempool_init(pool, min_nr, mempool_kmalloc, mempool_kfree, (void *)size);
}

static inline int mempool_init_page_pool(mempool_t *pool, int min_nr, int order)
{
	return mempool_init(pool, min_nr, mempool_alloc_pages, mempool_free_pages,
			    (void *)(long)order);
}

#endif /* KMM_MEMPOOL_H */
