/*
 * proc.c - the kernel's /proc views of memory, printed in their exact formats, and the boot
 * banner's "Virtual kernel memory layout". Each view reads counters kept at the event; nothing
 * here walks free lists (buddyinfo reads each order's count).
 */
#include <errno.h>
#include <string.h>

#include <kmm/kmm.h>
#include <kmm/module.h>
#include <kmm/proc.h>
#include <kmm/vmalloc.h>
#include "machine/machine.h"
#include "machine/options.h"
#include "machine/stats.h"
#include "mm/internal.h"
#include "mm/slab.h"

#define K(pages) ((unsigned long)(pages) << (PAGE_SHIFT - 10))

static unsigned long rd(const unsigned long *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

void kmm_proc_buddyinfo(FILE *out)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];

		if (!zone_populated(z))
			continue;
		fprintf(out, "Node %d, zone %8s ", 0, z->name);
		for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++)
			fprintf(out, "%6lu ", rd(&z->free_area[o].nr_free));
		fputc('\n', out);
	}
}

static void meminfo_line(FILE *out, const char *label, unsigned long kb)
{
	fprintf(out, "%-16s%8lu kB\n", label, kb);
}

struct mem_totals {
	unsigned long total, free, high_total, high_free, reserve;
};

static struct mem_totals mem_totals(void)
{
	struct mem_totals t = { 0 };

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];
		unsigned long free = rd(&z->free_pages);

		t.total += z->managed_pages;
		t.free += free;
		t.reserve += z->watermark[WMARK_HIGH];
		if (i == ZONE_HIGHMEM) {
			t.high_total += z->managed_pages;
			t.high_free += free;
		}
	}
	return t;
}

/* The huge-page and direct-map lines that close meminfo. */
static void meminfo_tail(FILE *out)
{
	static const char *const thp[] = { "AnonHugePages:", "ShmemHugePages:", "ShmemPmdMapped:",
					   "FileHugePages:", "FilePmdMapped:" };
	static const char *const hugetlb[] = { "HugePages_Total:", "HugePages_Free:",
					       "HugePages_Rsvd:", "HugePages_Surp:" };
	bool pse4m = strcmp(kmm_layout.arch, "x86_32") == 0; /* 2-level paging: 4 MiB pages */
	unsigned long huge_kb = pse4m ? 4096 : 2048;
	unsigned long lowmem_kb = K(kmm_layout.low_pfn_end - kmm_layout.min_pfn);
	unsigned long small_kb = lowmem_kb % huge_kb;

	for (size_t i = 0; i < sizeof(thp) / sizeof(thp[0]); i++)
		meminfo_line(out, thp[i], 0);
	for (size_t i = 0; i < sizeof(hugetlb) / sizeof(hugetlb[0]); i++)
		fprintf(out, "%-16s%8lu\n", hugetlb[i], 0UL);
	meminfo_line(out, "Hugepagesize:", huge_kb);
	meminfo_line(out, "Hugetlb:", 0);
	if (strcmp(kmm_layout.arch, "arm") == 0)
		return;
	/*
	 * The linear map is built from large pages where alignment allows, as on x86; a 32-bit
	 * kernel also keeps its first large page in 4k pages (fixed-range MTRRs cover the first
	 * megabyte). A real kernel splits more when it write-protects its own image.
	 */
	if (pse4m && lowmem_kb >= huge_kb)
		small_kb += huge_kb;
	meminfo_line(out, "DirectMap4k:", small_kb);
	meminfo_line(out, pse4m ? "DirectMap4M:" : "DirectMap2M:", lowmem_kb - small_kb);
}

/* The slab lines of meminfo (all of KReclaimable is slab here); 0 for other labels. */
static unsigned long slab_kb(const char *label)
{
	unsigned long rcl = slab_reclaimable_pages(), unr = slab_unreclaimable_pages();

	if (!strcmp(label, "Slab:"))
		return K(rcl + unr);
	if (!strcmp(label, "KReclaimable:") || !strcmp(label, "SReclaimable:"))
		return K(rcl);
	return strcmp(label, "SUnreclaim:") ? 0 : K(unr);
}

void kmm_proc_meminfo(FILE *out)
{
	struct mem_totals t = mem_totals();
	unsigned long available = t.free > t.reserve ? t.free - t.reserve : 0;
	static const char *const zero_before_high[] = {
		"Buffers:",	   "Cached:",	    "SwapCached:",     "Active:",
		"Inactive:",	   "Active(anon):", "Inactive(anon):", "Active(file):",
		"Inactive(file):", "Unevictable:",  "Mlocked:",
	};
	static const char *const zero_after_low[] = {
		"SwapTotal:",	  "SwapFree:",	   "Zswap:",	  "Zswapped:",	   "Dirty:",
		"Writeback:",	  "AnonPages:",	   "Mapped:",	  "Shmem:",	   "KReclaimable:",
		"Slab:",	  "SReclaimable:", "SUnreclaim:", "KernelStack:",  "PageTables:",
		"SecPageTables:", "NFS_Unstable:", "Bounce:",	  "WritebackTmp:",
	};

	meminfo_line(out, "MemTotal:", K(t.total));
	meminfo_line(out, "MemFree:", K(t.free));
	meminfo_line(out, "MemAvailable:", K(available));
	for (size_t i = 0; i < sizeof(zero_before_high) / sizeof(zero_before_high[0]); i++)
		meminfo_line(out, zero_before_high[i], 0);
	if (kmm_layout.last_pkmap) {
		meminfo_line(out, "HighTotal:", K(t.high_total));
		meminfo_line(out, "HighFree:", K(t.high_free));
		meminfo_line(out, "LowTotal:", K(t.total - t.high_total));
		meminfo_line(out, "LowFree:", K(t.free - t.high_free));
	}
	for (size_t i = 0; i < sizeof(zero_after_low) / sizeof(zero_after_low[0]); i++)
		meminfo_line(out, zero_after_low[i], slab_kb(zero_after_low[i]));
	meminfo_line(out, "CommitLimit:", K(t.total / 2));
	meminfo_line(out, "Committed_AS:", 0);
	meminfo_line(out,
		     "VmallocTotal:", (kmm_layout.vmalloc_end - kmm_layout.vmalloc_start) >> 10);
	meminfo_line(out, "VmallocUsed:", K(vmalloc_nr_pages()));
	meminfo_line(out, "VmallocChunk:", 0);
	meminfo_line(out, "Percpu:", 0);
	fprintf(out, "HardwareCorrupted: %5lu kB\n", 0UL);
	meminfo_tail(out);
}

