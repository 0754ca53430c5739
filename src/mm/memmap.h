/*
 * memmap.h - helpers around mem_map shared by the page-level files (defined in memmap.c).
 */
#ifndef KMM_INTERNAL_MEMMAP_H
#define KMM_INTERNAL_MEMMAP_H

#include <kmm/page.h>
#include "machine/os.h"

/* Add the kernel's description of @page ("page:... refcount:... flags: ...") to the report
 * being composed. */
KMM_HIDDEN void page_dump_lines(struct page *page);

/* Format page flags as the kernel's %pGp: "0x1000(reserved|zone=1)". */
KMM_HIDDEN const char *page_flags_format(unsigned long flags, char *buf, size_t len);

#endif /* KMM_INTERNAL_MEMMAP_H */
