/*
 * bench_slab.c - the slab allocator's hot paths beside glibc, jemalloc, mimalloc and tcmalloc,
 * in the same run, for the same sizes and patterns.
 *
 * The peers are loaded with dlopen() (libjemalloc.so.2, libmimalloc.so.2,
 * libtcmalloc_minimal.so.4) and called through their own entry points, so none of them
 * replaces the process's malloc and libkmm never links them; a peer that is not installed is
 * skipped. Every allocator is called through the same function pointers, kmm's included.
 *
 * Patterns (one op = one allocation and its free):
 *	pair	allocate and free at once, one thread
 *	batch	allocate 256, then free them in the same order
 *	batch1k	allocate 1000, then free them in the same order (more than a thread's own slab)
 *	2thr	"pair" in two threads at once (the mean per-thread cost)
 *	xthr	producer/consumer: one thread allocates, another frees, through a ring
 *	bulk	kmem_cache_alloc_bulk/free_bulk of 64 against a loop of 64 mallocs
 * Figures are the median of RUNS runs of about RUN_NS each. The footprint line is the bytes of
 * memory holding 1M live 64-byte objects per byte requested: slab pages for kmm, resident set
 * growth for the peers.
 *
 * With --callgrind-<mode> N the program runs N ops of one kind and nothing else, for
 * instruction counts under callgrind. Modes: cache64, kmalloc64 (pairs), batch64 (256),
 * batch1k64 and kbatch1k64 (1000, cache and kmalloc); for the peers glibc64, jemalloc64,
 * mimalloc64, tcmalloc64 (pairs, collected in loop_peer64) and glibc-batch1k64 ...
 * tcmalloc-batch1k64 (collected in loop_peer_batch1k64):
 *	valgrind --tool=callgrind --toggle-collect=loop_cache64 bench_slab --callgrind-cache64 N
 * at two N, differenced (scripts/bench.sh does). Benchmarks print numbers; they never assert times.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kmm/kmm.h>
#include <kmm/slab.h>

#define RUNS 5
#define RUN_NS 60000000.0
#define BATCH 256
#define BATCH1K 1000
#define BULK 64
#define RING 1024
#define FOOTPRINT_OBJS (1UL << 20)

typedef void *(*alloc_fn)(size_t size);
typedef void (*free_fn)(void *p);

struct allocator {
	const char *name;
	alloc_fn alloc;
	free_fn free;
};

static struct kmem_cache *cur_cache;

static void *kc_alloc(size_t size)
{
	return kmem_cache_alloc(cur_cache, GFP_KERNEL);
}

static void kc_free(void *p)
{
	kmem_cache_free(cur_cache, p);
}

static void *km_alloc(size_t size)
{
	return kmalloc(size, GFP_KERNEL);
}

static void km_free(void *p)
{
	kfree(p);
}

static struct allocator allocs[8];
static int nr_allocs;

static void add_peer(const char *name, const char *lib, const char *a, const char *f)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		printf("# %s: not available (%s)\n", name, dlerror());
		return;
	}
	allocs[nr_allocs++] =
		(struct allocator){ name, (alloc_fn)dlsym(h, a), (free_fn)dlsym(h, f) };
	if (!allocs[nr_allocs - 1].alloc || !allocs[nr_allocs - 1].free)
		nr_allocs--;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ---------------------------------------------------------------- patterns */

struct job {
	const struct allocator *a;
	size_t size;
	unsigned long ops;
	double ns;
};

static void __attribute__((noinline))
run_pair(const struct allocator *a, size_t size, unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		void *p = a->alloc(size);

		__asm__ __volatile__("" : : "r"(p) : "memory");
		a->free(p);
	}
}

static void run_batch_of(const struct allocator *a, size_t size, unsigned long ops, int batch)
{
	void *p[BATCH1K];

	for (unsigned long i = 0; i < ops; i += batch) {
		for (int j = 0; j < batch; j++)
			p[j] = a->alloc(size);
		for (int j = 0; j < batch; j++)
			a->free(p[j]);
	}
}

