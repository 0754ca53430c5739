/*
 * mempool.c - pools with a reserve of elements set aside for the day the backing allocator
 * fails.
 *
 * An allocation first asks the backing allocator without reclaim or retries, so a healthy
 * system never touches the reserve; when that fails it takes a reserved element; when the
 * reserve is empty too, an allocation that may sleep asks once more with its full gfp and
 * then waits on pool->wait until mempool_free() brings an element back (rechecking the
 * allocator every five seconds, as the kernel does). Freed elements refill the reserve before
 * any goes back to the allocator. This is the forward-progress guarantee: with min_nr
 * elements reserved, a user that needs at most min_nr at a time always finishes.
 *
 * Lock: pool->lock guards curr_nr, min_nr and elements; the backing allocator is never
 * called under it. mempool_alloc may sleep as its gfp allows; mempool_free never sleeps.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <kmm/context.h>
#include <kmm/mempool.h>
#include <kmm/page_alloc.h>
#include <kmm/slab.h>
#include "machine/thread.h"

#define WAIT_SECONDS 5

static void add_element(mempool_t *pool, void *element)
{
	pool->elements[pool->curr_nr++] = element;
}

static void *remove_element(mempool_t *pool)
{
	return pool->elements[--pool->curr_nr];
}

static int init_node(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn,
		     mempool_free_t *free_fn, void *pool_data, gfp_t gfp)
{
	pthread_condattr_t attr;

	memset(pool, 0, sizeof(*pool));
	pthread_mutex_init(&pool->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&pool->wait, &attr);
	pthread_condattr_destroy(&attr);
	pool->min_nr = min_nr;
	pool->pool_data = pool_data;
	pool->alloc = alloc_fn;
	pool->free = free_fn;
	pool->elements = kmalloc_array((size_t)min_nr, sizeof(void *), gfp);
	if (!pool->elements)
		return -ENOMEM;
	while (pool->curr_nr < pool->min_nr) {
		void *element = pool->alloc(gfp, pool->pool_data);

		if (!element) {
			mempool_exit(pool);
			return -ENOMEM;
		}
		add_element(pool, element);
	}
	return 0;
}

int mempool_init(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
		 void *pool_data)
{
	return init_node(pool, min_nr, alloc_fn, free_fn, pool_data, GFP_KERNEL);
}

void mempool_exit(mempool_t *pool)
{
	while (pool->curr_nr)
		pool->free(remove_element(pool), pool->pool_data);
	kfree(pool->elements);
	pool->elements = NULL;
	pthread_cond_destroy(&pool->wait);
	pthread_mutex_destroy(&pool->lock);
}

mempool_t *mempool_create_node(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			       void *pool_data, gfp_t gfp_mask, int node_id)
{
	mempool_t *pool = kzalloc(sizeof(*pool), gfp_mask);

	if (!pool)
		return NULL;
	if (init_node(pool, min_nr, alloc_fn, free_fn, pool_data, gfp_mask)) {
		kfree(pool);
		return NULL;
	}
	return pool;
}

mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			  void *pool_data)
{
	return mempool_create_node(min_nr, alloc_fn, free_fn, pool_data, GFP_KERNEL, -1);
}

void mempool_destroy(mempool_t *pool)
{
	if (!pool)
		return;
	mempool_exit(pool);
	kfree(pool);
}

int mempool_resize(mempool_t *pool, int new_min_nr)
{
	void **fresh;

	might_sleep();
	pthread_mutex_lock(&pool->lock);
	if (new_min_nr <= pool->min_nr) {
		while (new_min_nr < pool->curr_nr) {
			void *element = remove_element(pool);

			pthread_mutex_unlock(&pool->lock);
			pool->free(element, pool->pool_data);
			pthread_mutex_lock(&pool->lock);
		}
		pool->min_nr = new_min_nr;
		pthread_mutex_unlock(&pool->lock);
		return 0;
	}
	pthread_mutex_unlock(&pool->lock);

	fresh = kmalloc_array((size_t)new_min_nr, sizeof(void *), GFP_KERNEL);
	if (!fresh)
		return -ENOMEM;
	pthread_mutex_lock(&pool->lock);
	if (new_min_nr <= pool->min_nr) { /* another resize won */
		pthread_mutex_unlock(&pool->lock);
		kfree(fresh);
		return 0;
	}
	memcpy(fresh, pool->elements, (size_t)pool->curr_nr * sizeof(void *));
	kfree(pool->elements);
	pool->elements = fresh;
	pool->min_nr = new_min_nr;
	while (pool->curr_nr < pool->min_nr) {
		void *element;

		pthread_mutex_unlock(&pool->lock);
		element = pool->alloc(GFP_KERNEL, pool->pool_data);
		if (!element)
			return 0; /* frees will fill the rest */
		pthread_mutex_lock(&pool->lock);
		if (pool->curr_nr < pool->min_nr) {
			add_element(pool, element);
		} else {
			pthread_mutex_unlock(&pool->lock);
			pool->free(element, pool->pool_data);
			pthread_mutex_lock(&pool->lock);
		}
	}
	pthread_mutex_unlock(&pool->lock);
	return 0;
}

static void wait_for_free(mempool_t *pool)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += WAIT_SECONDS;
	context_schedule();
	pthread_cond_timedwait(&pool->wait, &pool->lock, &until);
}

void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask)
{
	gfp_t gfp_temp;

	if (gfpflags_allow_blocking(gfp_mask))
		might_sleep();
	gfp_mask |= __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN;
	/* The first try must not dig into reclaim: the reserve is cheaper. */
	gfp_temp = gfp_mask & ~(__GFP_DIRECT_RECLAIM | __GFP_IO);
	for (;;) {
		void *element = pool->alloc(gfp_temp, pool->pool_data);

		if (element)
			return element;
		pthread_mutex_lock(&pool->lock);
		if (pool->curr_nr) {
			element = remove_element(pool);
			pthread_mutex_unlock(&pool->lock);
			return element;
		}
		if (gfp_temp != gfp_mask) {
			pthread_mutex_unlock(&pool->lock);
			gfp_temp = gfp_mask;
			continue;
		}
		if (!gfpflags_allow_blocking(gfp_mask)) {
			pthread_mutex_unlock(&pool->lock);
			return NULL;
		}
		wait_for_free(pool);
		pthread_mutex_unlock(&pool->lock);
	}
}

void mempool_free(void *element, mempool_t *pool)
{
	if (!element)
		return;
	pthread_mutex_lock(&pool->lock);
	if (pool->curr_nr < pool->min_nr) {
		add_element(pool, element);
		pthread_cond_broadcast(&pool->wait);
		pthread_mutex_unlock(&pool->lock);
		return;
	}
	pthread_mutex_unlock(&pool->lock);
	pool->free(element, pool->pool_data);
}

void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data)
{
	return kmem_cache_alloc(pool_data, gfp_mask);
}

void mempool_free_slab(void *element, void *pool_data)
{
	kmem_cache_free(pool_data, element);
}

void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data)
{
	return kmalloc((size_t)pool_data, gfp_mask);
}

void mempool_kfree(void *element, void *pool_data)
{
	kfree(element);
}

void *mempool_alloc_pages(gfp_t gfp_mask, void *pool_data)
{
	return alloc_pages(gfp_mask, (unsigned int)(long)pool_data);
}

void mempool_free_pages(void *element, void *pool_data)
{
	__free_pages(element, (unsigned int)(long)pool_data);
}
