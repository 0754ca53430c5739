/*
 * kmm/dma.h - the DMA API: device masks, coherent allocations and streaming mappings.
 *
 * A dma_addr_t is the bus address the device uses; on every kmm profile it equals the
 * physical address (no IOMMU, no bus offset). A device reaches the bus addresses at or below
 * its mask. Coherent memory is allocated from the zone the coherent mask needs. A streaming
 * mapping of memory the device cannot reach is bounced through the swiotlb pool when the
 * machine has one (set up at boot by the kernel's rule: RAM above 4 GiB on x86, above
 * ZONE_DMA on arm32, or the swiotlb option), with the copies the direction implies (to the
 * pool at map and sync_for_device, back at unmap and sync_for_cpu); without a pool, or when
 * the pool itself lies beyond the mask, the map fails with the kernel's WARN_ONCE. With the
 * dma_debug option every mapping is tracked and misuse is reported in the kernel's words
 * ("DMA-API: ...").
 */
#ifndef KMM_DMA_H
#define KMM_DMA_H

#include <stdio.h>

#include "types.h"
#include "gfp.h"
#include "page.h"

struct device;
struct scatterlist;

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)

/* Attributes for the *_attrs variants. */
#define DMA_ATTR_WEAK_ORDERING (1UL << 1)
#define DMA_ATTR_WRITE_COMBINE (1UL << 2)
#define DMA_ATTR_NO_KERNEL_MAPPING (1UL << 4)
#define DMA_ATTR_SKIP_CPU_SYNC (1UL << 5)
#define DMA_ATTR_FORCE_CONTIGUOUS (1UL << 6)
#define DMA_ATTR_ALLOC_SINGLE_PAGES (1UL << 7)
#define DMA_ATTR_NO_WARN (1UL << 8)
#define DMA_ATTR_PRIVILEGED (1UL << 9)

static inline bool valid_dma_direction(enum dma_data_direction dir)
{
	return dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE || dir == DMA_FROM_DEVICE;
}

/* ------------------------------------------------------------------ masks */

/**
 * dma_supported - can the machine serve a device with this mask?
 * @dev: the device
 * @mask: the highest bus address it can drive
 *
 * A mask is enough when it reaches the whole of ZONE_DMA (or all RAM, if less), so that
 * coherent memory can be found below it. (Bounce buffers may still lie beyond it: the
 * swiotlb pool sits at the top of low memory, not in ZONE_DMA.)
 * Context: any.
 * Return: true or false.
 */
bool dma_supported(struct device *dev, u64 mask);

/**
 * dma_set_mask - set the streaming DMA mask
 * @dev: the device
 * @mask: DMA_BIT_MASK(n)
 *
 * Context: process context.
 * Return: 0, or -EIO when the mask is unsupported (the old mask stays).
 */
int dma_set_mask(struct device *dev, u64 mask);

/**
 * dma_set_coherent_mask - set the mask dma_alloc_coherent() honours
 * @dev: the device
 * @mask: DMA_BIT_MASK(n)
 *
 * Context: process context.
 * Return: 0, or -EIO.
 */
int dma_set_coherent_mask(struct device *dev, u64 mask);

/**
 * dma_set_mask_and_coherent - set both masks
 * @dev: the device
 * @mask: DMA_BIT_MASK(n)
 *
 * Context: process context.
 * Return: 0, or -EIO.
 */
int dma_set_mask_and_coherent(struct device *dev, u64 mask);

/**
 * dma_get_mask - the streaming DMA mask
 * @dev: the device
 *
 * Return: the mask, or DMA_BIT_MASK(32) when the device has none set.
 */
u64 dma_get_mask(struct device *dev);

/**
 * dma_get_required_mask - smallest mask that reaches all of RAM
 * @dev: the device
 *
 * Return: the mask.
 */
u64 dma_get_required_mask(struct device *dev);

