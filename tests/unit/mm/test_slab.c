/*
 * kmem_cache: creation and slab geometry, constructors, alignment, the DMA zone, the
 * per-thread path and cross-thread frees, the per-thread stash (batches larger than a slab,
 * its growth, its limits, shrink and destroy with stashes in several threads), shrinking,
 * destroy with live objects, slabinfo.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/slab.h>
#include <kmm/page_alloc.h>
#include <kmm/proc.h>
#include <kmm/report.h>
#include <kmm/fault_inject.h>
#include <kmm/context.h>
#include <kmm/shrinker.h>
#include "mm/slab.h"
#include "mm/internal.h"

static int boot_cpus(unsigned int cpus)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = cpus };

	return kmm_boot(&cfg);
}

static int boot(void **state)
{
	return boot_cpus(1);
}

static struct kmm_slab_info info_of(const char *name)
{
	struct kmm_slab_info all[128], none = { .name = "" };
	int n = kmm_slab_info(all, 128);

	for (int i = 0; i < n && i < 128; i++)
		if (strcmp(all[i].name, name) == 0)
			return all[i];
	return none;
}

static void geometry_matches_the_kernel_with_one_cpu(void **state)
{
	static const struct {
		const char *name;
		unsigned int objsize, perslab, pages;
	} want[] = {
		{ "kmalloc-8", 8, 512, 1 },	{ "kmalloc-16", 16, 256, 1 },
		{ "kmalloc-32", 32, 128, 1 },	{ "kmalloc-64", 64, 64, 1 },
		{ "kmalloc-96", 96, 42, 1 },	{ "kmalloc-128", 128, 32, 1 },
		{ "kmalloc-192", 192, 21, 1 },	{ "kmalloc-256", 256, 16, 1 },
		{ "kmalloc-512", 512, 8, 1 },	{ "kmalloc-1k", 1024, 8, 2 },
		{ "kmalloc-2k", 2048, 8, 4 },	{ "kmalloc-4k", 4096, 8, 8 },
		{ "kmalloc-8k", 8192, 4, 8 },	{ "dma-kmalloc-64", 64, 64, 1 },
		{ "kmalloc-cg-96", 96, 42, 1 }, { "kmalloc-rcl-8k", 8192, 4, 8 },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct kmm_slab_info si = info_of(want[i].name);

		assert_string_equal(si.name, want[i].name);
		assert_int_equal(si.objsize, want[i].objsize);
		assert_int_equal(si.objperslab, want[i].perslab);
		assert_int_equal(si.pagesperslab, want[i].pages);
	}
}

static void more_cpus_ask_for_more_objects_per_slab(void **state)
{
	kmm_shutdown();
	assert_int_equal(boot_cpus(2), 0);
	/* 4 * (fls(2) + 1) = 12 objects wanted: 512-byte slabs grow to two pages. */
	assert_int_equal(info_of("kmalloc-512").objperslab, 16);
	assert_int_equal(info_of("kmalloc-512").pagesperslab, 2);
	kmm_shutdown();
	assert_int_equal(boot_cpus(1), 0);
}

static int ctor_calls;

static void count_ctor(void *obj)
{
	ctor_calls++;
	memset(obj, 0x5c, 40);
}

static void constructor_runs_once_per_object_when_the_slab_is_made(void **state)
{
	struct kmem_cache *s = kmem_cache_create("ctor_test", 40, 0, 0, count_ctor);
	unsigned char *p, *q;

	assert_non_null(s);
	ctor_calls = 0;
	p = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(p);
	assert_int_equal(ctor_calls, info_of("ctor_test").objperslab);
	for (int i = 0; i < 40; i++)
		assert_int_equal(p[i], 0x5c);
	p[0] = 1;
	kmem_cache_free(s, p);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	assert_ptr_equal(q, p); /* LIFO: the same object, not reconstructed */
	assert_int_equal(q[0], 1);
	assert_int_equal(ctor_calls, info_of("ctor_test").objperslab);
	kmem_cache_free(s, q);
	kmem_cache_destroy(s);
}