static void run_batch(const struct allocator *a, size_t size, unsigned long ops)
{
	run_batch_of(a, size, ops, BATCH);
}

static void run_batch1k(const struct allocator *a, size_t size, unsigned long ops)
{
	run_batch_of(a, size, ops, BATCH1K);
}

static void run_bulk(const struct allocator *a, size_t size, unsigned long ops)
{
	void *p[BULK];

	for (unsigned long i = 0; i < ops; i += BULK) {
		if (a->alloc == kc_alloc) {
			kmem_cache_alloc_bulk(cur_cache, GFP_KERNEL, BULK, p);
			kmem_cache_free_bulk(cur_cache, BULK, p);
			continue;
		}
		for (int j = 0; j < BULK; j++)
			p[j] = a->alloc(size);
		for (int j = 0; j < BULK; j++)
			a->free(p[j]);
	}
}

static double timed(void (*fn)(const struct allocator *, size_t, unsigned long),
		    const struct allocator *a, size_t size, unsigned long ops)
{
	double t0 = now_ns();

	fn(a, size, ops);
	return (now_ns() - t0) / ops;
}

/* Median ns/op of RUNS runs, each sized from a calibration run to last about RUN_NS. */
static double measure(void (*fn)(const struct allocator *, size_t, unsigned long),
		      const struct allocator *a, size_t size)
{
	double est = timed(fn, a, size, 20480), r[RUNS];
	unsigned long ops = (unsigned long)(RUN_NS / (est > 0.5 ? est : 0.5));

	ops = (ops / BATCH + 1) * BATCH;
	for (int i = 0; i < RUNS; i++)
		r[i] = timed(fn, a, size, ops);
	qsort(r, RUNS, sizeof(r[0]), cmp_double);
	return r[RUNS / 2];
}

static void *pair_thread(void *arg)
{
	struct job *j = arg;

	j->ns = measure(run_pair, j->a, j->size);
	return NULL;
}

static double measure_two_threads(const struct allocator *a, size_t size)
{
	struct job j[2] = { { a, size, 0, 0 }, { a, size, 0, 0 } };
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, pair_thread, &j[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return (j[0].ns + j[1].ns) / 2;
}

/* A single-producer single-consumer ring of pointers. */
struct ring {
	void *slot[RING];
	unsigned long head; /* written by the producer */
	unsigned long tail; /* written by the consumer */
	const struct allocator *a;
	unsigned long ops;
};

static void *consumer(void *arg)
{
	struct ring *r = arg;

	for (unsigned long n = 0; n < r->ops;) {
		unsigned long head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);

		if (r->tail == head)
			sched_yield(); /* a busy machine: let the producer run */
		while (r->tail != head) {
			r->a->free(r->slot[r->tail % RING]);
			__atomic_store_n(&r->tail, r->tail + 1, __ATOMIC_RELEASE);
			n++;
		}
	}
	return NULL;
}

static double measure_cross_thread(const struct allocator *a, size_t size)
{
	double r[RUNS];

	for (int run = 0; run < RUNS; run++) {
		struct ring *ring = calloc(1, sizeof(*ring));
		unsigned long ops = 2000000;
		pthread_t t;
		double t0;

		ring->a = a;
		ring->ops = ops;
		pthread_create(&t, NULL, consumer, ring);
		t0 = now_ns();
		for (unsigned long i = 0; i < ops; i++) {
			while (i - __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE) >= RING)
				sched_yield();
			ring->slot[i % RING] = a->alloc(size);
			__atomic_store_n(&ring->head, i + 1, __ATOMIC_RELEASE);
		}
		pthread_join(t, NULL);
		r[run] = (now_ns() - t0) / ops;
		free(ring);
	}
	qsort(r, RUNS, sizeof(r[0]), cmp_double);
	return r[RUNS / 2];
}

