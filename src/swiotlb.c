/*
 * swiotlb.c - the software I/O TLB: a pool of bounce slots low in physical memory, for
 * streaming mappings of memory a device cannot reach.
 *
 * Data: the pool is swiotlb_slots slots of IO_TLB_SIZE (2 KiB) bytes, allocated from ZONE_DMA
 * (so every supported mask reaches it) on first need, in physically contiguous chunks of at
 * most MAX_ORDER_NR_PAGES pages. Slots are grouped in segments of IO_TLB_SEGSIZE; a mapping
 * takes consecutive free slots inside one segment, so the largest bounce is 256 KiB. For
 * each slot of a live mapping, orig[] holds the original physical address of the byte the
 * slot shadows; nslots[] holds the mapping's length in slots at its first slot.
 * Invariant (pool_lock held): used == number of slots with busy[i] set.
 *
 * Copies go through kmm's private view of RAM, so the original may be high memory. As in
 * Linux 6.1, a map always fills the slot from the original (a DMA_FROM_DEVICE bounce never
 * shows the device stale pool contents), an unmap or sync_for_cpu copies back for
 * DMA_FROM_DEVICE and DMA_BIDIRECTIONAL, and a sync_for_device copies out for DMA_TO_DEVICE
 * and DMA_BIDIRECTIONAL.
 *
 * Locks: pool_lock (a host mutex, held only for slot bookkeeping, never across a copy or a
 * report). Context: any; the pool is allocated with GFP_ATOMIC if first needed in atomic
 * context.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/page_alloc.h>
#include "internal/dma.h"
#include "internal/machine.h"

#define SLOTS_PER_CHUNK ((PAGE_SIZE << MAX_PAGE_ORDER) / IO_TLB_SIZE)
#define SLOTS_PER_PAGE (PAGE_SIZE / IO_TLB_SIZE)

struct tlb_pool {
	unsigned long nslabs; /* 0 until allocated */
	unsigned long used;
	unsigned long hint; /* where the next search starts */
	unsigned int nchunks;
	struct page **chunks; /* chunk c holds slots [c * SLOTS_PER_CHUNK, ...) */
	phys_addr_t *orig;
	unsigned int *nslots;
	unsigned char *busy;
	phys_addr_t lo, hi; /* bus address range covering every chunk */
	unsigned long bounced, full;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tlb_pool pool;

static phys_addr_t slot_addr(unsigned long i)
{
	return page_to_phys(pool.chunks[i / SLOTS_PER_CHUNK]) + (i % SLOTS_PER_CHUNK) * IO_TLB_SIZE;
}

/* Slot index of @addr, or -1 if it is not in the pool. pool_lock held or pool stable. */
static long slot_index(dma_addr_t addr)
{
	for (unsigned int c = 0; c < pool.nchunks; c++) {
		phys_addr_t base = page_to_phys(pool.chunks[c]);
		unsigned long n = pool.nslabs - (unsigned long)c * SLOTS_PER_CHUNK;

		if (n > SLOTS_PER_CHUNK)
			n = SLOTS_PER_CHUNK;
		if (addr >= base && addr < base + n * IO_TLB_SIZE)
			return (long)(c * SLOTS_PER_CHUNK + (addr - base) / IO_TLB_SIZE);
	}
	return -1;
}

static void pool_free_locked(void)
{
	for (unsigned int c = 0; c < pool.nchunks; c++) {
		unsigned long n = pool.nslabs - (unsigned long)c * SLOTS_PER_CHUNK;

		if (n > SLOTS_PER_CHUNK)
			n = SLOTS_PER_CHUNK;
		if (pool.chunks[c])
			__free_pages(pool.chunks[c], get_order(n * IO_TLB_SIZE));
	}
	free(pool.chunks);
	free(pool.orig);
	free(pool.nslots);
	free(pool.busy);
	__atomic_store_n(&pool.lo, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&pool.hi, 0, __ATOMIC_RELAXED);
	pool.chunks = NULL;
	pool.orig = NULL;
	pool.nslots = NULL;
	pool.busy = NULL;
	pool.nslabs = pool.used = pool.hint = 0;
	pool.nchunks = 0;
}

