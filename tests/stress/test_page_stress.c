/*
 * test_page_stress.c - several threads allocate and free random orders with random GFP masks;
 * no two live blocks may overlap, every block keeps its contents, and once everything is freed
 * the buddy lists are exactly as they were at boot.
 *
 * Each block gets a tag written into the first and last word of each of its pages (through
 * kmm's view of physical memory, so high memory is covered too) and checked before it is
 * freed. Some blocks are handed to a queue and freed by whichever thread takes them. Live
 * blocks are kept in one interval set of pfns; an insertion that overlaps is a failure.
 *
 * Seeded: the seed is printed; KMM_STRESS_SEED=N repeats a run's choices (thread interleaving
 * still varies). Worker threads never call cmocka: they record the first failure, and the main
 * thread asserts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include "machine/machine.h"
#include "mm/internal.h"

#define NR_THREADS 3
#define MAX_LIVE 48 /* blocks a thread holds at once */
#define QUEUE_CAP 64 /* blocks waiting to be freed by another thread */
#define OPS_PER_THREAD 400000
#define TIME_BUDGET_MS 1500 /* stop early on slow (sanitizer) builds */
#define SET_CAP (NR_THREADS * MAX_LIVE + QUEUE_CAP)

struct block {
	struct page *page;
	unsigned int order;
	uint64_t tag;
};

/* ---------------------------------------------------------------- failures from any thread */

static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int failures;
static char first_failure[256];

static void __attribute__((format(printf, 1, 2))) record_failure(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&fail_lock);
	if (!failures++) {
		va_start(ap, fmt);
		vsnprintf(first_failure, sizeof(first_failure), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&fail_lock);
}

/* ---------------------------------------------------------------- reports */

static unsigned long reports_total, reports_alloc_failure;
static char first_other_report[256];

/* Runs under report.c's lock: plain counters are safe. */
static void count_report(const struct kmm_report *r, void *arg)
{
	reports_total++;
	if (strcmp(r->id, "page_alloc_failure") == 0)
		reports_alloc_failure++;
	else if (!first_other_report[0])
		snprintf(first_other_report, sizeof(first_other_report), "%s", r->title);
}

/* ---------------------------------------------------------------- live blocks: pfn intervals */

static pthread_mutex_t set_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long set_start[SET_CAP], set_end[SET_CAP];
static unsigned int set_len;

