/*
 * mapping.c - DMA masks and coherent memory.
 *
 * Bus addresses equal physical addresses on every kmm profile. A mask is supported when it
 * reaches the top of ZONE_DMA (or of RAM, if that is lower): then coherent memory can always
 * be found below it (the swiotlb pool, placed in low memory at boot, may still lie beyond it). Coherent memory comes from the zone the coherent
 * mask needs (the kernel's dma-direct choice: GFP_DMA for masks below ZONE_DMA32's end,
 * GFP_DMA32 below 4 GiB where that zone exists, else any low memory), falling back to
 * ZONE_DMA when a block lands above the mask. It is whole pages, zeroed, in the linear map.
 *
 * No locks of its own: dma-debug and the page allocator lock what they touch. Context:
 * mask setting in process context; allocations as their GFP flags say.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <kmm/context.h>
#include <kmm/page_alloc.h>
#include "kernel/dma/dma.h"
#include "machine/machine.h"
#include "machine/report.h"

static phys_addr_t ram_end(void)
{
	return kmm_layout.phys_offset + kmm_machine.ram_bytes;
}

static phys_addr_t dma_zone_end(void)
{
	phys_addr_t end = kmm_layout.phys_offset + kmm_machine.dma_limit;

	return end < ram_end() ? end : ram_end();
}

const char *dma_dev_label(const struct device *dev, char *buf, size_t len)
{
	if (!dev)
		snprintf(buf, len, "(NULL device *)");
	else
		snprintf(buf, len, "%s %s", dev_driver_string(dev), dev_name(dev));
	return buf;
}

void dma_report_dev(const char *id, struct device *dev, const char *fmt, ...)
{
	char label[96], msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_start(id, "%s: %s", dma_dev_label(dev, label, sizeof(label)), msg);
	report_add_task();
	report_add_stack();
	report_finish();
}

bool dma_once_per_boot(unsigned long *flag)
{
	unsigned long gen = __atomic_load_n(&kmm_machine.generation, __ATOMIC_RELAXED);

	return __atomic_exchange_n(flag, gen, __ATOMIC_RELAXED) != gen;
}

void dma_warn_overflow(const char *id, struct device *dev, const char *what, dma_addr_t addr,
		       size_t size, const char *where)
{
	char label[96];

	report_start(id, "------------[ cut here ]------------");
	report_add("%s: %s 0x%0*llx+%zu overflow (mask %llx, bus limit %llx).",
		   dma_dev_label(dev, label, sizeof(label)), what,
		   2 * (int)kmm_machine.dma_addr_bytes, (unsigned long long)addr, size,
		   (unsigned long long)dma_dev_limit(dev), 0ULL);
	report_add("WARNING: CPU: %u PID: %d at %s", smp_processor_id(), kmm_current_pid(), where);
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

bool dma_supported(struct device *dev, u64 mask)
{
	return mask >= dma_zone_end() - 1;
}

int dma_set_mask(struct device *dev, u64 mask)
{
	if (!dev || !dev->dma_mask || !dma_supported(dev, mask))
		return -EIO;
	*dev->dma_mask = mask;
	return 0;
}

int dma_set_coherent_mask(struct device *dev, u64 mask)
{
	if (!dev || !dma_supported(dev, mask))
		return -EIO;
	dev->coherent_dma_mask = mask;
	return 0;
}

int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
	int err = dma_set_mask(dev, mask);

	return err ? err : dma_set_coherent_mask(dev, mask);
}

u64 dma_get_mask(struct device *dev)
{
	return dma_dev_limit(dev);
}

u64 dma_get_required_mask(struct device *dev)
{
	phys_addr_t last = ram_end() - 1;
	u64 mask = 1;

	while (mask < last)
		mask = (mask << 1) | 1;
	return mask;
}

bool dma_capable(struct device *dev, dma_addr_t addr, size_t size)
{
	u64 limit = dma_dev_limit(dev);

	if (!size)
		return addr <= limit;
	return addr + size - 1 >= addr && addr + size - 1 <= limit;
}

/* The zone flag a coherent mask needs first. */
static gfp_t coherent_zone(u64 mask)
{
	phys_addr_t low_end = PFN_PHYS(kmm_layout.low_pfn_end);

	if (mask >= ram_end() - 1 || mask >= low_end - 1)
		return 0;
	if (kmm_machine.dma32_limit && mask >= kmm_machine.dma32_limit - 1)
		return __GFP_DMA32;
	return __GFP_DMA;
}

