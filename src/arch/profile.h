/*
 * profile.h - a machine profile: the data that distinguishes x86_32, i386, arm32 and x86_64
 * (defined in profiles.c), and the layout computed from it for a RAM size (machine/layout.c).
 */
#ifndef KMM_INTERNAL_PROFILE_H
#define KMM_INTERNAL_PROFILE_H

#include <kmm/layout.h>
#include "machine/os.h"

/* When the kernel sets up swiotlb by itself (the swiotlb option's "auto"). */
enum swiotlb_rule {
	SWIOTLB_IF_ABOVE_4G, /* x86 pci_swiotlb_detect: max_possible_pfn > MAX_DMA32_PFN */
	SWIOTLB_IF_ABOVE_DMA_ZONE, /* arm mem_init: max_pfn > arm_dma_pfn_limit */
};

struct profile {
	const char *name;
	const char *arch; /* the kernel architecture it models: "x86_32", "arm" or "x86_64" */
	unsigned long page_offset; /* the real kernel's PAGE_OFFSET */
	unsigned long long phys_offset;
	unsigned long long lowmem_max; /* RAM the linear map may hold; 0 for all of it (or
					 * computed from vmalloc_reserve) */
	unsigned long vmalloc_reserve; /* x86_32: low memory ends this far below VMALLOC_END */
	unsigned long vmalloc_offset; /* gap between high_memory and VMALLOC_START */
	unsigned long vmalloc_align; /* VMALLOC_START alignment; 0 for none */
	unsigned long vmalloc_end; /* fixed VMALLOC_END; 0 when computed */
	unsigned long long vmalloc_size; /* with no fixed end: the area's size */
	bool pkmap_below_fixmap; /* x86_32: pkmap under the fixmap, vmalloc ends under pkmap */
	unsigned long pkmap_base; /* fixed PKMAP_BASE; 0: the pmd under the fixmap (x86_32) */
	unsigned long pmd_size; /* with no fixed pkmap base: its alignment */
	unsigned int last_pkmap; /* pkmap slots; 0 for no high memory */
	unsigned long fixaddr_start; /* fixed FIXADDR_START; 0 when computed from the slots */
	unsigned long fixaddr_top; /* fixed FIXADDR_TOP; 0 when placed after vmalloc */
	unsigned long fixmap_gap; /* with no fixed top: gap between VMALLOC_END and fixmap */
	unsigned long modules_vaddr;
	unsigned long modules_end;
	unsigned long long window_end; /* fixed end (4 GiB): the window may sit at its real place;
					 * 0: computed, and the window goes anywhere */
	unsigned long long max_mem;
	unsigned long long dma_limit; /* bytes of RAM in ZONE_DMA */
	unsigned long long dma32_limit; /* physical end of ZONE_DMA32; 0 for none */
	bool reserve_low; /* keep the firmware area at the bottom of RAM reserved */
	enum swiotlb_rule swiotlb_rule;
	unsigned int dma_addr_bytes; /* sizeof(dma_addr_t): how wide %pad prints */
	unsigned int thp_pageblock_order; /* pageblock order of a kernel with transparent huge
					   * pages ("always", as Debian builds); 0 for none */
};

/* Fixmap: a few named slots, then KM_MAX_IDX kmap_local slots per CPU. */
#define FIX_NAMED_SLOTS 16
#define KM_MAX_IDX 16

KMM_HIDDEN const struct profile *profile_find(const char *name);

/* The @i-th profile, in the table's order; NULL past the last. */
KMM_HIDDEN const struct profile *profile_at(unsigned int i);

/* Fill @layout for @profile with @ram bytes and @cpus CPUs, in the profile's own addresses. */
KMM_HIDDEN int layout_compute(const struct profile *profile, unsigned long long ram,
			      unsigned int cpus, struct kmm_layout *layout);

/* Move every address of @layout by @delta (host address minus model address). */
KMM_HIDDEN void layout_shift(struct kmm_layout *layout, long delta);

#endif /* KMM_INTERNAL_PROFILE_H */
