/*
 * ringdma_kmm.c - examples/ringdma/ringdma_traffic.c run on kmm, printing the transcript the
 * kernel test's guest prints for the same code built into ringdma_nic.ko (tools/kernel-test/run
 * diffs them).
 *
 * The guest's init loads the module (the traffic's "ringdma:" lines), prints the driver's
 * cache line of /proc/slabinfo and the NIC's lines of /proc/iomem while it is loaded, then
 * unloads it (the lines of the exit function). This program does the same in the same order on
 * a machine booted from the environment (the harness sets the guest's shape: KMM_PROFILE=x86_64,
 * KMM_MEM=512M, KMM_CPUS=1). The traffic's lines and kmm's reports both go to stdout, in the
 * order they happened, as they share the kernel log in the guest; the transcript is the lines
 * that start "ringdma: ", "slabinfo: " or "iomem: ".
 *
 * Context: a plain host program; one simulated process, one thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/proc.h>
#include <kmm/slab.h>

#include "module_host.h"
#include "../view_text.h"

/* Print each line of @show's output that @keep accepts, after @prefix. */
static void print_lines(void (*show)(FILE *), int (*keep)(const char *), const char *prefix)
{
	char *text = view_text(show), *line, *save = NULL;

	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (keep(line))
			printf("%s%s\n", prefix, line + strspn(line, " "));
	free(text);
}

/* The receive buffers' cache: kmalloc(1536, GFP_DMA) is served by the 2 KiB DMA cache. */
static int dma_2k_cache(const char *line)
{
	return !strncmp(line, "dma-kmalloc-2k ", 15);
}

static int nic_region(const char *line)
{
	return strstr(line, " : ringdma.") != NULL; /* the device's region and the driver's */
}

int main(void)
{
	int err = module_host_load("ringdma_kmm", "ringdma_nic");

	if (err)
		return err;
	print_lines(kmm_proc_slabinfo, dma_2k_cache, "slabinfo: ");
	print_lines(kmm_proc_iomem, nic_region, "iomem: ");
	module_host_unload("ringdma_nic");
	return 0;
}
