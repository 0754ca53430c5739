/*
 * page_alloc.c - the buddy page allocator.
 *
 * Each zone keeps MAX_PAGE_ORDER + 1 free lists; a free block of 2^order pages starts at a pfn
 * aligned to 2^order and its buddy is the block at pfn ^ 2^order. Allocation takes the
 * smallest block large enough and splits it, returning the unused halves to lower lists;
 * freeing merges a block with its buddy for as long as the buddy is free and of the same order.
 * The head page of a free block carries PG_buddy and its order in page->private.
 *
 * Orders 0..PCP_MAX_ORDER go through the calling thread's page cache (pcp.c) first; the slow
 * path (reserves, shrinkers, sleeping) is in reclaim.c.
 *
 * Locks: zone->lock guards a zone's free lists and free_pages; it is taken alone, never
 * nested with another zone's lock. All entry points may be called from any thread; only
 * allocations with __GFP_DIRECT_RECLAIM may sleep.
 */
#include <string.h>

#include <kmm/context.h>
#include <kmm/fault_inject.h>
#include <kmm/page_alloc.h>
#include "machine/assert.h"
#include "lib/fault_inject.h"
#include "lib/list.h"
#include "machine/machine.h"
#include "mm/memmap.h"
#include "machine/options.h"
#include "machine/report.h"
#include "machine/stats.h"
#include "machine/thread.h"
#include "mm/internal.h"
#include "machine/initcall.h"

struct zone zones[MAX_NR_ZONES];

/* Set once the impossible-order warning has been given in this boot. */
static bool order_warned;

static const char *const zone_names[MAX_NR_ZONES] = { "DMA",	 "DMA32",   "Normal",
						      "HighMem", "Movable", "Device" };

unsigned int zones_configured;

const char *kmm_zone_name(unsigned int zonenum)
{
	return zonenum < MAX_NR_ZONES ? zone_names[zonenum] : "?";
}

/* Kernel default lowmem_reserve_ratio for DMA, DMA32, Normal, HighMem, Movable, Device. */
static const unsigned long lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32, 0, 0, 0 };

/* Flags that must be clear on a page being freed (the kernel's PAGE_FLAGS_CHECK_AT_FREE). */
#define PAGE_FLAGS_CHECK_AT_FREE                                                        \
	((1UL << PG_locked) | (1UL << PG_lru) | (1UL << PG_active) | (1UL << PG_slab) | \
	 (1UL << PG_reserved) | (1UL << PG_private) | (1UL << PG_private_2) |           \
	 (1UL << PG_writeback) | (1UL << PG_unevictable) | (1UL << PG_buddy) | (1UL << PG_pcp))

/* ---------------------------------------------------------------- buddy core */

/* Counters written under zone->lock and read locklessly by watermark checks. */
static void counter_add(unsigned long *counter, long delta)
{
	__atomic_store_n(counter, *counter + (unsigned long)delta, __ATOMIC_RELAXED);
}

static void set_buddy(struct page *page, unsigned int order)
{
	page->private = order;
	page->flags |= 1UL << PG_buddy;
}

static void clear_buddy(struct page *page)
{
	page->private = 0;
	page->flags &= ~(1UL << PG_buddy);
}

static bool is_free_buddy(const struct page *page, unsigned int order)
{
	/* The flags of a page that is not free may change under us: see page_flags_change(). */
	return (__atomic_load_n(&page->flags, __ATOMIC_RELAXED) & (1UL << PG_buddy)) &&
	       page->private == order;
}

void __free_one_page(struct zone *zone, struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	counter_add(&zone->free_pages, 1L << order);
	while (order < MAX_PAGE_ORDER) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy = page + ((long)buddy_pfn - (long)pfn);

		if (buddy_pfn < zone->zone_start_pfn || buddy_pfn >= zone_end_pfn(zone) ||
		    !is_free_buddy(buddy, order))
			break;
		list_del(&buddy->lru);
		counter_add(&zone->free_area[order].nr_free, -1);
		clear_buddy(buddy);
		if (buddy_pfn < pfn) {
			page = buddy;
			pfn = buddy_pfn;
		}
		order++;
	}
	set_buddy(page, order);
	list_add(&page->lru, &zone->free_area[order].free_list);
	counter_add(&zone->free_area[order].nr_free, 1);
}

