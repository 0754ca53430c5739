/*
 * test_vmalloc_stress.c - threads vmalloc and vfree areas of random sizes, hand them to each
 * other through shared slots, and check every page through a second mapping (the linear map,
 * or kmap_local for high memory) while a reader walks /proc/vmallocinfo and looks pages up.
 * Some frees are vfree_atomic(), finished by a work item. Seeded; the seed is printed so a
 * failure can be replayed (KMM_STRESS_SEED).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/highmem.h>
#include <kmm/page_alloc.h>
#include <kmm/proc.h>
#include <kmm/report.h>
#include <kmm/vmalloc.h>
#include "mm/vmalloc.h"

#define THREADS 4
#define SLOTS 64
#define ROUNDS 3000

struct area {
	unsigned char *addr;
	unsigned int pages;
	unsigned char tag;
};

static struct area *slots[SLOTS];
static unsigned int seed;
static int stop_reader;
static unsigned long bad;

static void fill(struct area *a)
{
	for (unsigned int i = 0; i < a->pages; i++) {
		a->addr[i * PAGE_SIZE] = a->tag;
		a->addr[i * PAGE_SIZE + PAGE_SIZE - 1] = (unsigned char)(a->tag + i);
	}
}

/* Read every page back through its other mapping. */
static void check(const struct area *a)
{
	for (unsigned int i = 0; i < a->pages; i++) {
		struct page *page = vmalloc_to_page(a->addr + i * PAGE_SIZE);
		unsigned char *k;

		if (!page) {
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
			continue;
		}
		k = kmap_local_page(page);
		if (k[0] != a->tag || k[PAGE_SIZE - 1] != (unsigned char)(a->tag + i))
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
		kunmap_local(k);
	}
}

static void release(struct area *a)
{
	check(a);
	/* Some go the atomic way: queued, then freed by a work item in process context. */
	if ((a->tag & 7) == 0)
		vfree_atomic(a->addr);
	else
		vfree(a->addr);
	free(a);
}

static void *worker(void *arg)
{
	unsigned int s = seed + (unsigned int)(uintptr_t)arg * 7919;

	for (int r = 0; r < ROUNDS; r++) {
		unsigned int slot = (unsigned int)rand_r(&s) % SLOTS;
		struct area *a = NULL;

		if (rand_r(&s) % 2) {
			a = malloc(sizeof(*a));
			a->pages = (unsigned int)rand_r(&s) % 32 + 1;
			a->tag = (unsigned char)rand_r(&s);
			a->addr = vmalloc((unsigned long)a->pages * PAGE_SIZE);
			if (!a->addr) {
				__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
				free(a);
				continue;
			}
			fill(a);
		}
		/* Whatever was in the slot was filled by some thread: check and free it here. */
		a = __atomic_exchange_n(&slots[slot], a, __ATOMIC_ACQ_REL);
		if (a)
			release(a);
	}
	return NULL;
}

static void *reader(void *arg)
{
	char *buf = malloc(1 << 20);

	while (!__atomic_load_n(&stop_reader, __ATOMIC_ACQUIRE)) {
		FILE *f = fmemopen(buf, 1 << 20, "w");
		struct kmm_vmalloc_usage u;

		kmm_proc_vmallocinfo(f);
		fclose(f);
		kmm_vmalloc_usage(&u);
		(void)vmalloc_to_page((void *)VMALLOC_START);
	}
	free(buf);
	return NULL;
}

static void threads_vmalloc_and_vfree_across_each_other_and_data_survives(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 1ULL << 30, .cpus = 2 };
	pthread_t t[THREADS], rd;
	const char *env = getenv("KMM_STRESS_SEED");
	unsigned long before;

	seed = env ? (unsigned int)strtoul(env, NULL, 0) : 20261123u;
	printf("vmalloc stress seed %u (KMM_STRESS_SEED to replay)\n", seed);
	assert_int_equal(kmm_boot(&cfg), 0);
	drain_local_pages();
	before = nr_free_pages();
	pthread_create(&rd, NULL, reader, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	__atomic_store_n(&stop_reader, 1, __ATOMIC_RELEASE);
	pthread_join(rd, NULL);
	for (int i = 0; i < SLOTS; i++)
		if (slots[i])
			release(slots[i]);
	vm_unmap_aliases();
	assert_int_equal(bad, 0);
	assert_int_equal(kmm_report_count(), 0);
	assert_int_equal(vmalloc_nr_pages(), 0);
	assert_true(vmalloc_state_valid());
	/* Pages freed by the work item's thread sit in its page cache: count them as free. */
	kmm_drain_all_pages();
	drain_local_pages();
	assert_true(nr_free_pages() + 4 * (unsigned long)kmm_option("pcp_high") >= before);
	kmm_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threads_vmalloc_and_vfree_across_each_other_and_data_survives),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
