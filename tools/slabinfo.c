/*
 * slabinfo.c - "kmm slabinfo" (/proc/slabinfo of the booted machine), "kmm top" (a
 * slabtop-style summary and table, sorted by cache size, printed once) and the demo's slab
 * step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include <kmm/proc.h>
#include <kmm/report.h>
#include <kmm/slab.h>

#include "commands.h"
#include "json.h"

#define MAX_CACHES 512

int cmd_slabinfo(const struct kmm_cli *cli)
{
	if (cli->json)
		return json_proc("slabinfo", stdout);
	kmm_proc_slabinfo(stdout);
	return 0;
}

static unsigned long cache_bytes(const struct kmm_slab_info *i)
{
	return i->num_slabs * i->pagesperslab * 4096UL;
}

static int by_size(const void *a, const void *b)
{
	unsigned long x = cache_bytes(a), y = cache_bytes(b);

	if (x != y)
		return x < y ? 1 : -1;
	return strcmp(((const struct kmm_slab_info *)a)->name,
		      ((const struct kmm_slab_info *)b)->name);
}

static double pct(double part, double whole)
{
	return whole ? 100.0 * part / whole : 0.0;
}

/* slabtop's summary lines, over every cache. */
struct top_summary {
	unsigned long objs, active, slabs, active_slabs;
	int caches, used_caches;
	double size_kb, active_size_kb, min_kb, max_kb;
};

/* The summary of @n caches, which it sorts biggest first. */
static void summarize(struct kmm_slab_info *info, int n, struct top_summary *t)
{
	*t = (struct top_summary){ 0 };
	for (int i = 0; i < n; i++) {
		const struct kmm_slab_info *c = &info[i];
		double obj_kb = c->objsize / 1024.0;

		t->objs += c->num_objs;
		t->active += c->active_objs;
		t->slabs += c->num_slabs;
		t->active_slabs += c->active_slabs;
		t->size_kb += c->num_objs * obj_kb;
		t->active_size_kb += c->active_objs * obj_kb;
		t->used_caches += c->active_objs != 0;
		if (!i || obj_kb < t->min_kb)
			t->min_kb = obj_kb;
		if (obj_kb > t->max_kb)
			t->max_kb = obj_kb;
	}
	t->caches = n;
	qsort(info, (size_t)n, sizeof(*info), by_size);
}

/* Every cache of this machine, biggest first, in *@info (the caller frees it), and their summary. */
static int top_caches(struct kmm_slab_info **info, struct top_summary *t)
{
	int n;

	*info = calloc(MAX_CACHES, sizeof(**info));
	n = *info ? kmm_slab_info(*info, MAX_CACHES) : 0;
	if (n > MAX_CACHES)
		n = MAX_CACHES;
	summarize(*info, n, t);
	return n;
}

/* slabtop's layout: five summary lines, then one row per cache, biggest first. */
void top_print_rows(FILE *out, struct kmm_slab_info *info, int n, int max_rows)
{
	struct top_summary t;

	summarize(info, n, &t);
	fprintf(out, " Active / Total Objects (%% used)    : %lu / %lu (%.1f%%)\n", t.active,
		t.objs, pct(t.active, t.objs));
	fprintf(out, " Active / Total Slabs (%% used)      : %lu / %lu (%.1f%%)\n", t.active_slabs,
		t.slabs, pct(t.active_slabs, t.slabs));
	fprintf(out, " Active / Total Caches (%% used)     : %d / %d (%.1f%%)\n", t.used_caches, n,
		pct(t.used_caches, n));
	fprintf(out, " Active / Total Size (%% used)       : %.2fK / %.2fK (%.1f%%)\n",
		t.active_size_kb, t.size_kb, pct(t.active_size_kb, t.size_kb));
	fprintf(out, " Minimum / Average / Maximum Object : %.2fK / %.2fK / %.2fK\n\n", t.min_kb,
		t.objs ? t.size_kb / t.objs : 0.0, t.max_kb);
	fprintf(out, "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME\n");
	for (int i = 0; i < n && i < max_rows; i++)
		fprintf(out, "%6lu %6lu %3.0f%% %7.2fK %6lu %8u %9luK %s\n", info[i].num_objs,
			info[i].active_objs, pct(info[i].active_objs, info[i].num_objs),
			info[i].objsize / 1024.0, info[i].num_slabs, info[i].objperslab,
			cache_bytes(&info[i]) >> 10, info[i].name);
}