struct page *__rmqueue(struct zone *zone, unsigned int order)
{
	for (unsigned int o = order; o <= MAX_PAGE_ORDER; o++) {
		struct free_area *area = &zone->free_area[o];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, lru);
		list_del(&page->lru);
		counter_add(&area->nr_free, -1);
		clear_buddy(page);
		/* Give back the upper halves until the block has the requested order. */
		while (o > order) {
			struct page *half;

			o--;
			half = page + (1UL << o);
			set_buddy(half, o);
			list_add(&half->lru, &zone->free_area[o].free_list);
			counter_add(&zone->free_area[o].nr_free, 1);
		}
		counter_add(&zone->free_pages, -(1L << order));
		return page;
	}
	return NULL;
}

/* ---------------------------------------------------------------- zones and watermarks */

/* Inlined: it is on every allocation's fast path, and the bulk path calls it too. */
/* The highest zone each combination of zone modifiers may use on this machine (boot). */
static unsigned char zone_for_gfp[GFP_ZONEMASK + 1];

static enum zone_type zone_for(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if ((gfp & __GFP_DMA32) && zone_populated(&zones[ZONE_DMA32]))
		return ZONE_DMA32;
	if ((gfp & __GFP_HIGHMEM) && zone_populated(&zones[ZONE_HIGHMEM]))
		return ZONE_HIGHMEM;
	if (!zone_populated(&zones[ZONE_NORMAL]) && zone_populated(&zones[ZONE_DMA32]))
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

static void zone_table_init(void)
{
	for (gfp_t g = 0; g <= GFP_ZONEMASK; g++)
		zone_for_gfp[g] = (unsigned char)zone_for(g);
}

static inline __attribute__((always_inline)) enum zone_type gfp_zone(gfp_t gfp)
{
	return (enum zone_type)zone_for_gfp[gfp & GFP_ZONEMASK];
}

static inline bool watermark_ok(struct zone *z, unsigned int order, enum zone_type high,
				unsigned int alloc_flags)
{
	long min, free_pages;

	if (alloc_flags & ALLOC_NO_WATERMARKS)
		return true;
	min = (long)z->watermark[alloc_flags & ALLOC_WMARK_MASK];
	free_pages = (long)__atomic_load_n(&z->free_pages, __ATOMIC_RELAXED) - (1L << order) + 1;
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & ALLOC_HARDER)
		min -= min / 4;
	if (free_pages <= min + (long)z->lowmem_reserve[high])
		return false;
	if (order == 0)
		return true;
	for (unsigned int o = order; o <= MAX_PAGE_ORDER; o++)
		if (__atomic_load_n(&z->free_area[o].nr_free, __ATOMIC_RELAXED))
			return true;
	return false;
}

static struct page *rmqueue(struct kmm_thread *t, struct zone *z, unsigned int order)
{
	struct page *page;

	if (order <= PCP_MAX_ORDER)
		return pcp_alloc(t, z, order);
	pthread_mutex_lock(&z->lock);
	page = __rmqueue(z, order);
	pthread_mutex_unlock(&z->lock);
	return page;
}

/*
 * The zone walk. Inlined into alloc_pages_at() with constant @alloc_flags, the reserve
 * arithmetic of watermark_ok() folds away on the fast path.
 */
static inline __attribute__((always_inline)) struct page *freelist_alloc(struct kmm_thread *t,
									 unsigned int order,
									 enum zone_type high,
									 unsigned int alloc_flags)
{
	for (int i = (int)high; i >= 0; i--) {
		struct zone *z = &zones[i];
		struct page *page;

		if (!zone_populated(z) || !watermark_ok(z, order, high, alloc_flags))
			continue;
		page = rmqueue(t, z, order);
		if (page)
			return page;
	}
	return NULL;
}

struct page *get_page_from_freelist(unsigned int order, enum zone_type high,
				    unsigned int alloc_flags)
{
	return freelist_alloc(thread_current(), order, high, alloc_flags);
}