/* ---------------------------------------------------------------- reporting */

static struct kmem_cache *cache_for(size_t size)
{
	char name[32];

	snprintf(name, sizeof(name), "bench-%zu", size);
	return kmem_cache_create(name, (unsigned int)size, 0, 0, NULL);
}

/* One row: kmm's figure, then each peer's figure and kmm's ratio to it. */
static void row(const char *label, double kmm, const double *peer)
{
	printf("%-22s %7.2f", label, kmm);
	for (int i = 2; i < nr_allocs; i++)
		printf(" | %7.2f %5.2fx", peer[i], kmm / peer[i]);
	printf("\n");
}

static void header(void)
{
	printf("%-22s %7s", "ns/op (ratio kmm/peer)", "kmm");
	for (int i = 2; i < nr_allocs; i++)
		printf(" | %15s", allocs[i].name);
	printf("\n");
}

typedef double (*measure_fn)(const struct allocator *a, size_t size);

static double m_pair(const struct allocator *a, size_t size)
{
	return measure(run_pair, a, size);
}

static double m_batch(const struct allocator *a, size_t size)
{
	return measure(run_batch, a, size);
}

static double m_batch1k(const struct allocator *a, size_t size)
{
	return measure(run_batch1k, a, size);
}

static double m_bulk(const struct allocator *a, size_t size)
{
	return measure(run_bulk, a, size);
}

static void pattern(const char *name, measure_fn m, int which_kmm, size_t size)
{
	double peer[8] = { 0 }, kmm;
	char label[64];

	cur_cache = cache_for(size);
	kmm = m(&allocs[which_kmm], size);
	for (int i = 2; i < nr_allocs; i++)
		peer[i] = m(&allocs[i], size);
	snprintf(label, sizeof(label), "%s %s %zu", which_kmm ? "kmalloc" : "cache", name, size);
	row(label, kmm, peer);
	kmem_cache_destroy(cur_cache);
}

static long rss_bytes(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * sysconf(_SC_PAGESIZE);
}

static void footprint(void)
{
	void **p = malloc(FOOTPRINT_OBJS * sizeof(void *));
	double requested = (double)FOOTPRINT_OBJS * 64;
	struct kmm_slab_info info;

	cur_cache = kmem_cache_create("footprint-64", 64, 0, 0, NULL);
	for (unsigned long i = 0; i < FOOTPRINT_OBJS; i++)
		p[i] = kmem_cache_alloc(cur_cache, GFP_KERNEL);
	for (int n = kmm_slab_info(&info, 1); n; n = 0)
		printf("footprint 1M x 64 B: kmm %.3f (%lu slabs of %u pages)",
		       info.num_slabs * info.pagesperslab * 4096.0 / requested, info.num_slabs,
		       info.pagesperslab);
	for (unsigned long i = 0; i < FOOTPRINT_OBJS; i++)
		kmem_cache_free(cur_cache, p[i]);
	kmem_cache_destroy(cur_cache);
	for (int a = 2; a < nr_allocs; a++) {
		long before = rss_bytes();

		/* Written, as a user would: untouched memory costs no resident pages. */
		for (unsigned long i = 0; i < FOOTPRINT_OBJS; i++)
			memset(p[i] = allocs[a].alloc(64), 0x5a, 64);
		printf(" | %s %.3f", allocs[a].name, (rss_bytes() - before) / requested);
		for (unsigned long i = 0; i < FOOTPRINT_OBJS; i++)
			allocs[a].free(p[i]);
	}
	printf("\n");
	free(p);
}

/* ---------------------------------------------------------------- callgrind loops */

static void __attribute__((noinline)) loop_cache64(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		void *p = kmem_cache_alloc(cur_cache, GFP_KERNEL);

		__asm__ __volatile__("" : : "r"(p) : "memory");
		kmem_cache_free(cur_cache, p);
	}
}

