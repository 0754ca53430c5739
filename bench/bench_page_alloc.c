/*
 * bench_page_alloc.c - cost of the page allocator's hot paths, beside glibc for scale.
 *
 * Each pattern is a loop of operations (one op = one allocation and its free). A run lasts
 * about RUN_NS; a pattern's figure is the median of RUNS runs, so a single noisy run moves
 * nothing. Time is CLOCK_MONOTONIC; cycles are raw __rdtsc() ticks (the TSC, constant-rate:
 * on a VM or a boosting CPU it is the nominal clock, not the core's). The measured TSC
 * frequency is printed so the two columns can be checked against each other.
 *
 * The two-thread rows run the same loop in two threads at once, each on its own pages; the
 * figure is the mean of the two threads' own ns/op (a per-thread cost, not a throughput).
 *
 * With --callgrind-<pattern> N the program runs N ops of one pattern and nothing else, for
 * scripts/bench.sh to count instructions under callgrind: it runs two counts and divides the
 * difference, so one-time costs (thread set-up, the first cache refill) drop out.
 * Benchmarks print numbers; they never assert times.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kmm/kmm.h>
#include <kmm/page_alloc.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_TSC 1
#else
#define HAVE_TSC 0
#endif

#define RUNS 7
#define RUN_NS 100000000.0 /* ~100 ms per run */
#define BATCH 256
#define WARMUP_OPS 4096

/* Linux's published order-0 per-CPU-list alloc+free cost, and kmm's goal. */
#define LINUX_REF "Linux order-0 pcp alloc+free: 159-231 cycles (published)"
#define KMM_GOAL_CYCLES 40

typedef void (*loop_fn)(unsigned long ops);

/*
 * The patterns. scripts/bench.sh counts instructions by the name loop_<mode>: the inclusive
 * cost of the loop minus its own (self) cost is what the allocator spent. They are only
 * called through pointers, so they stay out of line under their own names.
 */