/**
 * dma_capable - can @dev reach [@addr, @addr + @size) directly?
 * @dev: the device
 * @addr: bus address
 * @size: bytes
 *
 * Return: true or false.
 */
bool dma_capable(struct device *dev, dma_addr_t addr, size_t size);

/* ------------------------------------------------------------------ coherent memory */

/**
 * dma_alloc_attrs - allocate zeroed memory both the CPU and the device see coherently
 * @dev: the device
 * @size: bytes (rounded up to whole pages)
 * @dma_handle: receives the bus address
 * @gfp: GFP flags (zone flags are chosen from the coherent mask)
 * @attrs: DMA_ATTR_*
 *
 * Context: may sleep if @gfp allows.
 * Return: the kernel virtual address, or NULL.
 */
void *dma_alloc_attrs(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp,
		      unsigned long attrs);

/**
 * dma_free_attrs - free dma_alloc_attrs() memory
 * @dev: the device
 * @size: the size allocated
 * @cpu_addr: the address returned
 * @dma_handle: the bus address returned
 * @attrs: DMA_ATTR_*
 *
 * Context: process context (the kernel forbids it with interrupts disabled).
 */
void dma_free_attrs(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle,
		    unsigned long attrs);

static inline void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle,
				       gfp_t gfp)
{
	return dma_alloc_attrs(dev, size, dma_handle, gfp, 0);
}

static inline void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr,
				     dma_addr_t dma_handle)
{
	dma_free_attrs(dev, size, cpu_addr, dma_handle, 0);
}

static inline void *dma_zalloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle,
					gfp_t gfp)
{
	return dma_alloc_attrs(dev, size, dma_handle, gfp | __GFP_ZERO, 0);
}

/**
 * dmam_alloc_coherent - dma_alloc_coherent() freed when the driver detaches
 * @dev: the device
 * @size: bytes
 * @dma_handle: receives the bus address
 * @gfp: GFP flags
 *
 * Context: may sleep if @gfp allows.
 * Return: the kernel virtual address, or NULL.
 */
void *dmam_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp);

/**
 * dmam_free_coherent - free dmam_alloc_coherent() memory early
 * @dev: the device
 * @size: the size allocated
 * @vaddr: the address returned
 * @dma_handle: the bus address returned
 *
 * Context: process context.
 */
void dmam_free_coherent(struct device *dev, size_t size, void *vaddr, dma_addr_t dma_handle);

/* ------------------------------------------------------------------ streaming mappings */

/**
 * dma_map_page_attrs - make part of a page available to the device
 * @dev: the device
 * @page: the page (low or high memory)
 * @offset: byte offset in the page
 * @size: bytes
 * @dir: which way the data moves
 * @attrs: DMA_ATTR_*
 *
 * Memory beyond the device's mask is bounced through swiotlb if the machine has a pool;
 * without one the map fails with "DMA addr ... overflow" (a WARN given once per boot).
 * With swiotlb=force every mapping bounces.
 * Context: any; never sleeps.
 * Return: the bus address, or DMA_MAPPING_ERROR (check with dma_mapping_error()).
 */
dma_addr_t dma_map_page_attrs(struct device *dev, struct page *page, size_t offset, size_t size,
			      enum dma_data_direction dir, unsigned long attrs);

/**
 * dma_unmap_page_attrs - end a streaming mapping; the CPU owns the memory again
 * @dev: the device
 * @addr: the bus address the map returned
 * @size: the size mapped
 * @dir: the direction mapped with
 * @attrs: DMA_ATTR_*
 *
 * Context: any; never sleeps.
 */
void dma_unmap_page_attrs(struct device *dev, dma_addr_t addr, size_t size,
			  enum dma_data_direction dir, unsigned long attrs);

/**
 * dma_map_single_attrs - map a linear-map (kmalloc, page allocator) buffer
 * @dev: the device
 * @ptr: the buffer; vmalloc and stack memory are refused
 * @size: bytes
 * @dir: which way the data moves
 * @attrs: DMA_ATTR_*
 *
 * Context: any; never sleeps.
 * Return: the bus address, or DMA_MAPPING_ERROR.
 */