static void __attribute__((noinline)) loop_kmalloc64(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		void *p = kmalloc(64, GFP_KERNEL);

		__asm__ __volatile__("" : : "r"(p) : "memory");
		kfree(p);
	}
}

static void __attribute__((noinline)) loop_batch64(unsigned long n)
{
	void *p[BATCH];

	for (unsigned long i = 0; i < n; i += BATCH) {
		for (int j = 0; j < BATCH; j++)
			p[j] = kmem_cache_alloc(cur_cache, GFP_KERNEL);
		for (int j = 0; j < BATCH; j++)
			kmem_cache_free(cur_cache, p[j]);
	}
}

static void __attribute__((noinline)) loop_batch1k64(unsigned long n)
{
	void *p[BATCH1K];

	for (unsigned long i = 0; i < n; i += BATCH1K) {
		for (int j = 0; j < BATCH1K; j++)
			p[j] = kmem_cache_alloc(cur_cache, GFP_KERNEL);
		for (int j = 0; j < BATCH1K; j++)
			kmem_cache_free(cur_cache, p[j]);
	}
}

static void __attribute__((noinline)) loop_kbatch1k64(unsigned long n)
{
	void *p[BATCH1K];

	for (unsigned long i = 0; i < n; i += BATCH1K) {
		for (int j = 0; j < BATCH1K; j++)
			p[j] = kmalloc(64, GFP_KERNEL);
		for (int j = 0; j < BATCH1K; j++)
			kfree(p[j]);
	}
}

/* A peer's malloc+free pair of 64 bytes, for the same count (the peer is allocs[0]; no
 * argument names it, so the compiler makes no specialised copy that callgrind would miss). */
static void __attribute__((noinline)) loop_peer64(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		void *p = allocs[0].alloc(64);

		__asm__ __volatile__("" : : "r"(p) : "memory");
		allocs[0].free(p);
	}
}

/* A peer's batch: 1000 mallocs of 64 bytes, then their frees. */
static void __attribute__((noinline)) loop_peer_batch1k64(unsigned long n)
{
	void *p[BATCH1K];

	for (unsigned long i = 0; i < n; i += BATCH1K) {
		for (int j = 0; j < BATCH1K; j++)
			p[j] = allocs[0].alloc(64);
		for (int j = 0; j < BATCH1K; j++)
			allocs[0].free(p[j]);
	}
}

static int callgrind_peer(const char *mode, unsigned long n)
{
	static const char *const libs[][4] = {
		{ "glibc", NULL, NULL, NULL },
		{ "jemalloc", "libjemalloc.so.2", "malloc", "free" },
		{ "mimalloc", "libmimalloc.so.2", "mi_malloc", "mi_free" },
		{ "tcmalloc", "libtcmalloc_minimal.so.4", "tc_malloc", "tc_free" },
	};

	for (int i = 0; i < 4; i++) {
		char pair[32], batch[32];

		snprintf(pair, sizeof(pair), "%s64", libs[i][0]);
		snprintf(batch, sizeof(batch), "%s-batch1k64", libs[i][0]);
		if (strcmp(mode, pair) && strcmp(mode, batch))
			continue;
		if (i == 0) {
			allocs[0] = (struct allocator){ "glibc", malloc, free };
		} else {
			add_peer(libs[i][0], libs[i][1], libs[i][2], libs[i][3]);
			if (!nr_allocs)
				return 1;
		}
		allocs[0].free(allocs[0].alloc(64));
		if (!strcmp(mode, batch)) {
			run_batch_of(&allocs[0], 64, BATCH1K, BATCH1K); /* warm, as kmm's is */
			loop_peer_batch1k64(n);
		} else {
			loop_peer64(n);
		}
		return 0;
	}
	return 2;
}

