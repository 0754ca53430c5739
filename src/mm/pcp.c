/*
 * pcp.c - per-thread caches of free blocks of orders 0..PCP_MAX_ORDER, kmm's stand-in for the
 * kernel's per-CPU page lists.
 *
 * Each thread keeps, per zone and order, a stack of free blocks linked through lru.next, marked
 * PG_pcp. Allocation pops from it and refills pcp_batch pages' worth under the zone lock when
 * empty; freeing pushes and, above pcp_high pages, gives a batch back. The fast path takes no
 * lock and makes no atomic read-modify-write: the lists belong to their thread alone.
 *
 * Caches from an earlier boot are dropped, not freed (their generation is stale). Other
 * threads ask for a drain through drain_requests; the owner honours it at its next call.
 */
#include <kmm/page_alloc.h>
#include "machine/machine.h"
#include "machine/options.h"
#include "machine/stats.h"
#include "machine/thread.h"
#include "mm/internal.h"

int alloc_waiters;
unsigned long drain_requests;

static void push(struct pcp_list *l, struct page *page)
{
	page_flags_change(page, 0, 1UL << PG_pcp);
	page->lru.next = l->head ? &l->head->lru : NULL;
	l->head = page;
	l->count++;
}

static struct page *pop(struct pcp_list *l)
{
	struct page *page = l->head;

	l->head = page->lru.next ? (struct page *)((char *)page->lru.next -
						   __builtin_offsetof(struct page, lru)) :
				   NULL;
	page->lru.next = NULL;
	page_flags_change(page, 1UL << PG_pcp, 0);
	l->count--;
	return page;
}

/* Give @nr blocks of list @l back to @zone. */
static void give_back(struct zone *zone, struct pcp_list *l, unsigned int order, unsigned int nr)
{
	if (!nr)
		return;
	count_events(STAT_PCP_SPILL, 1);
	pthread_mutex_lock(&zone->lock);
	while (nr-- && l->head)
		__free_one_page(zone, pop(l), order);
	pthread_mutex_unlock(&zone->lock);
	page_alloc_wake_waiters();
}

void pcp_drain(struct pcp_cache *pcp)
{
	if (pcp->generation != kmm_machine.generation || !kmm_machine.booted)
		return;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (unsigned int o = 0; o <= PCP_MAX_ORDER; o++)
			give_back(&zones[z], &pcp->lists[z][o], o, pcp->lists[z][o].count);
}

/*
 * The calling thread's cache, made current: stale lists dropped, pending drains honoured.
 * Inlined: it is most of the fast path's bookkeeping.
 */
static inline __attribute__((always_inline)) struct pcp_cache *my_cache(struct kmm_thread *t)
{
	struct pcp_cache *pcp = &t->pcp;
	unsigned long requested = __atomic_load_n(&drain_requests, __ATOMIC_RELAXED);

	if (__builtin_expect(pcp->generation != kmm_machine.generation, 0)) {
		*pcp = (struct pcp_cache){ .generation = kmm_machine.generation,
					   .drain_seen = requested };
	} else if (__builtin_expect(pcp->drain_seen != requested, 0)) {
		pcp->drain_seen = requested;
		pcp_drain(pcp);
	}
	return pcp;
}

static unsigned int batch_blocks(unsigned int order)
{
	unsigned long pages = (unsigned long)kmm_opts.pcp_batch;

	return (pages >> order) ? (unsigned int)(pages >> order) : 1;
}

/* Fill empty list @l with a batch from @zone. Out of line, to keep pcp_alloc() a leaf. */
static bool __attribute__((noinline))
refill(struct zone *zone, struct pcp_list *l, unsigned int order)
{
	unsigned int n = batch_blocks(order);

	count_events(STAT_PCP_REFILL, 1);
	pthread_mutex_lock(&zone->lock);
	while (n--) {
		struct page *page = __rmqueue(zone, order);

		if (!page)
			break;
		push(l, page);
	}
	pthread_mutex_unlock(&zone->lock);
	return l->head != NULL;
}

struct page *pcp_alloc(struct kmm_thread *t, struct zone *zone, unsigned int order)
{
	struct pcp_list *l = &my_cache(t)->lists[zone - zones][order];

	if (__builtin_expect(!l->head, 0) && !refill(zone, l, order))
		return NULL;
	return pop(l);
}

void pcp_free(struct kmm_thread *t, struct zone *zone, struct page *page, unsigned int order)
{
	struct pcp_list *l = &my_cache(t)->lists[zone - zones][order];

	push(l, page);
	if ((unsigned long)l->count << order > (unsigned long)kmm_opts.pcp_high)
		give_back(zone, l, order, batch_blocks(order));
}

static void pcp_thread_exit(struct kmm_thread *t)
{
	pcp_drain(&t->pcp);
}

kmm_thread_hook(arch, pcp, NULL, pcp_thread_exit);

void drain_local_pages(void)
{
	pcp_drain(&thread_current()->pcp);
}

void kmm_drain_all_pages(void)
{
	__atomic_add_fetch(&drain_requests, 1, __ATOMIC_RELAXED);
	drain_local_pages();
}
