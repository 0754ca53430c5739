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

#define MAX_CACHES 512

int cmd_slabinfo(const struct kmm_cli *cli)
{
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

/* slabtop's layout: five summary lines, then one row per cache, biggest first. */
static void print_top(FILE *out, int max_rows)
{
	struct kmm_slab_info *info = calloc(MAX_CACHES, sizeof(*info));
	int n = kmm_slab_info(info, MAX_CACHES), used_caches = 0;
	unsigned long objs = 0, active = 0, slabs = 0, active_slabs = 0;
	double size = 0, active_size = 0, min = 0, max = 0;

	if (n > MAX_CACHES)
		n = MAX_CACHES;
	for (int i = 0; i < n; i++) {
		double obj_kb = info[i].objsize / 1024.0;

		objs += info[i].num_objs;
		active += info[i].active_objs;
		slabs += info[i].num_slabs;
		active_slabs += info[i].active_slabs;
		size += info[i].num_objs * obj_kb;
		active_size += info[i].active_objs * obj_kb;
		used_caches += info[i].active_objs != 0;
		if (!i || obj_kb < min)
			min = obj_kb;
		if (obj_kb > max)
			max = obj_kb;
	}
	fprintf(out, " Active / Total Objects (%% used)    : %lu / %lu (%.1f%%)\n", active, objs,
		pct(active, objs));
	fprintf(out, " Active / Total Slabs (%% used)      : %lu / %lu (%.1f%%)\n", active_slabs,
		slabs, pct(active_slabs, slabs));
	fprintf(out, " Active / Total Caches (%% used)     : %d / %d (%.1f%%)\n", used_caches, n,
		pct(used_caches, n));
	fprintf(out, " Active / Total Size (%% used)       : %.2fK / %.2fK (%.1f%%)\n", active_size,
		size, pct(active_size, size));
	fprintf(out, " Minimum / Average / Maximum Object : %.2fK / %.2fK / %.2fK\n\n", min,
		objs ? size / objs : 0.0, max);
	fprintf(out, "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME\n");
	qsort(info, (size_t)n, sizeof(*info), by_size);
	for (int i = 0; i < n && i < max_rows; i++)
		fprintf(out, "%6lu %6lu %3.0f%% %7.2fK %6lu %8u %9luK %s\n", info[i].num_objs,
			info[i].active_objs, pct(info[i].active_objs, info[i].num_objs),
			info[i].objsize / 1024.0, info[i].num_slabs, info[i].objperslab,
			cache_bytes(&info[i]) >> 10, info[i].name);
	free(info);
}

int cmd_top(const struct kmm_cli *cli)
{
	print_top(stdout, cli->nargs ? atoi(cli->args[0]) : 30);
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