dma_addr_t dma_map_single_attrs(struct device *dev, void *ptr, size_t size,
				enum dma_data_direction dir, unsigned long attrs);

static inline void dma_unmap_single_attrs(struct device *dev, dma_addr_t addr, size_t size,
					  enum dma_data_direction dir, unsigned long attrs)
{
	dma_unmap_page_attrs(dev, addr, size, dir, attrs);
}

/**
 * dma_map_resource - give a device the bus address of another device's MMIO range
 * @dev: the device that will access it
 * @phys_addr: physical address of the range (device memory, not RAM)
 * @size: bytes
 * @dir: which way the data moves
 * @attrs: DMA_ATTR_*
 *
 * Never bounced. A range beyond @dev's mask fails with "DMA addr ... overflow" (dev_err_once
 * and WARN_ON_ONCE, once per boot).
 * Context: any; never sleeps.
 * Return: the bus address, or DMA_MAPPING_ERROR.
 */
dma_addr_t dma_map_resource(struct device *dev, phys_addr_t phys_addr, size_t size,
			    enum dma_data_direction dir, unsigned long attrs);

/**
 * dma_unmap_resource - end a dma_map_resource() mapping
 * @dev: the device
 * @addr: the bus address the map returned
 * @size: the size mapped
 * @dir: the direction mapped with
 * @attrs: DMA_ATTR_*
 *
 * Context: any; never sleeps.
 */
void dma_unmap_resource(struct device *dev, dma_addr_t addr, size_t size,
			enum dma_data_direction dir, unsigned long attrs);

#define dma_map_single(d, a, s, r) dma_map_single_attrs(d, a, s, r, 0)
#define dma_unmap_single(d, a, s, r) dma_unmap_single_attrs(d, a, s, r, 0)
#define dma_map_page(d, p, o, s, r) dma_map_page_attrs(d, p, o, s, r, 0)
#define dma_unmap_page(d, a, s, r) dma_unmap_page_attrs(d, a, s, r, 0)

/**
 * dma_mapping_error - did a map call fail?
 * @dev: the device
 * @dma_addr: what it returned
 *
 * dma-debug notes the check; unmapping a mapping never checked is reported.
 * Context: any.
 * Return: -ENOMEM for a failed mapping, else 0.
 */
int dma_mapping_error(struct device *dev, dma_addr_t dma_addr);

/**
 * dma_sync_single_for_cpu - give a streaming mapping's memory back to the CPU
 * @dev: the device
 * @addr: bus address inside the mapping
 * @size: bytes from there
 * @dir: the direction mapped with
 *
 * A bounced mapping copies the device's data back to the buffer (DMA_FROM_DEVICE,
 * DMA_BIDIRECTIONAL).
 * Context: any.
 */
void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir);

/**
 * dma_sync_single_for_device - hand a streaming mapping's memory to the device again
 * @dev: the device
 * @addr: bus address inside the mapping
 * @size: bytes from there
 * @dir: the direction mapped with
 *
 * A bounced mapping copies the buffer to the bounce slot (DMA_TO_DEVICE,
 * DMA_BIDIRECTIONAL).
 * Context: any.
 */
void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
				enum dma_data_direction dir);

static inline void dma_sync_single_range_for_cpu(struct device *dev, dma_addr_t addr,
						 unsigned long offset, size_t size,
						 enum dma_data_direction dir)
{
	dma_sync_single_for_cpu(dev, addr + offset, size, dir);
}

static inline void dma_sync_single_range_for_device(struct device *dev, dma_addr_t addr,
						    unsigned long offset, size_t size,
						    enum dma_data_direction dir)
{
	dma_sync_single_for_device(dev, addr + offset, size, dir);
}

