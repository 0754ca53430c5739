/*
 * streaming.c - streaming DMA mappings: single buffers, pages, scatterlists and MMIO resources,
 * and the syncs that move ownership between CPU and device.
 *
 * The rules are dma-direct's in Linux 6.1. With swiotlb=force every buffer bounces through
 * swiotlb.c. Otherwise a buffer the device reaches is mapped in place (its bus address is its
 * physical address); one it cannot reach bounces if the machine has a pool, and fails with
 * the WARN_ONCE "DMA addr ... overflow" if it has none. That WARN_ONCE is inlined twice in the
 * kernel (dma_map_page_attrs and dma_direct_map_sg), so each of the two paths here keeps its
 * own once-per-boot flag. MMIO resources are never bounced. Memory that is not in the linear
 * map (vmalloc, a stack, a host pointer) has no single physical address and is refused. With
 * dma_debug on, every call is checked against the mapping table in debug.c.
 *
 * No locks of its own. Context: any; nothing here sleeps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>

#include <kmm/scatterlist.h>
#include "kernel/dma/dma.h"
#include "machine/report.h"

/* The once flags of the kernel's two inlined copies of dma_direct_map_page. */
static unsigned long page_overflow_warned, sg_overflow_warned;
static unsigned long resource_overflow_warned;

/* Map [phys, phys+size) for @dev without telling dma-debug; @warned and @where name the
 * calling path's WARN_ONCE. */
static dma_addr_t map_phys(struct device *dev, phys_addr_t phys, size_t size,
			   enum dma_data_direction dir, unsigned long attrs, unsigned long *warned,
			   const char *where)
{
	if (__builtin_expect(swiotlb_force_bounce(), 0))
		return swiotlb_map(dev, phys, size, dir, attrs);
	if (__builtin_expect(dma_capable(dev, phys, size), 1))
		return phys;
	if (swiotlb_active())
		return swiotlb_map(dev, phys, size, dir, attrs);
	if (dma_once_per_boot(warned))
		dma_warn_overflow("dma_overflow", dev, "DMA addr", phys, size, where);
	return DMA_MAPPING_ERROR;
}

static void unmap_addr(dma_addr_t addr, size_t size, enum dma_data_direction dir,
		       unsigned long attrs)
{
	if (swiotlb_owns(addr))
		swiotlb_unmap(addr, size, dir, attrs);
}

static bool bad_direction(struct device *dev, enum dma_data_direction dir)
{
	if (valid_dma_direction(dir))
		return false;
	dma_report_dev("dma_bad_direction", dev, "invalid DMA direction %d", (int)dir);
	return true;
}

dma_addr_t dma_map_page_attrs(struct device *dev, struct page *page, size_t offset, size_t size,
			      enum dma_data_direction dir, unsigned long attrs)
{
	dma_addr_t addr;

	if (bad_direction(dev, dir))
		return DMA_MAPPING_ERROR;
	addr = map_phys(dev, page_to_phys(page) + offset, size, dir, attrs, &page_overflow_warned,
			"kernel/dma/direct.h dma_map_page_attrs");
	if (dma_debug_on() && addr != DMA_MAPPING_ERROR) {
		struct dma_debug_ref ref = { .dev = dev,
					     .type = DMA_DEBUG_SINGLE,
					     .dev_addr = addr,
					     .size = size,
					     .dir = dir };

		dma_debug_add(&ref);
	}
	return addr;
}

static bool on_own_stack(const void *ptr)
{
	pthread_attr_t attr;
	void *base;
	size_t len;
	bool on = false;

	if (pthread_getattr_np(pthread_self(), &attr))
		return false;
	if (!pthread_attr_getstack(&attr, &base, &len))
		on = (const char *)ptr >= (char *)base && (const char *)ptr < (char *)base + len;
	pthread_attr_destroy(&attr);
	return on;
}

dma_addr_t dma_map_single_attrs(struct device *dev, void *ptr, size_t size,
				enum dma_data_direction dir, unsigned long attrs)
{
	unsigned long a = (unsigned long)ptr;

	if (a >= VMALLOC_START && a < VMALLOC_END) {
		dma_report_dev("dma_map_vmalloc", dev, "rejecting DMA map of vmalloc memory");
		return DMA_MAPPING_ERROR;
	}
	if (!virt_addr_valid(ptr) || (size && a + size > kmm_layout.high_mem)) {
		dma_debug_bad_map(dev, ptr, size, on_own_stack(ptr) ? "stack" : "nonlinear");
		return DMA_MAPPING_ERROR;
	}
	return dma_map_page_attrs(dev, virt_to_page(ptr), offset_in_page(ptr), size, dir, attrs);
}

void dma_unmap_page_attrs(struct device *dev, dma_addr_t addr, size_t size,
			  enum dma_data_direction dir, unsigned long attrs)
{
	if (dma_debug_on()) {
		struct dma_debug_ref ref = { .dev = dev,
					     .type = DMA_DEBUG_SINGLE,
					     .dev_addr = addr,
					     .size = size,
					     .dir = dir },
				     rec;

		if (!dma_debug_remove(&ref, &rec))
			return;
		size = rec.size;
		dir = rec.dir;
	}
	unmap_addr(addr, size, dir, attrs);
}

