/*
 * test_proc.c - the /proc views and the boot-time layout banner: their exact formats (checked
 * against tests/kernel/reference/ where a real kernel showed them) and that their numbers
 * agree with the allocator's own counters.
 *
 * Each view is printed into memory with open_memstream() and taken apart line by line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/proc.h>
#include <kmm/vmalloc.h>
#include "mm/internal.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define MAX_LINES 256

/* Everything a view printed, split into lines (without their '\n'). */
struct text {
	char *buf;
	size_t len;
	char *line[MAX_LINES];
	int nr;
};

static void capture(struct text *t, void (*view)(FILE *out))
{
	FILE *f = open_memstream(&t->buf, &t->len);

	assert_non_null(f);
	view(f);
	assert_int_equal(fclose(f), 0);
	t->nr = 0;
	for (char *p = t->buf; *p;) {
		char *nl = strchr(p, '\n');

		assert_non_null(nl); /* every line is terminated */
		assert_true(t->nr < MAX_LINES);
		*nl = '\0';
		t->line[t->nr++] = p;
		p = nl + 1;
	}
}

static void release(struct text *t)
{
	free(t->buf);
	t->buf = NULL;
}

/* The line starting with @prefix, or NULL. */
static const char *find_line(const struct text *t, const char *prefix)
{
	for (int i = 0; i < t->nr; i++)
		if (strncmp(t->line[i], prefix, strlen(prefix)) == 0)
			return t->line[i];
	return NULL;
}

static int find_index(const struct text *t, const char *prefix)
{
	for (int i = 0; i < t->nr; i++)
		if (strncmp(t->line[i], prefix, strlen(prefix)) == 0)
			return i;
	return -1;
}

