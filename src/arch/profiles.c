/*
 * profiles.c - the three machines kmm can boot, as tables of data.
 *
 * Addresses are the real kernels' (the "model"); machine/machine.c shifts the whole picture
 * when the host cannot give kmm the real range. A zero means "computed": see layout_compute().
 */
#include <string.h>

#include "arch/profile.h"

#define KiB 1024UL
#define MiB (1024UL * KiB)
#define GiB (1024ULL * MiB)

/*
 * What both x86_32 layouts share: the 3G/1G split of an i386 kernel without PAE (2-level
 * paging: 4 MiB huge pages, 32-bit physical and DMA addresses) and a PC's memory map.
 */
#define X86_32_MACHINE                                                                   \
	.arch = "x86_32", .page_offset = 0xC0000000UL, .phys_offset = 0,                 \
	.vmalloc_offset = 8 * MiB, .pkmap_below_fixmap = true, .last_pkmap = 1024,       \
	.fixaddr_top = 0xFFFFF000UL, .window_end = 0x100000000ULL, .max_mem = 4 * GiB,   \
	.dma_limit = 16 * MiB, .reserve_low = true, .swiotlb_rule = SWIOTLB_IF_ABOVE_4G, \
	.dma_addr_bytes = 4, .thp_pageblock_order = 10

static const struct profile profiles[] = {
	{
		/*
		 * The 3G/1G split of i386 without PAE as the textbooks draw it (the 2.6-era
		 * kernels of LDD3): 896 MiB of low memory at 0xC0000000, the vmalloc area from
		 * 0xF8800000 to two pages under pkmap, pkmap on the 4 MiB boundary under a fixmap
		 * that grows with the CPUs. The default machine; "i386" is Linux 6.1's own layout.
		 */
		.name = "x86_32",
		X86_32_MACHINE,
		.lowmem_max = 896 * MiB,
		.pmd_size = 4 * MiB,
	},
	{
		/*
		 * The 3G/1G split of i386 without PAE, as Linux 6.1 lays it out (Debian's 686
		 * kernel, NR_CPUS 32, booted to check it): the permanent fixmap is 583 pages
		 * under FIXADDR_TOP (its kmap_local slots for 32 CPUs among them); under it the
		 * boot-time fixmap, the cpu_entry_area and the LDT remap each take PMD-aligned
		 * room, which leaves PKMAP_BASE at 0xFEC00000. VMALLOC_END is two pages under
		 * pkmap, and low memory stops 128 MiB (the vmalloc reserve) under VMALLOC_END:
		 * 876 MiB less 8 KiB, not the textbooks' 896 MiB. The kernel test's i386 leg
		 * checks kmm against that kernel on this profile.
		 */
		.name = "i386",
		X86_32_MACHINE,
		.vmalloc_reserve = 128 * MiB,
		.pkmap_base = 0xFEC00000UL,
		.fixaddr_start = 0xFFDB8000UL,
	},
	{
		/* ARM 32-bit (vexpress-like): RAM at 0x60000000, vmalloc ends at 0xff800000 and keeps
		 * at least 240 MiB, so low memory is at most 768 MiB; pkmap and modules sit just
		 * below PAGE_OFFSET. */
		.name = "arm32",
		.arch = "arm",
		.page_offset = 0xC0000000UL,
		.phys_offset = 0x60000000ULL,
		.lowmem_max = 768 * MiB,
		.vmalloc_offset = 8 * MiB,
		.vmalloc_align = 8 * MiB,
		.vmalloc_end = 0xFF800000UL,
		.pkmap_base = 0xBFE00000UL,
		.last_pkmap = 512,
		.fixaddr_start = 0xFFC00000UL,
		.fixaddr_top = 0xFFEFF000UL,
		.modules_vaddr = 0xBF000000UL,
		.modules_end = 0xBFE00000UL,
		.window_end = 0x100000000ULL,
		.max_mem = 2 * GiB,
		.dma_limit = 16 * MiB,
		/* The rule and the 64-bit dma_addr_t of an ARM_LPAE kernel, the only arm32
		 * configuration with swiotlb. */
		.swiotlb_rule = SWIOTLB_IF_ABOVE_DMA_ZONE,
		.dma_addr_bytes = 8,
	},
	{
		/* x86_64: a direct map of all RAM, DMA and DMA32 zones, no high memory. The real
		 * addresses are kernel-half, so the window goes wherever the host puts it. */
		.name = "x86_64",
		.arch = "x86_64",
		.page_offset = 0xFFFF888000000000UL,
		.phys_offset = 0,
		.vmalloc_offset = 8 * MiB,
		.vmalloc_align = 2 * MiB,
		.vmalloc_size = 4 * GiB,
		.fixmap_gap = 8 * MiB,
		.max_mem = 64 * GiB,
		.dma_limit = 16 * MiB,
		.dma32_limit = 4 * GiB,
		.reserve_low = true,
		.swiotlb_rule = SWIOTLB_IF_ABOVE_4G,
		.dma_addr_bytes = 8,
		.thp_pageblock_order = 9, /* 2 MiB huge pages */
	},
};

const struct profile *profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const struct profile *profile_at(unsigned int i)
{
	return i < sizeof(profiles) / sizeof(profiles[0]) ? &profiles[i] : NULL;
}
