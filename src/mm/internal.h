/*
 * internal.h - zones, their buddy free areas, and the per-thread page caches (defined in
 * page_alloc.c and pcp.c; zones are sized by page_alloc.c at boot).
 *
 * Each zone is a run of pfns [zone_start_pfn, zone_start_pfn + spanned_pages) whose start is
 * aligned to MAX_ORDER_NR_PAGES, so a block's buddy never lies in another zone.
 * Invariant (zone lock held): free_pages == sum over o of free_area[o].nr_free << o.
 */
#ifndef KMM_INTERNAL_ZONE_H
#define KMM_INTERNAL_ZONE_H

#include <pthread.h>
#include <kmm/page_alloc.h>
#include "machine/os.h"

enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_HIGHMEM,
	ZONE_MOVABLE, /* configured but always empty: kmm has no movablecore= */
	ZONE_DEVICE, /* configured but always empty on x86_64 */
	MAX_NR_ZONES,
};

/* The zone types the profile's kernel is configured with (the views list exactly these). */
extern KMM_HIDDEN unsigned int zones_configured;

static inline bool zone_configured(enum zone_type type)
{
	return (zones_configured >> type) & 1;
}

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	NR_WMARK,
};

/* Thread caches hold orders 0..PCP_MAX_ORDER, as the kernel's per-CPU lists do. */
#define PCP_MAX_ORDER PAGE_ALLOC_COSTLY_ORDER

struct free_area {
	struct list_head free_list;
	unsigned long nr_free; /* blocks of this order on free_list */
};

struct zone {
	const char *name;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages; /* RAM frames in the span */
	unsigned long managed_pages; /* frames handed to the buddy allocator */
	unsigned long watermark[NR_WMARK];
	unsigned long lowmem_reserve[MAX_NR_ZONES];
	pthread_mutex_t lock;
	unsigned long free_pages; /* NR_FREE_PAGES: pages on the free lists; relaxed reads */
	struct free_area free_area[MAX_PAGE_ORDER + 1];
};

/* A thread's cache of free blocks of one zone and order: a stack linked through lru.next. */
struct pcp_list {
	struct page *head;
	unsigned int count;
};

struct pcp_cache {
	unsigned long generation; /* boot generation the cached pages belong to */
	unsigned long drain_seen; /* last drain request honoured */
	struct pcp_list lists[MAX_NR_ZONES][PCP_MAX_ORDER + 1];
};

struct kmm_machine;

extern KMM_HIDDEN struct zone zones[MAX_NR_ZONES];

static inline bool zone_populated(const struct zone *zone)
{
	return zone->managed_pages != 0;
}

static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

/* The zone of a RAM page. */
static inline struct zone *page_zone(const struct page *page)
{
	return &zones[page_zonenum(page)];
}

/*
 * Change the flags of a page only its owner writes (just allocated, being freed, or in the
 * owner's thread cache). __free_one_page() may meanwhile read them under its zone lock to see
 * whether the page is a free buddy, so both sides are atomic: a plain load and store, no
 * read-modify-write.
 */
static inline void page_flags_change(struct page *page, unsigned long clear, unsigned long set)
{
	unsigned long flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);

	__atomic_store_n(&page->flags, (flags & ~clear) | set, __ATOMIC_RELAXED);
}

/* Hand a frame range to the buddy allocator at boot: [start_pfn, end_pfn) of one zone. */
KMM_HIDDEN void page_alloc_free_range(unsigned long start_pfn, unsigned long end_pfn);

/* Wake any allocation waiting for memory (called after frees reach the zones). */
KMM_HIDDEN void page_alloc_wake_waiters(void);

/* Format GFP flags the way the kernel's %pGg does, e.g. "GFP_KERNEL|__GFP_ZERO". */
KMM_HIDDEN const char *gfp_format(gfp_t gfp, char *buf, size_t len);

/* ---- debug_pagealloc.c ---- */

/* The debug_pagealloc option, as read at boot; set before any page is freed after boot. */
extern KMM_HIDDEN bool debug_pagealloc_on;

/* Put the block @page of 2^@order pages into the linear map, or take it out. */
KMM_HIDDEN void debug_pagealloc_set(struct page *page, unsigned int order, bool present);

#endif /* KMM_INTERNAL_ZONE_H */

/* ---- shared between page_alloc.c, pcp.c and reclaim.c ---- */

/* Allocation flags derived from gfp, as the kernel's ALLOC_* */
#define ALLOC_WMARK_MIN 0x0
#define ALLOC_WMARK_LOW 0x1
#define ALLOC_WMARK_HIGH 0x2
#define ALLOC_NO_WATERMARKS 0x4
#define ALLOC_WMARK_MASK 0x3
#define ALLOC_HARDER 0x10
#define ALLOC_HIGH 0x20

/* Take a block of @order from @zone's free lists, splitting a larger one if needed.
 * Caller holds zone->lock. Returns NULL when no block is large enough. */
KMM_HIDDEN struct page *__rmqueue(struct zone *zone, unsigned int order);

/* Put a free block on @zone's free lists, merging with its buddies. Caller holds zone->lock. */
KMM_HIDDEN void __free_one_page(struct zone *zone, struct page *page, unsigned int order);

/* Try every zone allowed for an allocation whose highest zone is @high, under @alloc_flags. */
KMM_HIDDEN struct page *get_page_from_freelist(unsigned int order, enum zone_type high,
					       unsigned int alloc_flags);

/* The part of an allocation after the fast attempt failed: reserves, reclaim, waiting. */
KMM_HIDDEN struct page *alloc_slowpath(gfp_t gfp, unsigned int order, enum zone_type high);
/*
 * May a failed allocation with @gfp be warned about now? Not with __GFP_NOWARN, not for
 * GFP_DMA on a machine whose DMA zone is empty, and at most once per 10 s of jiffies for the
 * whole machine: the page allocator and vmalloc share the kernel's one warn_alloc() limit.
 */
KMM_HIDDEN bool warn_alloc_allowed(gfp_t gfp);
/* A fresh limit for a fresh machine. */
KMM_HIDDEN void warn_alloc_reset(void);

/* Thread page caches (pcp.c). */
struct kmm_thread;

/* The calling thread @t's page cache: take a block of @order from it, or give one back. */
KMM_HIDDEN struct page *pcp_alloc(struct kmm_thread *t, struct zone *zone, unsigned int order);
KMM_HIDDEN void pcp_free(struct kmm_thread *t, struct zone *zone, struct page *page,
			 unsigned int order);
KMM_HIDDEN void pcp_drain(struct pcp_cache *pcp);

/* Allocations currently waiting for memory; frees bypass thread caches while nonzero. */
extern KMM_HIDDEN int alloc_waiters;
/* Bumped to ask every thread to drain its cache at its next call. */
extern KMM_HIDDEN unsigned long drain_requests;