/* Index of the first interval starting at or after @pfn. */
static unsigned int set_lower_bound(unsigned long pfn)
{
	unsigned int lo = 0, hi = set_len;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (set_start[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void set_insert(const struct block *b)
{
	unsigned long start = page_to_pfn(b->page), end = start + (1UL << b->order);
	unsigned int i;

	pthread_mutex_lock(&set_lock);
	i = set_lower_bound(start);
	if ((i > 0 && set_end[i - 1] > start) || (i < set_len && set_start[i] < end)) {
		record_failure("block pfn %#lx order %u overlaps a live block", start, b->order);
	} else if (set_len == SET_CAP) {
		record_failure("interval set full");
	} else {
		memmove(&set_start[i + 1], &set_start[i], (set_len - i) * sizeof(set_start[0]));
		memmove(&set_end[i + 1], &set_end[i], (set_len - i) * sizeof(set_end[0]));
		set_start[i] = start;
		set_end[i] = end;
		set_len++;
	}
	pthread_mutex_unlock(&set_lock);
}

static void set_remove(const struct block *b)
{
	unsigned long start = page_to_pfn(b->page);
	unsigned int i;

	pthread_mutex_lock(&set_lock);
	i = set_lower_bound(start);
	if (i == set_len || set_start[i] != start) {
		record_failure("block pfn %#lx is not live", start);
	} else {
		memmove(&set_start[i], &set_start[i + 1], (set_len - i - 1) * sizeof(set_start[0]));
		memmove(&set_end[i], &set_end[i + 1], (set_len - i - 1) * sizeof(set_end[0]));
		set_len--;
	}
	pthread_mutex_unlock(&set_lock);
}

/* ---------------------------------------------------------------- hand-off queue */

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static struct block queue[QUEUE_CAP];
static unsigned int queue_len;

static bool queue_push(const struct block *b)
{
	bool pushed = false;

	pthread_mutex_lock(&queue_lock);
	if (queue_len < QUEUE_CAP) {
		queue[queue_len++] = *b;
		pushed = true;
	}
	pthread_mutex_unlock(&queue_lock);
	return pushed;
}

static bool queue_pop(struct block *b)
{
	bool popped = false;

	pthread_mutex_lock(&queue_lock);
	if (queue_len) {
		*b = queue[--queue_len];
		popped = true;
	}
	pthread_mutex_unlock(&queue_lock);
	return popped;
}

/* ---------------------------------------------------------------- blocks and their contents */

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t *page_words(const struct block *b, unsigned long i)
{
	return machine_phys_ptr(page_to_phys(b->page + i));
}

#define LAST_WORD (PAGE_SIZE / sizeof(uint64_t) - 1)

static void write_pattern(const struct block *b)
{
	for (unsigned long i = 0; i < (1UL << b->order); i++) {
		uint64_t *w = page_words(b, i);

		w[0] = b->tag ^ i;
		w[LAST_WORD] = ~b->tag ^ i;
	}
}

static void check_pattern(const struct block *b)
{
	for (unsigned long i = 0; i < (1UL << b->order); i++) {
		uint64_t *w = page_words(b, i);

		if (w[0] != (b->tag ^ i) || w[LAST_WORD] != (~b->tag ^ i)) {
			record_failure("block pfn %#lx order %u: page %lu lost its contents",
				       page_to_pfn(b->page), b->order, i);
			return;
		}
	}
}

static void check_zeroed(const struct block *b)
{
	for (unsigned long i = 0; i < (1UL << b->order); i++) {
		uint64_t *w = page_words(b, i);

		if (w[0] || w[LAST_WORD]) {
			record_failure("__GFP_ZERO block pfn %#lx order %u: page %lu not zeroed",
				       page_to_pfn(b->page), b->order, i);
			return;
		}
	}
}

/* Orders 0..MAX_PAGE_ORDER, mostly small, as real allocations are. */
static unsigned int random_order(uint64_t *rng)
{
	unsigned int r = (unsigned int)(splitmix64(rng) % 100);

	if (r < 40)
		return 0;
	if (r < 60)
		return 1;
	if (r < 72)
		return 2;
	if (r < 80)
		return 3;
	return 4 + (unsigned int)(splitmix64(rng) % (MAX_PAGE_ORDER - 3));
}

static gfp_t random_gfp(uint64_t *rng, unsigned int *order)
{
	static const gfp_t bases[] = { GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT };
	uint64_t r = splitmix64(rng);
	gfp_t gfp = bases[r % 3];

	r /= 3;
	if (r % 100 < 20) {
		gfp |= __GFP_DMA;
		/* ZONE_DMA is 16 MiB: keep its blocks the size of DMA buffers. */
		if (*order > 9)
			*order = 9;
	} else if (r % 100 < 55) {
		gfp |= __GFP_HIGHMEM;
	}
	r /= 100;
	if (r % 100 < 20)
		gfp |= __GFP_ZERO;
	r /= 100;
	if (r % 100 < 50)
		gfp |= __GFP_NOWARN;
	return gfp;
}

static bool zone_allowed(const struct page *page, gfp_t gfp)
{
	unsigned int zone = page_zonenum(page);

	if (gfp & __GFP_DMA)
		return zone == ZONE_DMA;
	if (!(gfp & __GFP_HIGHMEM))
		return zone != ZONE_HIGHMEM;
	return true;
}

static void free_block(const struct block *b)
{
	check_pattern(b);
	set_remove(b);
	__free_pages(b->page, b->order);
}

/* ---------------------------------------------------------------- workers */

struct worker {
	pthread_t tid;
	unsigned int id;
	uint64_t rng;
	struct block live[MAX_LIVE];
	unsigned int nr_live;
	unsigned long allocs, failed_allocs, handed_off, taken_over;
};

static pthread_barrier_t done_barrier;
static long long start_ms;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void try_alloc(struct worker *w)
{
	unsigned int order = random_order(&w->rng);
	gfp_t gfp = random_gfp(&w->rng, &order);
	struct block b = { .order = order };

	b.page = alloc_pages(gfp, order);
	if (!b.page) {
		w->failed_allocs++;
		return;
	}
	w->allocs++;
	if (page_count(b.page) != 1)
		record_failure("new block pfn %#lx has refcount %d", page_to_pfn(b.page),
			       page_count(b.page));
	if (!zone_allowed(b.page, gfp))
		record_failure("gfp %#x got a page of zone %u", gfp, page_zonenum(b.page));
	set_insert(&b);
	if (gfp & __GFP_ZERO)
		check_zeroed(&b);
	b.tag = splitmix64(&w->rng);
	write_pattern(&b);
	w->live[w->nr_live++] = b;
}

static void release_one(struct worker *w)
{
	unsigned int i = (unsigned int)(splitmix64(&w->rng) % w->nr_live);
	struct block b = w->live[i];

	w->live[i] = w->live[--w->nr_live];
	if (splitmix64(&w->rng) % 4 == 0 && queue_push(&b)) {
		w->handed_off++;
		return;
	}
	free_block(&b);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct block b;

	for (unsigned int op = 0; op < OPS_PER_THREAD; op++) {
		unsigned int r = (unsigned int)(splitmix64(&w->rng) % 100);

		if ((op & 255) == 0 && now_ms() - start_ms > TIME_BUDGET_MS)
			break;
		if (r < 10 && queue_pop(&b)) {
			free_block(&b);
			w->taken_over++;
		} else if (w->nr_live == MAX_LIVE || (w->nr_live && r < 55)) {
			release_one(w);
		} else {
			try_alloc(w);
		}
	}
	while (w->nr_live)
		free_block(&w->live[--w->nr_live]);
	/* Nobody hands off after this point: empty the queue together. */
	pthread_barrier_wait(&done_barrier);
	while (queue_pop(&b)) {
		free_block(&b);
		w->taken_over++;
	}
	return NULL;
}

/* ---------------------------------------------------------------- the test */

struct free_state {
	unsigned long nr_free;
	unsigned long nr_free_area[MAX_NR_ZONES][MAX_PAGE_ORDER + 1];
};

static void snapshot(struct free_state *s)
{
	s->nr_free = nr_free_pages();
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++)
			s->nr_free_area[z][o] = zones[z].free_area[o].nr_free;
}

static uint64_t stress_seed(void)
{
	const char *env = getenv("KMM_STRESS_SEED");

	if (env && *env)
		return strtoull(env, NULL, 0);
	return (uint64_t)time(NULL) ^ ((uint64_t)clock() << 32);
}

static void random_orders_and_masks_from_threads_never_overlap_and_coalesce_back(void **state)
{
	struct kmm_config cfg = {
		.profile = "x86_32",
		.mem_bytes = 1ULL << 30, /* DMA, Normal and HighMem zones */
		.cpus = 4,
		.options = "gfp_wait_ms=10",
	};
	static struct worker workers[NR_THREADS];
	struct free_state boot_state, end_state;
	uint64_t seed = stress_seed();
	unsigned long allocs = 0, failed = 0, handed = 0, taken = 0;

	printf("stress seed: %" PRIu64 " (KMM_STRESS_SEED=%" PRIu64 " repeats it)\n", seed, seed);
	assert_int_equal(kmm_boot(&cfg), 0);
	kmm_report_set_handler(count_report, NULL);
	drain_local_pages();
	snapshot(&boot_state);

	pthread_barrier_init(&done_barrier, NULL, NR_THREADS);
	start_ms = now_ms();
	for (unsigned int i = 0; i < NR_THREADS; i++) {
		workers[i] = (struct worker){ .id = i, .rng = seed + i * 0x632be59bd9b4e019ull };
		assert_int_equal(pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]),
				 0);
	}
	for (unsigned int i = 0; i < NR_THREADS; i++) {
		pthread_join(workers[i].tid, NULL);
		allocs += workers[i].allocs;
		failed += workers[i].failed_allocs;
		handed += workers[i].handed_off;
		taken += workers[i].taken_over;
	}
	pthread_barrier_destroy(&done_barrier);
	printf("%lu blocks allocated, %lu allocations failed, %lu handed off, %lu freed by "
	       "another thread, %lld ms\n",
	       allocs, failed, handed, taken, now_ms() - start_ms);

	if (failures)
		fail_msg("seed %" PRIu64 ": %u failures, first: %s", seed, failures, first_failure);
	assert_int_equal(set_len, 0);
	assert_int_equal(queue_len, 0);
	assert_int_equal(handed, taken);
	assert_true(allocs > 1000);
	assert_true(taken > 0);

	/* Exiting threads gave their caches back; the main thread never allocated. */
	drain_local_pages();
	snapshot(&end_state);
	assert_int_equal(end_state.nr_free, boot_state.nr_free);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++)
			if (end_state.nr_free_area[z][o] != boot_state.nr_free_area[z][o])
				fail_msg("seed %" PRIu64 ": zone %s order %u: %lu free blocks, "
					 "%lu at boot",
					 seed, zones[z].name, o, end_state.nr_free_area[z][o],
					 boot_state.nr_free_area[z][o]);

	kmm_report_set_handler(NULL, NULL);
	if (reports_total != reports_alloc_failure)
		fail_msg("seed %" PRIu64 ": unexpected report: %s", seed, first_other_report);
	kmm_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			random_orders_and_masks_from_threads_never_overlap_and_coalesce_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
