/*
 * swiotlb.c - the software I/O TLB: a pool of bounce slots in low memory, set up at boot when
 * the kernel would set it up, for streaming mappings of memory a device cannot reach.
 *
 * Whether there is a pool is decided once, at boot, as Linux 6.1 decides it: the swiotlb
 * option's "auto" follows the profile's rule (x86: RAM ending above 4 GiB; arm32: RAM
 * reaching past ZONE_DMA), "on" is x86's iommu=soft, "force" is swiotlb=force (every
 * streaming mapping bounces), "off" is swiotlb=noforce. The pool is one physically
 * contiguous block of swiotlb_slots slots taken top-down below the end of low memory (and
 * below 4 GiB), as memblock_alloc_low takes it, and reserved for good: its frames never
 * reach the buddy lists. So a device whose mask ends below the pool (a 24-bit ISA device,
 * say) cannot use it, and its bounces fail with the kernel's "swiotlb addr ... overflow".
 *
 * Data: slots of IO_TLB_SIZE (2 KiB) bytes, grouped in segments of IO_TLB_SEGSIZE; a mapping
 * takes consecutive free slots inside one segment, so the largest bounce is 256 KiB. For
 * each slot of a live mapping, orig[] holds the original physical address of the byte the
 * slot shadows; nslots[] holds the mapping's length in slots at its first slot.
 * Invariant (pool_lock held): used == number of slots with busy[i] set.
 *
 * Copies go through kmm's private view of RAM, so the original may be high memory. As in
 * Linux 6.1, a map always fills the slot from the original (a DMA_FROM_DEVICE bounce never
 * shows the device stale pool contents), an unmap or sync_for_cpu copies back for
 * DMA_FROM_DEVICE and DMA_BIDIRECTIONAL, and a sync_for_device copies out for DMA_TO_DEVICE
 * and DMA_BIDIRECTIONAL.
 *
 * Locks: pool_lock (a host mutex, held only for slot bookkeeping, never across a copy or a
 * report). Context: any for maps, unmaps and syncs; swiotlb_init and swiotlb_exit at boot and
 * shutdown only.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/page_alloc.h>
#include "kernel/dma/dma.h"
#include "machine/machine.h"
#include "machine/report.h"
#include "machine/initcall.h"

#define SLOTS_PER_PAGE (PAGE_SIZE / IO_TLB_SIZE)
/* The kernel gives up on a pool smaller than 1 MiB. */
#define IO_TLB_MIN_SLABS ((1UL << 20) / IO_TLB_SIZE)

