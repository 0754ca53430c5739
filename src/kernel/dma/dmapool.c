/*
 * dmapool.c - DMA pools: small coherent blocks carved from whole coherent pages.
 *
 * Data: a pool owns a list of pool pages, each one dma_alloc_coherent() allocation of
 * pool->allocation bytes. Where blocks may start inside such a page is computed once at
 * creation (offsets[]): every block_size bytes, except that a block that would cross a
 * multiple of the boundary starts at that multiple instead. Each pool page has a bitmap of
 * the blocks handed out. Invariant (pool lock held): page->in_use == bits set in its
 * bitmap, and pool->nr_active == sum of in_use over its pages.
 *
 * Locks: pool->lock (a host mutex) guards the page list and bitmaps; it is dropped while a
 * new page is allocated. Context: create/destroy in process context; alloc as its GFP
 * flags say; free from any context.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/context.h>
#include <kmm/dmapool.h>
#include <kmm/page_alloc.h>
#include "kernel/dma/dma.h"
#include "lib/list.h"

struct pool_page {
	struct list_head node;
	void *vaddr;
	dma_addr_t dma;
	unsigned int in_use;
	unsigned long *used; /* one bit per block */
};

struct dma_pool {
	char name[32];
	struct device *dev;
	size_t size; /* block size, rounded up to the alignment */
	size_t boundary;
	size_t allocation; /* bytes per pool page */
	unsigned int nr_blocks; /* blocks per pool page */
	unsigned int *offsets;
	struct list_head pages;
	unsigned long nr_active;
	pthread_mutex_t lock;
};

#define BITS_PER_WORD (8 * sizeof(unsigned long))

static bool is_pow2(size_t x)
{
	return x && !(x & (x - 1));
}

struct dma_pool *dma_pool_create(const char *name, struct device *dev, size_t size, size_t align,
				 size_t boundary)
{
	struct dma_pool *pool;
	size_t off, next_boundary;
	unsigned int n = 0;

	if (!align)
		align = 1;
	if (!is_pow2(align) || !size)
		return NULL;
	if (size < sizeof(unsigned int))
		size = sizeof(unsigned int);
	size = (size + align - 1) & ~(align - 1);
	if (size > (PAGE_SIZE << MAX_PAGE_ORDER))
		return NULL;
	if (boundary && (!is_pow2(boundary) || boundary < size))
		return NULL;
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	snprintf(pool->name, sizeof(pool->name), "%s", name);
	pool->dev = dev;
	pool->size = size;
	pool->allocation = PAGE_ALIGN(size);
	pool->boundary = boundary ? boundary : pool->allocation;
	if (pool->boundary > pool->allocation)
		pool->boundary = pool->allocation;
	pool->offsets = calloc(pool->allocation / size, sizeof(*pool->offsets));
	if (!pool->offsets) {
		free(pool);
		return NULL;
	}
	next_boundary = pool->boundary;
	for (off = 0; off + size <= pool->allocation;) {
		if (off + size > next_boundary) {
			off = next_boundary;
			next_boundary += pool->boundary;
			continue;
		}
		pool->offsets[n++] = (unsigned int)off;
		off += size;
	}
	pool->nr_blocks = n;
	INIT_LIST_HEAD(&pool->pages);
	pthread_mutex_init(&pool->lock, NULL);
	return pool;
}

