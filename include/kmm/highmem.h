/*
 * kmm/highmem.h - reaching pages that have no permanent kernel address.
 *
 * On the 32-bit profiles RAM above the low-memory limit (ZONE_HIGHMEM) is not in the linear
 * map: page_address() is NULL until the page is mapped. kmap() maps it in the pkmap area
 * (LAST_PKMAP shared slots with use counts; it may sleep for a free slot); kmap_local_page()
 * and kmap_atomic() map it in one of the calling CPU's fixmap slots, must be undone in reverse
 * order by the same thread, and never sleep. Low-memory pages simply give their linear-map
 * address, as in the kernel.
 */
#ifndef KMM_HIGHMEM_H
#define KMM_HIGHMEM_H

#include <string.h>
#include "types.h"
#include "page.h"
#include "context.h"

#define PKMAP_NR(virt) (((virt)-PKMAP_BASE) >> PAGE_SHIFT)
#define PKMAP_ADDR(nr) (PKMAP_BASE + ((unsigned long)(nr) << PAGE_SHIFT))

/**
 * kmap - map a page for long-term use
 * @page: any RAM page
 *
 * Context: process context; may sleep until a pkmap slot is free.
 * Return: the page's kernel address (its linear address for low memory).
 */
void *kmap(struct page *page);

/**
 * kunmap - drop a kmap() of a page
 * @page: the page passed to kmap()
 *
 * Context: process context. kunmap of a high page that is not kmapped is reported.
 */
void kunmap(struct page *page);

/**
 * kmap_local_page - map a page for short use by the calling thread
 * @page: any RAM page
 *
 * Mappings nest (up to KM_MAX_IDX) and must be undone in reverse order.
 * Context: any; never sleeps.
 * Return: the address, or NULL if the thread's nesting limit is exceeded (reported).
 */
void *kmap_local_page(struct page *page);

/**
 * __kunmap_local - undo the calling thread's most recent kmap_local_page()
 * @vaddr: an address inside the mapping
 *
 * Context: any. Unmapping out of order, or with nothing mapped, is reported.
 */
void __kunmap_local(const void *vaddr);

#define kunmap_local(addr) __kunmap_local(addr)

/**
 * kmap_atomic - kmap_local_page() with preemption disabled until kunmap_atomic()
 * @page: any RAM page
 *
 * Context: any; the caller must not sleep until kunmap_atomic().
 * Return: the address.
 */
static inline void *kmap_atomic(struct page *page)
{
	preempt_disable();
	return kmap_local_page(page);
}

/**
 * __kunmap_atomic - undo kmap_atomic()
 * @addr: the address kmap_atomic() returned
 *
 * Context: the atomic section kmap_atomic() opened.
 */
static inline void __kunmap_atomic(const void *addr)
{
	__kunmap_local(addr);
	preempt_enable();
}

#define kunmap_atomic(addr) __kunmap_atomic(addr)

/**
 * kmap_to_page - the page behind a kmap, kmap_local or linear-map address
 * @addr: the address
 *
 * Context: any.
 * Return: the page, or NULL.
 */
struct page *kmap_to_page(void *addr);

/**
 * nr_free_highpages - free pages in ZONE_HIGHMEM
 *
 * Context: any.
 * Return: the count.
 */
unsigned long nr_free_highpages(void);

/**
 * totalhigh_pages - pages in ZONE_HIGHMEM
 *
 * Context: any.
 * Return: the count.
 */
unsigned long totalhigh_pages(void);

/* Copy helpers built on kmap_local_page(), as in <linux/highmem.h>. */
static inline void clear_highpage(struct page *page)
{
	void *kaddr = kmap_local_page(page);

	memset(kaddr, 0, PAGE_SIZE);
	kunmap_local(kaddr);
}

static inline void copy_highpage(struct page *to, struct page *from)
{
	void *vfrom = kmap_local_page(from);
	void *vto = kmap_local_page(to);

	memcpy(vto, vfrom, PAGE_SIZE);
	kunmap_local(vto);
	kunmap_local(vfrom);
}

static inline void memcpy_from_page(char *to, struct page *page, size_t offset, size_t len)
{
	char *from = kmap_local_page(page);

	memcpy(to, from + offset, len);
	kunmap_local(from);
}

static inline void memcpy_to_page(struct page *page, size_t offset, const char *from, size_t len)
{
	char *to = kmap_local_page(page);

	memcpy(to + offset, from, len);
	kunmap_local(to);
}

static inline void memzero_page(struct page *page, size_t offset, size_t len)
{
	char *addr = kmap_local_page(page);

	memset(addr + offset, 0, len);
	kunmap_local(addr);
}

/* What pkmap and the fixmap hold now, for kmm info. */
struct kmm_highmem_usage {
	unsigned int pkmap_slots; /* LAST_PKMAP */
	unsigned int pkmap_in_use; /* slots with kmap() users */
	unsigned int pkmap_mapped; /* slots still mapped, in use or waiting for the flush */
	unsigned int fixmap_kmap_slots; /* kmap_local slots, all CPUs */
	unsigned int fixmap_kmap_in_use;
	unsigned int fixmap_named_set; /* named slots set with set_fixmap() */
};

/**
 * kmm_highmem_usage - a snapshot of pkmap and fixmap use
 * @usage: filled in
 *
 * Context: process context.
 */
void kmm_highmem_usage(struct kmm_highmem_usage *usage);

#endif /* KMM_HIGHMEM_H */
