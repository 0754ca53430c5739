/*
 * RCU under load: reader threads walk an RCU-protected list and follow an RCU-protected
 * pointer while updater threads insert, replace and delete entries under a spinlock and
 * retire the old ones with kfree_rcu(), call_rcu() or synchronize_rcu() + kfree(), in a
 * seeded random mix. Entries come from a poisoning cache and carry a stamp that is wiped on
 * retirement, so a reader that ever touches a retired entry counts an error. At the end no
 * read went bad, every entry was freed (the cache is destroyed without a leak report) and no
 * report was made. Under TSan this is also the check that the grace period orders the
 * readers' last accesses before the frees (see src/kernel/rcu/rcu.c).
 *
 * Seeded: the seed is printed; KMM_STRESS_SEED=N repeats a run's choices (thread interleaving
 * stays the host's).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sched.h>
#include <pthread.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/spinlock.h>
#include <kmm/rcupdate.h>
#include <kmm/rculist.h>
#include <kmm/slab.h>
#include <kmm/report.h>

#define READERS 3
#define UPDATERS 2
#define OPS 1500
#define LIVE 16 /* entries an updater keeps on the list */
#define STAMP 0x600dcafeu

struct entry {
	unsigned int stamp; /* STAMP while published or in a grace period's reach */
	unsigned int key;
	unsigned int value; /* key * 3 */
	struct list_head node;
	struct rcu_head rcu;
};

static LIST_HEAD(entries);
static DEFINE_SPINLOCK(entries_lock);
static struct entry *featured; /* __rcu: one entry readers look at directly */
static struct kmem_cache *cache;
static unsigned long long seed;
static int stop, bad_reads, reads;

static unsigned long long next_rand(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static bool entry_ok(const struct entry *e)
{
	return __atomic_load_n(&e->stamp, __ATOMIC_RELAXED) == STAMP && e->value == e->key * 3;
}

static void *reader(void *arg)
{
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		struct entry *e;
		int bad = 0;

		rcu_read_lock();
		list_for_each_entry_rcu (e, &entries, node)
			bad += !entry_ok(e);
		e = rcu_dereference(featured);
		if (e) {
			sched_yield();
			bad += !entry_ok(e);
		}
		rcu_read_unlock();
		__atomic_add_fetch(&bad_reads, bad, __ATOMIC_RELAXED);
		__atomic_add_fetch(&reads, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void entry_free(struct rcu_head *head)
{
	struct entry *e = container_of(head, struct entry, rcu);

	kmem_cache_free(cache, e);
}

/* The entry is unreachable for new readers; free it when the old ones are gone. */
static void retire(struct entry *e, unsigned long long r)
{
	switch (r % 3) {
	case 0:
		kfree_rcu(e, rcu);
		break;
	case 1:
		call_rcu(&e->rcu, entry_free);
		break;
	default:
		synchronize_rcu();
		/* No reader can see it now: wiping the stamp is safe (and a race if not). */
		e->stamp = 0;
		kmem_cache_free(cache, e);
	}
}

static struct entry *entry_new(unsigned int key)
{
	struct entry *e = kmem_cache_alloc(cache, GFP_KERNEL);

	assert_non_null(e);
	e->stamp = STAMP;
	e->key = key;
	e->value = key * 3;
	return e;
}

static void *updater(void *arg)
{
	unsigned long long r = seed + (unsigned long)arg * 0x9e3779b97f4a7c15ull;
	struct entry *mine[LIVE] = { 0 };

	for (unsigned int op = 0; op < OPS; op++) {
		unsigned int slot = (unsigned int)(next_rand(&r) % LIVE);
		unsigned long long how = next_rand(&r);
		struct entry *old = mine[slot], *e = entry_new((unsigned int)how & 0xffff);

		spin_lock(&entries_lock);
		if (old)
			list_replace_rcu(&old->node, &e->node);
		else
			list_add_rcu(&e->node, &entries);
		mine[slot] = e;
		/* Feature the new entry now and then; never leave a retired one featured. */
		if (how & 0x10000 || (old && rcu_access_pointer(featured) == old))
			rcu_assign_pointer(featured, e);
		spin_unlock(&entries_lock);
		if (old)
			retire(old, how >> 20);
	}
	spin_lock(&entries_lock);
	for (unsigned int i = 0; i < LIVE; i++) {
		if (!mine[i])
			continue;
		list_del_rcu(&mine[i]->node);
		if (rcu_access_pointer(featured) == mine[i])
			RCU_INIT_POINTER(featured, NULL);
	}
	spin_unlock(&entries_lock);
	for (unsigned int i = 0; i < LIVE; i++)
		if (mine[i])
			retire(mine[i], i);
	return NULL;
}

static void readers_never_see_a_freed_entry(void **state)
{
	pthread_t r[READERS], u[UPDATERS];
	const char *env = getenv("KMM_STRESS_SEED");

	seed = env ? strtoull(env, NULL, 0) : (unsigned long long)time(NULL) | 1;
	printf("rcu stress seed: %llu\n", seed);
	cache = kmem_cache_create("rcu_stress", sizeof(struct entry), 0,
				  SLAB_POISON | SLAB_CONSISTENCY_CHECKS, NULL);
	assert_non_null(cache);
	kmm_report_capture_begin();
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&r[i], NULL, reader, NULL), 0);
	for (long i = 0; i < UPDATERS; i++)
		assert_int_equal(pthread_create(&u[i], NULL, updater, (void *)i), 0);
	for (int i = 0; i < UPDATERS; i++)
		pthread_join(u[i], NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < READERS; i++)
		pthread_join(r[i], NULL);
	rcu_barrier();
	assert_int_equal(kmm_report_capture_end(), 0);
	assert_true(list_empty(&entries));
	assert_null(rcu_access_pointer(featured));
	assert_true(reads > 0);
	assert_int_equal(bad_reads, 0);
	assert_int_equal(kmm_slab_validate(cache), 0);
	kmm_report_capture_begin();
	kmem_cache_destroy(cache); /* every entry was freed: no "still has objects" */
	assert_int_equal(kmm_report_capture_end(), 0);
}

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };

	return kmm_boot(&cfg);
}

static int shutdown(void **state)
{
	kmm_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(readers_never_see_a_freed_entry),
	};

	return cmocka_run_group_tests(tests, boot, shutdown);
}
