/*
 * io.h - register blocks (mmio.c) as the ioremap layer (mm/ioremap.c) sees them, and ioremap's
 * caller-naming entry for its managed forms (drivers/base/devres_io.c).
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

/*
 * ioremap() naming @caller as the mapping's owner in /proc/vmallocinfo (mm/ioremap.c), for
 * the wrappers that map on a driver's behalf (drivers/base/devres_io.c).
 */
KMM_HIDDEN void __iomem *ioremap_caller(phys_addr_t phys, size_t size, const void *caller);

#endif /* KMM_INTERNAL_IO_H */