static void zone_init(enum zone_type type, unsigned long start, unsigned long end)
{
	struct zone *z = &zones[type];

	memset(z, 0, sizeof(*z));
	z->name = zone_names[type];
	z->zone_start_pfn = start;
	z->spanned_pages = end > start ? end - start : 0;
	z->present_pages = z->spanned_pages;
	pthread_mutex_init(&z->lock, NULL);
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++)
		INIT_LIST_HEAD(&z->free_area[o].free_list);
	for (unsigned long pfn = start; pfn < end; pfn++)
		pfn_to_page(pfn)->flags |= (unsigned long)type << ZONES_PGSHIFT;
}

static unsigned long clamp_pfn(unsigned long pfn, unsigned long lo, unsigned long hi)
{
	return pfn < lo ? lo : pfn > hi ? hi : pfn;
}

/*
 * The PC firmware's holes in the first megabyte, as QEMU's BIOS reports them to an x86 kernel:
 * page 0 (the real-mode vectors) and 0x9f000..0xfffff (the EBDA, VGA memory, option and system
 * ROMs) are not RAM. ZONE_DMA so starts at pfn 1 and counts those pages as spanned, not present.
 * Only where boot keeps the whole first megabyte reserved (x86, reserve_low_mb >= 1), so no
 * page of a hole is ever freed.
 */
#define BIOS_EBDA_PFN 0x9f
#define BIOS_HOLE_END_PFN 0x100

static bool has_bios_holes(void)
{
	return kmm_layout.min_pfn == 0 && kmm_machine.reserved_pages >= BIOS_HOLE_END_PFN;
}

static void size_zones(void)
{
	unsigned long min = kmm_layout.min_pfn, low = kmm_layout.low_pfn_end;
	unsigned long end = kmm_layout.pfn_end;
	unsigned long dma_end = clamp_pfn(min + (kmm_machine.dma_limit >> PAGE_SHIFT), min, low);

	if (has_bios_holes() && dma_end >= BIOS_HOLE_END_PFN) {
		zone_init(ZONE_DMA, 1, dma_end);
		zones[ZONE_DMA].present_pages -= BIOS_HOLE_END_PFN - BIOS_EBDA_PFN;
	} else {
		zone_init(ZONE_DMA, min, dma_end);
	}
	if (kmm_machine.dma32_limit) {
		unsigned long dma32_end =
			clamp_pfn(kmm_machine.dma32_limit >> PAGE_SHIFT, dma_end, end);

		zone_init(ZONE_DMA32, dma_end, dma32_end);
		zone_init(ZONE_NORMAL, dma32_end, end);
		zone_init(ZONE_HIGHMEM, end, end);
		zones_configured = 1U << ZONE_DMA | 1U << ZONE_DMA32 | 1U << ZONE_NORMAL |
				   1U << ZONE_MOVABLE | 1U << ZONE_DEVICE;
	} else {
		zone_init(ZONE_DMA32, dma_end, dma_end);
		zone_init(ZONE_NORMAL, dma_end, low);
		zone_init(ZONE_HIGHMEM, low, end);
		zones_configured = 1U << ZONE_DMA | 1U << ZONE_NORMAL | 1U << ZONE_HIGHMEM |
				   1U << ZONE_MOVABLE;
	}
	zone_init(ZONE_MOVABLE, end, end);
	zone_init(ZONE_DEVICE, end, end);
}

void page_alloc_free_range(unsigned long start, unsigned long end)
{
	struct zone *z = page_zone(pfn_to_page(start));

	for (unsigned long pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pfn);

		page->flags &= ~(1UL << PG_reserved);
		page->_refcount = 0;
	}
	z->managed_pages += end - start;
	pthread_mutex_lock(&z->lock);
	while (start < end) {
		unsigned int order = MAX_PAGE_ORDER;

		while ((start & ((1UL << order) - 1)) || start + (1UL << order) > end)
			order--;
		__free_one_page(z, pfn_to_page(start), order);
		start += 1UL << order;
	}
	pthread_mutex_unlock(&z->lock);
}

