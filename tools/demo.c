/*
 * demo.c - "kmm demo": a short tour of the default machine. For now it is the machine's
 * layout and the buddy allocator at work; later layers add their own steps.
 */
#include <stdio.h>

#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/proc.h>

#include "commands.h"

static void show_block(const char *what, struct page *page, unsigned int order)
{
	void *va = page_address(page);

	printf("  %-34s pfn %#07lx  phys %#010llx  virt %p  (%lu KiB)\n", what, page_to_pfn(page),
	       (unsigned long long)page_to_phys(page), va, (PAGE_SIZE << order) >> 10);
}

int cmd_demo(const struct kmm_cli *cli)
{
	struct page *low, *high, *dma;
	unsigned long buf;

	cmd_info(cli);
	printf("\nThe buddy allocator at work:\n");
	low = alloc_pages(GFP_KERNEL, 3);
	high = alloc_pages(GFP_HIGHUSER, 0);
	dma = alloc_pages(GFP_KERNEL | GFP_DMA, 0);
	buf = get_zeroed_page(GFP_KERNEL);
	if (!low || !high || !dma || !buf)
		return -1;
	show_block("alloc_pages(GFP_KERNEL, 3)", low, 3);
	show_block("alloc_pages(GFP_HIGHUSER, 0)", high, 0);
	show_block("alloc_pages(GFP_KERNEL|GFP_DMA, 0)", dma, 0);
	printf("  get_zeroed_page: virt %#lx -> virt_to_phys %#llx -> phys_to_virt %p\n", buf,
	       (unsigned long long)virt_to_phys((void *)buf),
	       phys_to_virt(virt_to_phys((void *)buf)));
	printf("  the high-memory page has no linear address: page_address() = %p\n",
	       page_address(high));
	printf("\n/proc/buddyinfo with those blocks out:\n");
	kmm_proc_buddyinfo(stdout);
	__free_pages(low, 3);
	__free_pages(high, 0);
	__free_pages(dma, 0);
	free_page(buf);
	drain_local_pages();
	printf("\n/proc/buddyinfo after freeing them (the buddies merged back):\n");
	kmm_proc_buddyinfo(stdout);
	return 0;
}