static int callgrind_mode(const char *mode, unsigned long n)
{
	if (strstr(mode, "glibc") || strstr(mode, "jemalloc") || strstr(mode, "mimalloc") ||
	    strstr(mode, "tcmalloc"))
		return callgrind_peer(mode, n);
	cur_cache = cache_for(64);
	kmem_cache_free(cur_cache, kmem_cache_alloc(cur_cache, GFP_KERNEL));
	kfree(kmalloc(64, GFP_KERNEL));
	if (!strcmp(mode, "cache64"))
		loop_cache64(n);
	else if (!strcmp(mode, "kmalloc64"))
		loop_kmalloc64(n);
	else if (!strcmp(mode, "batch64"))
		loop_batch64(n);
	else if (!strcmp(mode, "batch1k64"))
		loop_batch1k64(n);
	else if (!strcmp(mode, "kbatch1k64"))
		loop_kbatch1k64(n);
	else
		return 2;
	kmem_cache_destroy(cur_cache);
	kmm_shutdown();
	return 0;
}

static void option_costs(void)
{
	static const char *const opts[] = { "slab_hardened=1", "slab_random=1",
					    "slab_hardened=1,slab_random=1" };
	struct kmm_config cfg = { .mem_bytes = 512 << 20 };

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		kmm_shutdown();
		cfg.options = opts[i];
		if (kmm_boot(&cfg))
			return;
		cur_cache = cache_for(64);
		printf("cache pair 64 with %-30s %7.2f ns/op, batch %7.2f ns/op\n", opts[i],
		       measure(run_pair, &allocs[0], 64), measure(run_batch, &allocs[0], 64));
		kmem_cache_destroy(cur_cache);
	}
}

/* jemalloc's TLS is initial-exec: dlopen() needs static TLS room, which glibc only leaves
 * when asked at start-up. Ask, by running again with the tunable set. */
static void make_room_for_jemalloc(char **argv)
{
	if (getenv("KMM_BENCH_REEXEC"))
		return;
	setenv("KMM_BENCH_REEXEC", "1", 1);
	setenv("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=65536", 1);
	execv("/proc/self/exe", argv);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 16, 64, 256, 1024 };
	struct kmm_config cfg = { .mem_bytes = 512 << 20 };

	if (argc == 1 || (argc == 3 && strstr(argv[1], "jemalloc")))
		make_room_for_jemalloc(argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (kmm_boot(&cfg)) {
		fprintf(stderr, "bench_slab: cannot boot\n");
		return 1;
	}
	if (argc == 3 && !strncmp(argv[1], "--callgrind-", 12))
		return callgrind_mode(argv[1] + 12, strtoul(argv[2], NULL, 0));

	allocs[nr_allocs++] = (struct allocator){ "kmem_cache", kc_alloc, kc_free };
	allocs[nr_allocs++] = (struct allocator){ "kmalloc", km_alloc, km_free };
	allocs[nr_allocs++] = (struct allocator){ "glibc", malloc, free };
	add_peer("jemalloc", "libjemalloc.so.2", "malloc", "free");
	add_peer("mimalloc", "libmimalloc.so.2", "mi_malloc", "mi_free");
	add_peer("tcmalloc", "libtcmalloc_minimal.so.4", "tc_malloc", "tc_free");

	footprint(); /* first, before the other patterns leave the peers' caches warm */
	header();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		pattern("pair", m_pair, 0, sizes[i]);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		pattern("pair", m_pair, 1, sizes[i]);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		pattern("batch", m_batch, 0, sizes[i]);
	pattern("batch", m_batch, 1, 64);
	pattern("batch1k", m_batch1k, 0, 64);
	pattern("batch1k", m_batch1k, 1, 64);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		pattern("2thr", measure_two_threads, 0, sizes[i]);
	pattern("2thr", measure_two_threads, 1, 64);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		pattern("xthr", measure_cross_thread, 0, sizes[i]);
	pattern("xthr", measure_cross_thread, 1, 64);
	pattern("bulk", m_bulk, 0, 64);
	option_costs();
	kmm_shutdown();
	return 0;
}