/* A real kernel's /proc file from tests/kernel/@dir/, two folders up from this file. */
static void read_reference_in(struct text *t, const char *dir, const char *name)
{
	char path[512];
	const char *slash = strrchr(__FILE__, '/');
	int dir_len = slash ? (int)(slash - __FILE__) : 1;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%.*s/../../kernel/%s/%s", dir_len, slash ? __FILE__ : ".",
		 dir, name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot read %s\n", path);
		fail();
	}
	t->buf = calloc(1, 1 << 16);
	n = fread(t->buf, 1, (1 << 16) - 1, f);
	fclose(f);
	t->buf[n] = '\0';
	t->nr = 0;
	for (char *p = t->buf; *p && t->nr < MAX_LINES;) {
		char *nl = strchr(p, '\n');

		t->line[t->nr++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
}

/* Debian's amd64 kernel, 512 MiB (tools/kernel-test/run's x86_64 leg). */
static void read_reference(struct text *t, const char *name)
{
	read_reference_in(t, "reference", name);
}

/* Debian's 686 kernel, 1 GiB, one CPU (the i386 leg): what kmm's default x86_32 machine models. */
static void read_reference_x86_32(struct text *t, const char *name)
{
	read_reference_in(t, "reference-x86_32", name);
}

static unsigned long meminfo_kb(const struct text *t, const char *label)
{
	const char *line = find_line(t, label);
	unsigned long kb;

	assert_non_null(line);
	assert_int_equal(sscanf(line + strlen(label), "%lu", &kb), 1);
	return kb;
}

static int boot(const char *profile, unsigned long long mem)
{
	struct kmm_config cfg = { .profile = profile, .mem_bytes = mem, .cpus = 2 };

	return kmm_boot(&cfg);
}

static int boot_x86_32(void **state)
{
	return boot("x86_32", GiB);
}

/* The i386 reference guest's shape: Linux 6.1's i386 layout ("i386"), 1 GiB, one CPU. */
static int boot_x86_32_reference(void **state)
{
	struct kmm_config cfg = { .profile = "i386", .mem_bytes = GiB, .cpus = 1 };

	return kmm_boot(&cfg);
}

static int boot_x86_32_lowmem_only(void **state)
{
	return boot("x86_32", 512 * MiB);
}

static int boot_arm32(void **state)
{
	return boot("arm32", GiB);
}

static int boot_x86_64(void **state)
{
	return boot("x86_64", 256 * MiB);
}

/* ---- buddyinfo */

/* Parse one buddyinfo line, check it is exactly the kernel's format, return the zone's pages. */
static unsigned long check_buddyinfo_line(const char *line, const char *zone_name)
{
	const struct zone *z = NULL;
	char name[16], expect[256];
	unsigned long count[MAX_PAGE_ORDER + 1], pages = 0;
	int node, used, pos;

	assert_int_equal(sscanf(line, "Node %d, zone %15s%n", &node, name, &pos), 2);
	assert_int_equal(node, 0);
	assert_string_equal(name, zone_name);
	for (int o = 0; o <= MAX_PAGE_ORDER; o++) {
		assert_int_equal(sscanf(line + pos, "%lu%n", &count[o], &used), 1);
		pos += used;
	}
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (zones[i].name && strcmp(zones[i].name, zone_name) == 0)
			z = &zones[i];
	assert_non_null(z);

	used = snprintf(expect, sizeof(expect), "Node %d, zone %8s ", 0, zone_name);
	for (int o = 0; o <= MAX_PAGE_ORDER; o++) {
		used += snprintf(expect + used, sizeof(expect) - (size_t)used, "%6lu ", count[o]);
		assert_int_equal(count[o], z->free_area[o].nr_free);
		pages += count[o] << o;
	}
	assert_string_equal(line, expect);
	return pages;
}

static void buddyinfo_has_a_kernel_format_line_per_populated_zone(void **state)
{
	struct text t;
	unsigned long pages = 0;

	capture(&t, kmm_proc_buddyinfo);
	assert_int_equal(t.nr, 3);
	pages += check_buddyinfo_line(t.line[0], "DMA");
	pages += check_buddyinfo_line(t.line[1], "Normal");
	pages += check_buddyinfo_line(t.line[2], "HighMem");
	assert_int_equal(pages, nr_free_pages());
	release(&t);
}

static void buddyinfo_counts_add_up_to_nr_free_pages_while_memory_is_in_use(void **state)
{
	struct page *held[6];
	struct text t;
	unsigned long pages = 0;
	static const unsigned int orders[6] = { 0, 0, 3, 5, 7, 10 };

	for (int i = 0; i < 6; i++)
		assert_non_null(held[i] = alloc_pages(GFP_KERNEL, orders[i]));
	capture(&t, kmm_proc_buddyinfo);
	pages += check_buddyinfo_line(t.line[0], "DMA");
	pages += check_buddyinfo_line(t.line[1], "Normal");
	pages += check_buddyinfo_line(t.line[2], "HighMem");
	assert_int_equal(pages, nr_free_pages());
	release(&t);
	for (int i = 0; i < 6; i++)
		__free_pages(held[i], orders[i]);
}

static void buddyinfo_line_has_the_reference_shape(void **state)
{
	struct text mine, ref;
	const char *ref_dma, *my_dma;

	capture(&mine, kmm_proc_buddyinfo);
	read_reference(&ref, "proc-buddyinfo.txt");
	ref_dma = find_line(&ref, "Node 0, zone      DMA ");
	my_dma = find_line(&mine, "Node 0, zone      DMA ");
	assert_non_null(ref_dma);
	assert_non_null(my_dma);
	/* Same width fields, same trailing space: same length while counts fit six digits. */
	assert_int_equal(strlen(my_dma), strlen(ref_dma));
	assert_int_equal(my_dma[strlen(my_dma) - 1], ' ');
	release(&mine);
	release(&ref);
}

static void buddyinfo_x86_32_has_the_reference_zones_and_shape(void **state)
{
	struct text mine, ref;

	capture(&mine, kmm_proc_buddyinfo);
	read_reference_x86_32(&ref, "proc-buddyinfo.txt");
	/* DMA, Normal, HighMem: one line each, the same widths while counts fit six digits. */
	assert_int_equal(mine.nr, 3);
	assert_int_equal(ref.nr, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(strncmp(mine.line[i], ref.line[i], 21), 0);
		assert_int_equal(strlen(mine.line[i]), strlen(ref.line[i]));
	}
	release(&mine);
	release(&ref);
}

static void buddyinfo_omits_zones_without_memory_x86_32(void **state)
{
	struct text t;

	capture(&t, kmm_proc_buddyinfo);
	assert_int_equal(t.nr, 2);
	check_buddyinfo_line(t.line[0], "DMA");
	check_buddyinfo_line(t.line[1], "Normal");
	release(&t);
}

static void buddyinfo_omits_zones_without_memory_x86_64(void **state)
{
	struct text t;

	capture(&t, kmm_proc_buddyinfo);
	assert_int_equal(t.nr, 2);
	check_buddyinfo_line(t.line[0], "DMA");
	check_buddyinfo_line(t.line[1], "DMA32");
	release(&t);
}

/* ---- meminfo */

static void meminfo_lines_are_label_and_value_ending_at_column_24(void **state)
{
	struct text t;

	capture(&t, kmm_proc_meminfo);
	assert_true(t.nr > 30);
	for (int i = 0; i < t.nr; i++) {
		const char *line = t.line[i];
		const char *colon = strchr(line, ':');
		bool pages = strncmp(line, "HugePages_", 10) == 0;
		char label[32], expect[96];
		unsigned long value;
		int label_len;

		assert_non_null(colon);
		label_len = (int)(colon - line) + 1;
		assert_true(label_len < (int)sizeof(label));
		snprintf(label, sizeof(label), "%.*s", label_len, line);
		assert_int_equal(sscanf(colon + 1, "%lu", &value), 1);
		/* "%-16s%8lu kB": the value ends at column 24 (HardwareCorrupted: pads less). */
		if (label_len > 16)
			snprintf(expect, sizeof(expect), "%s %*lu%s", label, 23 - label_len, value,
				 pages ? "" : " kB");
		else
			snprintf(expect, sizeof(expect), "%-16s%8lu%s", label, value,
				 pages ? "" : " kB");
		assert_string_equal(line, expect);
	}
	release(&t);
}

static void meminfo_totals_agree_with_the_zones(void **state)
{
	struct text t;
	unsigned long managed = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		managed += zones[i].managed_pages;
	capture(&t, kmm_proc_meminfo);
	assert_string_equal(t.line[0], find_line(&t, "MemTotal:"));
	assert_int_equal(meminfo_kb(&t, "MemTotal:"), managed * 4);
	assert_int_equal(meminfo_kb(&t, "MemFree:"), nr_free_pages() * 4);
	assert_int_equal(meminfo_kb(&t, "HighTotal:"), zones[ZONE_HIGHMEM].managed_pages * 4);
	assert_int_equal(meminfo_kb(&t, "HighFree:"), zones[ZONE_HIGHMEM].free_pages * 4);
	assert_int_equal(meminfo_kb(&t, "LowTotal:"),
			 meminfo_kb(&t, "MemTotal:") - meminfo_kb(&t, "HighTotal:"));
	assert_int_equal(meminfo_kb(&t, "LowFree:"),
			 meminfo_kb(&t, "MemFree:") - meminfo_kb(&t, "HighFree:"));
	assert_int_equal(meminfo_kb(&t, "VmallocTotal:"), (VMALLOC_END - VMALLOC_START) >> 10);
	release(&t);
}

static void meminfo_mem_free_follows_allocations(void **state)
{
	struct text before, during;
	struct page *page;

	capture(&before, kmm_proc_meminfo);
	page = alloc_pages(GFP_KERNEL, 5);
	assert_non_null(page);
	capture(&during, kmm_proc_meminfo);
	assert_int_equal(meminfo_kb(&before, "MemFree:") - meminfo_kb(&during, "MemFree:"), 128);
	assert_int_equal(meminfo_kb(&before, "MemTotal:"), meminfo_kb(&during, "MemTotal:"));
	__free_pages(page, 5);
	release(&before);
	release(&during);
}

static void meminfo_high_and_low_lines_sit_between_mlocked_and_swap_total(void **state)
{
	struct text t;
	int mlocked;

	capture(&t, kmm_proc_meminfo);
	mlocked = find_index(&t, "Mlocked:");
	assert_true(mlocked > 0);
	assert_int_equal(find_index(&t, "HighTotal:"), mlocked + 1);
	assert_int_equal(find_index(&t, "HighFree:"), mlocked + 2);
	assert_int_equal(find_index(&t, "LowTotal:"), mlocked + 3);
	assert_int_equal(find_index(&t, "LowFree:"), mlocked + 4);
	assert_int_equal(find_index(&t, "SwapTotal:"), mlocked + 5);
	assert_true(meminfo_kb(&t, "HighTotal:") > 0);
	release(&t);
}

static void meminfo_has_no_high_and_low_lines_without_high_memory(void **state)
{
	struct text t;

	capture(&t, kmm_proc_meminfo);
	assert_null(find_line(&t, "HighTotal:"));
	assert_null(find_line(&t, "HighFree:"));
	assert_null(find_line(&t, "LowTotal:"));
	assert_null(find_line(&t, "LowFree:"));
	assert_int_equal(find_index(&t, "SwapTotal:"), find_index(&t, "Mlocked:") + 1);
	release(&t);
}

static void meminfo_x86_64_has_the_reference_fields_in_order(void **state)
{
	struct text mine, ref;

	capture(&mine, kmm_proc_meminfo);
	read_reference(&ref, "proc-meminfo.txt");
	assert_int_equal(mine.nr, ref.nr);
	for (int i = 0; i < ref.nr; i++) {
		size_t label = (size_t)(strchr(ref.line[i], ':') - ref.line[i]) + 1;

		assert_int_equal(strncmp(mine.line[i], ref.line[i], label), 0);
	}
	release(&mine);
	release(&ref);
}

static void meminfo_x86_32_has_the_reference_fields_in_order(void **state)
{
	struct text mine, ref;

	capture(&mine, kmm_proc_meminfo);
	read_reference_x86_32(&ref, "proc-meminfo.txt");
	/* HighTotal..LowFree after Mlocked, DirectMap4M and 4 MiB huge pages (2-level paging). */
	assert_int_equal(mine.nr, ref.nr);
	for (int i = 0; i < ref.nr; i++) {
		size_t label = (size_t)(strchr(ref.line[i], ':') - ref.line[i]) + 1;

		assert_int_equal(strncmp(mine.line[i], ref.line[i], label), 0);
	}
	/* Values that follow from the layout alone are the kernel's. */
	assert_string_equal(find_line(&mine, "VmallocTotal:"), find_line(&ref, "VmallocTotal:"));
	assert_string_equal(find_line(&mine, "Hugepagesize:"), find_line(&ref, "Hugepagesize:"));
	assert_int_equal(meminfo_kb(&mine, "DirectMap4k:") + meminfo_kb(&mine, "DirectMap4M:"),
			 meminfo_kb(&ref, "DirectMap4k:") + meminfo_kb(&ref, "DirectMap4M:"));
	/* The first 4 MiB and the tail in 4k pages; the kernel splits one more for its image. */
	assert_int_equal(meminfo_kb(&mine, "DirectMap4k:") + 4096,
			 meminfo_kb(&ref, "DirectMap4k:"));
	release(&mine);
	release(&ref);
}

/* ---- zoneinfo */

struct zoneinfo_zone {
	char name[16];
	long free, min, low, high, spanned, present, managed;
	bool has_stats;
};

static long zone_field(const struct text *t, int from, int to, const char *prefix)
{
	long v = -1;

	for (int i = from; i < to; i++)
		if (strncmp(t->line[i], prefix, strlen(prefix)) == 0)
			assert_int_equal(sscanf(t->line[i] + strlen(prefix), "%ld", &v), 1);
	return v;
}

static int parse_zoneinfo(const struct text *t, struct zoneinfo_zone *zs, int max)
{
	int starts[8], n = 0;

	for (int i = 0; i < t->nr; i++)
		if (strncmp(t->line[i], "Node 0, zone ", 13) == 0) {
			assert_true(n < max && n < 8);
			starts[n++] = i;
		}
	for (int k = 0; k < n; k++) {
		int from = starts[k], to = k + 1 < n ? starts[k + 1] : t->nr;
		struct zoneinfo_zone *z = &zs[k];

		assert_int_equal(sscanf(t->line[from], "Node 0, zone %15s", z->name), 1);
		z->free = zone_field(t, from, to, "  pages free     ");
		z->min = zone_field(t, from, to, "        min      ");
		z->low = zone_field(t, from, to, "        low      ");
		z->high = zone_field(t, from, to, "        high     ");
		z->spanned = zone_field(t, from, to, "        spanned  ");
		z->present = zone_field(t, from, to, "        present  ");
		z->managed = zone_field(t, from, to, "        managed  ");
		z->has_stats = zone_field(t, from, to, "      nr_free_pages ") >= 0;
	}
	return n;
}

static const struct zone *zone_named(const char *name)
{
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (zones[i].name && strcmp(zones[i].name, name) == 0)
			return &zones[i];
	fail_msg("no zone %s", name);
	return NULL;
}

static void zoneinfo_gives_watermarks_for_each_populated_zone(void **state)
{
	struct zoneinfo_zone zs[8];
	struct text t;
	unsigned long free = 0;
	int n;

	capture(&t, kmm_proc_zoneinfo);
	n = parse_zoneinfo(&t, zs, 8);
	/* The zone types of a 32-bit kernel with high memory; Movable is configured, empty. */
	assert_int_equal(n, 4);
	assert_string_equal(zs[0].name, "DMA");
	assert_string_equal(zs[1].name, "Normal");
	assert_string_equal(zs[2].name, "HighMem");
	assert_string_equal(zs[3].name, "Movable");
	assert_int_equal(zs[3].managed, 0);
	for (int k = 0; k < 3; k++) {
		const struct zone *z = zone_named(zs[k].name);

		assert_true(zs[k].min > 0);
		assert_true(zs[k].min < zs[k].low);
		assert_true(zs[k].low < zs[k].high);
		assert_int_equal(zs[k].managed, z->managed_pages);
		assert_int_equal(zs[k].spanned, z->spanned_pages);
		assert_true(zs[k].managed <= zs[k].present);
		assert_int_equal(zs[k].free, z->free_pages);
		assert_true(zs[k].has_stats);
		free += (unsigned long)zs[k].free;
	}
	assert_int_equal(free, nr_free_pages());
	release(&t);
}

static void zoneinfo_shows_empty_zones_up_to_protection(void **state)
{
	struct zoneinfo_zone zs[8];
	struct text t;
	int n;

	capture(&t, kmm_proc_zoneinfo);
	n = parse_zoneinfo(&t, zs, 8);
	/* 512 MiB: HighMem (and Movable) are configured but hold nothing. */
	assert_int_equal(n, 4);
	assert_string_equal(zs[2].name, "HighMem");
	assert_int_equal(zs[2].managed, 0);
	assert_int_equal(zs[2].free, 0);
	assert_false(zs[2].has_stats);
	assert_string_equal(zs[3].name, "Movable");
	assert_false(zs[3].has_stats);
	assert_true(zs[1].has_stats);
	assert_int_equal(strncmp(t.line[t.nr - 1], "        protection: (", 21), 0);
	release(&t);
}

/* The DMA zone's "protection: (...)" line, parsed into @cols; returns the column count. */
static int dma_protection(long *cols, int max)
{
	struct text t;
	int n = 0;

	capture(&t, kmm_proc_zoneinfo);
	for (int i = 0; i < t.nr; i++) {
		const char *p = strstr(t.line[i], "protection: (");

		if (!p)
			continue;
		for (p += 13; n < max && *p && *p != ')'; n++) {
			char *end;

			cols[n] = strtol(p, &end, 10);
			p = *end == ',' ? end + 2 : end;
		}
		break;
	}
	release(&t);
	return n;
}

static void zoneinfo_protection_has_a_column_per_configured_zone_type_x86_32(void **state)
{
	long cols[8];
	unsigned long normal = zones[ZONE_NORMAL].managed_pages;
	unsigned long high = zones[ZONE_HIGHMEM].managed_pages;

	/* DMA, Normal, HighMem, Movable: the reserve DMA keeps from each, ratio 256. */
	assert_int_equal(dma_protection(cols, 8), 4);
	assert_int_equal(cols[0], 0);
	assert_int_equal(cols[1], normal / 256);
	assert_int_equal(cols[2], (normal + high) / 256);
	assert_int_equal(cols[3], (normal + high) / 256);
}

static void zoneinfo_protection_has_a_column_per_configured_zone_type_x86_64(void **state)
{
	long cols[8];

	/* DMA, DMA32, Normal, Movable, Device, as the reference x86_64 kernel prints. */
	assert_int_equal(dma_protection(cols, 8), 5);
	assert_int_equal(cols[1], zones[ZONE_DMA32].managed_pages / 256);
	assert_int_equal(cols[4], cols[1] + zones[ZONE_NORMAL].managed_pages / 256);
}

static void zoneinfo_field_labels_are_the_references(void **state)
{
	static const char *const prefixes[] = {
		"  pages free     ",
		"        boost    ",
		"        min      ",
		"        low      ",
		"        high     ",
		"        spanned  ",
		"        present  ",
		"        managed  ",
		"        cma      ",
		"        protection: (",
		"      nr_free_pages ",
		"  pagesets",
		"    cpu: 0",
		"              count: ",
		"              high:  ",
		"              batch: ",
		"  node_unreclaimable:  ",
		"  start_pfn:           ",
	};
	struct text mine, ref;

	capture(&mine, kmm_proc_zoneinfo);
	read_reference(&ref, "proc-zoneinfo.txt");
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		assert_non_null(find_line(&ref, prefixes[i]));
		if (!find_line(&mine, prefixes[i]))
			fail_msg("zoneinfo lacks a line starting \"%s\"", prefixes[i]);
	}
	assert_non_null(find_line(&mine, "Node 0, zone      DMA"));
	release(&mine);
	release(&ref);
}

