/*
 * ioremap.c - ioremap() and the MMIO accessors.
 *
 * Data: a table of live mappings, each the cookie range a driver may touch
 * [start, start + size), what backs it (a register block, device memory, or nothing at all),
 * and its vmalloc-area vm_struct (flag VM_IOREMAP, phys_addr set, so /proc/vmallocinfo lists
 * it as "ioremap"). Device memory is mapped into the area (the same memory file the device
 * sees), so the accessors load and store; a register block's area stays inaccessible and the
 * accessors call the block's callbacks. A ring of recently unmapped ranges lets a report say
 * "after iounmap()".
 *
 * Every accessor looks its address up in the table (a linear scan; drivers map a few ranges),
 * so an access past the end of a mapping or through a stale cookie is reported and reads as
 * all ones, the value a bus read nobody answers returns.
 *
 * Locks: maps_lock (a host rwlock) is read-held across an access, including the device's
 * callback, and write-held to add or remove a mapping; the vmalloc area's own lock is taken
 * outside it. Context: ioremap/iounmap in process context; accessors in any context.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/context.h>
#include <kmm/device.h>
#include <kmm/err.h>
#include <kmm/io.h>
#include <kmm/vmalloc.h>
#include "machine/io.h"
#include "machine/machine.h"
#include "machine/physmem.h"
#include "machine/report.h"
#include "machine/initcall.h"

#define MAX_MAPS 256
#define GONE_RING 16

enum io_kind {
	IO_NONE, /* nothing answers: reads are all ones, writes are lost */
	IO_MMIO, /* a register block */
	IO_DEVICE, /* device memory, mapped */
};

struct io_map {
	unsigned long start, end;
	enum io_kind kind;
	struct kmm_mmio *mmio;
	unsigned long mmio_offset; /* block offset of start */
	struct vm_struct *area;
};

static pthread_rwlock_t maps_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct io_map maps[MAX_MAPS];
static unsigned int nr_maps;
static struct {
	unsigned long start, end;
} gone[GONE_RING];
static unsigned int gone_next;

static struct io_map *find(unsigned long a)
{
	for (unsigned int i = 0; i < nr_maps; i++)
		if (a >= maps[i].start && a < maps[i].end)
			return &maps[i];
	return NULL;
}

static bool recently_unmapped(unsigned long a)
{
	for (unsigned int i = 0; i < GONE_RING; i++)
		if (a >= gone[i].start && a < gone[i].end)
			return true;
	return false;
}

/* The mapping whose vmalloc area (guard page included) holds @a. maps_lock held. */
static const struct io_map *find_near(unsigned long a)
{
	for (unsigned int i = 0; i < nr_maps; i++) {
		unsigned long lo = (unsigned long)maps[i].area->addr;

		if (a >= lo && a < lo + maps[i].area->size)
			return &maps[i];
	}
	return NULL;
}

/* Report a bad access. maps_lock read-held; @m is the mapping @a is in, if any. */
static void bad_access(const char *what, unsigned long a, size_t len, const struct io_map *m)
{
	if (!m)
		m = find_near(a);
	if (m)
		report_start(
			"ioremap_bad_access",
			"BUG: %s of %zu bytes at %#lx runs past the end of its ioremap() mapping (%#lx, %lu bytes)",
			what, len, a, m->start, m->end - m->start);
	else if (recently_unmapped(a))
		report_start("ioremap_bad_access",
			     "BUG: %s of %zu bytes at %#lx: the mapping was removed by iounmap()",
			     what, len, a);
	else
		report_start("ioremap_bad_access",
			     "BUG: %s of %zu bytes at %#lx: not an ioremap()ed address", what, len,
			     a);
	report_add_task();
	report_add_stack();
	report_finish();
}

static bool overlaps_ram(phys_addr_t phys, size_t size)
{
	phys_addr_t ram = kmm_layout.phys_offset;

	return phys < ram + kmm_machine.ram_bytes && phys + size > ram;
}

