/*
 * debug.c - DMA-API debugging: a table of every streaming mapping and coherent
 * allocation, and the kernel's reports when a driver's calls do not match it.
 *
 * Data: a hash table of entries keyed by bus address (HASH_SIZE buckets of lists). An entry
 * remembers the device, how the memory was mapped (single/page, scatter-gather, coherent,
 * resource), its bus address, size, direction, CPU address (coherent) or sg entry count, and
 * whether dma_mapping_error() has been called for it. Unmaps and frees look up the exact (device,
 * address) entry; syncs look up the entry containing the address.
 *
 * Unlike the kernel, which prints only the first error unless told otherwise, every error
 * is reported (as with all_errors=Y), so tests can count them. Report titles are the
 * kernel's: "DMA-API: DRIVER NAME: ...".
 *
 * Locks: table_lock (a host mutex) guards the table; reports are made after it is dropped.
 * Context: any; nothing here sleeps.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <kmm/context.h>
#include "kernel/dma/dma.h"
#include "lib/list.h"
#include "machine/report.h"
#include "drivers/base/base.h"
#include "machine/initcall.h"

#define HASH_BITS 10
#define HASH_SIZE (1U << HASH_BITS)
/* Entries are hashed by their 8 KiB bus-address block, so a sync inside an entry that
 * starts in the same block finds it in one bucket; larger entries are found by a scan. */
#define HASH_SHIFT 13

enum map_err_type {
	MAP_ERR_CHECK_NOT_APPLICABLE,
	MAP_ERR_NOT_CHECKED,
	MAP_ERR_CHECKED,
};

struct dma_debug_entry {
	struct list_head node;
	struct dma_debug_ref ref;
	enum map_err_type map_err;
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct list_head table[HASH_SIZE];
static bool table_ready;
static unsigned long nr_entries;
static unsigned long error_count;

static const char *const type_name[] = {
	[DMA_DEBUG_SINGLE] = "single",
	[DMA_DEBUG_SG] = "scather-gather",
	[DMA_DEBUG_COHERENT] = "coherent",
	[DMA_DEBUG_RESOURCE] = "resource",
};

static const char *const dir_name[] = {
	[DMA_BIDIRECTIONAL] = "DMA_BIDIRECTIONAL",
	[DMA_TO_DEVICE] = "DMA_TO_DEVICE",
	[DMA_FROM_DEVICE] = "DMA_FROM_DEVICE",
	[DMA_NONE] = "DMA_NONE",
};

static const char *dir_str(enum dma_data_direction dir)
{
	return (unsigned int)dir <= DMA_NONE ? dir_name[dir] : "invalid";
}

static struct list_head *bucket(dma_addr_t addr)
{
	return &table[(addr >> HASH_SHIFT) & (HASH_SIZE - 1)];
}

static void table_init_locked(void)
{
	if (table_ready)
		return;
	for (unsigned int i = 0; i < HASH_SIZE; i++)
		INIT_LIST_HEAD(&table[i]);
	table_ready = true;
}

/* The kernel's err_printk: a WARNING naming the check that failed. */
static void __attribute__((format(printf, 3, 4)))
err_report(struct device *dev, const char *check, const char *fmt, ...)
{
	char label[96], msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&error_count, 1, __ATOMIC_RELAXED);
	report_start("dma_debug", "DMA-API: %s: %s", dma_dev_label(dev, label, sizeof(label)), msg);
	report_add("WARNING: CPU: %u PID: %d at kernel/dma/debug.c %s", smp_processor_id(),
		   kmm_current_pid(), check);
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

void dma_debug_add(const struct dma_debug_ref *ref)
{
	struct dma_debug_entry *e = malloc(sizeof(*e));

	if (!e)
		return;
	e->ref = *ref;
	e->map_err = ref->type == DMA_DEBUG_COHERENT ? MAP_ERR_CHECK_NOT_APPLICABLE :
						       MAP_ERR_NOT_CHECKED;
	pthread_mutex_lock(&table_lock);
	table_init_locked();
	list_add(&e->node, bucket(ref->dev_addr));
	nr_entries++;
	pthread_mutex_unlock(&table_lock);
}

/* The entry of @dev at exactly @addr, preferring one of the same size and type. */
static struct dma_debug_entry *find_exact(const struct dma_debug_ref *ref)
{
	struct dma_debug_entry *e, *best = NULL;

