/*
 * machine.h - the simulated machine's physical side (defined in machine.c): the RAM file,
 * kmm's private view of all physical memory, and the boot generation.
 *
 * phys_view maps the whole RAM file once, outside the kernel window, so kmm itself (zeroing a
 * high-memory page, a device engine doing DMA) can reach any frame; drivers never see it.
 */
#ifndef KMM_INTERNAL_MACHINE_H
#define KMM_INTERNAL_MACHINE_H

#include <kmm/kmm.h>
#include "machine/os.h"

#define MAX_BOOT_RESERVED 4

/* A range of frames boot set aside for good (memblock's reserved list): never freed. */
struct boot_range {
	unsigned long start_pfn, end_pfn;
};

struct kmm_machine {
	bool booted;
	unsigned long generation; /* bumped at every boot; stale thread caches compare it */
	int ram_fd; /* the RAM memfd: file offset = phys - PHYS_OFFSET */
	unsigned long long ram_bytes;
	unsigned char *phys_view; /* kmm's own mapping of all of RAM */
	void *window; /* host reservation backing the kernel window */
	size_t window_len;
	size_t memmap_len; /* bytes of mem_map */
	unsigned long reserved_pages; /* frames kept back at boot (firmware area) */
	unsigned long long dma_limit; /* ZONE_DMA ends at PHYS_OFFSET + dma_limit */
	unsigned long long dma32_limit; /* ZONE_DMA32 end, 0 when the profile has none */
	bool swiotlb_needed; /* the kernel would set up swiotlb by itself on this machine */
	unsigned int dma_addr_bytes; /* sizeof(dma_addr_t) on the profile */
	unsigned int thp_pageblock_order; /* 0: the profile's kernel has no THP */
	struct boot_range boot_reserved[MAX_BOOT_RESERVED]; /* page_alloc_init skips these */
	unsigned int nr_boot_reserved;
};

extern KMM_HIDDEN struct kmm_machine kmm_machine;

/* kmm's private pointer to the byte at physical address @phys (which must be RAM). */
static inline void *machine_phys_ptr(phys_addr_t phys)
{
	return kmm_machine.phys_view + (phys - kmm_layout.phys_offset);
}

/*
 * Hex digits of a kernel address as the machine prints it (%px, vmallocinfo, an Oops): 8 on a
 * 32-bit profile whose window sits at its real addresses, else 16 (a 64-bit profile, or a
 * 32-bit one moved above 4 GiB, whose addresses need them).
 */
static inline int machine_addr_width(void)
{
	return kmm_layout.at_real_address && (kmm_layout.page_offset >> 32) == 0 ? 8 : 16;
}

/*
 * Whether the profile's kernel is built with NUMA: Debian's amd64 kernel is, its 686 kernel and
 * ARM's are not. A NUMA kernel names the node in Mem-Info's zone lines ("Node 0 DMA free:...")
 * and counts vmalloc pages per node ("N0=3"); the others print neither.
 */
static inline bool machine_has_numa(void)
{
	return kmm_machine.dma32_limit != 0; /* the x86_64 profile */
}

/* memblock_alloc_low for boot code: set aside @bytes (page-aligned) of low memory, taken
 * top-down from the highest free range below min(end of the linear map, 4 GiB), for good.
 * Must run before page_alloc_init(). Returns 0 with the start in @phys, or -ENOMEM. */
KMM_HIDDEN int machine_reserve_low(unsigned long long bytes, phys_addr_t *phys);

/* Stop the program: @fn was called with no machine booted (a usage error, not misuse to repair). */
KMM_HIDDEN void machine_not_booted(const char *fn) __attribute__((noreturn));

struct kmm_process;
/* The process the calling thread's user-side call acts for (NULL outside one): "current". */
KMM_HIDDEN struct kmm_process *process_current(void);
/* Make @p current for the calling thread; returns the previous one for process_leave(). */
KMM_HIDDEN struct kmm_process *process_enter(struct kmm_process *p);
KMM_HIDDEN void process_leave(struct kmm_process *prev);

/* Forget the once-per-boot warnings of context.c (a new machine warns afresh). */
KMM_HIDDEN void context_reset(void);

#endif /* KMM_INTERNAL_MACHINE_H */
