/*
 * highmem.h - high memory and the fixmap inside kmm (highmem.c, fixmap.c).
 */
#ifndef KMM_INTERNAL_HIGHMEM_H
#define KMM_INTERNAL_HIGHMEM_H

#include <kmm/fixmap.h>
#include <kmm/highmem.h>
#include "machine/os.h"

/* The pkmap address of a kmapped high page, or NULL (memmap.c's page_address()). */
KMM_HIDDEN void *highmem_page_address(const struct page *page);

/* Map frame @pfn at fixmap slot @idx (read-only if asked) / make the slot inaccessible. */
KMM_HIDDEN int fixmap_map_pfn(unsigned int idx, unsigned long pfn, bool read_only);
KMM_HIDDEN void fixmap_unmap(unsigned int idx);

/* Named slots currently set (kmm info). */
KMM_HIDDEN unsigned int fixmap_named_in_use(void);

KMM_HIDDEN void fixmap_init(void);
KMM_HIDDEN void fixmap_exit(void);

#endif /* KMM_INTERNAL_HIGHMEM_H */
