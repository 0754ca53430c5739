/*
 * report.c - "kmm report --html FILE": one self-contained HTML page picturing the machine's
 * memory: the virtual layout to scale (with the small areas zoomed), the physical map by zone
 * with each zone's free buddy blocks by order, every slab cache as a bar of used and free
 * objects, the vmalloc areas with their callers, and the pkmap and fixmap slots in use.
 *
 * The page holds the numbers as one JSON document (the same views as --json) and the script
 * that draws them as SVG (report_page.js, embedded at build time), so it needs no network and
 * no other file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/highmem.h>
#include <kmm/kmm.h>
#include <kmm/layout.h>
#include <kmm/proc.h>

#include "commands.h"
#include "json.h"

extern const char report_page_js[];

struct area {
	const char *name;
	unsigned long start, end;
};

/* The layout's areas in address order; the user space below a 32-bit kernel's window. */
static int layout_areas(struct area *a, unsigned long *lo, unsigned long *hi)
{
	const struct kmm_layout *l = &kmm_layout;
	int n = 0;

	/* A 32-bit window at its real place: the whole 4 GiB, as the books draw it. */
	*lo = l->window_start;
	*hi = l->window_end;
	if (l->at_real_address && l->window_end <= (1UL << 32) && l->window_end > (3UL << 30)) {
		*lo = 0;
		*hi = 1UL << 32;
		a[n++] = (struct area){ "user space", 0, l->window_start };
	}
	if (l->modules_vaddr)
		a[n++] = (struct area){ "modules", l->modules_vaddr, l->modules_end };
	if (l->last_pkmap && l->pkmap_base < l->page_offset)
		a[n++] = (struct area){ "pkmap", l->pkmap_base,
					l->pkmap_base + l->last_pkmap * PAGE_SIZE };
	a[n++] = (struct area){ "lowmem", l->page_offset, l->high_mem };
	a[n++] = (struct area){ "vmalloc", l->vmalloc_start, l->vmalloc_end };
	if (l->last_pkmap && l->pkmap_base > l->page_offset)
		a[n++] = (struct area){ "pkmap", l->pkmap_base,
					l->pkmap_base + l->last_pkmap * PAGE_SIZE };
	a[n++] = (struct area){ "fixmap", l->fixaddr_start, l->fixaddr_top };
	return n;
}

static void vmallocinfo_lines(FILE *out)
{
	char *text = NULL, *save = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int n = 0;

	fputc('[', out);
	if (mem) {
		kmm_proc_show("vmallocinfo", mem);
		fclose(mem);
		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			fputs(n++ ? ",\n    " : "\n    ", out);
			json_string(out, l);
		}
	}
	free(text);
	fputs("\n  ]", out);
}

static void report_data(FILE *out)
{
	const struct kmm_layout *l = &kmm_layout;
	struct area areas[8];
	struct kmm_highmem_usage h;
	unsigned long lo, hi;
	int n = layout_areas(areas, &lo, &hi);

	json_begin(out, "report");
	fprintf(out, "  \"ram_bytes\": %llu,\n  \"page_size\": %lu,\n",
		(unsigned long long)(l->pfn_end - l->min_pfn) << PAGE_SHIFT, PAGE_SIZE);
	fprintf(out, "  \"space_start\": %lu,\n  \"space_end\": %lu,\n  \"areas\": [", lo, hi);
	for (int i = 0; i < n; i++)
		fprintf(out, "%s\n    { \"name\": \"%s\", \"start\": %lu, \"end\": %lu }",
			i ? "," : "", areas[i].name, areas[i].start, areas[i].end);
	kmm_highmem_usage(&h);
	fprintf(out,
		"\n  ],\n  \"highmem_usage\": { \"pkmap_slots\": %u, \"pkmap_in_use\": %u, "
		"\"pkmap_mapped\": %u, \"fixmap_kmap_slots\": %u, \"fixmap_kmap_in_use\": %u, "
		"\"fixmap_named_set\": %u },\n  \"zones\": ",
		h.pkmap_slots, h.pkmap_in_use, h.pkmap_mapped, h.fixmap_kmap_slots,
		h.fixmap_kmap_in_use, h.fixmap_named_set);
	json_zones(out);
	fputs(",\n  \"buddyinfo\": ", out);
	json_buddyinfo(out);
	fputs(",\n  \"slabinfo\": ", out);
	json_slabinfo(out);
	fputs(",\n  \"vmallocinfo\": ", out);
	vmallocinfo_lines(out);
	fputs("\n}\n", out);
}

static const char page_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>kmm memory report</title>\n<style>\n"
	"body { font: 14px sans-serif; margin: 20px; color: #222; }\n"
	"h2 { font-size: 16px; margin-top: 28px; }\n"
	"svg text.label { font-size: 12px; } svg text.small { font-size: 10px; }\n"
	"svg text.inlabel { font-size: 12px; fill: #fff; }\n"
	"svg rect:hover, svg g.cache:hover rect { stroke: #000; stroke-width: 1.5; }\n"
	"pre { background: #f4f4f4; padding: 8px; font-size: 12px; }\n"
	"</style>\n</head>\n<body>\n<h1 id=\"title\">kmm</h1>\n"
	"<p>Hover over an area, a zone, a buddy order or a cache for its numbers.</p>\n"
	"<h2>Virtual address layout</h2>\n<div id=\"layout\"></div>\n"
	"<h2>Physical memory by zone, and the free buddy blocks</h2>\n<div id=\"zones\"></div>\n"
	"<h2>Slab caches (used and free objects; bar length: memory held)</h2>\n"
	"<div id=\"caches\"></div>\n"
	"<h2>vmalloc areas (/proc/vmallocinfo)</h2>\n<pre id=\"vmallocinfo\"></pre>\n"
	"<h2>pkmap and fixmap</h2>\n<p id=\"slots\"></p>\n"
	"<script type=\"application/json\" id=\"kmm-data\">\n";

int report_write_html(const char *path)
{
	FILE *out = fopen(path, "w");

	if (!out)
		return -errno;
	fputs(page_head, out);
	report_data(out);
	fprintf(out, "</script>\n<script>\n%s</script>\n</body>\n</html>\n", report_page_js);
	if (fclose(out))
		return -errno;
	return 0;
}

int cmd_report(const struct kmm_cli *cli)
{
	char *where;
	int err = report_write_html(cli->html);

	if (err) {
		fprintf(stderr, "kmm: report --html %s: %s\n", cli->html, strerror(-err));
		return err;
	}
	where = realpath(cli->html, NULL);
	printf("kmm: the memory report is in %s\n", where ? where : cli->html);
	free(where);
	return 0;
}

int demo_write_report(void)
{
	static const char name[] = "kmm-report.html";
	char *where;
	int err = report_write_html(name);

	/* A folder the demo may not write to costs the picture, not the tour. */
	if (err) {
		printf("\n  (no picture of the memory: cannot write %s: %s)\n", name,
		       strerror(-err));
		return 0;
	}
	where = realpath(name, NULL);
	printf("\n  a picture of the machine's memory, with these objects live, is in\n  %s\n",
	       where ? where : name);
	free(where);
	return 0;
}