void __iomem *ioremap_caller(phys_addr_t phys, size_t size, const void *caller)
{
	unsigned long offset = (unsigned long)(phys & ~PAGE_MASK);
	phys_addr_t base = phys - offset;
	size_t len = PAGE_ALIGN(size + offset);
	struct io_map m = { .kind = IO_NONE };
	struct phys_backing b = { .kind = PHYS_NONE };

	if (!kmm_booted())
		machine_not_booted("ioremap");
	might_sleep();
	if (!size || phys + size - 1 < phys)
		return NULL;
	if (overlaps_ram(phys, size)) {
		report_start("ioremap_ram", "ioremap on RAM at 0x%016llx - 0x%016llx",
			     (unsigned long long)phys, (unsigned long long)(phys + size - 1));
		report_add("WARNING: CPU: %u PID: %d at arch/x86/mm/ioremap.c __ioremap_caller",
			   smp_processor_id(), kmm_current_pid());
		report_add_task();
		report_add_stack();
		report_add("---[ end trace 0000000000000000 ]---");
		report_finish();
		return NULL;
	}
	m.mmio = mmio_find(phys, size);
	if (m.mmio) {
		m.kind = IO_MMIO;
		m.mmio_offset = (unsigned long)(phys - m.mmio->res.start);
	} else {
		b = physmem_lookup(base);
		if (b.kind == PHYS_DEVICE && b.len >= len)
			m.kind = IO_DEVICE;
		else if (b.kind == PHYS_DEVICE || mmio_overlaps(phys, size) ||
			 physmem_lookup(phys + size - 1).kind != PHYS_NONE)
			return NULL; /* straddles a region's edge */
	}
	m.area = get_vm_area_caller(len, VM_IOREMAP, caller);
	if (!m.area)
		return NULL;
	m.area->phys_addr = base;
	if (m.kind == IO_DEVICE && os_map_shared(m.area->addr, len, b.fd, b.offset)) {
		free_vm_area(m.area);
		return NULL;
	}
	m.start = (unsigned long)m.area->addr + offset;
	m.end = m.start + size;
	pthread_rwlock_wrlock(&maps_lock);
	if (nr_maps == MAX_MAPS) {
		pthread_rwlock_unlock(&maps_lock);
		free_vm_area(m.area);
		return NULL;
	}
	maps[nr_maps++] = m;
	pthread_rwlock_unlock(&maps_lock);
	return (void __iomem *)m.start;
}

void __iomem *ioremap(phys_addr_t phys, size_t size)
{
	return ioremap_caller(phys, size, __builtin_return_address(0));
}

void __iomem *ioremap_wc(phys_addr_t phys, size_t size)
{
	return ioremap_caller(phys, size, __builtin_return_address(0));
}

void __iomem *ioremap_cache(phys_addr_t phys, size_t size)
{
	return ioremap_caller(phys, size, __builtin_return_address(0));
}

void __iomem *ioremap_uc(phys_addr_t phys, size_t size)
{
	return ioremap_caller(phys, size, __builtin_return_address(0));
}

void iounmap(volatile void __iomem *addr)
{
	unsigned long a = (unsigned long)addr;
	struct vm_struct *area = NULL;

	if (!addr)
		return;
	might_sleep();
	pthread_rwlock_wrlock(&maps_lock);
	for (unsigned int i = 0; i < nr_maps; i++) {
		if (((unsigned long)maps[i].area->addr) == (a & PAGE_MASK)) {
			area = maps[i].area;
			gone[gone_next].start = maps[i].start;
			gone[gone_next].end = maps[i].end;
			gone_next = (gone_next + 1) % GONE_RING;
			maps[i] = maps[--nr_maps];
			break;
		}
	}
	pthread_rwlock_unlock(&maps_lock);
	if (!area) {
		report_start("iounmap_bad", "iounmap: bad address %p", (void *)a);
		report_add("WARNING: CPU: %u PID: %d at arch/x86/mm/ioremap.c iounmap",
			   smp_processor_id(), kmm_current_pid());
		report_add_task();
		report_add_stack();
		report_add("---[ end trace 0000000000000000 ]---");
		report_finish();
		return;
	}
	free_vm_area(area);
}

static void ioremap_exit(void)
{
	pthread_rwlock_wrlock(&maps_lock);
	while (nr_maps) {
		struct vm_struct *area = maps[--nr_maps].area;

		pthread_rwlock_unlock(&maps_lock);
		free_vm_area(area);
		pthread_rwlock_wrlock(&maps_lock);
	}
	memset(gone, 0, sizeof(gone));
	pthread_rwlock_unlock(&maps_lock);
}

/* ------------------------------------------------------------------ accessors */

