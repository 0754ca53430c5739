/*
 * info.c - "kmm info": the booted machine's memory layout, buddyinfo and meminfo.
 */
#include <stdio.h>

#include <kmm/dma.h>
#include <kmm/kmm.h>
#include <kmm/proc.h>
#include <kmm/page_alloc.h>
#include <kmm/highmem.h>
#include <kmm/vmalloc.h>

#include "commands.h"
#include "json.h"

static void print_json(FILE *out)
{
	const struct kmm_layout *l = &kmm_layout;
	struct kmm_swiotlb_info tlb;
	struct kmm_vmalloc_usage v;
	struct kmm_highmem_usage h;

	json_begin(out, "info");
	fprintf(out, "  \"at_real_address\": %s,\n", l->at_real_address ? "true" : "false");
	fprintf(out, "  \"page_offset\": \"0x%lx\",\n", l->page_offset);
	fprintf(out, "  \"phys_offset\": \"0x%llx\",\n", (unsigned long long)l->phys_offset);
	fprintf(out, "  \"high_memory\": \"0x%lx\",\n", l->high_mem);
	fprintf(out, "  \"vmalloc_start\": \"0x%lx\",\n  \"vmalloc_end\": \"0x%lx\",\n",
		l->vmalloc_start, l->vmalloc_end);
	fprintf(out, "  \"pkmap_base\": \"0x%lx\",\n  \"last_pkmap\": %u,\n", l->pkmap_base,
		l->last_pkmap);
	fprintf(out, "  \"fixaddr_start\": \"0x%lx\",\n  \"fixaddr_top\": \"0x%lx\",\n",
		l->fixaddr_start, l->fixaddr_top);
	fprintf(out, "  \"modules_vaddr\": \"0x%lx\",\n  \"modules_end\": \"0x%lx\",\n",
		l->modules_vaddr, l->modules_end);
	fprintf(out, "  \"min_pfn\": %lu,\n  \"max_low_pfn\": %lu,\n  \"max_pfn\": %lu,\n",
		l->min_pfn, l->low_pfn_end, l->pfn_end);
	kmm_swiotlb_info(&tlb);
	fprintf(out, "  \"swiotlb\": { \"active\": %s, \"force\": %s, \"slots\": %lu, ",
		tlb.active ? "true" : "false", tlb.force ? "true" : "false", tlb.nslabs);
	fprintf(out, "\"start\": \"0x%llx\", \"end\": \"0x%llx\" },\n",
		(unsigned long long)tlb.start, (unsigned long long)tlb.end);
	kmm_vmalloc_usage(&v);
	kmm_highmem_usage(&h);
	fprintf(out,
		"  \"vmalloc_usage\": { \"areas\": %lu, \"busy_bytes\": %lu, \"pages\": %lu, "
		"\"lazy_bytes\": %lu, \"largest_free\": %lu },\n",
		v.areas, v.busy_bytes, v.vmalloc_pages, v.lazy_bytes, v.largest_free);
	fprintf(out,
		"  \"highmem_usage\": { \"pkmap_slots\": %u, \"pkmap_in_use\": %u, "
		"\"pkmap_mapped\": %u, \"fixmap_kmap_slots\": %u, \"fixmap_kmap_in_use\": %u, "
		"\"fixmap_named_set\": %u },\n",
		h.pkmap_slots, h.pkmap_in_use, h.pkmap_mapped, h.fixmap_kmap_slots,
		h.fixmap_kmap_in_use, h.fixmap_named_set);
	fprintf(out, "  \"free_pages\": %lu,\n  \"zones\": ", nr_free_pages());
	json_zones(out);
	fprintf(out, ",\n  \"buddyinfo\": ");
	json_buddyinfo(out);
	fprintf(out, ",\n  \"meminfo\": ");
	json_meminfo(out);
	fprintf(out, "\n}\n");
}

/* What the vmalloc area, pkmap and the fixmap hold right now. */
static void print_upper_areas(FILE *out)
{
	struct kmm_vmalloc_usage v;
	struct kmm_highmem_usage h;

	kmm_vmalloc_usage(&v);
	kmm_highmem_usage(&h);
	fprintf(out, "\nIn use:\n");
	fprintf(out,
		"    vmalloc : %lu areas, %lu kB of address space, %lu pages; %lu kB freed "
		"lazily; largest hole %lu kB\n",
		v.areas, v.busy_bytes >> 10, v.vmalloc_pages, v.lazy_bytes >> 10,
		v.largest_free >> 10);
	if (h.pkmap_slots)
		fprintf(out, "    pkmap   : %u of %u slots in use, %u still mapped\n",
			h.pkmap_in_use, h.pkmap_slots, h.pkmap_mapped);
	fprintf(out, "    fixmap  : %u of %u kmap_local slots in use, %u named slots set\n",
		h.fixmap_kmap_in_use, h.fixmap_kmap_slots, h.fixmap_named_set);
}

int cmd_info(const struct kmm_cli *cli)
{
	if (cli->json) {
		print_json(stdout);
		return 0;
	}
	printf("kmm machine: profile %s, %u CPUs, window %s\n\n", kmm_layout.profile,
	       kmm_layout.nr_cpus,
	       kmm_layout.at_real_address ? "at the real kernel addresses" :
					    "moved (the real range is taken on this host)");
	kmm_print_layout(stdout);
	printf("\n");
	kmm_swiotlb_print(stdout);
	print_upper_areas(stdout);
	printf("\n/proc/buddyinfo:\n");
	kmm_proc_buddyinfo(stdout);
	printf("\n/proc/meminfo:\n");
	kmm_proc_meminfo(stdout);
	if (cli->show_options) {
		printf("\noptions:\n");
		kmm_options_print(stdout);
	}
	return 0;
}