	if (!table_ready)
		return NULL;
	list_for_each_entry (e, bucket(ref->dev_addr), node) {
		if (e->ref.dev != ref->dev || e->ref.dev_addr != ref->dev_addr)
			continue;
		if (e->ref.size == ref->size && e->ref.type == ref->type)
			return e;
		if (!best)
			best = e;
	}
	return best;
}

static bool contains(const struct dma_debug_entry *e, const struct dma_debug_ref *ref)
{
	return e->ref.dev == ref->dev && ref->dev_addr >= e->ref.dev_addr &&
	       ref->dev_addr < e->ref.dev_addr + (e->ref.size ? e->ref.size : 1);
}

/* The entry of @dev containing @addr: its own bucket first, then every bucket. */
static struct dma_debug_entry *find_containing(const struct dma_debug_ref *ref)
{
	struct dma_debug_entry *e;

	if (!table_ready)
		return NULL;
	list_for_each_entry (e, bucket(ref->dev_addr), node)
		if (contains(e, ref))
			return e;
	for (unsigned int i = 0; i < HASH_SIZE; i++)
		list_for_each_entry (e, &table[i], node)
			if (contains(e, ref))
				return e;
	return NULL;
}

bool dma_debug_remove(const struct dma_debug_ref *ref, struct dma_debug_ref *recorded)
{
	unsigned long long addr = ref->dev_addr, size = ref->size;
	struct dma_debug_entry *e;
	struct device *dev = ref->dev;

	if (ref->dev_addr == DMA_MAPPING_ERROR) {
		err_report(dev, "check_unmap",
			   "device driver tries to free an invalid DMA memory address");
		return false;
	}
	pthread_mutex_lock(&table_lock);
	e = find_exact(ref);
	if (e) {
		list_del(&e->node);
		nr_entries--;
	}
	pthread_mutex_unlock(&table_lock);
	if (!e) {
		err_report(
			dev, "check_unmap",
			"device driver tries to free DMA memory it has not allocated [device address=0x%016llx] [size=%llu bytes]",
			addr, size);
		return false;
	}
	if (e->ref.size != ref->size)
		err_report(
			dev, "check_unmap",
			"device driver frees DMA memory with different size [device address=0x%016llx] [map size=%llu bytes] [unmap size=%llu bytes]",
			addr, (unsigned long long)e->ref.size, size);
	if (e->ref.type != ref->type)
		err_report(
			dev, "check_unmap",
			"device driver frees DMA memory with wrong function [device address=0x%016llx] [size=%llu bytes] [mapped as %s] [unmapped as %s]",
			addr, size, type_name[e->ref.type], type_name[ref->type]);
	else if (e->ref.type == DMA_DEBUG_COHERENT && e->ref.cpu_addr != ref->cpu_addr)
		err_report(
			dev, "check_unmap",
			"device driver frees DMA memory with different CPU address [device address=0x%016llx] [size=%llu bytes] [cpu alloc address=0x%016llx] [cpu free address=0x%016llx]",
			addr, size, (unsigned long long)(uintptr_t)e->ref.cpu_addr,
			(unsigned long long)(uintptr_t)ref->cpu_addr);
	if (ref->sg_call_ents && ref->type == DMA_DEBUG_SG &&
	    ref->sg_call_ents != e->ref.sg_call_ents)
		err_report(
			dev, "check_unmap",
			"device driver frees DMA sg list with different entry count [map count=%d] [unmap count=%d]",
			e->ref.sg_call_ents, ref->sg_call_ents);
	if (e->ref.dir != ref->dir)
		err_report(
			dev, "check_unmap",
			"device driver frees DMA memory with different direction [device address=0x%016llx] [size=%llu bytes] [mapped with %s] [unmapped with %s]",
			addr, size, dir_str(e->ref.dir), dir_str(ref->dir));
	if (e->map_err == MAP_ERR_NOT_CHECKED)
		err_report(
			dev, "check_unmap",
			"device driver failed to check map error[device address=0x%016llx] [size=%llu bytes] [mapped as %s]",
			addr, size, type_name[e->ref.type]);
	*recorded = e->ref;
	free(e);
	return true;
}

void dma_debug_sync(const struct dma_debug_ref *ref, bool to_cpu)
{
	unsigned long long addr = ref->dev_addr, size = ref->size;
	struct dma_debug_entry *e;
	struct dma_debug_ref found;
	const char *check = to_cpu ? "check_sync (for cpu)" : "check_sync (for device)";

	pthread_mutex_lock(&table_lock);
	e = find_containing(ref);
	if (e)
		found = e->ref;
	pthread_mutex_unlock(&table_lock);
	if (!e) {
		err_report(
			ref->dev, check,
			"device driver tries to sync DMA memory it has not allocated [device address=0x%016llx] [size=%llu bytes]",
			addr, size);
		return;
	}
	if (addr - found.dev_addr + size > found.size)
		err_report(
			ref->dev, check,
			"device driver syncs DMA memory outside allocated range [device address=0x%016llx] [allocation size=%llu bytes] [sync offset+size=%llu]",
			(unsigned long long)found.dev_addr, (unsigned long long)found.size,
			addr - found.dev_addr + size);
	if (found.dir == DMA_BIDIRECTIONAL)
		return;
	if (ref->dir != found.dir)
		err_report(
			ref->dev, check,
			"device driver syncs DMA memory with different direction [device address=0x%016llx] [size=%llu bytes] [mapped with %s] [synced with %s]",
			addr, size, dir_str(found.dir), dir_str(ref->dir));
	if (to_cpu && found.dir != DMA_FROM_DEVICE && ref->dir != DMA_TO_DEVICE)
		err_report(
			ref->dev, check,
			"device driver syncs device read-only DMA memory for cpu [device address=0x%016llx] [size=%llu bytes] [mapped with %s] [synced with %s]",
			addr, size, dir_str(found.dir), dir_str(ref->dir));
	if (!to_cpu && found.dir != DMA_TO_DEVICE && ref->dir != DMA_FROM_DEVICE)
		err_report(
			ref->dev, check,
			"device driver syncs device write-only DMA memory to device [device address=0x%016llx] [size=%llu bytes] [mapped with %s] [synced with %s]",
			addr, size, dir_str(found.dir), dir_str(ref->dir));
}

void dma_debug_mapping_error(struct device *dev, dma_addr_t addr)
{
	struct dma_debug_entry *e;

	pthread_mutex_lock(&table_lock);
	if (table_ready) {
		list_for_each_entry (e, bucket(addr), node) {
			if (e->ref.dev == dev && e->ref.dev_addr == addr &&
			    e->map_err == MAP_ERR_NOT_CHECKED) {
				e->map_err = MAP_ERR_CHECKED;
				break;
			}
		}
	}
	pthread_mutex_unlock(&table_lock);
}

void dma_debug_bad_map(struct device *dev, const void *addr, size_t len, const char *why)
{
	if (why[0] == 's')
		err_report(dev, "check_for_stack", "device driver maps memory from stack [addr=%p]",
			   addr);
	else
		err_report(dev, "debug_dma_map_single",
			   "device driver maps memory outside the linear map [addr=%p] [len=%zu]",
			   addr, len);
}

/* The driver is gone from @dev: report DMA memory it still holds. */
static void dma_debug_device_released(struct device *dev)
{
	struct dma_debug_entry *e, *first = NULL;
	struct dma_debug_ref leaked = { 0 };
	int count = 0;

	pthread_mutex_lock(&table_lock);
	if (table_ready) {
		for (unsigned int i = 0; i < HASH_SIZE; i++) {
			list_for_each_entry (e, &table[i], node) {
				if (e->ref.dev != dev)
					continue;
				if (!first)
					first = e;
				count++;
			}
		}
	}
	if (first)
		leaked = first->ref;
	pthread_mutex_unlock(&table_lock);
	if (!count)
		return;
	err_report(
		dev, "dma_debug_device_change",
		"device driver has pending DMA allocations while released from device [count=%d]\n"
		"One of leaked entries details: [device address=0x%016llx] [size=%llu bytes] [mapped with %s] [mapped as %s]",
		count, (unsigned long long)leaked.dev_addr, (unsigned long long)leaked.size,
		dir_str(leaked.dir), type_name[leaked.type]);
}

static void dma_debug_exit(void)
{
	pthread_mutex_lock(&table_lock);
	if (table_ready) {
		for (unsigned int i = 0; i < HASH_SIZE; i++) {
			while (!list_empty(&table[i])) {
				struct dma_debug_entry *e =
					list_first_entry(&table[i], struct dma_debug_entry, node);

				list_del(&e->node);
				free(e);
			}
		}
	}
	nr_entries = 0;
	__atomic_store_n(&error_count, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&table_lock);
}

unsigned long kmm_dma_debug_entries(struct device *dev)
{
	struct dma_debug_entry *e;
	unsigned long n = 0;

	pthread_mutex_lock(&table_lock);
	if (!dev) {
		n = nr_entries;
	} else if (table_ready) {
		for (unsigned int i = 0; i < HASH_SIZE; i++)
			list_for_each_entry (e, &table[i], node)
				n += e->ref.dev == dev;
	}
	pthread_mutex_unlock(&table_lock);
	return n;
}

unsigned long kmm_dma_debug_errors(void)
{
	return __atomic_load_n(&error_count, __ATOMIC_RELAXED);
}

static int dma_debug_boot(void)
{
	device_register_unbound_hook(dma_debug_device_released);
	return 0;
}

kmm_initcall(fs, dma_debug, dma_debug_boot, dma_debug_exit);