/*
 * What khugepaged asks of min_free_kbytes, in pages, or 0 where transparent huge pages are off:
 * the profile's kernel has none, or the machine has under 512 MiB (the kernel turns them off
 * there). Each populated zone a GFP_USER allocation may use keeps two free pageblocks plus one
 * per pair of migrate types that may steal from each other (3 x 3), at most 5% of low memory.
 */
static unsigned long thp_min_free_pages(unsigned long lowmem_pages)
{
	unsigned long total = 0, block = 1UL << kmm_machine.thp_pageblock_order, want;
	unsigned int nr_zones = 0;

	if (!kmm_machine.thp_pageblock_order)
		return 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		total += zones[i].managed_pages;
		if (i <= ZONE_NORMAL && zones[i].managed_pages)
			nr_zones++;
	}
	if (total < (512UL << (20 - PAGE_SHIFT)))
		return 0;
	want = block * nr_zones * (2 + 3 * 3);
	return want < lowmem_pages / 20 ? want : lowmem_pages / 20;
}

/*
 * The kernel's min_free_kbytes = sqrt(lowmem_kbytes * 16), raised to khugepaged's wish when
 * huge pages are on, spread over zones by size.
 */
static void setup_watermarks(void)
{
	unsigned long lowmem_pages = 0, min_kbytes, pages_min, thp_pages, root = 1;
	bool movable_is_high;

	for (int i = 0; i < ZONE_HIGHMEM; i++)
		lowmem_pages += zones[i].managed_pages;
	while ((root + 1) * (root + 1) <= lowmem_pages * (PAGE_SIZE >> 10) * 16)
		root++;
	min_kbytes = root < 128 ? 128 : root > 262144 ? 262144 : root;
	pages_min = min_kbytes >> (PAGE_SHIFT - 10);
	thp_pages = thp_min_free_pages(lowmem_pages);
	if (thp_pages > pages_min)
		pages_min = thp_pages;
	/* ZONE_MOVABLE borrows from the highest populated zone, and counts as high memory with it. */
	movable_is_high = zone_populated(&zones[ZONE_HIGHMEM]);

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];
		unsigned long share =
			lowmem_pages ? pages_min * z->managed_pages / lowmem_pages : 0;
		unsigned long gap;

		if (i == ZONE_HIGHMEM || (i == ZONE_MOVABLE && movable_is_high)) {
			unsigned long m = z->managed_pages / 1024;

			z->watermark[WMARK_MIN] = m < 32 ? 32 : m > 128 ? 128 : m;
		} else {
			z->watermark[WMARK_MIN] = share;
		}
		gap = share / 4;
		if (gap < z->managed_pages * 10 / 10000)
			gap = z->managed_pages * 10 / 10000;
		z->watermark[WMARK_LOW] = z->watermark[WMARK_MIN] + gap;
		z->watermark[WMARK_HIGH] = z->watermark[WMARK_MIN] + 2 * gap;
	}
}

/* Pages a zone keeps back from allocations that could have used a higher zone. */
static void setup_lowmem_reserve(void)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		unsigned long above = 0;

		for (int j = i + 1; j < MAX_NR_ZONES; j++) {
			above += zones[j].managed_pages;
			zones[i].lowmem_reserve[j] =
				lowmem_reserve_ratio[i] && zones[i].managed_pages ?
					above / lowmem_reserve_ratio[i] :
					0;
		}
	}
}

/* Free [start, end) of one zone into its lists, leaving out the ranges boot reserved. */
static void free_boot_range(unsigned long start, unsigned long end)
{
	while (start < end) {
		unsigned long stop = end;
		bool skipped = false;

		for (unsigned int i = 0; i < kmm_machine.nr_boot_reserved; i++) {
			const struct boot_range *r = &kmm_machine.boot_reserved[i];

			if (r->start_pfn <= start && start < r->end_pfn) {
				start = r->end_pfn;
				skipped = true;
				break;
			}
			if (r->start_pfn > start && r->start_pfn < stop)
				stop = r->start_pfn;
		}
		if (skipped)
			continue;
		page_alloc_free_range(start, stop);
		start = stop;
	}
}

