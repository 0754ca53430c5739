/*
 * physmem.h - what backs a physical address: RAM or a device memory region (physmem in
 * devmem.c). Mapping code (vmalloc, ioremap, remap_pfn_range) asks here for the memory file and
 * offset to map, so the same bytes appear at every virtual address that maps the frame.
 */
#ifndef KMM_INTERNAL_PHYSMEM_H
#define KMM_INTERNAL_PHYSMEM_H

#include <sys/types.h>
#include <kmm/types.h>
#include "machine/os.h"

enum phys_kind {
	PHYS_NONE, /* nothing there */
	PHYS_RAM, /* a RAM frame, with a struct page */
	PHYS_DEVICE, /* device memory, no struct page */
};

struct phys_backing {
	enum phys_kind kind;
	int fd; /* memory file holding the byte at the address */
	off_t offset; /* its offset in that file */
	size_t len; /* bytes from there to the end of the RAM bank or region */
	struct kmm_devmem *devmem; /* the region, for PHYS_DEVICE */
};

/* Find what backs @phys. Any context; never sleeps (takes devmem_lock briefly). */
KMM_HIDDEN struct phys_backing physmem_lookup(phys_addr_t phys);

#endif /* KMM_INTERNAL_PHYSMEM_H */