/* The @n-th (from 0) line starting with @prefix, or "" when there are fewer. */
static const char *nth_line(const struct text *t, const char *prefix, int n)
{
	for (int i = 0; i < t->nr; i++)
		if (strncmp(t->line[i], prefix, strlen(prefix)) == 0 && n-- == 0)
			return t->line[i];
	return "";
}

/* @a within @pct percent of @b. */
static bool near(long a, long b, long pct)
{
	long d = a > b ? a - b : b - a;

	return d * 100 <= b * pct;
}

static void zoneinfo_x86_64_dma_zone_has_the_references_bios_holes(void **state)
{
	struct zoneinfo_zone mine[8], ref[8];
	struct text tm, tr;

	capture(&tm, kmm_proc_zoneinfo);
	read_reference(&tr, "proc-zoneinfo.txt");
	assert_true(parse_zoneinfo(&tm, mine, 8) > 0);
	assert_true(parse_zoneinfo(&tr, ref, 8) > 0);
	/* Page 0 and 0x9f..0xff are firmware's: spanned 4095 from pfn 1, present 3998. */
	assert_string_equal(mine[0].name, "DMA");
	assert_int_equal(mine[0].spanned, ref[0].spanned);
	assert_int_equal(mine[0].present, ref[0].present);
	assert_int_equal(mine[0].managed, ref[0].managed);
	assert_string_equal(nth_line(&tm, "  start_pfn:", 0), nth_line(&tr, "  start_pfn:", 0));
	release(&tm);
	release(&tr);
}