static int page_alloc_init(void)
{
	unsigned long first = kmm_layout.min_pfn + kmm_machine.reserved_pages;

	order_warned = false;
	warn_alloc_reset();
	size_zones();
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];
		unsigned long start = z->zone_start_pfn > first ? z->zone_start_pfn : first;

		if (start < zone_end_pfn(z))
			free_boot_range(start, zone_end_pfn(z));
	}
	setup_watermarks();
	setup_lowmem_reserve();
	zone_table_init(); /* once the zones know their managed pages */
	return 0;
}

static void page_alloc_exit(void)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		pthread_mutex_destroy(&zones[i].lock);
		memset(&zones[i], 0, sizeof(zones[i]));
	}
}

/* ---------------------------------------------------------------- allocation */

static const enum kmm_stat pgalloc_stat[MAX_NR_ZONES] = {
	[ZONE_DMA] = STAT_PGALLOC_DMA,
	[ZONE_DMA32] = STAT_PGALLOC_DMA32,
	[ZONE_NORMAL] = STAT_PGALLOC_NORMAL,
	[ZONE_HIGHMEM] = STAT_PGALLOC_HIGH,
};

static inline __attribute__((always_inline)) void
prep_new_page(struct page *page, unsigned int order, gfp_t gfp, void *site, struct kmm_thread *t)
{
	if (unlikely(debug_pagealloc_on))
		debug_pagealloc_set(page, order, true);
	stats_add(&t->stats, pgalloc_stat[page_zonenum(page)], 1UL << order);
	page_flags_change(page, (1UL << PG_buddy) | (1UL << PG_pcp), 0);
	page->private = 0;
	page->kmm_order = order;
	page->kmm_alloc_site = site;
	page->kmm_pid = (unsigned int)t->pid;
	__atomic_store_n(&page->_refcount, 1, __ATOMIC_RELAXED);
	if (gfp & __GFP_ZERO)
		memset(machine_phys_ptr(page_to_phys(page)), 0, PAGE_SIZE << order);
	if ((gfp & __GFP_COMP) && order) {
		page_flags_change(page, 0, 1UL << PG_head);
		for (unsigned long i = 1; i < (1UL << order); i++)
			page[i].compound_head = page;
	}
}

/* The kernel's WARN_ON_ONCE for an impossible order: once per boot. */
static void warn_order_once(unsigned int order)
{
	if (__atomic_exchange_n(&order_warned, true, __ATOMIC_RELAXED))
		return;
	report_start("page_alloc_order", "WARNING: CPU: %u PID: %d at %s:%d alloc_pages",
		     smp_processor_id(), kmm_current_pid(), __FILE__, __LINE__);
	report_add("order %u is above MAX_PAGE_ORDER (%u)", order, MAX_PAGE_ORDER);
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

static struct page *alloc_pages_at(gfp_t gfp, unsigned int order, void *site)
{
	struct kmm_thread *t;
	enum zone_type high;
	struct page *page;

	if (unlikely(order > MAX_PAGE_ORDER)) {
		if (!(gfp & __GFP_NOWARN))
			warn_order_once(order);
		return NULL;
	}
	if (unlikely(!kmm_machine.booted))
		machine_not_booted("alloc_pages");
	/* One lookup of the caller's state serves the context check, the stats and the owner. */
	t = thread_current();
	gfp = gfp_for_context(t, gfp);
	if (fault_should_fail(KMM_FAIL_PAGE_ALLOC, gfp, order, PAGE_SIZE << order))
		return NULL;
	high = gfp_zone(gfp);
	page = freelist_alloc(t, order, high, ALLOC_WMARK_LOW);
	if (unlikely(!page))
		page = alloc_slowpath(gfp, order, high);
	if (page)
		prep_new_page(page, order, gfp, site, t);
	return page;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages_at(gfp, order, __builtin_return_address(0));
}

/* The zone a bulk request of @nr order-0 pages may drain without going below its low mark. */
static struct zone *bulk_zone(enum zone_type high, unsigned long nr)
{
	for (int i = (int)high; i >= 0; i--) {
		struct zone *z = &zones[i];
		unsigned long need = z->watermark[WMARK_LOW] + z->lowmem_reserve[high] + nr;

		if (zone_populated(z) && __atomic_load_n(&z->free_pages, __ATOMIC_RELAXED) > need)
			return z;
	}
	return NULL;
}

unsigned long alloc_pages_bulk_array(gfp_t gfp, unsigned long nr_pages, struct page **page_array)
{
	void *site = __builtin_return_address(0);
	struct kmm_thread *t;
	struct zone *z = NULL;
	unsigned long i, missing = 0;

	if (unlikely(!kmm_machine.booted))
		machine_not_booted("alloc_pages_bulk_array");
	for (i = 0; i < nr_pages; i++)
		missing += !page_array[i];
	if (!missing)
		return nr_pages;
	t = thread_current();
	gfp = gfp_for_context(t, gfp);
	if (!fault_should_fail(KMM_FAIL_PAGE_ALLOC, gfp, 0, PAGE_SIZE))
		z = bulk_zone(gfp_zone(gfp), missing);
	/* The fast part: one zone, straight from the thread's cache, no per-page checks. */
	for (i = 0; z && i < nr_pages; i++) {
		if (page_array[i])
			continue;
		page_array[i] = pcp_alloc(t, z, 0);
		if (!page_array[i])
			break;
		prep_new_page(page_array[i], 0, gfp, site, t);
	}
	/* The rest one by one, with every rule of alloc_pages(); stop at the first failure. */
	for (i = 0; i < nr_pages; i++) {
		if (!page_array[i])
			page_array[i] = alloc_pages_at(gfp, 0, site);
		if (!page_array[i])
			break;
	}
	return i;
}

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	return alloc_pages_at(gfp, order, __builtin_return_address(0));
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page =
		alloc_pages_at(gfp & ~__GFP_HIGHMEM, order, __builtin_return_address(0));

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	struct page *page =
		alloc_pages_at((gfp | __GFP_ZERO) & ~__GFP_HIGHMEM, 0, __builtin_return_address(0));

	return page ? (unsigned long)page_address(page) : 0;
}

