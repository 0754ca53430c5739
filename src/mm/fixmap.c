/*
 * fixmap.c - the fixmap's named slots: set_fixmap() maps a physical page at a fixed address,
 * clear_fixmap() takes it away. The kmap_local slots above FIX_KMAP_BEGIN go through the same
 * two primitives but are handed out by highmem.c.
 *
 * Data: a bitmap of the named slots that are set. Locking: named_lock (a mutex, process
 * context) around each change; the host mapping itself needs none (a slot has one owner).
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>

#include <kmm/kmm.h>
#include <kmm/context.h>
#include <kmm/fixmap.h>
#include "machine/assert.h"
#include "mm/highmem.h"
#include "machine/machine.h"
#include "machine/report.h"

static pthread_mutex_t named_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long named_set; /* bit idx: named slot idx is mapped */

int fixmap_map_pfn(unsigned int idx, unsigned long pfn, bool read_only)
{
	void *vaddr = (void *)__fix_to_virt(idx);
	int err = os_map_shared(vaddr, PAGE_SIZE, kmm_machine.ram_fd,
				(off_t)(PFN_PHYS(pfn) - PHYS_OFFSET));

	if (!err && read_only)
		err = os_protect(vaddr, PAGE_SIZE, PROT_READ);
	return err;
}

void fixmap_unmap(unsigned int idx)
{
	os_unmap_to_reserved((void *)__fix_to_virt(idx), PAGE_SIZE);
}

static void bad_fixmap(const char *fn, unsigned int idx, phys_addr_t phys, const char *why)
{
	report_start("fixmap", "WARNING: CPU: %u PID: %d at %s %s", smp_processor_id(),
		     kmm_current_pid(), __FILE__, fn);
	report_add("kmm: %s(%u, %#llx): %s", fn, idx, (unsigned long long)phys, why);
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

void __set_fixmap(enum fixed_addresses idx, phys_addr_t phys, bool read_only)
{
	unsigned long pfn = PHYS_PFN(phys);

	if (unlikely(!kmm_machine.booted))
		machine_not_booted("set_fixmap");
	if ((unsigned int)idx >= FIX_KMAP_BEGIN) {
		bad_fixmap("set_fixmap", idx, phys, "not a named fixmap slot");
		return;
	}
	if (!pfn_valid(pfn)) {
		bad_fixmap("set_fixmap", idx, phys, "kmm maps only RAM at fixmap slots so far");
		return;
	}
	pthread_mutex_lock(&named_lock);
	if (fixmap_map_pfn(idx, pfn, read_only) == 0)
		named_set |= 1UL << idx;
	pthread_mutex_unlock(&named_lock);
}

void __clear_fixmap(enum fixed_addresses idx)
{
	if ((unsigned int)idx >= FIX_KMAP_BEGIN) {
		bad_fixmap("clear_fixmap", idx, 0, "not a named fixmap slot");
		return;
	}
	pthread_mutex_lock(&named_lock);
	fixmap_unmap(idx);
	named_set &= ~(1UL << idx);
	pthread_mutex_unlock(&named_lock);
}

unsigned int fixmap_named_in_use(void)
{
	unsigned int n;

	pthread_mutex_lock(&named_lock);
	n = (unsigned int)__builtin_popcountl(named_set);
	pthread_mutex_unlock(&named_lock);
	return n;
}

void fixmap_init(void)
{
	pthread_mutex_lock(&named_lock);
	named_set = 0;
	pthread_mutex_unlock(&named_lock);
}

void fixmap_exit(void)
{
	fixmap_init();
}