static void zoneinfo_x86_32_has_the_reference_zones_spans_and_watermarks(void **state)
{
	struct zoneinfo_zone mine[8], ref[8];
	struct text tm, tr;
	int n;

	capture(&tm, kmm_proc_zoneinfo);
	read_reference_x86_32(&tr, "proc-zoneinfo.txt");
	n = parse_zoneinfo(&tr, ref, 8);
	assert_int_equal(parse_zoneinfo(&tm, mine, 8), n);
	assert_int_equal(n, 4);
	for (int k = 0; k < n; k++)
		assert_string_equal(mine[k].name, ref[k].name);
	/* Normal ends where low memory does, so its span and HighMem's start are the kernel's. */
	assert_int_equal(mine[1].spanned, ref[1].spanned);
	assert_int_equal(mine[1].present, ref[1].present);
	/* DMA starts at pfn 1 and lacks the BIOS's pages below 1 MiB, as in the kernel. */
	assert_int_equal(mine[0].spanned, ref[0].spanned);
	assert_int_equal(mine[0].present, ref[0].present);
	assert_string_equal(nth_line(&tm, "  start_pfn:", 0), nth_line(&tr, "  start_pfn:", 0));
	assert_string_equal(nth_line(&tm, "  start_pfn:", 1), nth_line(&tr, "  start_pfn:", 1));
	assert_string_equal(nth_line(&tm, "  start_pfn:", 2), nth_line(&tr, "  start_pfn:", 2));
	/*
	 * Watermarks: min_free_kbytes as khugepaged raises it (huge pages are on from 512 MiB),
	 * spread by managed pages, which differ a little (the kernel's own image, its memmap).
	 * The empty Movable zone counts as high memory: 32 pages each.
	 */
	for (int k = 0; k < 3; k++) {
		assert_true(near(mine[k].min, ref[k].min, 5));
		assert_true(near(mine[k].low, ref[k].low, 5));
		assert_true(near(mine[k].high, ref[k].high, 5));
	}
	assert_int_equal(mine[3].min, ref[3].min);
	assert_int_equal(mine[3].low, ref[3].low);
	assert_int_equal(mine[3].high, ref[3].high);
	release(&tm);
	release(&tr);
}

