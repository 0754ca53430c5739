/*
 * kmm/dmapool.h - DMA pools: small blocks of coherent memory (descriptors, command blocks)
 * carved from whole coherent pages, each block aligned as asked and never crossing the
 * boundary the device cannot cross.
 */
#ifndef KMM_DMAPOOL_H
#define KMM_DMAPOOL_H

#include "types.h"
#include "gfp.h"

struct device;
struct dma_pool;

/**
 * dma_pool_create - make a pool of @size-byte blocks for @dev
 * @name: shown in reports
 * @dev: the device the memory is for
 * @size: block size
 * @align: block alignment, a power of two (0 means 1)
 * @boundary: a power of two no block may cross, or 0 for none
 *
 * Context: process context; may sleep.
 * Return: the pool, or NULL (bad arguments, no memory).
 */
struct dma_pool *dma_pool_create(const char *name, struct device *dev, size_t size, size_t align,
				 size_t boundary);

/**
 * dma_pool_destroy - free a pool; blocks still allocated are reported and their pages leaked
 * @pool: the pool, or NULL
 *
 * Context: process context; may sleep.
 */
void dma_pool_destroy(struct dma_pool *pool);

/**
 * dma_pool_alloc - take a block
 * @pool: the pool
 * @mem_flags: GFP flags for a new page
 * @handle: receives the block's bus address
 *
 * Context: may sleep if @mem_flags allows.
 * Return: the block's kernel address, or NULL.
 */
void *dma_pool_alloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle);

static inline void *dma_pool_zalloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle)
{
	return dma_pool_alloc(pool, mem_flags | __GFP_ZERO, handle);
}

/**
 * dma_pool_free - give a block back
 * @pool: its pool
 * @vaddr: its kernel address
 * @dma: its bus address
 *
 * A block of another pool, a mismatched address pair or a double free is reported and
 * ignored.
 * Context: any.
 */
void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t dma);

/**
 * dmam_pool_create - dma_pool_create() destroyed when the driver detaches
 * @name: shown in reports
 * @dev: the device
 * @size: block size
 * @align: block alignment
 * @allocation: boundary, as for dma_pool_create()
 *
 * Context: process context.
 * Return: the pool, or NULL.
 */
struct dma_pool *dmam_pool_create(const char *name, struct device *dev, size_t size, size_t align,
				  size_t allocation);

#endif /* KMM_DMAPOOL_H */
