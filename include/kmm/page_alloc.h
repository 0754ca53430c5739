/*
 * kmm/page_alloc.h - the buddy page allocator: blocks of 2^order contiguous frames,
 * order 0..MAX_ORDER, from zones chosen by the GFP flags.
 */
#ifndef KMM_PAGE_ALLOC_H
#define KMM_PAGE_ALLOC_H

#include "types.h"
#include "gfp.h"
#include "page.h"

/*
 * Largest order the buddy allocator serves: 2^10 pages = 4 MiB. MAX_ORDER keeps its Linux 6.1
 * meaning, one past the largest order (valid orders are < MAX_ORDER); newer kernels name the
 * largest order itself MAX_PAGE_ORDER.
 */
#define MAX_PAGE_ORDER 10
#define MAX_ORDER (MAX_PAGE_ORDER + 1)
#define MAX_ORDER_NR_PAGES (1UL << MAX_PAGE_ORDER)
#define PAGE_ALLOC_COSTLY_ORDER 3

/**
 * alloc_pages - allocate a block of 2^order contiguous pages
 * @gfp: GFP flags: zone modifiers, sleeping policy (__GFP_DIRECT_RECLAIM), __GFP_ZERO,
 *       __GFP_NOWARN, __GFP_NORETRY, __GFP_NOFAIL, __GFP_COMP
 * @order: 0..MAX_PAGE_ORDER
 *
 * Context: may sleep if @gfp allows blocking (GFP_KERNEL); never sleeps with GFP_ATOMIC or
 * GFP_NOWAIT. GFP_ATOMIC may dip below the min watermark.
 * Return: the first page of the block with refcount 1, or NULL.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order);

/**
 * alloc_pages_node - alloc_pages() on a NUMA node (kmm has one node; @nid is ignored)
 * @nid: node id or NUMA_NO_NODE
 * @gfp: GFP flags
 * @order: 0..MAX_PAGE_ORDER
 *
 * Context: as alloc_pages().
 * Return: the first page, or NULL.
 */
struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);

/**
 * alloc_pages_bulk_array - fill the NULL entries of @page_array with order-0 pages
 * @gfp: GFP flags, as for alloc_pages()
 * @nr_pages: entries in @page_array
 * @page_array: pages; entries already set are kept
 *
 * Cheaper per page than alloc_pages() in a loop; a request that the zones cannot serve at
 * once falls back to alloc_pages()'s full rules page by page.
 * Context: as alloc_pages().
 * Return: the number of leading entries that hold a page (nr_pages when all were filled).
 */
unsigned long alloc_pages_bulk_array(gfp_t gfp, unsigned long nr_pages, struct page **page_array);

#define NUMA_NO_NODE (-1)
#define alloc_page(gfp) alloc_pages(gfp, 0)

/**
 * __free_pages - drop a reference to a block; free it when the last one goes
 * @page: first page of the block
 * @order: the order it was allocated with
 *
 * Context: any; never sleeps.
 */
void __free_pages(struct page *page, unsigned int order);

#define __free_page(page) __free_pages((page), 0)

/**
 * __get_free_pages - allocate low memory and return its linear-map address
 * @gfp: GFP flags (__GFP_HIGHMEM is not allowed: the result must have an address)
 * @order: 0..MAX_PAGE_ORDER
 *
 * Context: as alloc_pages().
 * Return: the kernel virtual address, or 0.
 */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);

#define __get_free_page(gfp) __get_free_pages((gfp), 0)

/**
 * get_zeroed_page - allocate one zero-filled low-memory page
 * @gfp: GFP flags
 *
 * Context: as alloc_pages().
 * Return: the kernel virtual address, or 0.
 */
unsigned long get_zeroed_page(gfp_t gfp);

/**
 * free_pages - free memory from __get_free_pages()
 * @addr: the address it returned (0 is ignored)
 * @order: the order it was allocated with
 *
 * Context: any; never sleeps. A misaligned or non-RAM address is reported and ignored.
 */
void free_pages(unsigned long addr, unsigned int order);

#define free_page(addr) free_pages((addr), 0)

/**
 * get_page - take a reference to a page (to its compound head)
 * @page: an allocated page
 *
 * Context: any.
 */
void get_page(struct page *page);

/**
 * put_page - drop a reference; free the block when it reaches zero
 * @page: an allocated page
 *
 * Context: any. A put on a free page is reported as "Bad page state".
 */
void put_page(struct page *page);

/**
 * split_page - turn a non-compound block of 2^order pages into independent order-0 pages
 * @page: first page of the block
 * @order: its order
 *
 * Context: any.
 */
void split_page(struct page *page, unsigned int order);

/**
 * alloc_pages_exact - allocate exactly PAGE_ALIGN(size) bytes of contiguous low memory
 * @size: bytes
 * @gfp: GFP flags
 *
 * The tail of the power-of-two block beyond the size is given back at once.
 * Context: as alloc_pages().
 * Return: the kernel virtual address, or NULL.
 */
void *alloc_pages_exact(size_t size, gfp_t gfp);

/**
 * free_pages_exact - free memory from alloc_pages_exact()
 * @virt: its address
 * @size: the size passed to alloc_pages_exact()
 *
 * Context: any.
 */
void free_pages_exact(void *virt, size_t size);

/**
 * nr_free_pages - free pages in all zones (on the buddy lists)
 *
 * Context: any.
 * Return: the count.
 */
unsigned long nr_free_pages(void);

/**
 * get_order - smallest order whose block holds @size bytes
 * @size: bytes, > 0
 *
 * Return: the order.
 */
static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

/**
 * drain_local_pages - return the calling thread's cached free pages to the buddy lists
 *
 * Context: any.
 */
void drain_local_pages(void);

/**
 * kmm_drain_all_pages - ask every thread to return its cached free pages
 *
 * Pages of the calling thread go back at once; other threads give theirs back at their next
 * page allocator call or when they exit.
 * Context: any.
 */
void kmm_drain_all_pages(void);

#endif /* KMM_PAGE_ALLOC_H */