static unsigned long low_min_pages(void)
{
	return zones[ZONE_DMA].watermark[WMARK_MIN] + zones[ZONE_NORMAL].watermark[WMARK_MIN];
}

static void min_free_kbytes_is_raised_for_huge_pages_from_512_mib(void **state)
{
	unsigned long low;

	/* 1 GiB: khugepaged's 11 pageblocks of 4 MiB per low zone, capped at 5% of low memory. */
	assert_int_equal(boot("x86_32", GiB), 0);
	low = zones[ZONE_DMA].managed_pages + zones[ZONE_NORMAL].managed_pages;
	assert_true(low_min_pages() <= low / 20 && low_min_pages() + 2 >= low / 20);
	kmm_shutdown();
	/* Under 512 MiB the kernel turns huge pages off: sqrt(16 * lowmem kB) kB, about 2.8 MiB. */
	assert_int_equal(boot("x86_32", 500 * MiB), 0);
	assert_true(low_min_pages() > 680 && low_min_pages() <= 716);
}

static void vmallocinfo_x86_32_line_has_the_reference_shape(void **state)
{
	struct text mine, ref;
	void *p = vmalloc(3 * PAGE_SIZE);
	const char *r = NULL, *m = NULL;
	unsigned long a, b;

	assert_non_null(p);
	capture(&mine, kmm_proc_vmallocinfo);
	read_reference_x86_32(&ref, "proc-vmallocinfo.txt");
	/* The probe's vmalloc(12288) in the kernel's file, ours here. */
	for (int i = 0; i < ref.nr; i++)
		if (strstr(ref.line[i], " pages=3 vmalloc"))
			r = ref.line[i];
	for (int i = 0; i < mine.nr; i++)
		if (strstr(mine.line[i], " pages=3 vmalloc"))
			m = mine.line[i];
	assert_non_null(r);
	assert_non_null(m);
	/* No per-node counts on a kernel without NUMA: the line ends with the type. */
	assert_string_equal(strstr(m, " pages=3 vmalloc"), strstr(r, " pages=3 vmalloc"));
	/* "0x%px-0x%px %7ld ", the guard page counted: 16384 for three pages. */
	assert_int_equal(sscanf(m, "0x%lx-0x%lx", &a, &b), 2);
	assert_int_equal(b - a, 4 * PAGE_SIZE);
	assert_int_equal(strncmp(strchr(m, ' '), "   16384 ", 9), 0);
	assert_int_equal(strncmp(strchr(r, ' '), "   16384 ", 9), 0);
	if (kmm_layout.at_real_address) /* 8 digits per address, as the i386 kernel prints */
		assert_int_equal(strchr(m, ' ') - m, strchr(r, ' ') - r);
	vfree(p);
	release(&mine);
	release(&ref);
}