static int pool_alloc_locked(gfp_t gfp)
{
	unsigned long want = (unsigned long)kmm_opts.swiotlb_slots;
	phys_addr_t lo, hi = 0;

	want = (want + IO_TLB_SEGSIZE - 1) / IO_TLB_SEGSIZE * IO_TLB_SEGSIZE;
	if (!want)
		return -ENOMEM;
	pool.nchunks = (unsigned int)((want + SLOTS_PER_CHUNK - 1) / SLOTS_PER_CHUNK);
	pool.chunks = calloc(pool.nchunks, sizeof(*pool.chunks));
	pool.orig = calloc(want, sizeof(*pool.orig));
	pool.nslots = calloc(want, sizeof(*pool.nslots));
	pool.busy = calloc(want, 1);
	pool.nslabs = want;
	if (!pool.chunks || !pool.orig || !pool.nslots || !pool.busy)
		goto fail;
	lo = ~(phys_addr_t)0;
	for (unsigned int c = 0; c < pool.nchunks; c++) {
		unsigned long n = want - (unsigned long)c * SLOTS_PER_CHUNK;
		phys_addr_t base;

		if (n > SLOTS_PER_CHUNK)
			n = SLOTS_PER_CHUNK;
		pool.chunks[c] = alloc_pages((gfp & ~GFP_ZONEMASK) | __GFP_DMA | __GFP_NOWARN,
					     get_order(n * IO_TLB_SIZE));
		if (!pool.chunks[c])
			goto fail;
		base = page_to_phys(pool.chunks[c]);
		if (base < lo)
			lo = base;
		if (base + n * IO_TLB_SIZE > hi)
			hi = base + n * IO_TLB_SIZE;
	}
	/* swiotlb_owns() reads these without the lock. */
	__atomic_store_n(&pool.lo, lo, __ATOMIC_RELAXED);
	__atomic_store_n(&pool.hi, hi, __ATOMIC_RELAXED);
	return 0;
fail:
	pool_free_locked();
	return -ENOMEM;
}

int swiotlb_prepare(gfp_t gfp)
{
	int err = 0;

	pthread_mutex_lock(&pool_lock);
	if (!pool.nslabs)
		err = pool_alloc_locked(gfp);
	pthread_mutex_unlock(&pool_lock);
	return err;
}

void swiotlb_exit(void)
{
	pthread_mutex_lock(&pool_lock);
	if (pool.nslabs)
		pool_free_locked();
	pool.bounced = pool.full = 0;
	pthread_mutex_unlock(&pool_lock);
}

/* First index of @n free slots inside one segment, from the hint on; -1 if none. */
static long find_slots(unsigned long n, unsigned long stride)
{
	unsigned long total = pool.nslabs;

	for (unsigned long k = 0; k < total; k++) {
		unsigned long i = (pool.hint + k) % total, j;

		if (i % stride || i % IO_TLB_SEGSIZE + n > IO_TLB_SEGSIZE)
			continue;
		for (j = 0; j < n && !pool.busy[i + j]; j++)
			;
		if (j == n)
			return (long)i;
	}
	return -1;
}

dma_addr_t swiotlb_map(struct device *dev, phys_addr_t phys, size_t size,
		       enum dma_data_direction dir, unsigned long attrs)
{
	unsigned long n = (size + IO_TLB_SIZE - 1) / IO_TLB_SIZE;
	unsigned long stride = size >= PAGE_SIZE ? SLOTS_PER_PAGE : 1;
	unsigned long total, used;
	dma_addr_t tlb;
	long idx = -1;