static void hwcache_align_rounds_to_the_cache_line(void **state)
{
	struct kmem_cache *s = kmem_cache_create("kmmprobe_obj", 200, 0, SLAB_HWCACHE_ALIGN, NULL);
	void *objs[10];

	for (int i = 0; i < 10; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		assert_int_equal((unsigned long)objs[i] % 64, 0);
	}
	/* The reference: "kmmprobe_obj 16 16 256 16 1" with ten objects allocated. */
	assert_int_equal(info_of("kmmprobe_obj").objsize, 256);
	assert_int_equal(info_of("kmmprobe_obj").objperslab, 16);
	assert_int_equal(info_of("kmmprobe_obj").active_objs, 16);
	assert_int_equal(info_of("kmmprobe_obj").num_objs, 16);
	for (int i = 0; i < 10; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
}

static void explicit_alignment_is_honoured(void **state)
{
	struct kmem_cache *s = kmem_cache_create("align128", 24, 128, 0, NULL);
	void *a = kmem_cache_alloc(s, GFP_KERNEL), *b = kmem_cache_alloc(s, GFP_KERNEL);

	assert_int_equal((unsigned long)a % 128, 0);
	assert_int_equal((unsigned long)b % 128, 0);
	assert_int_equal(kmem_cache_size(s), 24);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_destroy(s);
}

static void objects_live_in_the_linear_map_and_lead_back_to_their_cache(void **state)
{
	struct kmem_cache *s = kmem_cache_create("linear", 100, 0, 0, NULL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);
	struct page *page = virt_to_head_page(p);

	assert_true(virt_addr_valid(p));
	assert_true(PageSlab(page));
	assert_ptr_equal(page->slab_cache, s);
	assert_ptr_equal(phys_to_virt(virt_to_phys(p)), p);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

static void slab_cache_dma_takes_pages_from_zone_dma(void **state)
{
	struct kmem_cache *s = kmem_cache_create("dma_objs", 64, 0, SLAB_CACHE_DMA, NULL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	assert_int_equal(page_zonenum(virt_to_page(p)), ZONE_DMA);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

static void zalloc_zeroes_and_bulk_round_trips(void **state)
{
	struct kmem_cache *s = kmem_cache_create("bulk", 72, 0, 0, NULL);
	void *objs[300];
	unsigned char *z;

	z = kmem_cache_alloc(s, GFP_KERNEL);
	memset(z, 0xff, 72);
	kmem_cache_free(s, z);
	z = kmem_cache_zalloc(s, GFP_KERNEL);
	for (int i = 0; i < 72; i++)
		assert_int_equal(z[i], 0);
	kmem_cache_free(s, z);
	assert_int_equal(kmem_cache_alloc_bulk(s, GFP_KERNEL, 300, objs), 300);
	for (int i = 0; i < 300; i++)
		for (int j = i + 1; j < 300; j++)
			assert_ptr_not_equal(objs[i], objs[j]);
	kmem_cache_free_bulk(s, 300, objs);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmem_cache_destroy(s);
}

static void shrink_gives_empty_slabs_back(void **state)
{
	struct kmem_cache *s = kmem_cache_create("shrinkme", 512, 0, 0, NULL);
	unsigned long before = nr_free_pages();
	void *objs[400];

	for (int i = 0; i < 400; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	assert_true(info_of("shrinkme").num_slabs >= 50);
	for (int i = 0; i < 400; i++)
		kmem_cache_free(s, objs[i]);
	/* min_partial empty slabs stay cached until a shrink; the thread's own slab counts as
	 * all active, as a CPU slab does in the kernel's slabinfo, and so do the objects its
	 * stash holds for reuse. */
	assert_true(info_of("shrinkme").num_slabs > 0);
	assert_true(info_of("shrinkme").active_objs <= info_of("shrinkme").objperslab + SLAB_STASH);
	kmem_cache_shrink(s);
	assert_int_equal(info_of("shrinkme").num_slabs, 0);
	kmm_drain_all_pages();
	assert_true(nr_free_pages() >= before);
	kmem_cache_destroy(s);
}

static void the_shrinker_releases_empty_slabs(void **state)
{
	struct kmem_cache *s = kmem_cache_create("shrinker_sees_me", 256, 0, 0, NULL);
	void *objs[200];

	for (int i = 0; i < 200; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 200; i++)
		kmem_cache_free(s, objs[i]);
	assert_true(info_of("shrinker_sees_me").num_slabs > 0);
	kmm_shrink_all(GFP_KERNEL);
	assert_int_equal(info_of("shrinker_sees_me").num_slabs, 0);
	kmem_cache_destroy(s);
}

static void memory_pressure_reclaims_empty_slabs(void **state)
{
	struct kmem_cache *s = kmem_cache_create("pressure", 2048, 0, 0, NULL);
	struct page **pages = calloc(1 << 16, sizeof(*pages));
	void *objs[160];
	int n = 0, allocated;
	unsigned long slabs;

	for (int i = 0; i < 160; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 160; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s); /* the stash and held slab back to the node */
	for (int i = 0; i < 8; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 8; i++)
		kmem_cache_free(s, objs[i]);
	assert_true(info_of("pressure").num_slabs >= 1);
	/* Take every free page: reclaim runs the shrinkers, which give the empty slabs back. */
	kmm_report_capture_begin();
	while (n < (1 << 16) && (pages[n] = alloc_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN)))
		n++;
	kmm_report_capture_end();
	slabs = info_of("pressure").num_slabs;
	allocated = n;
	while (n--)
		__free_page(pages[n]);
	free(pages);
	assert_true(allocated > 1000);
	assert_int_equal(slabs, 0);
	kmem_cache_destroy(s);
}

static void destroy_with_live_objects_reports_and_keeps_the_cache(void **state)
{
	struct kmem_cache *s = kmem_cache_create("leaky", 64, 0, 0, NULL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL), *q;

	kmm_report_capture_begin();
	kmem_cache_destroy(s);
	assert_int_equal(kmm_report_captured("slab_destroy_busy"), 1);
	assert_int_equal(kmm_report_captured("slab_leak"), 1);
	assert_int_equal(kmm_report_captured_find("kmem_cache_destroy leaky: Slab cache still has "
						  "objects when called from"),
			 1);
	assert_int_equal(kmm_report_captured_find("Objects remaining in leaky on "
						  "__kmem_cache_shutdown()"),
			 1);
	kmm_report_capture_end();
	/* Still usable. */
	q = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(q);
	kmem_cache_free(s, q);
	kmem_cache_free(s, p);
	kmm_report_capture_begin();
	kmem_cache_destroy(s);
	assert_int_equal(kmm_report_capture_end(), 0);
}

static void failslab_fails_cache_allocations(void **state)
{
	struct kmem_cache *s = kmem_cache_create("failing", 32, 0, 0, NULL);
	void *p;

	kmm_fail_nth(1);
	assert_null(kmem_cache_alloc(s, GFP_KERNEL));
	p = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(p);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

static void gfp_kernel_in_atomic_context_is_reported(void **state)
{
	struct kmem_cache *s = kmem_cache_create("atomic_ctx", 32, 0, 0, NULL);
	void *p;

	p = kmem_cache_alloc(s, GFP_KERNEL); /* warm the thread's slab */
	kmem_cache_free(s, p);
	kmm_report_capture_begin();
	preempt_disable();
	p = kmem_cache_alloc(s, GFP_ATOMIC);
	kmem_cache_free(s, p);
	assert_int_equal(kmm_report_captured("might_sleep"), 0);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	preempt_enable();
	assert_non_null(p);
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	kmm_report_capture_end();
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

struct xfer {
	struct kmem_cache *s;
	void **objs;
	int n;
};

static void *free_all(void *arg)
{
	struct xfer *x = arg;

	for (int i = 0; i < x->n; i++)
		kmem_cache_free(x->s, x->objs[i]);
	return NULL;
}

static void frees_from_another_thread_come_back_to_the_owner(void **state)
{
	struct kmem_cache *s = kmem_cache_create("xthread", 128, 0, 0, NULL);
	enum { N = 5000 };
	void **objs = calloc(N, sizeof(void *));
	struct xfer x = { s, objs, N };
	pthread_t t;

	for (int i = 0; i < N; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		memset(objs[i], i & 0xff, 128);
	}
	pthread_create(&t, NULL, free_all, &x);
	pthread_join(t, NULL);
	assert_int_equal(kmm_slab_validate(s), 0);
	/* Everything is reusable, by this thread. */
	for (int i = 0; i < N; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	assert_int_equal(info_of("xthread").active_objs, 0);
	assert_int_equal(info_of("xthread").num_slabs, 0);
	kmem_cache_destroy(s);
	free(objs);
}

static void *alloc_and_exit(void *arg)
{
	struct xfer *x = arg;

	for (int i = 0; i < x->n; i++)
		x->objs[i] = kmem_cache_alloc(x->s, GFP_KERNEL);
	return NULL;
}

static void an_exited_threads_slab_is_adopted_or_shrunk(void **state)
{
	struct kmem_cache *s = kmem_cache_create("orphans", 256, 0, 0, NULL);
	void *objs[50];
	struct xfer x = { s, objs, 50 };
	pthread_t t;

	pthread_create(&t, NULL, alloc_and_exit, &x);
	pthread_join(t, NULL);
	for (int i = 0; i < 50; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	assert_int_equal(info_of("orphans").num_slabs, 0);
	kmem_cache_destroy(s);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;

	return x < y ? -1 : x > y;
}

static int ctor_seen;

static void tag_ctor(void *obj)
{
	ctor_seen++;
	memset(obj, 0x3c, 48);
}

/* A batch far larger than a slab or the first stash comes back whole from the thread's slab
 * and stash: no new slab, no constructor call, every object of the second batch one of the
 * first's, with what the constructor wrote. */
static void a_large_batch_comes_back_without_new_slabs(void **state)
{
	struct kmem_cache *s = kmem_cache_create("batch_reuse", 48, 0, 0, tag_ctor);
	int n = 8 * (int)s->objects; /* whole slabs: the last one's list is the batch's tail */
	void **a = calloc(n, sizeof(void *)), **b = calloc(n, sizeof(void *));
	unsigned long slabs;
	int ctors;

	assert_true(n > SLAB_STASH && n < (int)s->stash_max);
	ctor_seen = 0;
	for (int i = 0; i < n; i++)
		a[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < n; i++)
		kmem_cache_free(s, a[i]);
	slabs = info_of("batch_reuse").num_slabs;
	ctors = ctor_seen;
	assert_int_equal(slabs, 8);
	assert_int_equal(ctors, n);
	/* Freed, they wait in the thread's slab and stash. Stashed objects count as free; the
	 * thread's own slab counts as all active, as the kernel counts a CPU slab. */
	assert_int_equal(info_of("batch_reuse").active_objs, s->objects);
	for (int i = 0; i < n; i++) {
		unsigned char *p = b[i] = kmem_cache_alloc(s, GFP_KERNEL);

		for (int j = 0; j < 48; j++)
			if (p[j] != 0x3c)
				fail_msg("object %d byte %d: %#x, constructor's 0x3c lost", i, j,
					 p[j]);
	}
	assert_int_equal(info_of("batch_reuse").num_slabs, slabs);
	assert_int_equal(ctor_seen, ctors);
	qsort(a, n, sizeof(void *), cmp_ptr);
	qsort(b, n, sizeof(void *), cmp_ptr);
	assert_memory_equal(a, b, n * sizeof(void *));
	for (int i = 0; i < n; i++)
		kmem_cache_free(s, b[i]);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmem_cache_shrink(s);
	assert_int_equal(info_of("batch_reuse").num_slabs, 0);
	kmem_cache_destroy(s);
	free(a);
	free(b);
}

/* Past its largest the stash gives its older half back to the node: what a thread keeps
 * stays bounded, the node's counts stay right, and everything is reclaimable. */
static void a_batch_beyond_the_stash_goes_back_to_the_node(void **state)
{
	struct kmem_cache *s = kmem_cache_create("batch_spill", 64, 0, 0, NULL);
	int n = 3 * (int)s->stash_max;
	void **objs = calloc(n, sizeof(void *));
	struct kmm_slab_info si;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < n; i++)
			objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		assert_int_equal(info_of("batch_spill").active_objs, n);
		for (int i = 0; i < n; i++)
			kmem_cache_free(s, objs[i]);
		si = info_of("batch_spill");
		assert_true(si.active_objs <= si.objperslab);
		assert_int_equal(kmm_slab_validate(s), 0);
	}
	/* Live objects and free ones add up however they are spread. */
	for (int i = 0; i < n / 2; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	si = info_of("batch_spill");
	assert_true(si.active_objs >= (unsigned long)n / 2);
	assert_true(si.active_objs <= (unsigned long)n / 2 + si.objperslab);
	for (int i = 0; i < n / 2; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	assert_int_equal(info_of("batch_spill").num_slabs, 0);
	assert_int_equal(info_of("batch_spill").active_objs, 0);
	kmem_cache_destroy(s);
	free(objs);
}

struct stasher {
	struct kmem_cache *s;
	int n;
	void **objs; /* n objects to free, or NULL to allocate and free its own */
	int keep; /* objects it allocates after the first barrier and keeps */
	pthread_barrier_t *parked, *resume;
};

/* Free a batch (someone else's or its own) and wait, so its stash stays full. */
static void *stash_and_park(void *arg)
{
	struct stasher *st = arg;
	void **own = st->objs ? st->objs : calloc(st->n, sizeof(void *));

	if (!st->objs)
		for (int i = 0; i < st->n; i++)
			own[i] = kmem_cache_alloc(st->s, GFP_KERNEL);
	for (int i = 0; i < st->n; i++)
		kmem_cache_free(st->s, own[i]);
	pthread_barrier_wait(st->parked);
	pthread_barrier_wait(st->resume);
	/* Enough to empty its slab's list: the slow path then honours a pending shrink. */
	for (int i = 0; i < st->keep; i++)
		own[i] = kmem_cache_alloc(st->s, GFP_KERNEL);
	pthread_barrier_wait(st->parked);
	pthread_barrier_wait(st->resume);
	for (int i = 0; i < st->keep; i++)
		kmem_cache_free(st->s, own[i]);
	if (!st->objs)
		free(own);
	return NULL;
}

/* Objects another thread frees land in its stash; they count as free, and come back to the
 * node when that thread exits. */
static void frees_from_another_thread_wait_in_its_stash_until_it_exits(void **state)
{
	struct kmem_cache *s = kmem_cache_create("remote_stash", 64, 0, 0, NULL);
	enum { N = 800 };
	void **objs = calloc(N, sizeof(void *));
	pthread_barrier_t parked, resume;
	struct stasher st = { s, N, objs, 0, &parked, &resume };
	struct kmm_slab_info si;
	pthread_t t;

	pthread_barrier_init(&parked, NULL, 2);
	pthread_barrier_init(&resume, NULL, 2);
	for (int i = 0; i < N; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	pthread_create(&t, NULL, stash_and_park, &st);
	pthread_barrier_wait(&parked);
	/* This thread's own slab went back through its remote list; the rest are stashed. */
	si = info_of("remote_stash");
	assert_true(si.active_objs <= si.objperslab);
	assert_true(si.num_slabs >= N / si.objperslab);
	pthread_barrier_wait(&resume);
	pthread_barrier_wait(&parked);
	pthread_barrier_wait(&resume);
	pthread_join(t, NULL);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmem_cache_shrink(s);
	assert_int_equal(info_of("remote_stash").num_slabs, 0);
	assert_int_equal(info_of("remote_stash").active_objs, 0);
	kmem_cache_destroy(s);
	pthread_barrier_destroy(&parked);
	pthread_barrier_destroy(&resume);
	free(objs);
}

enum { STASHERS = 3, STASHED = 500 };

static void start_stashers(struct kmem_cache *s, struct stasher *st, pthread_t *t, int keep,
			   pthread_barrier_t *parked, pthread_barrier_t *resume)
{
	pthread_barrier_init(parked, NULL, STASHERS + 1);
	pthread_barrier_init(resume, NULL, STASHERS + 1);
	for (int i = 0; i < STASHERS; i++) {
		st[i] = (struct stasher){ s, STASHED, NULL, keep, parked, resume };
		pthread_create(&t[i], NULL, stash_and_park, &st[i]);
	}
	pthread_barrier_wait(parked);
}

/* A shrink cannot reach into live threads' stashes; each gives its stash back at its next
 * slow path, and the shrink after that releases what they pinned. */
static void a_shrink_reaches_live_threads_stashes_at_their_next_refill(void **state)
{
	struct kmem_cache *s = kmem_cache_create("stash_shrink", 64, 0, 0, NULL);
	struct stasher st[STASHERS];
	pthread_barrier_t parked, resume;
	pthread_t t[STASHERS];
	unsigned int per = 0;
	unsigned long pinned;

	start_stashers(s, st, t, 0, &parked, &resume);
	per = info_of("stash_shrink").objperslab;
	for (int i = 0; i < STASHERS; i++)
		st[i].keep = (int)per + 1;
	assert_int_equal(info_of("stash_shrink").active_objs, STASHERS * per);
	kmem_cache_shrink(s);
	pinned = info_of("stash_shrink").num_slabs;
	assert_true(pinned >= STASHERS * (STASHED / per));
	pthread_barrier_wait(&resume); /* each allocates per + 1: one refill */
	pthread_barrier_wait(&parked);
	kmem_cache_shrink(s);
	/* Left: per thread, its new slab and the slab of its per + 1'th object's predecessor. */
	assert_true(info_of("stash_shrink").num_slabs <= 3 * STASHERS);
	assert_true(info_of("stash_shrink").active_objs >= STASHERS * (per + 1));
	pthread_barrier_wait(&resume);
	for (int i = 0; i < STASHERS; i++)
		pthread_join(t[i], NULL);
	kmem_cache_shrink(s);
	assert_int_equal(info_of("stash_shrink").num_slabs, 0);
	kmem_cache_destroy(s);
	pthread_barrier_destroy(&parked);
	pthread_barrier_destroy(&resume);
}

/* Destroy takes back what parked threads hold in their slabs and stashes: no leak reported,
 * every page back. With one object still live it reports exactly that one. */
static void destroy_empties_the_stashes_of_parked_threads(void **state)
{
	struct kmem_cache *s = kmem_cache_create("stash_destroy", 64, 0, 0, NULL);
	struct stasher st[STASHERS];
	pthread_barrier_t parked, resume;
	pthread_t t[STASHERS];
	unsigned long before = slab_unreclaimable_pages();
	void *live = kmem_cache_alloc(s, GFP_KERNEL);

	start_stashers(s, st, t, 0, &parked, &resume);
	assert_true(slab_unreclaimable_pages() > before);
	kmm_report_capture_begin();
	kmem_cache_destroy(s); /* the threads are parked: none is using the cache */
	assert_int_equal(kmm_report_captured("slab_destroy_busy"), 1);
	assert_int_equal(kmm_report_captured_find("(1 objects still allocated"), 1);
	kmm_report_capture_end();
	kmem_cache_free(s, live);
	kmm_report_capture_begin();
	kmem_cache_destroy(s);
	assert_int_equal(kmm_report_capture_end(), 0);
	assert_int_equal(slab_unreclaimable_pages(), before);
	assert_int_equal(info_of("stash_destroy").name[0], 0);
	for (int r = 0; r < 2; r++) {
		pthread_barrier_wait(&resume);
		if (!r)
			pthread_barrier_wait(&parked);
	}
	for (int i = 0; i < STASHERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&parked);
	pthread_barrier_destroy(&resume);
}

struct free_only {
	struct kmem_cache *s;
	void **objs;
	int n;
	pthread_barrier_t parked;
};

static void *free_in_two_halves(void *arg)
{
	struct free_only *f = arg;

	for (int i = 0; i < f->n / 2; i++)
		kmem_cache_free(f->s, f->objs[i]);
	pthread_barrier_wait(&f->parked);
	pthread_barrier_wait(&f->parked);
	for (int i = f->n / 2; i < f->n; i++)
		kmem_cache_free(f->s, f->objs[i]);
	pthread_barrier_wait(&f->parked);
	pthread_barrier_wait(&f->parked);
	return NULL;
}

/* The stash of @s that is not the calling thread's (there is one other). */
static struct slab_cpu *other_stash(struct kmem_cache *s)
{
	struct slab_cpu *c, *mine = slab_cpu_lookup(s, kmm_thread_self), *found = NULL;

	pthread_mutex_lock(&s->lock);
	list_for_each_entry (c, &s->cpus, list)
		if (c != mine)
			found = c;
	pthread_mutex_unlock(&s->lock);
	return found;
}

/* A thread that only frees never refills; it honours a shrink when its stash next fills,
 * giving all of it back (and starting again from the first, small stash). */
static void a_thread_that_only_frees_honours_a_shrink_when_its_stash_fills(void **state)
{
	struct kmem_cache *s = kmem_cache_create("free_only", 64, 0, 0, NULL);
	struct free_only f = { .s = s, .n = 4 * (int)s->stash_max };
	struct slab_cpu *c;
	pthread_t t;

	f.objs = calloc(f.n, sizeof(void *));
	pthread_barrier_init(&f.parked, NULL, 2);
	for (int i = 0; i < f.n; i++)
		f.objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_shrink(s); /* this thread's slab back: every object is on a node slab */
	pthread_create(&t, NULL, free_in_two_halves, &f);
	pthread_barrier_wait(&f.parked);
	c = other_stash(s);
	assert_non_null(c);
	assert_int_equal(c->stash_cap, s->stash_max); /* grown, and spilling halves */
	assert_true(c->nr_stash > s->stash_max / 2);
	kmem_cache_shrink(s); /* cannot reach it */
	assert_int_not_equal(c->flush_seen, s->flush_req);
	pthread_barrier_wait(&f.parked);
	pthread_barrier_wait(&f.parked);
	assert_int_equal(c->flush_seen, s->flush_req); /* honoured at the next full stash */
	assert_int_equal(info_of("free_only").active_objs, 0);
	assert_int_equal(kmm_slab_validate(s), 0);
	pthread_barrier_wait(&f.parked);
	pthread_join(t, NULL);
	kmem_cache_shrink(s);
	assert_int_equal(info_of("free_only").num_slabs, 0);
	kmem_cache_destroy(s);
	pthread_barrier_destroy(&f.parked);
	free(f.objs);
}

/* kzalloc's zeroing and failslab work on objects coming back from the stash, too. */
static void zeroing_and_failslab_apply_to_stashed_objects(void **state)
{
	struct kmem_cache *s = kmem_cache_create("stash_zero", 96, 0, 0, NULL);
	enum { N = 300 };
	void *objs[N];
	unsigned char *z;

	for (int i = 0; i < N; i++)
		memset(objs[i] = kmem_cache_alloc(s, GFP_KERNEL), 0xee, 96);
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, objs[i]);
	for (int i = 0; i < N - 1; i++) {
		z = kmem_cache_zalloc(s, GFP_KERNEL);
		for (int j = 0; j < 96; j++)
			if (z[j])
				fail_msg("object %d byte %d not zeroed", i, j);
		objs[i] = z;
	}
	kmm_fail_nth(1);
	assert_null(kmem_cache_alloc(s, GFP_KERNEL));
	objs[N - 1] = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(objs[N - 1]);
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, objs[i]);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmem_cache_destroy(s);
}

static void slabinfo_prints_the_kernel_layout(void **state)
{
	struct kmem_cache *s = kmem_cache_create("kmmprobe_obj", 200, 0, SLAB_HWCACHE_ALIGN, NULL);
	void *objs[10];
	char *buf = NULL, line[256], *last;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (int i = 0; i < 10; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	assert_int_equal(kmm_proc_show("slabinfo", f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "slabinfo - version: 2.1\n# name            <active_objs> "
				    "<num_objs> <objsize> <objperslab> <pagesperslab> : tunables "
				    "<limit> <batchcount> <sharedfactor> : slabdata <active_slabs> "
				    "<num_slabs> <sharedavail>\n"));
	snprintf(line, sizeof(line),
		 "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n",
		 "kmmprobe_obj", 16UL, 16UL, 256u, 16u, 1, 0u, 0u, 0u, 1UL, 1UL, 0UL);
	/* The newest cache is listed first. */
	assert_memory_equal(strchr(strchr(buf, '\n') + 1, '\n') + 1, line, strlen(line));
	/* The boot-time caches close the list in the reference's order. */
	assert_non_null(strstr(buf, "\ndma-kmalloc-8 "));
	assert_true(strstr(buf, "\ndma-kmalloc-8 ") < strstr(buf, "\nkmalloc-rcl-8k "));
	assert_true(strstr(buf, "\nkmalloc-rcl-8 ") < strstr(buf, "\nkmalloc-cg-8k "));
	assert_true(strstr(buf, "\nkmalloc-cg-8 ") < strstr(buf, "\nkmalloc-8k "));
	assert_true(strstr(buf, "\nkmalloc-128 ") < strstr(buf, "\nkmalloc-96 "));
	/* ... and kmalloc-8 is the last line. */
	last = strrchr(buf, '\n');
	while (last > buf && last[-1] != '\n')
		last--;
	assert_memory_equal(last, "kmalloc-8 ", 10);
	assert_non_null(strstr(last, "      8  512    1 : tunables    0    0    0 : slabdata "));
	free(buf);
	for (int i = 0; i < 10; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
}

static void meminfo_counts_slab_pages(void **state)
{
	struct kmem_cache *s = kmem_cache_create("counted", 1024, 0, 0, NULL);
	unsigned long before = slab_unreclaimable_pages();
	void *p = kmem_cache_alloc(s, GFP_KERNEL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(slab_unreclaimable_pages(), before + 2);
	f = open_memstream(&buf, &len);
	kmm_proc_meminfo(f);
	fclose(f);
	assert_non_null(strstr(buf, "SUnreclaim:"));
	free(buf);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
	assert_int_equal(slab_unreclaimable_pages(), before);
}

static void reboot_in_the_same_process_starts_clean(void **state)
{
	struct kmem_cache *s = kmem_cache_create("before_reboot", 64, 0, 0, NULL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	assert_non_null(p);
	kmm_shutdown();
	assert_int_equal(boot_cpus(1), 0);
	s = kmem_cache_create("after_reboot", 64, 0, 0, NULL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(p);
	assert_int_equal(info_of("before_reboot").name[0], 0);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(geometry_matches_the_kernel_with_one_cpu),
		cmocka_unit_test(more_cpus_ask_for_more_objects_per_slab),
		cmocka_unit_test(constructor_runs_once_per_object_when_the_slab_is_made),
		cmocka_unit_test(hwcache_align_rounds_to_the_cache_line),
		cmocka_unit_test(explicit_alignment_is_honoured),
		cmocka_unit_test(objects_live_in_the_linear_map_and_lead_back_to_their_cache),
		cmocka_unit_test(slab_cache_dma_takes_pages_from_zone_dma),
		cmocka_unit_test(zalloc_zeroes_and_bulk_round_trips),
		cmocka_unit_test(shrink_gives_empty_slabs_back),
		cmocka_unit_test(the_shrinker_releases_empty_slabs),
		cmocka_unit_test(memory_pressure_reclaims_empty_slabs),
		cmocka_unit_test(destroy_with_live_objects_reports_and_keeps_the_cache),
		cmocka_unit_test(failslab_fails_cache_allocations),
		cmocka_unit_test(gfp_kernel_in_atomic_context_is_reported),
		cmocka_unit_test(frees_from_another_thread_come_back_to_the_owner),
		cmocka_unit_test(an_exited_threads_slab_is_adopted_or_shrunk),
		cmocka_unit_test(a_large_batch_comes_back_without_new_slabs),
		cmocka_unit_test(a_batch_beyond_the_stash_goes_back_to_the_node),
		cmocka_unit_test(frees_from_another_thread_wait_in_its_stash_until_it_exits),
		cmocka_unit_test(a_shrink_reaches_live_threads_stashes_at_their_next_refill),
		cmocka_unit_test(destroy_empties_the_stashes_of_parked_threads),
		cmocka_unit_test(a_thread_that_only_frees_honours_a_shrink_when_its_stash_fills),
		cmocka_unit_test(zeroing_and_failslab_apply_to_stashed_objects),
		cmocka_unit_test(slabinfo_prints_the_kernel_layout),
		cmocka_unit_test(meminfo_counts_slab_pages),
		cmocka_unit_test(reboot_in_the_same_process_starts_clean),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
