/*
 * demo_ringdma.c - the demo's DMA step: put the ringdma NIC on the machine, load its driver,
 * receive frames through it (a 24-bit device: its receive buffers come from ZONE_DMA, so they
 * need no bouncing), and show what that took: the NIC on /proc/iomem, its ioremap in
 * /proc/vmallocinfo, interrupts, the DMA cache in /proc/slabinfo; then one DMA-API misuse
 * caught by dma-debug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/irq.h>
#include <kmm/kmm.h>
#include <kmm/proc.h>
#include <kmm/slab.h>
#include <kmm/vmalloc.h>

#include "commands.h"
#include "view_text.h"
#include "ringdma.h"
#include "ringdma_dev.h"

#define FRAMES 200

static void print_lines(void (*show)(FILE *), const char *needle, const char *title)
{
	char *text = view_text(show), *line, *save = NULL;

	if (!text)
		return;
	printf("%s\n", title);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, needle))
			printf("  %s\n", line);
	free(text);
}

static int receive_one(void *out, size_t max)
{
	for (int tries = 0; tries < 20000; tries++) {
		int len = ringdma_receive(ringdma_board_pdev(), out, max);

		if (len >= 0)
			return len;
		usleep(50);
	}
	return -1;
}

int demo_step_ringdma(void)
{
	unsigned char frame[RD_BUF_SIZE], got[RD_BUF_SIZE];
	struct kmm_swiotlb_info info;
	unsigned int intact = 0;
	struct device *dev;
	dma_addr_t addr;
	void *buf;

	kmm_option_set("dma_debug", "1");
	if (ringdma_board_init() || ringdma_driver_register())
		return -1;
	dev = &ringdma_board_pdev()->dev;
	printf("  A NIC with 24 address lines: its driver takes receive buffers with\n"
	       "  kmalloc(GFP_DMA), from ZONE_DMA below 16 MiB, so dma_map_single maps them\n"
	       "  where they lie (a kernel this size has no swiotlb to bounce through).\n\n");
	print_lines(kmm_proc_iomem, "ringdma", "  /proc/iomem:");
	print_lines(kmm_proc_vmallocinfo, "ioremap", "  /proc/vmallocinfo:");
	for (unsigned int i = 0; i < FRAMES; i++) {
		size_t len = 64 + (i * 97) % (RD_BUF_SIZE - 64);

		memset(frame, (int)i, len);
		if (ringdma_board_inject(frame, len))
			return -1;
		if (receive_one(got, sizeof(got)) == (int)len && memcmp(got, frame, len) == 0)
			intact++;
	}
	kmm_swiotlb_info(&info);
	printf("\n  %u of %u frames received intact; IRQ %d ran %lu times; %lu bounced;\n"
	       "  dma-debug tracks %lu mappings and allocations for %s (the ring's %d buffers\n"
	       "  and the ring itself).\n",
	       intact, FRAMES, RINGDMA_IRQ, kmm_irq_count(RINGDMA_IRQ), info.bounced,
	       kmm_dma_debug_entries(dev), dev_name(dev), RD_RING_ENTRIES);
	print_lines(kmm_proc_slabinfo, "dma-kmalloc-2k", "  /proc/slabinfo:");
	printf("\n  Now a mistake: map 512 bytes, skip dma_mapping_error(), unmap 256:\n\n");
	fflush(stdout);
	buf = kmalloc(512, GFP_KERNEL | GFP_DMA);
	addr = dma_map_single(dev, buf, 512, DMA_TO_DEVICE);
	dma_unmap_single(dev, addr, 256, DMA_TO_DEVICE);
	kfree(buf);
	fflush(stderr);
	ringdma_driver_unregister();
	ringdma_board_exit();
	kmm_option_set("dma_debug", "0");
	printf("\n  Driver removed: %lu DMA-API errors in all, nothing left mapped.\n",
	       kmm_dma_debug_errors());
	return intact == FRAMES ? 0 : -1;
}
