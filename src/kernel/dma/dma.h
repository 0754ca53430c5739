/*
 * dma.h - what the DMA files share: the swiotlb pool (swiotlb.c), the dma-debug hooks
 * (debug.c), and the address checks and device reports of mapping.c.
 */
#ifndef KMM_INTERNAL_DMA_H
#define KMM_INTERNAL_DMA_H

#include <kmm/device.h>
#include <kmm/dma.h>
#include "machine/options.h"
#include "machine/os.h"

/* ------------------------------------------------------------------ mapping.c */

/* Highest bus address @dev reaches with streaming mappings. */
static inline u64 dma_dev_limit(const struct device *dev)
{
	return dev && dev->dma_mask ? *dev->dma_mask : DMA_BIT_MASK(32);
}

/* Kernel's "DRIVER NAME" pair for messages: dev_driver_string() and dev_name(). */
KMM_HIDDEN const char *dma_dev_label(const struct device *dev, char *buf, size_t len);

/* The flag of a WARN_ONCE call site, which a new boot clears: true the first time only. */
KMM_HIDDEN bool dma_once_per_boot(unsigned long *flag);

/* dev_WARN_ONCE's report that [@addr, @addr+@size) is beyond @dev's reach: "DRIVER NAME:
 * @what 0x...+N overflow (mask M, bus limit 0)." inside a WARNING at @where ("file function").
 * The caller decides the once. */
KMM_HIDDEN void dma_warn_overflow(const char *id, struct device *dev, const char *what,
				  dma_addr_t addr, size_t size, const char *where);

/* ------------------------------------------------------------------ swiotlb.c */

/* Bounce [phys, phys+size) into the pool for @dev (the slot is filled from the original
 * whatever @dir). Returns the slot's bus address, or DMA_MAPPING_ERROR: the pool is full
 * (reported unless DMA_ATTR_NO_WARN) or beyond the device's mask (WARN_ONCE). Any context;
 * only with a pool. */
KMM_HIDDEN dma_addr_t swiotlb_map(struct device *dev, phys_addr_t phys, size_t size,
				  enum dma_data_direction dir, unsigned long attrs);

/* True if @addr is a bounce slot's bus address. */
KMM_HIDDEN bool swiotlb_owns(dma_addr_t addr);

/* Copy back as @dir requires and free the slots of the mapping at @addr. */
KMM_HIDDEN void swiotlb_unmap(dma_addr_t addr, size_t size, enum dma_data_direction dir,
			      unsigned long attrs);

/* Copy between the original buffer and the slot for a sync of [addr, addr+size). */
KMM_HIDDEN void swiotlb_sync(dma_addr_t addr, size_t size, enum dma_data_direction dir,
			     bool for_cpu);

/* Whether the machine has a pool: set at boot, cleared at shutdown, read on every map. */
extern KMM_HIDDEN bool swiotlb_present;

/* There is a pool (the kernel's is_swiotlb_active). Any context. */
static inline bool swiotlb_active(void)
{
	return __atomic_load_n(&swiotlb_present, __ATOMIC_RELAXED);
}

/* Every streaming mapping bounces (swiotlb=force, with a pool). Any context. */
static inline bool swiotlb_force_bounce(void)
{
	return __builtin_expect(swiotlb_active(), 0) &&
	       (__atomic_load_n(&kmm_opts.swiotlb, __ATOMIC_RELAXED) == SWIOTLB_FORCE ||
		__atomic_load_n(&kmm_opts.swiotlb_force, __ATOMIC_RELAXED));
}

/* ------------------------------------------------------------------ debug.c */

enum dma_debug_type {
	DMA_DEBUG_SINGLE,
	DMA_DEBUG_SG,
	DMA_DEBUG_COHERENT,
	DMA_DEBUG_RESOURCE,
};

struct dma_debug_ref {
	struct device *dev;
	enum dma_debug_type type;
	dma_addr_t dev_addr;
	size_t size;
	enum dma_data_direction dir;
	const void *cpu_addr; /* coherent allocations */
	int sg_call_ents; /* nents passed to dma_map_sg */
};

static inline bool dma_debug_on(void)
{
	return __builtin_expect(__atomic_load_n(&kmm_opts.dma_debug, __ATOMIC_RELAXED) != 0, 0);
}

/* Record a new mapping or coherent allocation. */
KMM_HIDDEN void dma_debug_add(const struct dma_debug_ref *ref);

/* Check an unmap or free against the table and drop the entry. Returns false (reported)
 * when nothing matches; else true with what was recorded at map time in @recorded. */
KMM_HIDDEN bool dma_debug_remove(const struct dma_debug_ref *ref, struct dma_debug_ref *recorded);

/* Check a sync against the table. */
KMM_HIDDEN void dma_debug_sync(const struct dma_debug_ref *ref, bool to_cpu);

/* dma_mapping_error() was called for @addr. */
KMM_HIDDEN void dma_debug_mapping_error(struct device *dev, dma_addr_t addr);

/* Report a map of memory the device cannot use (vmalloc, stack, not the linear map). */
KMM_HIDDEN void dma_debug_bad_map(struct device *dev, const void *addr, size_t len,
				  const char *why);

/* Report a failure in dev_err style with a stack: "DRIVER NAME: message". */
KMM_HIDDEN void dma_report_dev(const char *id, struct device *dev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* KMM_INTERNAL_DMA_H */
