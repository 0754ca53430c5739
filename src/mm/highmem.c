/*
 * highmem.c - kmap() through the pkmap area, and kmap_local_page()/kmap_atomic() through the
 * per-CPU kmap slots of the fixmap.
 *
 * pkmap: LAST_PKMAP slots from PKMAP_BASE. pkmap_count[slot] means
 *	0	free and unmapped
 *	1	free, but the last page is still mapped there (the kernel's "needs a TLB flush"):
 *		a kmap() of that same page takes it back for nothing
 *	n > 1	mapped, with n - 1 kmap() users
 * A hash from page to slot (chained through slot_next) answers page_address(). A kmap() of an
 * unmapped page takes the next count-0 slot after last_pkmap_nr; each time the scan wraps,
 * every count-1 slot is unmapped at once (one host call per run); when no slot can be had the
 * caller sleeps on pkmap_wait until a kunmap() frees one. With the vmalloc_debug option a slot
 * is unmapped as soon as its last user leaves, so a use after kunmap() faults.
 *
 * kmap_local: KM_MAX_IDX fixmap slots per CPU. The kernel uses slot "depth" of the CPU and
 * remaps at each context switch; kmm threads that share a simulated CPU really run at once,
 * so a thread claims a free slot of its CPU (of another CPU when those are taken) with an
 * atomic exchange and keeps its own stack of claimed slots to check the unmap order. A slot
 * remembers the frame it maps, so mapping the same frame again costs no host call; the
 * mapping is left in place at kunmap_local() unless vmalloc_debug is set.
 *
 * Locking: kmap_lock (a mutex) guards all pkmap state; pkmap_wait is its condition. A kmap
 * slot's busy flag is claimed with acquire and dropped with release; the claimer alone touches
 * the slot's mapping and local_pfn. Contexts: kmap()/kunmap() sleep; kmap_local never does.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include <kmm/context.h>
#include <kmm/highmem.h>
#include "machine/fault.h"
#include "mm/highmem.h"
#include "machine/machine.h"
#include "machine/options.h"
#include "machine/report.h"
#include "machine/thread.h"
#include "mm/internal.h"
#include "machine/initcall.h"

#define PKMAP_HASH_BITS 11
#define PKMAP_BUCKETS (1U << PKMAP_HASH_BITS)

struct kmap_ctrl {
	unsigned long generation; /* boot the stack belongs to */
	unsigned int depth;
	unsigned int slot[KM_MAX_IDX]; /* claimed kmap slots, innermost last */
};

static pthread_mutex_t kmap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pkmap_wait = PTHREAD_COND_INITIALIZER;
static unsigned int nr_pkmap;
static int *pkmap_count;
static struct page **pkmap_page;
static int *slot_next; /* next slot + 1 in the hash chain, 0 at the end */
static int bucket[PKMAP_BUCKETS]; /* first slot + 1 */
static unsigned int last_pkmap_nr;
static unsigned int pkmap_users, pkmap_mapped, pkmap_waiters;

static unsigned int nr_local;
static int *local_busy;
static unsigned long *local_pfn; /* frame + 1 mapped at the slot, 0 for none */
static unsigned int local_in_use;
static int fault_handles[2] = { -1, -1 };

static __thread struct kmap_ctrl kctrl __attribute__((tls_model("initial-exec")));

static bool debug_mode(void)
{
	return __atomic_load_n(&kmm_opts.vmalloc_debug, __ATOMIC_RELAXED) != 0;
}

static void __attribute__((format(printf, 3, 4)))
highmem_bug(const char *id, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_start(id, "kernel BUG at %s:%d!", __FILE__, line);
	report_add("kmm: %s", msg);
	report_add_task();
	report_add_stack();
	report_finish();
}