/* ---------------------------------------------------------------- freeing */

static void bad_page(struct page *page, const char *reason)
{
	report_start("bad_page", "BUG: Bad page state in process %s  pfn:%05lx", kmm_current_comm(),
		     page_to_pfn(page));
	page_dump_lines(page);
	report_add("page dumped because: %s", reason);
	report_add_task();
	report_add_stack();
	report_finish();
}

/* Out of line, so the free path carries no buffer for this rare report. */
static void __attribute__((noinline)) bad_order(struct page *page, unsigned int order)
{
	char reason[96];

	snprintf(reason, sizeof(reason), "freed with order %u, allocated with order %u", order,
		 page->kmm_order);
	bad_page(page, reason);
}

/* Check a block about to return to the allocator; false (after a report) keeps it out. */
static bool free_pages_check(struct page *page, unsigned int order)
{
	if (page->flags & PAGE_FLAGS_CHECK_AT_FREE) {
		bad_page(page, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
		return false;
	}
	if (page_mapcount(page)) {
		bad_page(page, "nonzero mapcount");
		return false;
	}
	if (page->kmm_order != order) {
		bad_order(page, order);
		return false;
	}
	return true;
}

static void clear_compound(struct page *page, unsigned int order)
{
	if (!(page->flags & (1UL << PG_head)))
		return;
	page_flags_change(page, 1UL << PG_head, 0);
	for (unsigned long i = 1; i < (1UL << order); i++)
		page[i].compound_head = NULL;
}

/* The last reference to a block is gone: give it back. */
static void free_the_block(struct page *page, unsigned int order)
{
	struct zone *z = page_zone(page);
	struct kmm_thread *t;

	if (!free_pages_check(page, order))
		return;
	t = thread_current();
	stats_add(&t->stats, STAT_PGFREE, 1UL << order);
	clear_compound(page, order);
	page->mapping = NULL;
	page->index = 0;
	if (unlikely(debug_pagealloc_on))
		debug_pagealloc_set(page, order, false);
	if (order <= PCP_MAX_ORDER && !__atomic_load_n(&alloc_waiters, __ATOMIC_SEQ_CST)) {
		pcp_free(t, z, page, order);
		return;
	}
	pthread_mutex_lock(&z->lock);
	__free_one_page(z, page, order);
	pthread_mutex_unlock(&z->lock);
	page_alloc_wake_waiters();
}

/* Drop one reference; true if it was the last. A page with no reference is reported. */
static inline bool put_page_testzero(struct page *page)
{
	int refs = __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);

	if (unlikely(refs <= 0)) {
		bad_page(page, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
		return false;
	}
	/* The sole owner needs no read-modify-write: nobody else may take a reference now. */
	if (refs == 1) {
		__atomic_store_n(&page->_refcount, 0, __ATOMIC_RELAXED);
		return true;
	}
	return __atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) == 0;
}