void *dma_alloc_attrs(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp,
		      unsigned long attrs)
{
	u64 mask = dev ? dev->coherent_dma_mask : DMA_BIT_MASK(32);
	unsigned int order;
	struct page *page;
	gfp_t zone;

	if (!kmm_booted())
		machine_not_booted(__func__);
	might_sleep_if(gfpflags_allow_blocking(gfp));
	if (!size || !dma_handle)
		return NULL;
	order = get_order(size);
	if (order > MAX_PAGE_ORDER)
		return NULL;
	if (!mask)
		mask = DMA_BIT_MASK(32);
	gfp &= ~(GFP_ZONEMASK | __GFP_COMP);
	zone = coherent_zone(mask);
	for (;;) {
		phys_addr_t phys;

		page = alloc_pages(gfp | zone | __GFP_ZERO, order);
		if (!page)
			return NULL;
		phys = page_to_phys(page);
		if (phys + (PAGE_SIZE << order) - 1 <= mask)
			break;
		__free_pages(page, order);
		if (zone == __GFP_DMA)
			return NULL;
		zone = __GFP_DMA;
	}
	*dma_handle = page_to_phys(page);
	if (dma_debug_on()) {
		struct dma_debug_ref ref = { .dev = dev,
					     .type = DMA_DEBUG_COHERENT,
					     .dev_addr = *dma_handle,
					     .size = size,
					     .dir = DMA_BIDIRECTIONAL,
					     .cpu_addr = page_address(page) };

		dma_debug_add(&ref);
	}
	(void)attrs;
	return page_address(page);
}

void dma_free_attrs(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle,
		    unsigned long attrs)
{
	if (!cpu_addr)
		return;
	if (dma_debug_on()) {
		struct dma_debug_ref ref = { .dev = dev,
					     .type = DMA_DEBUG_COHERENT,
					     .dev_addr = dma_handle,
					     .size = size,
					     .dir = DMA_BIDIRECTIONAL,
					     .cpu_addr = cpu_addr },
				     rec;

		/* Refuse what was never allocated; free what was, as it was allocated. */
		if (!dma_debug_remove(&ref, &rec) || rec.type != DMA_DEBUG_COHERENT)
			return;
		size = rec.size;
		cpu_addr = (void *)rec.cpu_addr;
	}
	free_pages((unsigned long)cpu_addr, get_order(size));
	(void)attrs;
}

struct dmam_coherent {
	void *vaddr;
	dma_addr_t handle;
	size_t size;
};

static void dmam_coherent_release(struct device *dev, void *res)
{
	struct dmam_coherent *m = res;

	dma_free_coherent(dev, m->size, m->vaddr, m->handle);
	free(m);
}

void *dmam_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp)
{
	struct dmam_coherent *m = malloc(sizeof(*m));

	if (!m)
		return NULL;
	m->vaddr = dma_alloc_coherent(dev, size, &m->handle, gfp);
	m->size = size;
	if (!m->vaddr || devres_add_kmm(dev, dmam_coherent_release, m, m->vaddr)) {
		if (m->vaddr)
			dma_free_coherent(dev, size, m->vaddr, m->handle);
		free(m);
		return NULL;
	}
	*dma_handle = m->handle;
	return m->vaddr;
}

void dmam_free_coherent(struct device *dev, size_t size, void *vaddr, dma_addr_t dma_handle)
{
	if (devres_release_kmm(dev, dmam_coherent_release, vaddr))
		dev_warn(dev, "dmam_free_coherent of %p: not dmam_alloc_coherent memory", vaddr);
}