/**
 * dma_map_sg_attrs - map every segment of a scatterlist
 * @dev: the device
 * @sg: the list
 * @nents: segments to map
 * @dir: which way the data moves
 * @attrs: DMA_ATTR_*
 *
 * Context: any; never sleeps.
 * Return: the number of mapped segments (sg_dma_address/sg_dma_len set), or 0 when any
 * segment failed (none stays mapped).
 */
int dma_map_sg_attrs(struct device *dev, struct scatterlist *sg, int nents,
		     enum dma_data_direction dir, unsigned long attrs);

/**
 * dma_unmap_sg_attrs - unmap a scatterlist
 * @dev: the device
 * @sg: the list
 * @nents: the count passed to dma_map_sg() (not the count it returned)
 * @dir: the direction mapped with
 * @attrs: DMA_ATTR_*
 *
 * Context: any; never sleeps.
 */
void dma_unmap_sg_attrs(struct device *dev, struct scatterlist *sg, int nents,
			enum dma_data_direction dir, unsigned long attrs);

#define dma_map_sg(d, s, n, r) dma_map_sg_attrs(d, s, n, r, 0)
#define dma_unmap_sg(d, s, n, r) dma_unmap_sg_attrs(d, s, n, r, 0)

/**
 * dma_sync_sg_for_cpu - dma_sync_single_for_cpu() for every segment
 * @dev: the device
 * @sg: the list
 * @nelems: the count passed to dma_map_sg()
 * @dir: the direction mapped with
 *
 * Context: any.
 */
void dma_sync_sg_for_cpu(struct device *dev, struct scatterlist *sg, int nelems,
			 enum dma_data_direction dir);

/**
 * dma_sync_sg_for_device - dma_sync_single_for_device() for every segment
 * @dev: the device
 * @sg: the list
 * @nelems: the count passed to dma_map_sg()
 * @dir: the direction mapped with
 *
 * Context: any.
 */
void dma_sync_sg_for_device(struct device *dev, struct scatterlist *sg, int nelems,
			    enum dma_data_direction dir);

/* ------------------------------------------------------------------ swiotlb and debug */

struct kmm_swiotlb_info {
	bool active; /* the machine has a pool (set up at boot, or never) */
	bool force; /* every streaming mapping bounces (swiotlb=force) */
	unsigned long nslabs; /* slots in the pool (IO_TLB_SIZE bytes each); 0 without a pool */
	unsigned long used; /* slots holding a bounce buffer now */
	phys_addr_t start; /* first bus address of the pool (0 without one) */
	phys_addr_t end; /* one past the last */
	unsigned long bounced; /* mappings bounced since boot (failed ones not counted) */
	unsigned long full; /* mappings refused for lack of slots */
};

#define IO_TLB_SHIFT 11
#define IO_TLB_SIZE (1UL << IO_TLB_SHIFT)
#define IO_TLB_SEGSIZE 128

/**
 * kmm_swiotlb_info - the bounce pool's state
 * @info: filled in
 *
 * Context: any.
 */
void kmm_swiotlb_info(struct kmm_swiotlb_info *info);

/**
 * kmm_swiotlb_print - what the kernel's boot log says about the pool
 * @out: where to print
 *
 * Where the kernel logs the pool, its lines ("software IO TLB: mapped [mem 0x...-0x...]
 * (2MB)", after x86's "PCI-DMA: Using software bounce buffering for IO (SWIOTLB)");
 * where it logs nothing (no pool; swiotlb=force alone on x86), one line of kmm's own,
 * starting "kmm: ", saying whether there is a pool and where.
 * Context: any.
 */
void kmm_swiotlb_print(FILE *out);

/**
 * kmm_dma_debug_entries - mappings and coherent allocations dma-debug tracks now
 * @dev: only this device's, or NULL for all
 *
 * Context: any.
 * Return: the count (0 when the dma_debug option is off).
 */