static void print_top(FILE *out, int max_rows)
{
	struct kmm_slab_info *info = calloc(MAX_CACHES, sizeof(*info));
	int n = info ? kmm_slab_info(info, MAX_CACHES) : 0;

	top_print_rows(out, info, n > MAX_CACHES ? MAX_CACHES : n, max_rows);
	free(info);
}

/* The same as JSON: the summary's numbers and the @max_rows biggest caches. */
static void print_top_json(FILE *out, int max_rows)
{
	struct kmm_slab_info *info;
	struct top_summary t;
	int n = top_caches(&info, &t);

	json_begin(out, "top");
	fprintf(out,
		"  \"summary\": { \"active_objs\": %lu, \"num_objs\": %lu, \"active_slabs\": "
		"%lu, \"num_slabs\": %lu, \"active_caches\": %d, \"num_caches\": %d, "
		"\"active_size_kb\": %.2f, \"size_kb\": %.2f, \"min_obj_kb\": %.2f, "
		"\"avg_obj_kb\": %.2f, \"max_obj_kb\": %.2f },\n  \"caches\": [",
		t.active, t.objs, t.active_slabs, t.slabs, t.used_caches, n, t.active_size_kb,
		t.size_kb, t.min_kb, t.objs ? t.size_kb / t.objs : 0.0, t.max_kb);
	for (int i = 0; i < n && i < max_rows; i++) {
		fprintf(out, "%s\n    { \"name\": ", i ? "," : "");
		json_string(out, info[i].name);
		fprintf(out,
			", \"num_objs\": %lu, \"active_objs\": %lu, \"objsize\": %u, "
			"\"num_slabs\": %lu, \"objperslab\": %u, \"cache_size_kb\": %lu }",
			info[i].num_objs, info[i].active_objs, info[i].objsize, info[i].num_slabs,
			info[i].objperslab, cache_bytes(&info[i]) >> 10);
	}
	fprintf(out, "\n  ]\n}\n");
	free(info);
}

int cmd_top(const struct kmm_cli *cli)
{
	int rows = cli->nargs ? atoi(cli->args[0]) : 30;

	if (cli->pid)
		return live_top(cli, rows);
	if (cli->json)
		print_top_json(stdout, rows);
	else
		print_top(stdout, rows);
	return 0;
}

struct demo_obj {
	unsigned long id;
	char name[40];
};

int demo_step_slab(void)
{
	struct kmem_cache *cache = KMEM_CACHE(demo_obj, SLAB_HWCACHE_ALIGN);
	struct demo_obj *objs[100];
	char *buf;

	if (!cache)
		return -1;
	for (int i = 0; i < 100; i++) {
		objs[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		if (!objs[i])
			return -1;
		objs[i]->id = (unsigned long)i;
	}
	buf = kmalloc(100, GFP_KERNEL);
	if (!buf)
		return -1;
	printf("  KMEM_CACHE(demo_obj, SLAB_HWCACHE_ALIGN): 100 objects of %zu bytes, each at a\n"
	       "  64-byte boundary in the linear map: objs[0] virt %p phys %#llx\n",
	       sizeof(struct demo_obj), (void *)objs[0], (unsigned long long)virt_to_phys(objs[0]));
	printf("  kmalloc(100) comes from kmalloc-128: ksize() = %zu; kmalloc(0) = %p "
	       "(ZERO_SIZE_PTR)\n",
	       ksize(buf), kmalloc(0, GFP_KERNEL));
	printf("\nkmm top (slabtop's view, biggest caches first):\n\n");
	print_top(stdout, 6);
	if (demo_write_report())
		return -1;
	for (int i = 3; i < 100; i++)
		kmem_cache_free(cache, objs[i]);
	printf("\n  kmem_cache_destroy() with 3 objects still allocated -- reported, and the\n"
	       "  cache stays usable:\n\n");
	fflush(stdout);
	kmem_cache_destroy(cache);
	fflush(stderr);
	for (int i = 0; i < 3; i++)
		kmem_cache_free(cache, objs[i]);
	kmem_cache_destroy(cache);
	kfree(buf);
	printf("\n  Freed them all; the second kmem_cache_destroy() is silent.\n");
	return 0;
}