static bool page_in_ram(const struct page *page)
{
	return page >= mem_map && page < mem_map + (kmm_layout.pfn_end - kmm_layout.min_pfn);
}

static void bad_free(const char *fn, unsigned long addr, unsigned int order, const char *why)
{
	report_start("bad_free", "BUG: %s(%#lx, order %u): %s", fn, addr, order, why);
	report_add_task();
	report_add_stack();
	report_finish();
}

void __free_pages(struct page *page, unsigned int order)
{
	if (unlikely(!page_in_ram(page))) {
		bad_free("__free_pages", (unsigned long)page, order, "not a struct page of RAM");
		return;
	}
	if (unlikely(order > MAX_PAGE_ORDER)) {
		bad_free("__free_pages", (unsigned long)page, order, "order above MAX_PAGE_ORDER");
		return;
	}
	if (put_page_testzero(page))
		free_the_block(page, order);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	if (unlikely(!PAGE_ALIGNED(addr) || !virt_addr_valid((void *)addr))) {
		bad_free("free_pages", addr, order,
			 PAGE_ALIGNED(addr) ? "not a linear-map address of RAM" :
					      "address not page aligned");
		return;
	}
	__free_pages(virt_to_page(addr), order);
}

void get_page(struct page *page)
{
	struct page *head = compound_head(page);

	if (unlikely(__atomic_load_n(&head->_refcount, __ATOMIC_RELAXED) <= 0)) {
		bad_page(head, "VM_BUG_ON_PAGE(page_ref_count(page) <= 0)");
		return;
	}
	__atomic_add_fetch(&head->_refcount, 1, __ATOMIC_RELAXED);
}

void put_page(struct page *page)
{
	struct page *head = compound_head(page);

	if (put_page_testzero(head))
		free_the_block(head, head->kmm_order);
}

void split_page(struct page *page, unsigned int order)
{
	if (PageCompound(page)) {
		bad_page(page, "VM_BUG_ON_PAGE(PageCompound(page))");
		return;
	}
	for (unsigned long i = 0; i < (1UL << order); i++) {
		page[i].kmm_order = 0;
		page[i].kmm_alloc_site = page->kmm_alloc_site;
		__atomic_store_n(&page[i]._refcount, 1, __ATOMIC_RELAXED);
	}
}

void *alloc_pages_exact(size_t size, gfp_t gfp)
{
	unsigned int order = get_order(size);
	unsigned long addr, used, end;
	struct page *page;

	if (size == 0)
		return NULL;
	page = alloc_pages_at(gfp & ~(__GFP_COMP | __GFP_HIGHMEM), order,
			      __builtin_return_address(0));
	if (!page)
		return NULL;
	split_page(page, order);
	addr = (unsigned long)page_address(page);
	used = addr + PAGE_ALIGN(size);
	end = addr + (PAGE_SIZE << order);
	for (; used < end; used += PAGE_SIZE)
		free_page(used);
	return (void *)addr;
}

void free_pages_exact(void *virt, size_t size)
{
	unsigned long addr = (unsigned long)virt, end = addr + PAGE_ALIGN(size);

	for (; addr < end; addr += PAGE_SIZE)
		free_page(addr);
}

unsigned long nr_free_pages(void)
{
	unsigned long sum = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		sum += __atomic_load_n(&zones[i].free_pages, __ATOMIC_RELAXED);
	return sum;
}

kmm_initcall(arch, buddy, page_alloc_init, page_alloc_exit);