/* ---- iomem */

static void iomem_shows_system_ram_spanning_ram_x86_32(void **state)
{
	struct text t;

	capture(&t, kmm_proc_iomem);
	/* The first MiB is the firmware area; System RAM is the rest, up to 1 GiB. */
	assert_non_null(find_line(&t, "00000000-000fffff : Reserved"));
	assert_non_null(find_line(&t, "00100000-3fffffff : System RAM"));
	release(&t);
}

static void iomem_shows_system_ram_at_phys_offset_arm32(void **state)
{
	struct text t;

	capture(&t, kmm_proc_iomem);
	assert_non_null(find_line(&t, "60000000-9fffffff : System RAM"));
	assert_null(find_line(&t, "00000000-"));
	release(&t);
}

/* ---- the layout banner */

static void expect_layout_line(const struct text *t, int i, const char *name, unsigned long start,
			       unsigned long end, bool mb)
{
	char expect[128];

	snprintf(expect, sizeof(expect), "    %-7s : 0x%08lx - 0x%08lx   (%4lu %s)", name, start,
		 end, (end - start) >> (mb ? 20 : 10), mb ? "MB" : "kB");
	assert_true(i < t->nr);
	assert_string_equal(t->line[i], expect);
}

static void layout_banner_x86_32_lists_fixmap_pkmap_vmalloc_lowmem(void **state)
{
	struct text t;

	capture(&t, kmm_print_layout);
	assert_int_equal(t.nr, 5);
	assert_string_equal(t.line[0], "Virtual kernel memory layout:");
	/* As arch/x86/mm/init_32.c printed it: fixmap and pkmap in kB, the rest in MB. */
	expect_layout_line(&t, 1, "fixmap", FIXADDR_START, FIXADDR_TOP, false);
	expect_layout_line(&t, 2, "pkmap", PKMAP_BASE, PKMAP_BASE + LAST_PKMAP * PAGE_SIZE, false);
	expect_layout_line(&t, 3, "vmalloc", VMALLOC_START, VMALLOC_END, true);
	expect_layout_line(&t, 4, "lowmem", PAGE_OFFSET, (unsigned long)high_memory, true);
	assert_non_null(strstr(t.line[4], "( 896 MB)"));
	assert_non_null(strstr(t.line[2], "(4096 kB)"));
	release(&t);
}

