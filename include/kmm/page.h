/*
 * kmm/page.h - struct page: one descriptor for every RAM frame, and the conversions between
 * frames, page frame numbers and addresses.
 *
 * mem_map[pfn - ARCH_PFN_OFFSET] describes frame pfn for every pfn in [ARCH_PFN_OFFSET, max_pfn).
 */
#ifndef KMM_PAGE_H
#define KMM_PAGE_H

#include "types.h"
#include "layout.h"

struct kmem_cache;
struct address_space;

/* Page flag bits, in the kernel's order; PG_buddy and PG_pcp are kmm's own bookkeeping. */
enum pageflags {
	PG_locked,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_active,
	PG_workingset,
	PG_waiters,
	PG_error,
	PG_slab,
	PG_owner_priv_1,
	PG_arch_1,
	PG_reserved,
	PG_private,
	PG_private_2,
	PG_writeback,
	PG_head,
	PG_mappedtodisk,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_buddy, /* free, on a zone's buddy list; private holds the order */
	PG_pcp, /* free, held in a thread's page cache */
	__NR_PAGEFLAGS,
};

/* The zone number lives in the top bits of page->flags, as in the kernel. */
#define ZONES_SHIFT 3
#define ZONES_PGSHIFT (sizeof(unsigned long) * 8 - ZONES_SHIFT)

/*
 * One frame. Invariants: a free block's head has PG_buddy (or PG_pcp) set and _refcount == 0;
 * an allocated block's head has _refcount >= 1 and kmm_order == the order it was allocated with;
 * tail pages of a __GFP_COMP block have PG_head clear and compound_head == &head.
 */
struct page {
	unsigned long flags;
	int _refcount; /* accessed with atomic builtins */
	int _mapcount; /* -1 when mapped into no user process */
	struct list_head lru; /* free list, or the owning subsystem's list */
	unsigned long private; /* buddy order while PG_buddy */
	union {
		struct { /* slab pages */
			struct kmem_cache *slab_cache;
			void *freelist;
			unsigned int inuse;
			unsigned int objects;
		};
		struct { /* pages mapped into user space */
			struct address_space *mapping;
			pgoff_t index;
		};
	};
	struct page *compound_head; /* tail pages of a compound block: its head */
	void *kmm_alloc_site; /* return address of whoever allocated the block */
	unsigned int kmm_order; /* order the block was allocated with (head page) */
	unsigned int kmm_pid; /* simulated pid of the allocating thread */
};

extern struct page *mem_map;

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + (pfn - ARCH_PFN_OFFSET);
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map) + ARCH_PFN_OFFSET;
}

static inline bool pfn_valid(unsigned long pfn)
{
	return pfn >= ARCH_PFN_OFFSET && pfn < max_pfn;
}

#define page_to_phys(page) PFN_PHYS(page_to_pfn(page))
#define phys_to_page(phys) pfn_to_page(PHYS_PFN(phys))
#define virt_to_pfn(addr) PHYS_PFN(__pa(addr))
#define pfn_to_virt(pfn) __va(PFN_PHYS(pfn))
#define virt_to_page(addr) pfn_to_page(virt_to_pfn(addr))

/**
 * virt_addr_valid - is this an address of the linear map backed by RAM?
 * @addr: any address
 *
 * Context: any.
 * Return: true for low-memory linear-map addresses, false for everything else (vmalloc,
 * kmap, user and host addresses).
 */
static inline bool virt_addr_valid(const volatile void *addr)
{
	unsigned long a = (unsigned long)addr;

	return a >= PAGE_OFFSET && a < kmm_layout.high_mem && pfn_valid(virt_to_pfn(addr));
}

/**
 * page_address - kernel virtual address of a page
 * @page: any RAM page
 *
 * Context: any.
 * Return: the linear-map address for low memory, the kmap address of a mapped high-memory
 * page, NULL for an unmapped high-memory page.
 */
void *page_address(const struct page *page);

/**
 * dump_page - print a page's state in the kernel's format as a report
 * @page: the page
 * @reason: why it is dumped (printed as "page dumped because: ...")
 *
 * Context: any.
 */
void dump_page(struct page *page, const char *reason);

static inline bool kmm_test_page_flag(const struct page *page, int bit)
{
	return (__atomic_load_n(&page->flags, __ATOMIC_RELAXED) >> bit) & 1;
}

static inline void kmm_set_page_flag(struct page *page, int bit)
{
	__atomic_fetch_or(&page->flags, 1UL << bit, __ATOMIC_RELAXED);
}

static inline void kmm_clear_page_flag(struct page *page, int bit)
{
	__atomic_fetch_and(&page->flags, ~(1UL << bit), __ATOMIC_RELAXED);
}

#define KMM_PAGEFLAG(Name, bit)                                \
	static inline bool Page##Name(const struct page *page) \
	{                                                      \
		return kmm_test_page_flag(page, bit);          \
	}                                                      \
	static inline void SetPage##Name(struct page *page)    \
	{                                                      \
		kmm_set_page_flag(page, bit);                  \
	}                                                      \
	static inline void ClearPage##Name(struct page *page)  \
	{                                                      \
		kmm_clear_page_flag(page, bit);                \
	}

KMM_PAGEFLAG(Locked, PG_locked)
KMM_PAGEFLAG(Referenced, PG_referenced)
KMM_PAGEFLAG(Uptodate, PG_uptodate)
KMM_PAGEFLAG(Dirty, PG_dirty)
KMM_PAGEFLAG(Slab, PG_slab)
KMM_PAGEFLAG(Reserved, PG_reserved)
KMM_PAGEFLAG(Private, PG_private)
KMM_PAGEFLAG(Head, PG_head)
KMM_PAGEFLAG(Buddy, PG_buddy)

static inline unsigned int page_zonenum(const struct page *page)
{
	return (unsigned int)(page->flags >> ZONES_PGSHIFT);
}

/**
 * kmm_zone_name - the kernel's name of a zone ("DMA", "DMA32", "Normal", ...)
 * @zonenum: a zone number, as page_zonenum() returns it
 *
 * Context: any.
 * Return: the name as /proc/zoneinfo prints it, or "?" for a number past MAX_NR_ZONES.
 */
const char *kmm_zone_name(unsigned int zonenum);

/* True for a tail page of a compound (__GFP_COMP) block. */
static inline bool PageTail(const struct page *page)
{
	return page->compound_head != NULL;
}

static inline bool PageCompound(const struct page *page)
{
	return PageHead(page) || PageTail(page);
}

static inline struct page *compound_head(struct page *page)
{
	return page->compound_head ? page->compound_head : page;
}

static inline unsigned int compound_order(const struct page *page)
{
	return PageHead(page) ? page->kmm_order : 0;
}

#define virt_to_head_page(addr) compound_head(virt_to_page(addr))

/**
 * PageHighMem - is this page in ZONE_HIGHMEM (outside the linear map)?
 * @page: the page
 *
 * Context: any.
 * Return: true for high-memory pages.
 */
static inline bool PageHighMem(const struct page *page)
{
	return page_to_pfn(page) >= max_low_pfn;
}

static inline int page_count(const struct page *page)
{
	return __atomic_load_n(&compound_head((struct page *)page)->_refcount, __ATOMIC_RELAXED);
}

static inline int page_ref_count(const struct page *page)
{
	return __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);
}

static inline int page_mapcount(const struct page *page)
{
	return __atomic_load_n(&page->_mapcount, __ATOMIC_RELAXED) + 1;
}

static inline void set_page_private(struct page *page, unsigned long private)
{
	page->private = private;
}

#define page_private(page) ((page)->private)

#endif /* KMM_PAGE_H */