unsigned long kmm_dma_debug_entries(struct device *dev);

/**
 * kmm_dma_debug_errors - dma-debug reports made since boot (debugfs error_count)
 *
 * Return: the count.
 */
unsigned long kmm_dma_debug_errors(void);

/* ------------------------------------------------------------------ bus-master engine */

/*
 * A simulated device's DMA engine: a thread of its own that runs the device's jobs in order.
 * A job moves data between the device and memory by bus address, with every access checked
 * against RAM and the device's DMA mask (a bad one is reported, and not done), then the
 * engine raises the device's interrupt line if asked. Device models use it; drivers never do.
 */
struct kmm_dma_engine;

typedef void (*kmm_dma_job_t)(struct kmm_dma_engine *engine, void *arg);

/**
 * kmm_dma_engine_create - start an engine for @dev
 * @dev: the device whose mask bounds the engine's accesses
 * @irq: the line to raise after a job asks for it, or -1
 *
 * Context: process context.
 * Return: the engine, or NULL.
 */
struct kmm_dma_engine *kmm_dma_engine_create(struct device *dev, int irq);

/**
 * kmm_dma_engine_destroy - run the jobs still queued, then stop the engine
 * @engine: the engine, or NULL
 *
 * Context: process context; waits.
 */
void kmm_dma_engine_destroy(struct kmm_dma_engine *engine);

/**
 * kmm_dma_engine_submit - queue a job
 * @engine: the engine
 * @fn: runs on the engine's thread
 * @arg: passed to @fn
 * @raise_irq: raise the engine's line once @fn has returned
 *
 * Context: any; never sleeps.
 * Return: 0, or -ENOMEM.
 */
int kmm_dma_engine_submit(struct kmm_dma_engine *engine, kmm_dma_job_t fn, void *arg,
			  bool raise_irq);

/**
 * kmm_dma_engine_flush - wait until every job queued so far has run
 * @engine: the engine
 *
 * Context: process context; waits.
 */
void kmm_dma_engine_flush(struct kmm_dma_engine *engine);

/**
 * kmm_dma_engine_to_bus - the device writes @len bytes of @src to memory at bus address @dst
 * @engine: the engine
 * @dst: bus address
 * @src: the device's data
 * @len: bytes
 *
 * Context: the engine's jobs (any thread may call it).
 * Return: 0, or -EFAULT (reported) when the range leaves RAM or the device's mask.
 */
int kmm_dma_engine_to_bus(struct kmm_dma_engine *engine, dma_addr_t dst, const void *src,
			  size_t len);

/**
 * kmm_dma_engine_write32 - the device writes one aligned 32-bit word (a descriptor's status)
 * @engine: the engine
 * @dst: bus address, 4-byte aligned
 * @value: the word
 *
 * One untorn store, seen after everything the engine wrote before it: what a driver polling
 * a status word with READ_ONCE() and dma_rmb() relies on.
 * Context: the engine's jobs.
 * Return: 0, or -EFAULT (reported).
 */
int kmm_dma_engine_write32(struct kmm_dma_engine *engine, dma_addr_t dst, u32 value);

/**
 * kmm_dma_engine_from_bus - the device reads @len bytes of memory at bus address @src
 * @engine: the engine
 * @dst: where the device keeps them
 * @src: bus address
 * @len: bytes
 *
 * Context: the engine's jobs (any thread may call it).
 * Return: 0, or -EFAULT (reported).
 */
int kmm_dma_engine_from_bus(struct kmm_dma_engine *engine, void *dst, dma_addr_t src, size_t len);

/**
 * kmm_dma_engine_stats - what an engine has done
 * @engine: the engine
 * @jobs: jobs run (may be NULL)
 * @faults: accesses refused (may be NULL)
 */
void kmm_dma_engine_stats(struct kmm_dma_engine *engine, unsigned long *jobs,
			  unsigned long *faults);

#endif /* KMM_DMA_H */