static void layout_banner_arm32_puts_pkmap_and_modules_below_lowmem(void **state)
{
	struct text t;

	capture(&t, kmm_print_layout);
	assert_int_equal(t.nr, 6);
	/* As arch/arm/mm/init.c printed it: pkmap and modules in MB after lowmem. */
	expect_layout_line(&t, 1, "fixmap", FIXADDR_START, FIXADDR_TOP, false);
	expect_layout_line(&t, 2, "vmalloc", VMALLOC_START, VMALLOC_END, true);
	expect_layout_line(&t, 3, "lowmem", PAGE_OFFSET, (unsigned long)high_memory, true);
	expect_layout_line(&t, 4, "pkmap", PKMAP_BASE, PKMAP_BASE + LAST_PKMAP * PAGE_SIZE, true);
	expect_layout_line(&t, 5, "modules", MODULES_VADDR, MODULES_END, true);
	assert_non_null(strstr(t.line[3], "( 768 MB)"));
	release(&t);
}

static void layout_banner_without_high_memory_has_no_pkmap(void **state)
{
	struct text t;

	capture(&t, kmm_print_layout);
	assert_int_equal(t.nr, 4);
	expect_layout_line(&t, 1, "fixmap", FIXADDR_START, FIXADDR_TOP, false);
	expect_layout_line(&t, 2, "vmalloc", VMALLOC_START, VMALLOC_END, true);
	expect_layout_line(&t, 3, "lowmem", PAGE_OFFSET, (unsigned long)high_memory, true);
	release(&t);
}