/* Keep the compiler from proving an allocation unused (GCC elides malloc/free pairs). */
static inline void sink(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static void die(const char *what)
{
	fprintf(stderr, "bench_page_alloc: %s failed\n", what);
	exit(1);
}

/* ---------------------------------------------------------------- the patterns */

static void loop_order0(unsigned long ops)
{
	while (ops--) {
		struct page *page = alloc_pages(GFP_KERNEL, 0);

		if (!page)
			die("alloc_pages(GFP_KERNEL, 0)");
		sink(page);
		__free_pages(page, 0);
	}
}

static void loop_order3(unsigned long ops)
{
	while (ops--) {
		struct page *page = alloc_pages(GFP_KERNEL, 3);

		if (!page)
			die("alloc_pages(GFP_KERNEL, 3)");
		sink(page);
		__free_pages(page, 3);
	}
}

static void loop_get_free_page(unsigned long ops)
{
	while (ops--) {
		unsigned long addr = __get_free_page(GFP_KERNEL);

		if (!addr)
			die("__get_free_page(GFP_KERNEL)");
		sink((void *)addr);
		free_page(addr);
	}
}

/* One op = one page of a batch: allocate BATCH order-0 pages, then free them all. */
static void loop_batch(unsigned long ops)
{
	struct page *pages[BATCH];

	for (unsigned long round = (ops + BATCH - 1) / BATCH; round; round--) {
		for (int i = 0; i < BATCH; i++) {
			pages[i] = alloc_pages(GFP_KERNEL, 0);
			if (!pages[i])
				die("alloc_pages(GFP_KERNEL, 0) in a batch");
		}
		sink(pages);
		for (int i = 0; i < BATCH; i++)
			__free_pages(pages[i], 0);
	}
}

static void loop_malloc(unsigned long ops)
{
	while (ops--) {
		void *p = malloc(4096);

		if (!p)
			die("malloc(4096)");
		sink(p);
		free(p);
	}
}

static void loop_aligned_alloc(unsigned long ops)
{
	while (ops--) {
		void *p = aligned_alloc(4096, 4096);

		if (!p)
			die("aligned_alloc(4096, 4096)");
		sink(p);
		free(p);
	}
}

static void loop_malloc_batch(unsigned long ops)
{
	void *ptrs[BATCH];

	for (unsigned long round = (ops + BATCH - 1) / BATCH; round; round--) {
		for (int i = 0; i < BATCH; i++) {
			ptrs[i] = malloc(4096);
			if (!ptrs[i])
				die("malloc(4096) in a batch");
		}
		sink(ptrs);
		for (int i = 0; i < BATCH; i++)
			free(ptrs[i]);
	}
}

/* ---------------------------------------------------------------- timing */

struct sample {
	double ns; /* per op */
	double cycles; /* TSC ticks per op; 0 without a TSC */
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static unsigned long long ticks(void)
{
#if HAVE_TSC
	return __rdtsc();
#else
	return 0;
#endif
}

static struct sample time_ops(loop_fn fn, unsigned long ops)
{
	double t0 = now_ns();
	unsigned long long c0 = ticks();
	struct sample s;

	fn(ops);
	s.cycles = (double)(ticks() - c0) / (double)ops;
	s.ns = (now_ns() - t0) / (double)ops;
	return s;
}

/* Ops that make one run last about RUN_NS. */
static unsigned long calibrate(loop_fn fn)
{
	unsigned long ops = 1024;
	struct sample s;

	fn(WARMUP_OPS);
	for (;;) {
		s = time_ops(fn, ops);
		if (s.ns * (double)ops >= RUN_NS / 10 || ops >= 1UL << 40)
			break;
		ops *= 4;
	}
	ops = (unsigned long)(RUN_NS / s.ns);
	return ops > BATCH ? ops : BATCH;
}

struct worker {
	loop_fn fn;
	unsigned long ops;
	pthread_barrier_t *start;
	struct sample result;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->fn(WARMUP_OPS);
	pthread_barrier_wait(w->start);
	w->result = time_ops(w->fn, w->ops);
	return NULL;
}

/* One run with @threads threads each doing @ops ops; the mean of their per-op figures. */
static struct sample run_threads(loop_fn fn, unsigned long ops, int threads)
{
	struct worker w[2];
	pthread_t tid[2];
	pthread_barrier_t start;
	struct sample s = { 0, 0 };

	if (threads == 1)
		return time_ops(fn, ops);
	pthread_barrier_init(&start, NULL, (unsigned int)threads);
	for (int i = 0; i < threads; i++) {
		w[i] = (struct worker){ .fn = fn, .ops = ops, .start = &start };
		if (pthread_create(&tid[i], NULL, worker_main, &w[i]))
			die("pthread_create");
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		s.ns += w[i].result.ns / threads;
		s.cycles += w[i].result.cycles / threads;
	}
	pthread_barrier_destroy(&start);
	return s;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct result {
	double ns, cycles; /* medians */
	double spread; /* (slowest - fastest) / median, of ns/op */
};

static struct result measure(loop_fn fn, int threads)
{
	unsigned long ops = calibrate(fn);
	double ns[RUNS], cycles[RUNS];
	struct result r;

	for (int i = 0; i < RUNS; i++) {
		struct sample s = run_threads(fn, ops, threads);

		ns[i] = s.ns;
		cycles[i] = s.cycles;
	}
	qsort(ns, RUNS, sizeof(ns[0]), cmp_double);
	qsort(cycles, RUNS, sizeof(cycles[0]), cmp_double);
	r.ns = ns[RUNS / 2];
	r.cycles = cycles[RUNS / 2];
	r.spread = (ns[RUNS - 1] - ns[0]) / r.ns;
	return r;
}

/* TSC ticks per nanosecond, measured against CLOCK_MONOTONIC over ~200 ms. */
static double tsc_ghz(void)
{
	double t0 = now_ns(), t1;
	unsigned long long c0 = ticks(), c1;
	struct timespec pause = { 0, 200000000 };

	nanosleep(&pause, NULL);
	c1 = ticks();
	t1 = now_ns();
	return (double)(c1 - c0) / (t1 - t0);
}

/* ---------------------------------------------------------------- the table */

struct row {
	const char *name;
	loop_fn fn;
	int threads;
	int peer; /* index of the glibc row to compare with, or -1 */
	bool linux_ref; /* an order-0 pcp pair: print the Linux figure and the goal */
	struct result r;
};

enum {
	PEER_MALLOC_1,
	PEER_MALLOC_2,
	PEER_ALIGNED_1,
	PEER_ALIGNED_2,
	PEER_MALLOC_BATCH,
	NR_PEERS,
};

static struct row peers[NR_PEERS] = {
	[PEER_MALLOC_1] = { .name = "glibc malloc(4096)+free",
			    .fn = loop_malloc,
			    .threads = 1,
			    .peer = -1 },
	[PEER_MALLOC_2] = { .name = "glibc malloc(4096)+free",
			    .fn = loop_malloc,
			    .threads = 2,
			    .peer = -1 },
	[PEER_ALIGNED_1] = { .name = "glibc aligned_alloc(4096,4096)+free",
			     .fn = loop_aligned_alloc,
			     .threads = 1,
			     .peer = -1 },
	[PEER_ALIGNED_2] = { .name = "glibc aligned_alloc(4096,4096)+free",
			     .fn = loop_aligned_alloc,
			     .threads = 2,
			     .peer = -1 },
	[PEER_MALLOC_BATCH] = { .name = "glibc malloc(4096) x256, free all",
				.fn = loop_malloc_batch,
				.threads = 1,
				.peer = -1 },
};

static struct row rows[] = {
	{ .name = "alloc_pages+__free_pages order 0",
	  .fn = loop_order0,
	  .threads = 1,
	  .peer = PEER_MALLOC_1,
	  .linux_ref = true },
	{ .name = "alloc_pages+__free_pages order 0",
	  .fn = loop_order0,
	  .threads = 2,
	  .peer = PEER_MALLOC_2,
	  .linux_ref = true },
	{ .name = "alloc_pages+__free_pages order 3",
	  .fn = loop_order3,
	  .threads = 1,
	  .peer = PEER_MALLOC_1 },
	{ .name = "alloc_pages+__free_pages order 3",
	  .fn = loop_order3,
	  .threads = 2,
	  .peer = PEER_MALLOC_2 },
	{ .name = "alloc_pages order 0 x256, free all",
	  .fn = loop_batch,
	  .threads = 1,
	  .peer = PEER_MALLOC_BATCH },
	{ .name = "__get_free_page+free_page",
	  .fn = loop_get_free_page,
	  .threads = 1,
	  .peer = PEER_ALIGNED_1,
	  .linux_ref = true },
};

#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

static void print_row(const struct row *row, const char *note)
{
	printf("%-37s %2d %8.1f %9.1f %6.1f%%  %s\n", row->name, row->threads, row->r.ns,
	       row->r.cycles, row->r.spread * 100, note);
}

static int run_table(void)
{
	double ghz = HAVE_TSC ? tsc_ghz() : 0;
	char note[128];

	printf("kmm page allocator: GFP_KERNEL, machine x86_32 1 GiB 2 CPUs, pcp_high=%ld "
	       "pcp_batch=%ld;\none op = one allocation and its free\n",
	       kmm_option("pcp_high"), kmm_option("pcp_batch"));
	printf("median of %d runs of ~%.0f ms; spread = (slowest - fastest) / median\n", RUNS,
	       RUN_NS / 1e6);
	if (HAVE_TSC)
		printf("cycles = __rdtsc() ticks per op (TSC measured at %.3f GHz against "
		       "CLOCK_MONOTONIC)\n\n",
		       ghz);
	else
		printf("cycles: no TSC on this architecture (column is 0)\n\n");

	for (int i = 0; i < NR_PEERS; i++)
		peers[i].r = measure(peers[i].fn, peers[i].threads);
	for (size_t i = 0; i < NR_ROWS; i++)
		rows[i].r = measure(rows[i].fn, rows[i].threads);

	printf("%-37s %2s %8s %9s %7s  %s\n", "benchmark", "th", "ns/op", "cycles/op", "spread",
	       "ratio kmm/glibc");
	for (size_t i = 0; i < NR_ROWS; i++) {
		const struct row *peer = &peers[rows[i].peer];

		snprintf(note, sizeof(note), "%5.2fx %s", rows[i].r.ns / peer->r.ns,
			 peer->name + strlen("glibc "));
		print_row(&rows[i], note);
	}
	printf("\n");
	for (int i = 0; i < NR_PEERS; i++)
		print_row(&peers[i], "");
	printf("\n%s; kmm goal <= %d cycles.\n", LINUX_REF, KMM_GOAL_CYCLES);
	for (size_t i = 0; i < NR_ROWS; i++)
		if (rows[i].linux_ref && HAVE_TSC)
			printf("  %s, %d thread%s: %.1f cycles\n", rows[i].name, rows[i].threads,
			       rows[i].threads > 1 ? "s" : "", rows[i].r.cycles);
	return 0;
}

/* ---------------------------------------------------------------- callgrind mode */

static const struct {
	const char *name;
	loop_fn fn;
} callgrind_modes[] = {
	{ "order0", loop_order0 },
	{ "order3", loop_order3 },
	{ "get_free_page", loop_get_free_page },
	{ "batch", loop_batch },
	{ "malloc", loop_malloc },
	{ "aligned_alloc", loop_aligned_alloc },
	{ "malloc_batch", loop_malloc_batch },
};

static int run_callgrind(const char *mode, const char *count)
{
	char *end;
	unsigned long ops;

	errno = 0;
	ops = strtoul(count, &end, 10);
	if (errno || *end || !ops) {
		fprintf(stderr, "bench_page_alloc: bad op count '%s'\n", count);
		return 2;
	}
	for (size_t i = 0; i < sizeof(callgrind_modes) / sizeof(callgrind_modes[0]); i++) {
		if (strcmp(mode, callgrind_modes[i].name))
			continue;
		callgrind_modes[i].fn(ops);
		return 0;
	}
	fprintf(stderr, "bench_page_alloc: unknown mode --callgrind-%s\n", mode);
	return 2;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: bench_page_alloc                 print the benchmark table\n"
		     "       bench_page_alloc --callgrind-MODE N  run N ops of one pattern, for "
		     "callgrind\n"
		     "MODE: order0 order3 get_free_page batch malloc aligned_alloc malloc_batch\n");
}

int main(int argc, char **argv)
{
	/* Fixed, so runs compare; KMM_OPTIONS (e.g. pcp_high) still applies. */
	const struct kmm_config config = { .profile = "x86_32",
					   .mem_bytes = 1ULL << 30,
					   .cpus = 2 };
	int ret;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (argc != 1 && !(argc == 3 && !strncmp(argv[1], "--callgrind-", 12))) {
		usage(stderr);
		return 2;
	}
	ret = kmm_boot(&config);
	if (ret) {
		fprintf(stderr, "bench_page_alloc: kmm_boot: %s\n", strerror(-ret));
		return 1;
	}
	ret = argc == 3 ? run_callgrind(argv[1] + 12, argv[2]) : run_table();
	kmm_shutdown();
	return ret;
}