static void __attribute__((format(printf, 3, 4)))
highmem_warn(const char *id, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_start(id, "WARNING: CPU: %u PID: %d at %s:%d kunmap_local_indexed",
		     smp_processor_id(), kmm_current_pid(), __FILE__, line);
	report_add("kmm: %s", msg);
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

/* ------------------------------------------------------------------ pkmap */

static unsigned int hash_page(const struct page *page)
{
	return ((unsigned int)page_to_pfn(page) * 2654435761u) >> (32 - PKMAP_HASH_BITS);
}

static int lookup(const struct page *page)
{
	for (int s = bucket[hash_page(page)] - 1; s >= 0; s = slot_next[s] - 1)
		if (pkmap_page[s] == page)
			return s;
	return -1;
}

static void hash_add(unsigned int slot, struct page *page)
{
	unsigned int h = hash_page(page);

	pkmap_page[slot] = page;
	slot_next[slot] = bucket[h];
	bucket[h] = (int)slot + 1;
}

static void hash_del(unsigned int slot)
{
	int *link = &bucket[hash_page(pkmap_page[slot])];

	while (*link != (int)slot + 1)
		link = &slot_next[*link - 1];
	*link = slot_next[slot];
	pkmap_page[slot] = NULL;
}

static void unmap_slots(unsigned int first, unsigned int n)
{
	if (n)
		os_unmap_to_reserved((void *)PKMAP_ADDR(first), (size_t)n << PAGE_SHIFT);
}

/* Unmap every slot nobody uses any more (the kernel's flush_all_zero_pkmaps). */
static void flush_all_zero_pkmaps(void)
{
	unsigned int first = 0, n = 0;

	for (unsigned int i = 0; i < nr_pkmap; i++) {
		if (pkmap_count[i] != 1) {
			unmap_slots(first, n);
			n = 0;
			continue;
		}
		pkmap_count[i] = 0;
		pkmap_mapped--;
		hash_del(i);
		if (!n)
			first = i;
		n++;
	}
	unmap_slots(first, n);
}

/* Find and map a slot for @page; sleeps while every slot is in use. Under kmap_lock. */
static int map_new_virtual(struct page *page)
{
	unsigned int count;
	int slot;

start:
	count = nr_pkmap;
	for (;;) {
		last_pkmap_nr = (last_pkmap_nr + 1) % nr_pkmap;
		if (!last_pkmap_nr) {
			flush_all_zero_pkmaps();
			count = nr_pkmap;
		}
		if (!pkmap_count[last_pkmap_nr])
			break;
		if (--count)
			continue;
		pkmap_waiters++;
		context_schedule();
		pthread_cond_wait(&pkmap_wait, &kmap_lock);
		pkmap_waiters--;
		/* Somebody else may have mapped our page meanwhile. */
		slot = lookup(page);
		if (slot >= 0)
			return slot;
		goto start;
	}
	if (os_map_shared((void *)PKMAP_ADDR(last_pkmap_nr), PAGE_SIZE, kmm_machine.ram_fd,
			  (off_t)(page_to_phys(page) - PHYS_OFFSET)))
		return -1;
	pkmap_count[last_pkmap_nr] = 1;
	pkmap_mapped++;
	hash_add(last_pkmap_nr, page);
	return (int)last_pkmap_nr;
}

void *kmap(struct page *page)
{
	int slot;

	might_sleep();
	if (!PageHighMem(page))
		return page_address(page);
	pthread_mutex_lock(&kmap_lock);
	slot = lookup(page);
	if (slot < 0)
		slot = map_new_virtual(page);
	if (slot >= 0 && pkmap_count[slot]++ == 1)
		pkmap_users++;
	pthread_mutex_unlock(&kmap_lock);
	return slot >= 0 ? (void *)PKMAP_ADDR(slot) : NULL;
}

void kunmap(struct page *page)
{
	int slot;

	might_sleep();
	if (!PageHighMem(page))
		return;
	pthread_mutex_lock(&kmap_lock);
	slot = lookup(page);
	if (slot < 0 || pkmap_count[slot] < 2) {
		pthread_mutex_unlock(&kmap_lock);
		highmem_bug("kunmap_bad", __LINE__,
			    "kunmap() of a page that is not kmapped (pfn %#lx)", page_to_pfn(page));
		return;
	}
	if (--pkmap_count[slot] == 1) {
		pkmap_users--;
		if (debug_mode()) {
			unmap_slots((unsigned int)slot, 1);
			pkmap_count[slot] = 0;
			pkmap_mapped--;
			hash_del((unsigned int)slot);
		}
		if (pkmap_waiters)
			pthread_cond_broadcast(&pkmap_wait);
	}
	pthread_mutex_unlock(&kmap_lock);
}

void *highmem_page_address(const struct page *page)
{
	int slot;

	if (!nr_pkmap)
		return NULL;
	pthread_mutex_lock(&kmap_lock);
	slot = lookup(page);
	pthread_mutex_unlock(&kmap_lock);
	return slot >= 0 ? (void *)PKMAP_ADDR(slot) : NULL;
}

/* ------------------------------------------------------------------ kmap_local */

static struct kmap_ctrl *ctrl(void)
{
	struct kmap_ctrl *c = &kctrl;

	if (c->generation != kmm_machine.generation) {
		c->generation = kmm_machine.generation;
		c->depth = 0;
	}
	return c;
}

/* A free kmap slot, of the calling thread's CPU if one is free; -1 if none at all. */
static int claim_slot(void)
{
	unsigned int cpus = kmm_layout.nr_cpus, cpu = smp_processor_id();

	for (unsigned int k = 0; k < cpus; k++) {
		unsigned int base = ((cpu + k) % cpus) * KM_MAX_IDX;

		for (unsigned int i = 0; i < KM_MAX_IDX; i++) {
			int *busy = &local_busy[base + i];

			if (!__atomic_load_n(busy, __ATOMIC_RELAXED) &&
			    !__atomic_exchange_n(busy, 1, __ATOMIC_ACQUIRE))
				return (int)(base + i);
		}
	}
	return -1;
}

static void release_slot(unsigned int slot)
{
	if (debug_mode()) {
		fixmap_unmap(FIX_KMAP_BEGIN + slot);
		local_pfn[slot] = 0;
	}
	__atomic_sub_fetch(&local_in_use, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&local_busy[slot], 0, __ATOMIC_RELEASE);
}

void *kmap_local_page(struct page *page)
{
	struct kmap_ctrl *c;
	unsigned long pfn;
	int slot;

	if (!PageHighMem(page))
		return page_address(page);
	c = ctrl();
	if (c->depth >= KM_MAX_IDX) {
		highmem_bug("kmap_local_overflow", __LINE__,
			    "kmap_local nesting above KM_MAX_IDX (%d) in one thread", KM_MAX_IDX);
		return NULL;
	}
	slot = claim_slot();
	if (slot < 0) {
		highmem_bug("kmap_local_overflow", __LINE__, "all %u kmap_local slots are in use",
			    nr_local);
		return NULL;
	}
	pfn = page_to_pfn(page);
	if (local_pfn[slot] != pfn + 1) {
		if (fixmap_map_pfn(FIX_KMAP_BEGIN + (unsigned int)slot, pfn, false)) {
			local_pfn[slot] = 0;
			__atomic_store_n(&local_busy[slot], 0, __ATOMIC_RELEASE);
			return NULL;
		}
		local_pfn[slot] = pfn + 1;
	}
	__atomic_add_fetch(&local_in_use, 1, __ATOMIC_RELAXED);
	c->slot[c->depth++] = (unsigned int)slot;
	return (void *)__fix_to_virt(FIX_KMAP_BEGIN + slot);
}

void __kunmap_local(const void *vaddr)
{
	unsigned long a = (unsigned long)vaddr & PAGE_MASK;
	struct kmap_ctrl *c;
	unsigned int slot;
	int pos;

	/* Low-memory pages were never mapped: nothing to undo. */
	if (!nr_local || a < __fix_to_virt(FIX_KMAP_END) || a > __fix_to_virt(FIX_KMAP_BEGIN))
		return;
	slot = (unsigned int)(__virt_to_fix(a) - FIX_KMAP_BEGIN);
	c = ctrl();
	for (pos = (int)c->depth - 1; pos >= 0 && c->slot[pos] != slot; pos--)
		;
	if (pos < 0) {
		highmem_warn("kmap_local_order", __LINE__,
			     "kunmap_local(%#lx) of a mapping this thread does not hold (%u held)",
			     (unsigned long)vaddr, c->depth);
		return;
	}
	if ((unsigned int)pos != c->depth - 1)
		highmem_warn(
			"kmap_local_order", __LINE__,
			"kunmap_local(%#lx) out of order: the most recent kmap_local mapping is %#lx",
			(unsigned long)vaddr,
			__fix_to_virt(FIX_KMAP_BEGIN + c->slot[c->depth - 1]));
	memmove(&c->slot[pos], &c->slot[pos + 1],
		(c->depth - 1 - (unsigned int)pos) * sizeof(c->slot[0]));
	c->depth--;
	release_slot(slot);
}

/* ------------------------------------------------------------------ lookups and views */

struct page *kmap_to_page(void *vaddr)
{
	unsigned long a = (unsigned long)vaddr;
	struct page *page = NULL;

	if (nr_pkmap && a >= PKMAP_BASE && a < PKMAP_ADDR(nr_pkmap)) {
		pthread_mutex_lock(&kmap_lock);
		page = pkmap_page[PKMAP_NR(a)];
		pthread_mutex_unlock(&kmap_lock);
		return page;
	}
	if (nr_local && a >= __fix_to_virt(FIX_KMAP_END) &&
	    a < __fix_to_virt(FIX_KMAP_BEGIN) + PAGE_SIZE) {
		unsigned long pfn = local_pfn[__virt_to_fix(a & PAGE_MASK) - FIX_KMAP_BEGIN];

		return pfn ? pfn_to_page(pfn - 1) : NULL;
	}
	return virt_addr_valid(vaddr) ? virt_to_page(vaddr) : NULL;
}

unsigned long nr_free_highpages(void)
{
	return __atomic_load_n(&zones[ZONE_HIGHMEM].free_pages, __ATOMIC_RELAXED);
}

unsigned long totalhigh_pages(void)
{
	return zones[ZONE_HIGHMEM].managed_pages;
}

void kmm_highmem_usage(struct kmm_highmem_usage *u)
{
	memset(u, 0, sizeof(*u));
	if (!kmm_machine.booted)
		return;
	pthread_mutex_lock(&kmap_lock);
	u->pkmap_slots = nr_pkmap;
	u->pkmap_in_use = pkmap_users;
	u->pkmap_mapped = pkmap_mapped;
	pthread_mutex_unlock(&kmap_lock);
	u->fixmap_kmap_slots = nr_local;
	u->fixmap_kmap_in_use = __atomic_load_n(&local_in_use, __ATOMIC_RELAXED);
	u->fixmap_named_set = fixmap_named_in_use();
}

/* ------------------------------------------------------------------ faults */

static enum fault_action pkmap_fault(const struct os_fault *fault, void *arg)
{
	char what[160];

	snprintf(what, sizeof(what), "%#lx is pkmap slot %lu, which is not mapped (kunmap()ed?)",
		 fault->addr, PKMAP_NR(fault->addr));
	fault_oops(fault, what);
}

static enum fault_action fixmap_fault(const struct os_fault *fault, void *arg)
{
	unsigned long idx = __virt_to_fix(fault->addr & PAGE_MASK);
	char what[160];

	if (idx >= FIX_KMAP_BEGIN && idx <= (unsigned long)FIX_KMAP_END)
		snprintf(what, sizeof(what),
			 "%#lx is kmap_local slot %lu of CPU %lu, which is not mapped", fault->addr,
			 (idx - FIX_KMAP_BEGIN) % KM_MAX_IDX, (idx - FIX_KMAP_BEGIN) / KM_MAX_IDX);
	else
		snprintf(what, sizeof(what), "%#lx is fixmap slot %lu, which is not set",
			 fault->addr, idx);
	fault_oops(fault, what);
}

/* ------------------------------------------------------------------ boot */

/* Give the slot tables back (shutdown, or a boot the host refused them to). */
static void free_slot_tables(void)
{
	free(pkmap_count);
	free(pkmap_page);
	free(slot_next);
	free(local_busy);
	free(local_pfn);
	pkmap_count = NULL;
	pkmap_page = NULL;
	slot_next = NULL;
	local_busy = NULL;
	local_pfn = NULL;
}

static int highmem_boot_failed(void)
{
	free_slot_tables();
	return -ENOMEM;
}

static int highmem_init(void)
{
	nr_pkmap = kmm_layout.last_pkmap;
	last_pkmap_nr = 0;
	pkmap_users = pkmap_mapped = pkmap_waiters = 0;
	memset(bucket, 0, sizeof(bucket));
	if (nr_pkmap) {
		pkmap_count = calloc(nr_pkmap, sizeof(*pkmap_count));
		pkmap_page = calloc(nr_pkmap, sizeof(*pkmap_page));
		slot_next = calloc(nr_pkmap, sizeof(*slot_next));
		if (!pkmap_count || !pkmap_page || !slot_next)
			return highmem_boot_failed();
		fault_handles[0] =
			fault_register(PKMAP_BASE, PKMAP_ADDR(nr_pkmap), pkmap_fault, NULL);
	}
	nr_local = KM_MAX_IDX * kmm_layout.nr_cpus;
	local_busy = calloc(nr_local, sizeof(*local_busy));
	local_pfn = calloc(nr_local, sizeof(*local_pfn));
	if (!local_busy || !local_pfn) {
		if (nr_pkmap)
			fault_unregister(fault_handles[0]);
		return highmem_boot_failed();
	}
	__atomic_store_n(&local_in_use, 0, __ATOMIC_RELAXED);
	fault_handles[1] =
		fault_register(FIXADDR_START, FIXADDR_TOP + PAGE_SIZE, fixmap_fault, NULL);
	fixmap_init();
	return 0;
}

static void highmem_exit(void)
{
	fixmap_exit();
	for (int i = 0; i < 2; i++) {
		fault_unregister(fault_handles[i]);
		fault_handles[i] = -1;
	}
	free_slot_tables();
	nr_pkmap = nr_local = 0;
}

kmm_initcall(subsys, highmem, highmem_init, highmem_exit);