static void report_pool(struct dma_pool *pool, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report_pool(struct dma_pool *pool, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dma_report_dev("dma_pool", pool->dev, "%s", msg);
}

void dma_pool_destroy(struct dma_pool *pool)
{
	if (!pool)
		return;
	might_sleep();
	while (!list_empty(&pool->pages)) {
		struct pool_page *page = list_first_entry(&pool->pages, struct pool_page, node);

		list_del(&page->node);
		if (page->in_use)
			report_pool(pool, "dma_pool_destroy %s, %p busy", pool->name, page->vaddr);
		else
			dma_free_coherent(pool->dev, pool->allocation, page->vaddr, page->dma);
		free(page->used);
		free(page);
	}
	pthread_mutex_destroy(&pool->lock);
	free(pool->offsets);
	free(pool);
}

static struct pool_page *pool_page_alloc(struct dma_pool *pool, gfp_t gfp)
{
	struct pool_page *page = calloc(1, sizeof(*page));

	if (!page)
		return NULL;
	page->used = calloc((pool->nr_blocks + BITS_PER_WORD - 1) / BITS_PER_WORD,
			    sizeof(unsigned long));
	if (page->used)
		page->vaddr = dma_alloc_coherent(pool->dev, pool->allocation, &page->dma,
						 gfp & ~__GFP_ZERO);
	if (!page->vaddr) {
		free(page->used);
		free(page);
		return NULL;
	}
	return page;
}

/* Take the first free block of @page. Pool lock held; page not full. */
static unsigned int take_block(struct dma_pool *pool, struct pool_page *page)
{
	for (unsigned int w = 0;; w++) {
		unsigned long free_bits = ~page->used[w];

		if (free_bits) {
			unsigned int bit = (unsigned int)__builtin_ctzl(free_bits);
			unsigned int i = w * BITS_PER_WORD + bit;

			page->used[w] |= 1UL << bit;
			page->in_use++;
			pool->nr_active++;
			return i;
		}
	}
}

void *dma_pool_alloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle)
{
	struct pool_page *page, *fresh = NULL;
	unsigned int i;
	void *p;

	might_sleep_if(gfpflags_allow_blocking(mem_flags));
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		list_for_each_entry (page, &pool->pages, node)
			if (page->in_use < pool->nr_blocks)
				goto found;
		if (fresh) {
			page = fresh;
			list_add(&page->node, &pool->pages);
			fresh = NULL;
			goto found;
		}
		pthread_mutex_unlock(&pool->lock);
		fresh = pool_page_alloc(pool, mem_flags);
		if (!fresh)
			return NULL;
		pthread_mutex_lock(&pool->lock);
	}
found:
	i = take_block(pool, page);
	pthread_mutex_unlock(&pool->lock);
	if (fresh) {
		/* Another thread refilled the pool while this one allocated a page. */
		dma_free_coherent(pool->dev, pool->allocation, fresh->vaddr, fresh->dma);
		free(fresh->used);
		free(fresh);
	}
	p = (char *)page->vaddr + pool->offsets[i];
	*handle = page->dma + pool->offsets[i];
	if (mem_flags & __GFP_ZERO)
		memset(p, 0, pool->size);
	return p;
}

/* Index of the block at @off, or -1 if no block starts there. */
static int block_at(const struct dma_pool *pool, size_t off)
{
	unsigned int lo = 0, hi = pool->nr_blocks;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (pool->offsets[mid] == off)
			return (int)mid;
		if (pool->offsets[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t dma)
{
	struct pool_page *page;
	int i = -1;

	pthread_mutex_lock(&pool->lock);
	list_for_each_entry (page, &pool->pages, node)
		if (dma >= page->dma && dma < page->dma + pool->allocation)
			goto found;
	pthread_mutex_unlock(&pool->lock);
	report_pool(pool, "dma_pool_free %s, %p/0x%016llx (bad dma)", pool->name, vaddr,
		    (unsigned long long)dma);
	return;
found:
	if ((char *)vaddr - (char *)page->vaddr != (long)(dma - page->dma) ||
	    (i = block_at(pool, (size_t)(dma - page->dma))) < 0) {
		pthread_mutex_unlock(&pool->lock);
		report_pool(pool, "dma_pool_free %s, %p (bad vaddr)/0x%016llx", pool->name, vaddr,
			    (unsigned long long)dma);
		return;
	}
	if (!(page->used[i / BITS_PER_WORD] & (1UL << (i % BITS_PER_WORD)))) {
		pthread_mutex_unlock(&pool->lock);
		report_pool(pool, "dma_pool_free %s, dma 0x%016llx already free", pool->name,
			    (unsigned long long)dma);
		return;
	}
	page->used[i / BITS_PER_WORD] &= ~(1UL << (i % BITS_PER_WORD));
	page->in_use--;
	pool->nr_active--;
	pthread_mutex_unlock(&pool->lock);
}

static void dmam_pool_release(struct device *dev, void *res)
{
	dma_pool_destroy(res);
}

struct dma_pool *dmam_pool_create(const char *name, struct device *dev, size_t size, size_t align,
				  size_t allocation)
{
	struct dma_pool *pool = dma_pool_create(name, dev, size, align, allocation);

	if (pool && devres_add_kmm(dev, dmam_pool_release, pool, pool)) {
		dma_pool_destroy(pool);
		return NULL;
	}
	return pool;
}