static u64 all_ones(unsigned int width)
{
	return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

u64 kmm_io_read(const volatile void __iomem *addr, unsigned int width)
{
	unsigned long a = (unsigned long)addr;
	const struct io_map *m;
	u64 v;

	pthread_rwlock_rdlock(&maps_lock);
	m = find(a);
	if (__builtin_expect(!m || a + width > m->end, 0)) {
		bad_access("read", a, width, m);
		pthread_rwlock_unlock(&maps_lock);
		return all_ones(width);
	}
	switch (m->kind) {
	case IO_DEVICE:
		switch (width) {
		case 1:
			v = *(const volatile u8 *)addr;
			break;
		case 2:
			v = *(const volatile u16 *)addr;
			break;
		case 4:
			v = *(const volatile u32 *)addr;
			break;
		default:
			v = *(const volatile u64 *)addr;
			break;
		}
		break;
	case IO_MMIO:
		v = m->mmio->ops->on_read ?
			    m->mmio->ops->on_read(m->mmio->priv, m->mmio_offset + (a - m->start),
						  width) &
				    all_ones(width) :
			    0;
		break;
	default:
		v = all_ones(width);
		break;
	}
	pthread_rwlock_unlock(&maps_lock);
	return v;
}

void kmm_io_write(volatile void __iomem *addr, unsigned int width, u64 value)
{
	unsigned long a = (unsigned long)addr;
	const struct io_map *m;

	pthread_rwlock_rdlock(&maps_lock);
	m = find(a);
	if (__builtin_expect(!m || a + width > m->end, 0)) {
		bad_access("write", a, width, m);
		pthread_rwlock_unlock(&maps_lock);
		return;
	}
	if (m->kind == IO_DEVICE) {
		switch (width) {
		case 1:
			*(volatile u8 *)addr = (u8)value;
			break;
		case 2:
			*(volatile u16 *)addr = (u16)value;
			break;
		case 4:
			*(volatile u32 *)addr = (u32)value;
			break;
		default:
			*(volatile u64 *)addr = value;
			break;
		}
	} else if (m->kind == IO_MMIO && m->mmio->ops->on_write) {
		m->mmio->ops->on_write(m->mmio->priv, m->mmio_offset + (a - m->start), width,
				       value & all_ones(width));
	}
	pthread_rwlock_unlock(&maps_lock);
}

/* Look up a whole range for a string operation; reports and returns NULL when bad. */
static const struct io_map *range(const char *what, unsigned long a, size_t count)
{
	const struct io_map *m = find(a);

	if (!m || a + count > m->end || a + count < a) {
		bad_access(what, a, count, m);
		return NULL;
	}
	return m;
}

void memcpy_fromio(void *to, const volatile void __iomem *from, size_t count)
{
	unsigned long a = (unsigned long)from;
	const struct io_map *m;

	if (!count)
		return;
	pthread_rwlock_rdlock(&maps_lock);
	m = range("memcpy_fromio", a, count);
	if (!m || m->kind == IO_NONE) {
		memset(to, 0xff, count);
	} else if (m->kind == IO_DEVICE) {
		memcpy(to, (const void *)a, count);
	} else {
		for (size_t i = 0; i < count; i++)
			((u8 *)to)[i] = m->mmio->ops->on_read ?
						(u8)m->mmio->ops->on_read(
							m->mmio->priv,
							m->mmio_offset + (a - m->start) + i, 1) :
						0;
	}
	pthread_rwlock_unlock(&maps_lock);
}

void memcpy_toio(volatile void __iomem *to, const void *from, size_t count)
{
	unsigned long a = (unsigned long)to;
	const struct io_map *m;

	if (!count)
		return;
	pthread_rwlock_rdlock(&maps_lock);
	m = range("memcpy_toio", a, count);
	if (m && m->kind == IO_DEVICE) {
		memcpy((void *)a, from, count);
	} else if (m && m->kind == IO_MMIO && m->mmio->ops->on_write) {
		for (size_t i = 0; i < count; i++)
			m->mmio->ops->on_write(m->mmio->priv, m->mmio_offset + (a - m->start) + i,
					       1, ((const u8 *)from)[i]);
	}
	pthread_rwlock_unlock(&maps_lock);
}

void memset_io(volatile void __iomem *addr, int value, size_t count)
{
	unsigned long a = (unsigned long)addr;
	const struct io_map *m;

	if (!count)
		return;
	pthread_rwlock_rdlock(&maps_lock);
	m = range("memset_io", a, count);
	if (m && m->kind == IO_DEVICE) {
		memset((void *)a, value, count);
	} else if (m && m->kind == IO_MMIO && m->mmio->ops->on_write) {
		for (size_t i = 0; i < count; i++)
			m->mmio->ops->on_write(m->mmio->priv, m->mmio_offset + (a - m->start) + i,
					       1, (u8)value);
	}
	pthread_rwlock_unlock(&maps_lock);
}

kmm_initcall(fs, ioremap, NULL, ioremap_exit);