/* ---- kmm_proc_show */

static void print_buddyinfo(FILE *out)
{
	assert_int_equal(kmm_proc_show("buddyinfo", out), 0);
}

static void print_meminfo(FILE *out)
{
	assert_int_equal(kmm_proc_show("meminfo", out), 0);
}

static void print_nonesuch(FILE *out)
{
	assert_int_equal(kmm_proc_show("nonesuch", out), -ENOENT);
}

static void proc_show_picks_the_view_by_name(void **state)
{
	struct text by_name, direct;

	capture(&by_name, print_buddyinfo);
	capture(&direct, kmm_proc_buddyinfo);
	assert_string_equal(by_name.buf, direct.buf);
	release(&by_name);
	release(&direct);
	capture(&by_name, print_meminfo);
	capture(&direct, kmm_proc_meminfo);
	assert_string_equal(by_name.buf, direct.buf);
	release(&by_name);
	release(&direct);
	capture(&by_name, print_nonesuch);
	assert_int_equal(by_name.len, 0);
	release(&by_name);
}

#define X86_32(fn) cmocka_unit_test_setup_teardown(fn, boot_x86_32, kmm_test_shutdown)
#define X86_32_LOW(fn) \
	cmocka_unit_test_setup_teardown(fn, boot_x86_32_lowmem_only, kmm_test_shutdown)
#define X86_32_REF(fn) cmocka_unit_test_setup_teardown(fn, boot_x86_32_reference, kmm_test_shutdown)
#define ARM32(fn) cmocka_unit_test_setup_teardown(fn, boot_arm32, kmm_test_shutdown)
#define X86_64(fn) cmocka_unit_test_setup_teardown(fn, boot_x86_64, kmm_test_shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		X86_32(buddyinfo_has_a_kernel_format_line_per_populated_zone),
		X86_32(buddyinfo_counts_add_up_to_nr_free_pages_while_memory_is_in_use),
		X86_32(buddyinfo_line_has_the_reference_shape),
		X86_32_REF(buddyinfo_x86_32_has_the_reference_zones_and_shape),
		X86_32_LOW(buddyinfo_omits_zones_without_memory_x86_32),
		X86_64(buddyinfo_omits_zones_without_memory_x86_64),
		X86_32(meminfo_lines_are_label_and_value_ending_at_column_24),
		X86_64(meminfo_lines_are_label_and_value_ending_at_column_24),
		ARM32(meminfo_lines_are_label_and_value_ending_at_column_24),
		X86_32(meminfo_totals_agree_with_the_zones),
		ARM32(meminfo_totals_agree_with_the_zones),
		X86_32(meminfo_mem_free_follows_allocations),
		X86_32(meminfo_high_and_low_lines_sit_between_mlocked_and_swap_total),
		ARM32(meminfo_high_and_low_lines_sit_between_mlocked_and_swap_total),
		X86_32_LOW(meminfo_has_no_high_and_low_lines_without_high_memory),
		X86_64(meminfo_has_no_high_and_low_lines_without_high_memory),
		X86_64(meminfo_x86_64_has_the_reference_fields_in_order),
		X86_32_REF(meminfo_x86_32_has_the_reference_fields_in_order),
		X86_32(zoneinfo_gives_watermarks_for_each_populated_zone),
		X86_32_LOW(zoneinfo_shows_empty_zones_up_to_protection),
		X86_32(zoneinfo_field_labels_are_the_references),
		X86_32_REF(zoneinfo_x86_32_has_the_reference_zones_spans_and_watermarks),
		X86_64(zoneinfo_x86_64_dma_zone_has_the_references_bios_holes),
		X86_32_REF(vmallocinfo_x86_32_line_has_the_reference_shape),
		cmocka_unit_test_teardown(min_free_kbytes_is_raised_for_huge_pages_from_512_mib,
					  kmm_test_shutdown),
		X86_32(zoneinfo_protection_has_a_column_per_configured_zone_type_x86_32),
		X86_64(zoneinfo_protection_has_a_column_per_configured_zone_type_x86_64),
		X86_32(iomem_shows_system_ram_spanning_ram_x86_32),
		ARM32(iomem_shows_system_ram_at_phys_offset_arm32),
		X86_32(layout_banner_x86_32_lists_fixmap_pkmap_vmalloc_lowmem),
		ARM32(layout_banner_arm32_puts_pkmap_and_modules_below_lowmem),
		X86_64(layout_banner_without_high_memory_has_no_pkmap),
		X86_32_LOW(layout_banner_without_high_memory_has_no_pkmap),
		X86_32(proc_show_picks_the_view_by_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