dma_addr_t dma_map_resource(struct device *dev, phys_addr_t phys_addr, size_t size,
			    enum dma_data_direction dir, unsigned long attrs)
{
	(void)attrs;
	if (bad_direction(dev, dir))
		return DMA_MAPPING_ERROR;
	if (!dma_capable(dev, phys_addr, size)) {
		/* dev_err_once, then WARN_ON_ONCE: one report, once per boot. */
		if (dma_once_per_boot(&resource_overflow_warned))
			dma_warn_overflow("dma_overflow", dev, "DMA addr", phys_addr, size,
					  "kernel/dma/direct.c dma_direct_map_resource");
		return DMA_MAPPING_ERROR;
	}
	if (dma_debug_on()) {
		struct dma_debug_ref ref = { .dev = dev,
					     .type = DMA_DEBUG_RESOURCE,
					     .dev_addr = phys_addr,
					     .size = size,
					     .dir = dir };

		dma_debug_add(&ref);
	}
	return phys_addr;
}

void dma_unmap_resource(struct device *dev, dma_addr_t addr, size_t size,
			enum dma_data_direction dir, unsigned long attrs)
{
	(void)attrs;
	if (dma_debug_on()) {
		struct dma_debug_ref ref = { .dev = dev,
					     .type = DMA_DEBUG_RESOURCE,
					     .dev_addr = addr,
					     .size = size,
					     .dir = dir },
				     rec;

		dma_debug_remove(&ref, &rec);
	}
}

int dma_mapping_error(struct device *dev, dma_addr_t dma_addr)
{
	if (dma_debug_on())
		dma_debug_mapping_error(dev, dma_addr);
	return dma_addr == DMA_MAPPING_ERROR ? -ENOMEM : 0;
}

static void sync_one(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir,
		     bool for_cpu)
{
	if (dma_debug_on()) {
		struct dma_debug_ref ref = { .dev = dev,
					     .type = DMA_DEBUG_SINGLE,
					     .dev_addr = addr,
					     .size = size,
					     .dir = dir };

		dma_debug_sync(&ref, for_cpu);
	}
	if (swiotlb_owns(addr))
		swiotlb_sync(addr, size, dir, for_cpu);
}

void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir)
{
	sync_one(dev, addr, size, dir, true);
}

void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
				enum dma_data_direction dir)
{
	sync_one(dev, addr, size, dir, false);
}

int dma_map_sg_attrs(struct device *dev, struct scatterlist *sg, int nents,
		     enum dma_data_direction dir, unsigned long attrs)
{
	struct scatterlist *s;
	int i;

	if (nents <= 0 || bad_direction(dev, dir))
		return 0;
	for_each_sg(sg, s, nents, i)
	{
		s->dma_address =
			map_phys(dev, sg_phys(s), s->length, dir, attrs, &sg_overflow_warned,
				 "kernel/dma/direct.h dma_direct_map_sg");
		if (s->dma_address == DMA_MAPPING_ERROR) {
			struct scatterlist *u;
			int j;

			for_each_sg(sg, u, i, j) unmap_addr(u->dma_address, u->length, dir,
							    attrs | DMA_ATTR_SKIP_CPU_SYNC);
			return 0;
		}
		s->dma_length = s->length;
	}
	if (dma_debug_on()) {
		for_each_sg(sg, s, nents, i)
		{
			struct dma_debug_ref ref = { .dev = dev,
						     .type = DMA_DEBUG_SG,
						     .dev_addr = s->dma_address,
						     .size = s->dma_length,
						     .dir = dir,
						     .sg_call_ents = nents };

			dma_debug_add(&ref);
		}
	}
	return nents;
}

void dma_unmap_sg_attrs(struct device *dev, struct scatterlist *sg, int nents,
			enum dma_data_direction dir, unsigned long attrs)
{
	struct scatterlist *s;
	int i;

	for_each_sg(sg, s, nents, i)
	{
		size_t size = sg_dma_len(s);

		if (dma_debug_on()) {
			struct dma_debug_ref ref = { .dev = dev,
						     .type = DMA_DEBUG_SG,
						     .dev_addr = s->dma_address,
						     .size = size,
						     .dir = dir,
						     .sg_call_ents = nents },
					     rec;

			if (!dma_debug_remove(&ref, &rec))
				continue;
			size = rec.size;
		}
		unmap_addr(s->dma_address, size, dir, attrs);
	}
}

void dma_sync_sg_for_cpu(struct device *dev, struct scatterlist *sg, int nelems,
			 enum dma_data_direction dir)
{
	struct scatterlist *s;
	int i;

	for_each_sg(sg, s, nelems, i) sync_one(dev, sg_dma_address(s), sg_dma_len(s), dir, true);
}

void dma_sync_sg_for_device(struct device *dev, struct scatterlist *sg, int nelems,
			    enum dma_data_direction dir)
{
	struct scatterlist *s;
	int i;

	for_each_sg(sg, s, nelems, i) sync_one(dev, sg_dma_address(s), sg_dma_len(s), dir, false);
}