	if (!n)
		n = 1;
	pthread_mutex_lock(&pool_lock);
	if (!pool.nslabs)
		pool_alloc_locked(GFP_ATOMIC);
	if (pool.nslabs && n <= IO_TLB_SEGSIZE)
		idx = find_slots(n, stride);
	if (idx < 0) {
		total = pool.nslabs;
		used = pool.used;
		pool.full++;
		pthread_mutex_unlock(&pool_lock);
		if (!(attrs & DMA_ATTR_NO_WARN))
			dma_report_dev(
				"swiotlb_full", dev,
				"swiotlb buffer is full (sz: %zu bytes), total %lu (slots), used %lu (slots)",
				size, total, used);
		return DMA_MAPPING_ERROR;
	}
	for (unsigned long k = 0; k < n; k++) {
		pool.busy[idx + k] = 1;
		pool.orig[idx + k] = phys + k * IO_TLB_SIZE;
		pool.nslots[idx + k] = 0;
	}
	pool.nslots[idx] = (unsigned int)n;
	pool.used += n;
	pool.hint = (unsigned long)idx + n;
	pool.bounced++;
	tlb = slot_addr((unsigned long)idx);
	pthread_mutex_unlock(&pool_lock);

	if (!dma_capable(dev, tlb, size)) {
		dma_report_dev("dma_overflow", dev,
			       "DMA addr %#llx+%zu overflow (mask %llx, bus limit %llx).",
			       (unsigned long long)tlb, size,
			       (unsigned long long)dma_dev_limit(dev), 0ULL);
		swiotlb_unmap(tlb, size, dir, DMA_ATTR_SKIP_CPU_SYNC);
		return DMA_MAPPING_ERROR;
	}
	memcpy(machine_phys_ptr(tlb), machine_phys_ptr(phys), size);
	return tlb;
}

bool swiotlb_owns(dma_addr_t addr)
{
	phys_addr_t lo = __atomic_load_n(&pool.lo, __ATOMIC_RELAXED);
	phys_addr_t hi = __atomic_load_n(&pool.hi, __ATOMIC_RELAXED);

	return addr >= lo && addr < hi;
}

void swiotlb_unmap(dma_addr_t addr, size_t size, enum dma_data_direction dir, unsigned long attrs)
{
	phys_addr_t orig;
	unsigned int n;
	long idx;

	pthread_mutex_lock(&pool_lock);
	idx = slot_index(addr);
	if (idx < 0 || !pool.busy[idx] || !pool.nslots[idx]) {
		pthread_mutex_unlock(&pool_lock);
		return;
	}
	orig = pool.orig[idx];
	n = pool.nslots[idx];
	if (size > (size_t)n * IO_TLB_SIZE)
		size = (size_t)n * IO_TLB_SIZE;
	pthread_mutex_unlock(&pool_lock);

	/* The slots are still ours until cleared below, so the copy runs unlocked. */
	if (!(attrs & DMA_ATTR_SKIP_CPU_SYNC) &&
	    (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL))
		memcpy(machine_phys_ptr(orig), machine_phys_ptr(addr), size);

	pthread_mutex_lock(&pool_lock);
	for (unsigned int k = 0; k < n; k++) {
		pool.busy[idx + k] = 0;
		pool.nslots[idx + k] = 0;
	}
	pool.used -= n;
	pthread_mutex_unlock(&pool_lock);
}

void swiotlb_sync(dma_addr_t addr, size_t size, enum dma_data_direction dir, bool for_cpu)
{
	phys_addr_t orig;
	long idx;

	pthread_mutex_lock(&pool_lock);
	idx = slot_index(addr);
	if (idx < 0 || !pool.busy[idx]) {
		pthread_mutex_unlock(&pool_lock);
		return;
	}
	orig = pool.orig[idx] + (addr - slot_addr((unsigned long)idx));
	pthread_mutex_unlock(&pool_lock);
	if (for_cpu && (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL))
		memcpy(machine_phys_ptr(orig), machine_phys_ptr(addr), size);
	else if (!for_cpu && (dir == DMA_TO_DEVICE || dir == DMA_BIDIRECTIONAL))
		memcpy(machine_phys_ptr(addr), machine_phys_ptr(orig), size);
}

void kmm_swiotlb_info(struct kmm_swiotlb_info *info)
{
	pthread_mutex_lock(&pool_lock);
	info->nslabs = pool.nslabs;
	info->used = pool.used;
	info->start = pool.nslabs ? pool.lo : 0;
	info->end = pool.nslabs ? pool.hi : 0;
	info->bounced = pool.bounced;
	info->full = pool.full;
	pthread_mutex_unlock(&pool_lock);
}
