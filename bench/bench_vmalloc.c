/*
 * bench_vmalloc.c - the cost of vmalloc+vfree beside a bare mmap+munmap of the same size in
 * the same run, and of kmap/kunmap and kmap_local/kunmap_local pairs.
 *
 * Each figure is the median of RUNS runs of about RUN_NS each, in ns per pair (one allocation
 * and its free, one map and its unmap). The memory is not touched: both sides pay only for
 * the mapping. vmalloc's vfree unmaps lazily, in batches, so the purge is part of the figure
 * (amortised); the vmalloc_debug rows unmap at every vfree. The kmap rows map either one page
 * over and over (the slot keeps its mapping: no host call) or a ring of different pages (a
 * host mapping per map, and for pkmap a flush per wrap). Benchmarks print numbers; they never
 * assert times.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <kmm/kmm.h>
#include <kmm/highmem.h>
#include <kmm/page_alloc.h>
#include <kmm/vmalloc.h>

#define RUNS 7
#define RUN_NS 50000000.0
#define RING 64

static unsigned long npages;
static struct page *ring[RING];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline void sink(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static void loop_vmalloc(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		void *p = vmalloc(npages * PAGE_SIZE);

		sink(p);
		vfree(p);
	}
}

static void loop_mmap(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		void *p = mmap(NULL, npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		sink(p);
		munmap(p, npages * PAGE_SIZE);
	}
}

static void loop_kmap_same(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		sink(kmap(ring[0]));
		kunmap(ring[0]);
	}
}

static void loop_kmap_ring(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		struct page *page = ring[i % RING];

		sink(kmap(page));
		kunmap(page);
	}
}

static void loop_local_same(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		void *p = kmap_local_page(ring[0]);

		sink(p);
		kunmap_local(p);
	}
}

static void loop_local_ring(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		void *p = kmap_local_page(ring[i % RING]);

		sink(p);
		kunmap_local(p);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median ns per op of @fn over RUNS runs. */
static double measure(void (*fn)(unsigned long))
{
	double runs[RUNS], t0, per;
	unsigned long ops = 16;

	fn(ops);
	do {
		ops *= 2;
		t0 = now_ns();
		fn(ops);
		per = (now_ns() - t0) / (double)ops;
	} while (per * (double)ops < RUN_NS / 8);
	ops = (unsigned long)(RUN_NS / per) + 1;
	for (int r = 0; r < RUNS; r++) {
		t0 = now_ns();
		fn(ops);
		runs[r] = (now_ns() - t0) / (double)ops;
	}
	qsort(runs, RUNS, sizeof(runs[0]), cmp_double);
	return runs[RUNS / 2];
}

int main(void)
{
	static const unsigned long sizes[] = { 1, 4, 16, 256 };

	if (kmm_boot(NULL)) {
		fprintf(stderr, "bench_vmalloc: kmm_boot failed\n");
		return 1;
	}
	printf("vmalloc+vfree vs mmap+munmap of the same size (median of %d runs, ns/pair)\n",
	       RUNS);
	printf("Linux reference (test_vmalloc fix_size): ~640 ns for 1 page, ~2100 ns for 16\n");
	printf("%8s %14s %14s %8s %16s\n", "pages", "vmalloc+vfree", "mmap+munmap", "ratio",
	       "vmalloc (debug)");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		double v, m, d;

		npages = sizes[i];
		kmm_option_set("vmalloc_debug", "0");
		v = measure(loop_vmalloc);
		m = measure(loop_mmap);
		kmm_option_set("vmalloc_debug", "1");
		d = measure(loop_vmalloc);
		kmm_option_set("vmalloc_debug", "0");
		printf("%8lu %14.0f %14.0f %7.2fx %16.0f\n", npages, v, m, v / m, d);
	}

	for (int i = 0; i < RING; i++)
		ring[i] = alloc_page(GFP_HIGHUSER);
	printf("\nhigh-memory mappings (median of %d runs, ns/pair)\n", RUNS);
	printf("  kmap+kunmap, same page             %8.1f\n", measure(loop_kmap_same));
	printf("  kmap+kunmap, ring of %d pages      %8.1f\n", RING, measure(loop_kmap_ring));
	printf("  kmap_local+kunmap_local, same page %8.1f\n", measure(loop_local_same));
	printf("  kmap_local+kunmap_local, ring      %8.1f\n", measure(loop_local_ring));
	for (int i = 0; i < RING; i++)
		__free_page(ring[i]);
	kmm_shutdown();
	return 0;
}