static void zoneinfo_zone(FILE *out, const struct zone *z)
{
	fprintf(out, "Node %d, zone %8s", 0, z->name);
	fprintf(out, "\n  pages free     %lu", rd(&z->free_pages));
	fprintf(out, "\n        boost    %lu", 0UL);
	fprintf(out, "\n        min      %lu", z->watermark[WMARK_MIN]);
	fprintf(out, "\n        low      %lu", z->watermark[WMARK_LOW]);
	fprintf(out, "\n        high     %lu", z->watermark[WMARK_HIGH]);
	fprintf(out, "\n        spanned  %lu", z->spanned_pages);
	fprintf(out, "\n        present  %lu", z->present_pages);
	fprintf(out, "\n        managed  %lu", z->managed_pages);
	fprintf(out, "\n        cma      %lu", 0UL);
	fprintf(out, "\n        protection: (");
	for (int j = 0, n = 0; j < MAX_NR_ZONES; j++)
		if (zone_configured(j))
			fprintf(out, "%s%ld", n++ ? ", " : "", (long)z->lowmem_reserve[j]);
	fputc(')', out);
	if (zone_populated(z)) {
		fprintf(out, "\n      %-12s %lu", "nr_free_pages", rd(&z->free_pages));
		fprintf(out, "\n  pagesets");
		for (unsigned int cpu = 0; cpu < kmm_layout.nr_cpus; cpu++)
			fprintf(out,
				"\n    cpu: %u\n              count: %i\n              high:  %li"
				"\n              batch: %li",
				cpu, 0, kmm_opts.pcp_high, kmm_opts.pcp_batch);
		fprintf(out, "\n  node_unreclaimable:  %u\n  start_pfn:           %lu", 0,
			z->zone_start_pfn);
	}
	fputc('\n', out);
}

void kmm_proc_zoneinfo(FILE *out)
{
	/* The kernel lists the zones its configuration has, populated or not. */
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (zone_configured(i))
			zoneinfo_zone(out, &zones[i]);
}

/* As the kernel's MLK()/MLM(): each area has a fixed unit, kB or MB (truncated). */
static void layout_line(FILE *out, const char *name, unsigned long start, unsigned long end,
			bool mb)
{
	fprintf(out, "    %-7s : 0x%08lx - 0x%08lx   (%4lu %s)\n", name, start, end,
		(end - start) >> (mb ? 20 : 10), mb ? "MB" : "kB");
}

void kmm_print_layout(FILE *out)
{
	const struct kmm_layout *l = &kmm_layout;
	unsigned long pkmap_end = l->pkmap_base + l->last_pkmap * PAGE_SIZE;

	fprintf(out, "Virtual kernel memory layout:\n");
	layout_line(out, "fixmap", l->fixaddr_start, l->fixaddr_top, false);
	/* x86_32 prints pkmap in kB above vmalloc; ARM in MB below lowmem. */
	if (l->pkmap_base && l->pkmap_base > l->page_offset)
		layout_line(out, "pkmap", l->pkmap_base, pkmap_end, false);
	layout_line(out, "vmalloc", l->vmalloc_start, l->vmalloc_end, true);
	layout_line(out, "lowmem", l->page_offset, l->high_mem, true);
	if (l->pkmap_base && l->pkmap_base < l->page_offset)
		layout_line(out, "pkmap", l->pkmap_base, pkmap_end, true);
	if (l->modules_vaddr)
		layout_line(out, "modules", l->modules_vaddr, l->modules_end, true);
}

void kmm_proc_vmstat(FILE *out)
{
	unsigned long free = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		free += rd(&zones[i].free_pages);
	fprintf(out, "nr_free_pages %lu\n", free);
	stats_print(out, true);
}

static const struct {
	const char *name;
	void (*show)(FILE *out);
} proc_files[] = {
	{ "buddyinfo", kmm_proc_buddyinfo },	 { "meminfo", kmm_proc_meminfo },
	{ "zoneinfo", kmm_proc_zoneinfo },	 { "iomem", kmm_proc_iomem },
	{ "vmstat", kmm_proc_vmstat },		 { "slabinfo", kmm_proc_slabinfo },
	{ "vmallocinfo", kmm_proc_vmallocinfo }, { "modules", kmm_proc_modules },
};

int kmm_proc_show(const char *name, FILE *out)
{
	for (size_t i = 0; i < sizeof(proc_files) / sizeof(proc_files[0]); i++) {
		if (strcmp(proc_files[i].name, name) == 0) {
			proc_files[i].show(out);
			return 0;
		}
	}
	return -ENOENT;
}

const char *kmm_proc_name(unsigned int index)
{
	return index < sizeof(proc_files) / sizeof(proc_files[0]) ? proc_files[index].name : NULL;
}
