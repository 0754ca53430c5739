/*
 * kmm/layout.h - the kernel virtual address layout of the booted machine.
 *
 * Every value here is a real address in this process. When the kernel window could be placed at
 * the profile's real addresses (PAGE_OFFSET 0xC0000000 on the 32-bit profiles) the numbers are the
 * ones the books print; otherwise the whole picture is shifted, and nothing depends on where.
 *
 *   window_start .. [modules, pkmap on arm32] .. PAGE_OFFSET (linear map of low memory)
 *   .. high_memory .. VMALLOC_OFFSET gap .. VMALLOC_START .. VMALLOC_END .. [pkmap on x86_32]
 *   .. FIXADDR_START .. FIXADDR_TOP .. reserved top .. window_end
 */
#ifndef KMM_LAYOUT_H
#define KMM_LAYOUT_H

#include "types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((unsigned long)(x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_ALIGNED(x) ((((unsigned long)(x)) & (PAGE_SIZE - 1)) == 0)
#define offset_in_page(p) ((unsigned long)(p) & ~PAGE_MASK)
#define PFN_UP(x) (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)
#define PFN_PHYS(x) ((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x) ((unsigned long)((x) >> PAGE_SHIFT))

/* The booted machine's address layout; valid between kmm_boot() and kmm_shutdown(). */
struct kmm_layout {
	const char *profile; /* "x86_32", "i386", "arm32" or "x86_64" */
	const char *arch; /* the architecture the profile models: "x86_32", "arm" or "x86_64" */
	unsigned long window_start; /* the reserved kernel window: [window_start, window_end) */
	unsigned long window_end;
	unsigned long page_offset; /* PAGE_OFFSET: virtual address of PHYS_OFFSET */
	phys_addr_t phys_offset; /* PHYS_OFFSET: physical address of the first RAM byte */
	unsigned long high_mem; /* end of the linear map: page_offset + lowmem bytes */
	unsigned long vmalloc_offset; /* guard gap between high_memory and VMALLOC_START */
	unsigned long vmalloc_start;
	unsigned long vmalloc_end;
	unsigned long pkmap_base; /* 0 when the profile has no high memory */
	unsigned int last_pkmap; /* number of pkmap slots */
	unsigned long fixaddr_start;
	unsigned long fixaddr_top;
	unsigned long modules_vaddr; /* 0 when modules live in the vmalloc area */
	unsigned long modules_end;
	unsigned long min_pfn; /* ARCH_PFN_OFFSET: PHYS_OFFSET >> PAGE_SHIFT */
	unsigned long low_pfn_end; /* first pfn not in the linear map */
	unsigned long pfn_end; /* first pfn past the end of RAM */
	unsigned int nr_cpus;
	bool at_real_address; /* the window sits where the real kernel's does */
};

extern struct kmm_layout kmm_layout;

#define PAGE_OFFSET (kmm_layout.page_offset)
#define PHYS_OFFSET (kmm_layout.phys_offset)
#define ARCH_PFN_OFFSET (kmm_layout.min_pfn)
#define VMALLOC_OFFSET (kmm_layout.vmalloc_offset)
#define VMALLOC_START (kmm_layout.vmalloc_start)
#define VMALLOC_END (kmm_layout.vmalloc_end)
#define PKMAP_BASE (kmm_layout.pkmap_base)
#define LAST_PKMAP (kmm_layout.last_pkmap)
#define FIXADDR_START (kmm_layout.fixaddr_start)
#define FIXADDR_TOP (kmm_layout.fixaddr_top)
#define MODULES_VADDR (kmm_layout.modules_vaddr)
#define MODULES_END (kmm_layout.modules_end)
#define high_memory ((void *)kmm_layout.high_mem)
#define max_low_pfn (kmm_layout.low_pfn_end)
#define max_pfn (kmm_layout.pfn_end)

/**
 * virt_to_phys - physical address of a linear-map address
 * @address: an address in the linear map (kmalloc, __get_free_pages memory)
 *
 * A fixed offset, exactly as the kernel computes it; not valid for vmalloc or kmap addresses.
 * Context: any.
 * Return: the physical address.
 */
static inline phys_addr_t virt_to_phys(const volatile void *address)
{
	return (phys_addr_t)((unsigned long)address - PAGE_OFFSET) + PHYS_OFFSET;
}

/**
 * phys_to_virt - linear-map address of a low-memory physical address
 * @address: a physical address below the low-memory limit
 *
 * Context: any.
 * Return: the kernel virtual address.
 */
static inline void *phys_to_virt(phys_addr_t address)
{
	return (void *)(unsigned long)(address - PHYS_OFFSET + PAGE_OFFSET);
}

#define __pa(x) virt_to_phys((const volatile void *)(x))
#define __va(x) phys_to_virt((phys_addr_t)(x))
#define __virt_to_phys(x) ((phys_addr_t)((unsigned long)(x)-PAGE_OFFSET + PHYS_OFFSET))
#define __phys_to_virt(x) ((unsigned long)((x)-PHYS_OFFSET + PAGE_OFFSET))

#endif /* KMM_LAYOUT_H */