struct tlb_pool {
	phys_addr_t start, end; /* [start, end): the pool; both 0 when there is none */
	unsigned long nslabs;
	unsigned long used;
	unsigned long hint; /* where the next search starts */
	phys_addr_t *orig;
	unsigned int *nslots;
	unsigned char *busy;
	unsigned long bounced, full;
	bool announced; /* the kernel's boot log shows it (see kmm_swiotlb_print) */
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tlb_pool pool;
bool swiotlb_present;
static unsigned long overflow_warned; /* WARN_ONCE in swiotlb_map, per boot */

static phys_addr_t slot_addr(unsigned long i)
{
	return pool.start + (phys_addr_t)i * IO_TLB_SIZE;
}

/* Slot index of @addr, or -1 if it is not in the pool. */
static long slot_index(dma_addr_t addr)
{
	if (addr < pool.start || addr >= pool.end)
		return -1;
	return (long)((addr - pool.start) / IO_TLB_SIZE);
}

static bool wanted_at_boot(void)
{
	switch (kmm_opts.swiotlb) {
	case SWIOTLB_OFF:
		return false;
	case SWIOTLB_ON:
	case SWIOTLB_FORCE:
		return true;
	default:
		return kmm_machine.swiotlb_needed || kmm_opts.swiotlb_force;
	}
}

static void swiotlb_exit(void);

static int swiotlb_init(void)
{
	unsigned long nslabs = (unsigned long)kmm_opts.swiotlb_slots;
	phys_addr_t base;

	memset(&pool, 0, sizeof(pool));
	__atomic_store_n(&swiotlb_present, false, __ATOMIC_RELAXED);
	if (!wanted_at_boot() || kmm_opts.swiotlb_slots <= 0)
		return 0;
	nslabs = (nslabs + IO_TLB_SEGSIZE - 1) / IO_TLB_SEGSIZE * IO_TLB_SEGSIZE;
	/* As the kernel does when low memory is short: halve, down to 1 MiB, then give up. */
	while (machine_reserve_low(PAGE_ALIGN(nslabs * IO_TLB_SIZE), &base)) {
		if (nslabs <= IO_TLB_MIN_SLABS)
			return 0;
		nslabs = (nslabs / 2 + IO_TLB_SEGSIZE - 1) / IO_TLB_SEGSIZE * IO_TLB_SEGSIZE;
	}
	pool.orig = calloc(nslabs, sizeof(*pool.orig));
	pool.nslots = calloc(nslabs, sizeof(*pool.nslots));
	pool.busy = calloc(nslabs, 1);
	if (!pool.orig || !pool.nslots || !pool.busy) {
		/* The frames stay reserved, as a failed memblock user's would. */
		swiotlb_exit();
		return 0;
	}
	pool.nslabs = nslabs;
	/* arm32 prints it whenever it exists (SWIOTLB_VERBOSE); x86's pci_iommu_init only when
	 * x86_swiotlb_enable is set, which swiotlb=force alone does not do. */
	pool.announced = strncmp(kmm_layout.arch, "x86", 3) != 0 || kmm_machine.swiotlb_needed ||
			 kmm_opts.swiotlb == SWIOTLB_ON;
	/* swiotlb_owns() reads these without the lock. */
	__atomic_store_n(&pool.start, base, __ATOMIC_RELAXED);
	__atomic_store_n(&pool.end, base + (phys_addr_t)nslabs * IO_TLB_SIZE, __ATOMIC_RELAXED);
	__atomic_store_n(&swiotlb_present, true, __ATOMIC_RELAXED);
	return 0;
}

static void swiotlb_exit(void)
{
	pthread_mutex_lock(&pool_lock);
	__atomic_store_n(&swiotlb_present, false, __ATOMIC_RELAXED);
	free(pool.orig);
	free(pool.nslots);
	free(pool.busy);
	__atomic_store_n(&pool.start, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&pool.end, 0, __ATOMIC_RELAXED);
	memset(&pool, 0, sizeof(pool));
	pthread_mutex_unlock(&pool_lock);
}

/* First index of @n free slots inside one segment, from the hint on; -1 if none. */
static long find_slots(unsigned long n, unsigned long stride)
{
	unsigned long total = pool.nslabs;

	for (unsigned long k = 0; k < total; k++) {
		unsigned long i = (pool.hint + k) % total, j;

		if (i % stride || i % IO_TLB_SEGSIZE + n > IO_TLB_SEGSIZE)
			continue;
		for (j = 0; j < n && !pool.busy[i + j]; j++)
			;
		if (j == n)
			return (long)i;
	}
	return -1;
}

/* Give the @n slots from @idx back. pool_lock held. */
static void release_slots_locked(long idx, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		pool.busy[idx + k] = 0;
		pool.nslots[idx + k] = 0;
	}
	pool.used -= n;
}

dma_addr_t swiotlb_map(struct device *dev, phys_addr_t phys, size_t size,
		       enum dma_data_direction dir, unsigned long attrs)
{
	unsigned long n = (size + IO_TLB_SIZE - 1) / IO_TLB_SIZE;
	unsigned long stride = size >= PAGE_SIZE ? SLOTS_PER_PAGE : 1;
	unsigned long total, used;
	dma_addr_t tlb;
	long idx = -1;

	(void)dir;
	if (!n)
		n = 1;
	pthread_mutex_lock(&pool_lock);
	if (pool.nslabs && n <= IO_TLB_SEGSIZE)
		idx = find_slots(n, stride);
	if (idx < 0) {
		total = pool.nslabs;
		used = pool.used;
		pool.full++;
		pthread_mutex_unlock(&pool_lock);
		if (!(attrs & DMA_ATTR_NO_WARN))
			dma_report_dev(
				"swiotlb_full", dev,
				"swiotlb buffer is full (sz: %zu bytes), total %lu (slots), used %lu (slots)",
				size, total, used);
		return DMA_MAPPING_ERROR;
	}
	for (unsigned long k = 0; k < n; k++) {
		pool.busy[idx + k] = 1;
		pool.orig[idx + k] = phys + k * IO_TLB_SIZE;
		pool.nslots[idx + k] = 0;
	}
	pool.nslots[idx] = (unsigned int)n;
	pool.used += n;
	pool.hint = (unsigned long)idx + n;
	tlb = slot_addr((unsigned long)idx);
	pthread_mutex_unlock(&pool_lock);

