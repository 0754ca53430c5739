/*
 * io.h - register blocks (mmio.c) as the ioremap layer (ioremap.c) sees them.
 */
#ifndef KMM_INTERNAL_IO_H
#define KMM_INTERNAL_IO_H

#include <kmm/io.h>
#include "machine/os.h"

struct kmm_mmio {
	struct resource res;
	const struct kmm_mmio_ops *ops;
	void *priv;
};

/* The block holding all of [phys, phys + len), or NULL. Process context. */
KMM_HIDDEN struct kmm_mmio *mmio_find(phys_addr_t phys, size_t len);

/* True if some block overlaps [phys, phys + len). Process context. */
KMM_HIDDEN bool mmio_overlaps(phys_addr_t phys, size_t len);

#endif /* KMM_INTERNAL_IO_H */
