/*
 * Many threads allocating and freeing through shared slots, so most frees happen on another
 * thread than the allocation: contents must survive (no two live objects overlap), every
 * cache's counts must add up, the validator must stay clean, and once everything is freed
 * and the threads are gone, shrinking must give every slab back. A second run does it in
 * batches (up to a few thousand objects, more than a thread's stash holds), half freed by
 * the allocating thread and half handed to others, while threads shrink the caches and read
 * slabinfo, and threads come and go. Seeded; the seed is printed on failure
 * (KMM_STRESS_SEED=n repeats a run).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/slab.h>
#include <kmm/page_alloc.h>

#define THREADS 4
#define SLOTS 4096
#define OPS 200000
#define NR_CACHES 5

struct slot {
	void *obj; /* atomic: whoever exchanges it out owns the object */
};

struct obj_head {
	unsigned long tag; /* slot index and generation, repeated through the object */
	unsigned int size;
	unsigned int kind; /* cache index, or NR_CACHES for kmalloc */
};

static struct kmem_cache *caches[NR_CACHES];
static const unsigned int sizes[NR_CACHES] = { 16, 64, 200, 1024, 96 };
static struct slot slots[SLOTS];
static unsigned long seed;
static int failures; /* atomic */

static unsigned long next_rand(unsigned long *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void fill(struct obj_head *h, unsigned long tag, unsigned int size, unsigned int kind)
{
	unsigned long *w = (unsigned long *)h;

	h->tag = tag;
	h->size = size;
	h->kind = kind;
	for (unsigned int i = sizeof(*h) / sizeof(long); i < size / sizeof(long); i++)
		w[i] = tag ^ i;
}

static bool intact(const struct obj_head *h)
{
	const unsigned long *w = (const unsigned long *)h;

	for (unsigned int i = sizeof(*h) / sizeof(long); i < h->size / sizeof(long); i++)
		if (w[i] != (h->tag ^ i))
			return false;
	return true;
}

static void release(struct obj_head *h)
{
	if (!intact(h))
		__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
	if (h->kind == NR_CACHES)
		kfree(h);
	else
		kmem_cache_free(caches[h->kind], h);
}

static void *worker(void *arg)
{
	unsigned long x = seed ^ ((unsigned long)(long)arg * 0x9e3779b97f4a7c15ul) ^ 1;

	for (unsigned long op = 0; op < OPS; op++) {
		unsigned long r = next_rand(&x);
		unsigned int idx = (unsigned int)(r % SLOTS);
		struct obj_head *h = __atomic_exchange_n(&slots[idx].obj, NULL, __ATOMIC_ACQ_REL);
		unsigned int kind, size;

		if (h) {
			release(h);
			continue;
		}
		kind = (unsigned int)((r >> 20) % (NR_CACHES + 1));
		if (kind == NR_CACHES) {
			size = 24 + (unsigned int)((r >> 32) % 3000);
			h = kmalloc(size, (r >> 40) & 1 ? GFP_KERNEL : GFP_ATOMIC);
		} else {
			size = sizes[kind];
			h = kmem_cache_alloc(caches[kind], GFP_KERNEL);
		}
		if (!h) {
			__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
			continue;
		}
		fill(h, ((unsigned long)idx << 32) ^ op, size & ~7u, kind);
		h = __atomic_exchange_n(&slots[idx].obj, h, __ATOMIC_ACQ_REL);
		if (h)
			release(h);
	}
	return NULL;
}

static void churn(const char *options)
{
	struct kmm_config cfg = { .mem_bytes = 256 << 20, .cpus = THREADS, .options = options };
	pthread_t t[THREADS];
	const char *env = getenv("KMM_STRESS_SEED");
	struct kmm_slab_info info[128];
	int n;

	seed = env ? strtoul(env, NULL, 0) : 0x5eed1234ul;
	assert_int_equal(kmm_boot(&cfg), 0);
	for (int i = 0; i < NR_CACHES; i++) {
		char name[32];

		snprintf(name, sizeof(name), "stress-%u", sizes[i]);
		/* The last cache runs the checked debug path. */
		caches[i] = kmem_cache_create(name, sizes[i], 0,
					      i == NR_CACHES - 1 ?
						      SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
							      SLAB_POISON | SLAB_STORE_USER :
						      0,
					      NULL);
		assert_non_null(caches[i]);
	}
	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	if (failures)
		print_message("seed %#lx: %d failures\n", seed, failures);
	assert_int_equal(failures, 0);
	for (int i = 0; i < NR_CACHES; i++)
		assert_int_equal(kmm_slab_validate(caches[i]), 0);
	for (unsigned int i = 0; i < SLOTS; i++)
		if (slots[i].obj) {
			release(slots[i].obj);
			slots[i].obj = NULL;
		}
	assert_int_equal(failures, 0);
	for (int i = 0; i < NR_CACHES; i++) {
		kmem_cache_shrink(caches[i]);
		assert_int_equal(kmm_slab_validate(caches[i]), 0);
	}
	n = kmm_slab_info(info, 128);
	for (int i = 0; i < n && i < 128; i++) {
		if (strncmp(info[i].name, "stress-", 7) == 0) {
			if (info[i].num_slabs)
				print_message("seed %#lx: %s keeps %lu slabs, %lu objects\n", seed,
					      info[i].name, info[i].num_slabs, info[i].active_objs);
			assert_int_equal(info[i].active_objs, 0);
			assert_int_equal(info[i].num_slabs, 0);
		}
	}
	for (int i = 0; i < NR_CACHES; i++)
		kmem_cache_destroy(caches[i]);
	kmm_shutdown();
}

#define BATCH_MAX 3000
#define BATCH_ROUNDS 60

/* Allocate a batch, free half of it here and hand the rest out through the slots (freeing
 * what they held); now and then shrink a cache or read every cache's counts. */
static void *batch_worker(void *arg)
{
	unsigned long x = seed ^ ((unsigned long)(long)arg * 0x2545f4914f6cdd1dul) ^ 7;
	struct obj_head **batch = calloc(BATCH_MAX, sizeof(*batch));
	struct kmm_slab_info info[128];

	for (int round = 0; round < BATCH_ROUNDS; round++) {
		unsigned long r = next_rand(&x);
		int n = 1 + (int)(r % BATCH_MAX);
		unsigned int kind = (unsigned int)((r >> 16) % (NR_CACHES + 1));

		for (int i = 0; i < n; i++) {
			unsigned int size = kind == NR_CACHES ?
						    16 + (unsigned int)(next_rand(&x) % 600) :
						    sizes[kind];

			batch[i] = kind == NR_CACHES ? kmalloc(size, GFP_KERNEL) :
						       kmem_cache_alloc(caches[kind], GFP_KERNEL);
			if (!batch[i]) {
				__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
				n = i;
				break;
			}
			fill(batch[i],
			     ((unsigned long)(long)arg << 40) ^ ((unsigned long)round << 20) ^ i,
			     size & ~7u, kind);
		}
		for (int i = 0; i < n; i++) {
			struct obj_head *h = batch[i];

			if (i % 2 == 0) /* handed out: free what the slot held instead */
				h = __atomic_exchange_n(&slots[next_rand(&x) % SLOTS].obj, h,
							__ATOMIC_ACQ_REL);
			if (h)
				release(h);
		}
		if ((r >> 32) % 8 == 0)
			kmem_cache_shrink(caches[(r >> 40) % NR_CACHES]);
		if ((r >> 36) % 4 == 0)
			kmm_slab_info(info, 128);
	}
	free(batch);
	return NULL;
}

/* Everything freed and every thread gone: the counts must come back to nothing. */
static void assert_all_given_back(void)
{
	struct kmm_slab_info info[128];
	int n;

	for (int i = 0; i < NR_CACHES; i++) {
		kmem_cache_shrink(caches[i]);
		assert_int_equal(kmm_slab_validate(caches[i]), 0);
	}
	n = kmm_slab_info(info, 128);
	for (int i = 0; i < n && i < 128; i++) {
		if (strncmp(info[i].name, "stress-", 7) == 0) {
			if (info[i].num_slabs)
				print_message("seed %#lx: %s keeps %lu slabs, %lu objects\n", seed,
					      info[i].name, info[i].num_slabs, info[i].active_objs);
			assert_int_equal(info[i].active_objs, 0);
			assert_int_equal(info[i].num_slabs, 0);
		}
	}
}

static void batches_across_threads_with_shrinks_keep_contents_and_counts(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 256 << 20, .cpus = THREADS };
	const char *env = getenv("KMM_STRESS_SEED");
	pthread_t t[THREADS];

	seed = env ? strtoul(env, NULL, 0) : 0xba7c4ul;
	failures = 0;
	assert_int_equal(kmm_boot(&cfg), 0);
	for (int i = 0; i < NR_CACHES; i++) {
		char name[32];

		snprintf(name, sizeof(name), "stress-%u", sizes[i]);
		caches[i] = kmem_cache_create(name, sizes[i], 0,
					      i == NR_CACHES - 1 ? SLAB_POISON | SLAB_RED_ZONE : 0,
					      NULL);
		assert_non_null(caches[i]);
	}
	/* Two generations: the second adopts what the first left behind. */
	for (int gen = 0; gen < 2; gen++) {
		for (long i = 0; i < THREADS; i++)
			pthread_create(&t[i], NULL, batch_worker, (void *)(i + gen * THREADS));
		for (int i = 0; i < THREADS; i++)
			pthread_join(t[i], NULL);
		if (failures)
			print_message("seed %#lx: %d failures\n", seed, failures);
		assert_int_equal(failures, 0);
		for (int i = 0; i < NR_CACHES; i++)
			assert_int_equal(kmm_slab_validate(caches[i]), 0);
	}
	for (unsigned int i = 0; i < SLOTS; i++)
		if (slots[i].obj) {
			release(slots[i].obj);
			slots[i].obj = NULL;
		}
	assert_int_equal(failures, 0);
	assert_all_given_back();
	for (int i = 0; i < NR_CACHES; i++)
		kmem_cache_destroy(caches[i]);
	kmm_shutdown();
}

static void cross_thread_churn_keeps_contents_and_counts(void **state)
{
	churn(NULL);
}

static void the_same_with_hardened_and_randomized_freelists(void **state)
{
	churn("slab_hardened=1,slab_random=1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cross_thread_churn_keeps_contents_and_counts),
		cmocka_unit_test(the_same_with_hardened_and_randomized_freelists),
		cmocka_unit_test(batches_across_threads_with_shrinks_keep_contents_and_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
