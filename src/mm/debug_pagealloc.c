/*
 * debug_pagealloc.c - the kernel's debug_pagealloc boot option: free pages are taken out of
 * the linear map, so a use after free_pages() or a write running off an allocated page into a
 * free neighbour faults at once and is reported as the kernel's Oops, with a line naming the
 * free page.
 *
 * The linear map is one host mapping of RAM; kmm's own code reaches frames through the
 * machine's separate physical view, so taking a page out of the linear map hides it from the
 * driver only. Free blocks are made inaccessible when freed (free_the_block) and at boot
 * (every block on the zones' free lists), and accessible again when allocated
 * (prep_new_page); highmem pages are never in the linear map. Protection changes go through
 * machine/os.c.
 *
 * Off (the default), the page allocator pays one predictable branch per allocation and free.
 * Contexts: any the page allocator's callers have; no lock is taken here except the zone locks
 * at boot.
 */
#include <sys/mman.h>

#include <kmm/page.h>
#include "lib/list.h"
#include "machine/fault.h"
#include "machine/initcall.h"
#include "machine/machine.h"
#include "machine/options.h"
#include "machine/os.h"
#include "mm/internal.h"

bool debug_pagealloc_on;
static int fault_handle = -1;

void debug_pagealloc_set(struct page *page, unsigned int order, bool present)
{
	if (PageHighMem(page))
		return;
	/* If the host refuses (too many mappings), the pages just stay reachable. */
	os_protect(page_address(page), PAGE_SIZE << order,
		   present ? PROT_READ | PROT_WRITE : PROT_NONE);
}

/* A fault in the linear map: a free page's is debug_pagealloc's Oops, anything else not ours. */
static enum fault_action linear_map_fault(const struct os_fault *fault, void *arg)
{
	struct page *page = virt_to_page((void *)fault->addr);
	char what[160];

	if (!(page->flags & ((1UL << PG_buddy) | (1UL << PG_pcp))) &&
	    __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED) != 0)
		return FAULT_NOT_MINE;
	snprintf(what, sizeof(what),
		 "debug_pagealloc: page %p (pfn 0x%lx) is free: a use after free_pages(), or an "
		 "access running off an allocated page",
		 (void *)page, page_to_pfn(page));
	fault_oops(fault, what);
}

/* Free blocks are free-list heads; their tail pages have no flag: mark by walking the lists. */
static int debug_pagealloc_init(void)
{
	debug_pagealloc_on = kmm_opts.debug_pagealloc != 0;
	if (!debug_pagealloc_on)
		return 0;
	for (unsigned int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];

		if (!zone->spanned_pages)
			continue;
		pthread_mutex_lock(&zone->lock);
		for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++) {
			struct page *page;

			list_for_each_entry (page, &zone->free_area[o].free_list, lru)
				debug_pagealloc_set(page, o, false);
		}
		pthread_mutex_unlock(&zone->lock);
	}
	fault_handle = fault_register(PAGE_OFFSET, kmm_layout.high_mem, linear_map_fault, NULL);
	return 0;
}

/* Everything back in the linear map: later exits and the machine's teardown may touch it. */
static void debug_pagealloc_exit(void)
{
	if (!debug_pagealloc_on)
		return;
	fault_unregister(fault_handle);
	fault_handle = -1;
	os_protect((void *)PAGE_OFFSET, kmm_layout.high_mem - PAGE_OFFSET, PROT_READ | PROT_WRITE);
	debug_pagealloc_on = false;
}

kmm_initcall(subsys, debug_pagealloc, debug_pagealloc_init, debug_pagealloc_exit);