	/* The slots are ours: fill them unlocked, whatever the direction. */
	memcpy(machine_phys_ptr(tlb), machine_phys_ptr(phys), size);
	if (!dma_capable(dev, tlb, size)) {
		/* The pool lies beyond the device's reach: no bounce can help it. */
		pthread_mutex_lock(&pool_lock);
		release_slots_locked(idx, (unsigned int)n);
		pthread_mutex_unlock(&pool_lock);
		if (dma_once_per_boot(&overflow_warned))
			dma_warn_overflow("swiotlb_overflow", dev, "swiotlb addr", tlb, size,
					  "kernel/dma/swiotlb.c swiotlb_map");
		return DMA_MAPPING_ERROR;
	}
	pthread_mutex_lock(&pool_lock);
	pool.bounced++;
	pthread_mutex_unlock(&pool_lock);
	return tlb;
}

bool swiotlb_owns(dma_addr_t addr)
{
	phys_addr_t lo = __atomic_load_n(&pool.start, __ATOMIC_RELAXED);
	phys_addr_t hi = __atomic_load_n(&pool.end, __ATOMIC_RELAXED);

	return addr >= lo && addr < hi;
}

void swiotlb_unmap(dma_addr_t addr, size_t size, enum dma_data_direction dir, unsigned long attrs)
{
	phys_addr_t orig;
	unsigned int n;
	long idx;

	pthread_mutex_lock(&pool_lock);
	idx = slot_index(addr);
	if (idx < 0 || !pool.busy[idx] || !pool.nslots[idx]) {
		pthread_mutex_unlock(&pool_lock);
		return;
	}
	orig = pool.orig[idx];
	n = pool.nslots[idx];
	if (size > (size_t)n * IO_TLB_SIZE)
		size = (size_t)n * IO_TLB_SIZE;
	pthread_mutex_unlock(&pool_lock);

	/* The slots are still ours until released below, so the copy runs unlocked. */
	if (!(attrs & DMA_ATTR_SKIP_CPU_SYNC) &&
	    (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL))
		memcpy(machine_phys_ptr(orig), machine_phys_ptr(addr), size);

	pthread_mutex_lock(&pool_lock);
	release_slots_locked(idx, n);
	pthread_mutex_unlock(&pool_lock);
}

void swiotlb_sync(dma_addr_t addr, size_t size, enum dma_data_direction dir, bool for_cpu)
{
	phys_addr_t orig;
	long idx;

	pthread_mutex_lock(&pool_lock);
	idx = slot_index(addr);
	if (idx < 0 || !pool.busy[idx]) {
		pthread_mutex_unlock(&pool_lock);
		return;
	}
	orig = pool.orig[idx] + (addr - slot_addr((unsigned long)idx));
	pthread_mutex_unlock(&pool_lock);
	if (for_cpu && (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL))
		memcpy(machine_phys_ptr(orig), machine_phys_ptr(addr), size);
	else if (!for_cpu && (dir == DMA_TO_DEVICE || dir == DMA_BIDIRECTIONAL))
		memcpy(machine_phys_ptr(addr), machine_phys_ptr(orig), size);
}

void kmm_swiotlb_info(struct kmm_swiotlb_info *info)
{
	pthread_mutex_lock(&pool_lock);
	info->nslabs = pool.nslabs;
	info->used = pool.used;
	info->start = pool.start;
	info->end = pool.end;
	info->bounced = pool.bounced;
	info->full = pool.full;
	pthread_mutex_unlock(&pool_lock);
	info->active = swiotlb_active();
	info->force = swiotlb_force_bounce();
}

void kmm_swiotlb_print(FILE *out)
{
	int w = 2 * (int)kmm_machine.dma_addr_bytes;
	struct kmm_swiotlb_info info;

	kmm_swiotlb_info(&info);
	if (!info.active) {
		fprintf(out, "kmm: no swiotlb pool (streaming maps a device cannot reach fail)\n");
		return;
	}
	if (!pool.announced) {
		fprintf(out,
			"kmm: swiotlb pool at [mem 0x%0*llx-0x%0*llx] (%luMB), not in the kernel's "
			"log (x86 announces it only for RAM above 4 GiB or iommu=soft)\n",
			w, (unsigned long long)info.start, w, (unsigned long long)info.end,
			(info.nslabs * IO_TLB_SIZE) >> 20);
		return;
	}
	if (strncmp(kmm_layout.arch, "x86", 3) == 0)
		fprintf(out, "PCI-DMA: Using software bounce buffering for IO (SWIOTLB)\n");
	fprintf(out, "software IO TLB: mapped [mem 0x%0*llx-0x%0*llx] (%luMB)\n", w,
		(unsigned long long)info.start, w, (unsigned long long)info.end,
		(info.nslabs * IO_TLB_SIZE) >> 20);
}

kmm_initcall(postcore, swiotlb, swiotlb_init, NULL);
kmm_initcall(fs, swiotlb_slots, NULL, swiotlb_exit);
