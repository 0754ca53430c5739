/*
 * vmalloc.c - vmalloc, vmap and the areas of the vmalloc space.
 *
 * An area is a range of VMALLOC_START..VMALLOC_END found by vmap_area.c's lowest-fit search,
 * followed by an unmapped guard page (unless VM_NO_GUARD). vmalloc() fills it with order-0
 * pages from the buddy allocator, any zone the gfp allows, high memory included, and maps the
 * same RAM-file pages there with one host mapping per physically contiguous run (the pages
 * are put in pfn order first, so runs are as long as the allocator made them). Writes through
 * the vmalloc address are writes to the frames: the linear map and kmap see them.
 *
 * Every live area is in busy_tree (lookups by address) with its struct vm_struct; while it is
 * being set up its vm carries VM_UNINITIALIZED and nobody else looks inside. vfree() gives the
 * pages back at once but leaves the range mapped, queued by size on lazy[]: the next vmalloc
 * or vmap of that exact size takes it back and maps its own pages over the stale ones in the
 * same host call (the guard page was never mapped), so a vmalloc+vfree pair costs one mapping.
 * purge_lazy() unmaps the queues in address order, one host call per run of adjacent areas,
 * when they hold lazy_max pages or when the area is full, and the ranges become holes again.
 * Like the kernel's stale TLB entries, a queued range still reaches the freed frames; with
 * the vmalloc_debug option a freed range is unmapped before its pages are freed instead, so a
 * use after vfree() faults.
 *
 *	free holes + busy areas + lazy areas + areas being purged == the vmalloc area (no overlap)
 *	nr_vmalloc_pages == sum of nr_pages over live VM_ALLOC areas
 *
 * Locks: purge_lock (one purge at a time) -> vmap_lock (trees, lazy list, counters). No host
 * call and no page allocation is made under vmap_lock. vfree() in interrupt or atomic context
 * pushes the area on a lock-free stack and schedules deferred_work, which frees the queue in
 * process context (as does any process-context vmalloc call that finds it non-empty).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <kmm/kmm.h>
#include <kmm/context.h>
#include <kmm/page_alloc.h>
#include <kmm/slab.h>
#include <kmm/vmalloc.h>
#include <kmm/workqueue.h>
#include "machine/assert.h"
#include "machine/fault.h"
#include "machine/machine.h"
#include "machine/options.h"
#include "machine/report.h"
#include "machine/thread.h"
#include "mm/vmalloc.h"
#include "mm/internal.h"
#include "machine/initcall.h"

/* Lazily freed areas of up to LAZY_BUCKETS - 1 pages (guard included) queue by size. */
#define LAZY_BUCKETS 513
/* kmm's own vm_struct flag: a deferred vfree() is queued for this area. */
#define VM_KMM_FREEING 0x80000000UL
#define LAZY_UNIT_PAGES ((32UL << 20) >> PAGE_SHIFT)
#define FREED_HISTORY 64

struct freed_range {
	unsigned long start, end;
	const void *caller;
};

static pthread_mutex_t vmap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t purge_lock = PTHREAD_MUTEX_INITIALIZER;
static struct va_tree free_tree, busy_tree;
static struct vmap_area *lazy[LAZY_BUCKETS]; /* [n]: freed n-page areas; [0]: larger ones */
static unsigned long lazy_pages, lazy_max, purging_pages, busy_bytes;
/*
 * Of lazy_pages, those the host refused to unmap (purge_lazy()): they wait for the next purge
 * but do not start one, or every vfree() would retry them while the host is at its limit.
 */
static unsigned long stuck_pages;
static unsigned long nr_vmalloc_pages;
static struct vmap_area *deferred_head;
static struct work_struct deferred_work;
static bool zero_warned;
static int fault_handle = -1;
/* The last areas freed in debug mode, to name them when a use after vfree() faults. */
static struct freed_range freed[FREED_HISTORY];
static unsigned int freed_next;

static bool debug_mode(void)
{
	return __atomic_load_n(&kmm_opts.vmalloc_debug, __ATOMIC_RELAXED) != 0;
}

/* Queue a freed, still mapped area; @reusable: its last page is an unmapped guard, so a new
 * area mapped over it gets a guard page too. Under vmap_lock. */
static void lazy_push(struct vmap_area *va, bool reusable)
{
	unsigned long n = (va->va_end - va->va_start) >> PAGE_SHIFT;
	unsigned long b = n < LAZY_BUCKETS && reusable ? n : 0;

	va->purge_next = lazy[b];
	lazy[b] = va;
	lazy_pages += n;
}

/* A queued area of exactly @size bytes, unlinked, or NULL. Under vmap_lock. */
static struct vmap_area *lazy_take(unsigned long size)
{
	unsigned long n = size >> PAGE_SHIFT;
	struct vmap_area *va;

	if (n >= LAZY_BUCKETS || !lazy[n])
		return NULL;
	va = lazy[n];
	lazy[n] = va->purge_next;
	va->purge_next = NULL;
	lazy_pages -= n;
	return va;
}

/* Unlink every queued area as one list. Under vmap_lock. */
static struct vmap_area *lazy_take_all(void)
{
	struct vmap_area *list = NULL;

	for (unsigned int b = 0; b < LAZY_BUCKETS; b++) {
		while (lazy[b]) {
			struct vmap_area *va = lazy[b];

			lazy[b] = va->purge_next;
			va->purge_next = list;
			list = va;
		}
	}
	lazy_pages = 0;
	stuck_pages = 0;
	return list;
}

static unsigned long totalram_pages(void)
{
	unsigned long n = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		n += zones[i].managed_pages;
	return n;
}

/* ------------------------------------------------------------------ reports */

static void warn_once_zero(int line)
{
	if (__atomic_exchange_n(&zero_warned, true, __ATOMIC_RELAXED))
		return;
	report_start("vmalloc_size", "WARNING: CPU: %u PID: %d at %s:%d __vmalloc_node_range",
		     smp_processor_id(), kmm_current_pid(), __FILE__, line);
	report_add("kmm: a vmalloc of 0 bytes returns NULL");
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

/* The kernel's warn_alloc() for vmalloc: "<comm>: vmalloc error: ..., mode:...". */
static void __attribute__((format(printf, 2, 3))) vmalloc_warn(gfp_t gfp, const char *fmt, ...)
{
	char msg[160], mode[256];
	va_list ap;

	if (!warn_alloc_allowed(gfp))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_start("vmalloc_error",
		     "%s: %s, mode:%#x(%s), nodemask=(null),cpuset=/,mems_allowed=0",
		     kmm_current_comm(), msg, gfp, gfp_format(gfp, mode, sizeof(mode)));
	report_add_task();
	report_add_stack();
	report_finish();
}

static void warn_bad_free(const char *what, const char *fn, const void *addr, int line)
{
	report_start("vfree_bad", "Trying to %s() %s (%0*lx)", fn, what, machine_addr_width(),
		     (unsigned long)addr);
	report_add("WARNING: CPU: %u PID: %d at %s:%d %s", smp_processor_id(), kmm_current_pid(),
		   __FILE__, line, fn);
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

/* ------------------------------------------------------------------ lazy purge */

/* Merge sort of the lazy list by address, so adjacent areas are unmapped together. */
static struct vmap_area *sort_by_start(struct vmap_area *list)
{
	struct vmap_area *a = NULL, *b = NULL, *out = NULL, **tail = &out;

	if (!list || !list->purge_next)
		return list;
	while (list) {
		struct vmap_area *next = list->purge_next;

		list->purge_next = a;
		a = list;
		list = next;
		if (!list)
			break;
		next = list->purge_next;
		list->purge_next = b;
		b = list;
		list = next;
	}
	a = sort_by_start(a);
	b = sort_by_start(b);
	while (a && b) {
		struct vmap_area **min = a->va_start < b->va_start ? &a : &b;

		*tail = *min;
		tail = &(*min)->purge_next;
		*min = (*min)->purge_next;
	}
	*tail = a ? a : b;
	return out;
}

/*
 * The host refused to turn a range back into a hole (mmap fails with ENOMEM when a split
 * would pass vm.max_map_count): the range stays mapped and queued, so a later purge tries
 * again, and nothing is lost but address space for a while. Said once per boot.
 */
static void report_unmap_failed(unsigned long start, unsigned long end, int err)
{
	static bool reported;

	if (__atomic_exchange_n(&reported, true, __ATOMIC_RELAXED))
		return;
	report_start("vmalloc_unmap", "vmalloc: cannot unmap 0x%lx-0x%lx: error %d", start, end,
		     err);
	report_add("the host refuses more mappings (vm.max_map_count); the range stays queued");
	report_add_stack();
	report_finish();
}

static void purge_lazy(void)
{
	struct vmap_area *list, *va, *next;
	unsigned long pages;
	int err;

	pthread_mutex_lock(&purge_lock);
	pthread_mutex_lock(&vmap_lock);
	pages = lazy_pages;
	list = lazy_take_all();
	purging_pages += pages;
	pthread_mutex_unlock(&vmap_lock);

	list = sort_by_start(list);
	for (va = list; va; va = next) {
		unsigned long start = va->va_start, end = va->va_end;

		for (next = va->purge_next; next && next->va_start == end; next = next->purge_next)
			end = next->va_end;
		err = os_unmap_to_reserved((void *)start, end - start);
		if (err) {
			report_unmap_failed(start, end, err);
			for (struct vmap_area *v = va; v != next; v = v->purge_next)
				v->unmap_failed = true;
		}
	}

	pthread_mutex_lock(&vmap_lock);
	for (va = list; va; va = next) {
		next = va->purge_next;
		va->purge_next = NULL;
		if (va->unmap_failed) {
			/* Still mapped: it waits on the queue for a purge the host allows. */
			va->unmap_failed = false;
			lazy_push(va, false);
			stuck_pages += (va->va_end - va->va_start) >> PAGE_SHIFT;
		} else {
			va_release(&free_tree, va);
		}
	}
	purging_pages -= pages;
	pthread_mutex_unlock(&vmap_lock);
	pthread_mutex_unlock(&purge_lock);
}

static void free_now(const void *addr, bool queued, int line);

/* Run the vfree()s made in atomic context. Process context. */
static void drain_deferred(void)
{
	struct vmap_area *va;

	if (!__atomic_load_n(&deferred_head, __ATOMIC_RELAXED))
		return;
	va = __atomic_exchange_n(&deferred_head, NULL, __ATOMIC_ACQUIRE);
	while (va) {
		struct vmap_area *next = va->purge_next;

		va->purge_next = NULL;
		free_now((void *)va->va_start, true, __LINE__);
		va = next;
	}
}

static void deferred_work_fn(struct work_struct *work)
{
	drain_deferred();
}

/* ------------------------------------------------------------------ areas */

/* Reserve @size bytes (+ the guard page). @reuse: the caller maps the whole area, so a queued
 * area of the same size, still mapped, may be taken back. */
static struct vmap_area *reserve_area(unsigned long size, unsigned long align, unsigned long flags,
				      const void *caller, gfp_t gfp, bool reuse)
{
	struct vm_struct *vm = calloc(1, sizeof(*vm));
	struct vmap_area *va = calloc(1, sizeof(*va));
	unsigned long start = 0;

	if (align < PAGE_SIZE || (align & (align - 1)))
		align = PAGE_SIZE;
	if (!(flags & VM_NO_GUARD))
		size += PAGE_SIZE;
	for (int attempt = 0; vm && va && attempt < 2; attempt++) {
		struct vmap_area *queued;

		pthread_mutex_lock(&vmap_lock);
		queued = reuse && align == PAGE_SIZE ? lazy_take(size) : NULL;
		if (queued) {
			free(va);
			va = queued;
			start = va->va_start;
		} else {
			start = va_alloc(&free_tree, size, align);
		}
		if (start) {
			va->va_start = start;
			va->va_end = start + size;
			va->vm = vm;
			vm->addr = (void *)start;
			vm->size = size;
			vm->flags = flags | VM_UNINITIALIZED;
			vm->caller = caller;
			va_insert(&busy_tree, va);
			busy_bytes += size;
			pthread_mutex_unlock(&vmap_lock);
			return va;
		}
		pthread_mutex_unlock(&vmap_lock);
		/* Full: the lazily freed areas are the first thing to give back. */
		if (!attempt)
			purge_lazy();
	}
	if (vm && va && !(gfp & __GFP_NOWARN)) {
		report_start(
			"vmap_alloc",
			"vmap allocation for size %lu failed: use vmalloc=<size> to increase size",
			size);
		report_add_task();
		report_add_stack();
		report_finish();
	}
	free(vm);
	free(va);
	return NULL;
}

/* The area is ready: visible to lookups and /proc/vmallocinfo. */
static void publish_area(struct vm_struct *vm)
{
	pthread_mutex_lock(&vmap_lock);
	vm->flags &= ~VM_UNINITIALIZED;
	pthread_mutex_unlock(&vmap_lock);
}

/* Give @va's addresses back: lazily, or unmapped at once in debug mode. */
static void release_range(struct vmap_area *va, const struct vm_struct *vm)
{
	bool purge;

	if (debug_mode() &&
	    !os_unmap_to_reserved((void *)va->va_start, va->va_end - va->va_start)) {
		pthread_mutex_lock(&vmap_lock);
		freed[freed_next % FREED_HISTORY] =
			(struct freed_range){ va->va_start, va->va_end, vm->caller };
		freed_next++;
		va_release(&free_tree, va);
		pthread_mutex_unlock(&vmap_lock);
		return;
	}
	pthread_mutex_lock(&vmap_lock);
	lazy_push(va, !(vm->flags & VM_NO_GUARD));
	purge = lazy_pages - stuck_pages > lazy_max;
	pthread_mutex_unlock(&vmap_lock);
	if (purge)
		purge_lazy();
}

/*
 * Unlink the area starting at @addr from the busy tree and release its addresses; the caller
 * owns the returned vm_struct. @deferred: called for a queued atomic vfree().
 */
static struct vm_struct *unlink_area(const void *addr, const char *fn, bool deferred, int line)
{
	unsigned long a = (unsigned long)addr;
	struct vmap_area *va;
	struct vm_struct *vm;

	if (!PAGE_ALIGNED(a)) {
		warn_bad_free("bad address", fn, addr, line);
		return NULL;
	}
	pthread_mutex_lock(&vmap_lock);
	va = va_find(&busy_tree, a);
	vm = va && va->va_start == a ? va->vm : NULL;
	if (!vm || (vm->flags & VM_UNINITIALIZED) || (!deferred && (vm->flags & VM_KMM_FREEING))) {
		pthread_mutex_unlock(&vmap_lock);
		warn_bad_free("nonexistent vm area", fn, addr, line);
		return NULL;
	}
	va_erase(&busy_tree, va);
	busy_bytes -= va->va_end - va->va_start;
	va->vm = NULL;
	pthread_mutex_unlock(&vmap_lock);
	release_range(va, vm);
	return vm;
}

static void put_area_pages(struct vm_struct *vm)
{
	for (unsigned int i = 0; i < vm->nr_pages; i++)
		__free_pages(vm->pages[i], 0);
	if (vm->flags & VM_ALLOC)
		__atomic_sub_fetch(&nr_vmalloc_pages, vm->nr_pages, __ATOMIC_RELAXED);
}

static void free_vm(struct vm_struct *vm)
{
	free(vm->pages);
	free(vm);
}

/* Undo a half-built area: nothing else has seen it. */
static void abandon_area(struct vmap_area *va, unsigned int allocated)
{
	struct vm_struct *vm = va->vm;
	int err;

	pthread_mutex_lock(&vmap_lock);
	va_erase(&busy_tree, va);
	busy_bytes -= va->va_end - va->va_start;
	va->vm = NULL;
	pthread_mutex_unlock(&vmap_lock);
	err = os_unmap_to_reserved((void *)va->va_start, va->va_end - va->va_start);
	pthread_mutex_lock(&vmap_lock);
	if (err) {
		lazy_push(va, false); /* still mapped: a later purge retries */
		stuck_pages += (va->va_end - va->va_start) >> PAGE_SHIFT;
	} else
		va_release(&free_tree, va);
	pthread_mutex_unlock(&vmap_lock);
	for (unsigned int i = 0; i < allocated; i++)
		__free_pages(vm->pages[i], 0);
	free_vm(vm);
}

static void *vmalloc_area(unsigned long size, unsigned long align, gfp_t gfp,
			  unsigned long vm_flags, pgprot_t prot, const void *caller)
{
	unsigned long real_size = size;
	gfp_t page_gfp = (gfp | __GFP_NOWARN) & ~__GFP_COMP;
	struct vmap_area *va;
	struct vm_struct *vm;
	unsigned int n, i;

	if (unlikely(!kmm_machine.booted))
		machine_not_booted("vmalloc");
	if (!size) {
		warn_once_zero(__LINE__);
		return NULL;
	}
	size = PAGE_ALIGN(size);
	if (size < real_size || (size >> PAGE_SHIFT) > totalram_pages()) {
		vmalloc_warn(gfp, "vmalloc error: size %lu, exceeds total pages", real_size);
		return NULL;
	}
	/* Reported once here; in atomic context the pages then come without sleeping. */
	page_gfp = gfp_for_context(thread_current(), page_gfp);
	if (gfpflags_allow_blocking(page_gfp))
		drain_deferred();
	n = (unsigned int)(size >> PAGE_SHIFT);
	va = reserve_area(size, align, vm_flags, caller, gfp, true);
	if (!va) {
		vmalloc_warn(gfp, "vmalloc error: size %lu, vm_struct allocation failed",
			     real_size);
		return NULL;
	}
	vm = va->vm;
	vm->pages = calloc(n, sizeof(*vm->pages));
	if (!vm->pages) {
		abandon_area(va, 0);
		return NULL;
	}
	if (!(gfp & (__GFP_DMA | __GFP_DMA32)))
		page_gfp |= __GFP_HIGHMEM;
	i = (unsigned int)alloc_pages_bulk_array(page_gfp, n, vm->pages);
	if (i < n) {
		abandon_area(va, i);
		vmalloc_warn(gfp,
			     "vmalloc error: size %lu, page order %u, failed to allocate pages",
			     real_size, 0);
		return NULL;
	}
	vmalloc_order_pages(vm->pages, n);
	if (vmalloc_map_pages(va->va_start, vm->pages, n)) {
		abandon_area(va, n);
		vmalloc_warn(gfp, "vmalloc error: size %lu, failed to map pages", real_size);
		return NULL;
	}
	if (!(pgprot_val(prot) & KMM_PGPROT_WRITE))
		os_protect((void *)va->va_start, size, PROT_READ);
	vm->nr_pages = n;
	__atomic_add_fetch(&nr_vmalloc_pages, n, __ATOMIC_RELAXED);
	publish_area(vm);
	return vm->addr;
}

void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp, int node,
		     const void *caller)
{
	return vmalloc_area(size, align, gfp, VM_ALLOC, PAGE_KERNEL, caller);
}

void *vmalloc(unsigned long size)
{
	return vmalloc_area(size, PAGE_SIZE, GFP_KERNEL, VM_ALLOC, PAGE_KERNEL,
			    __builtin_return_address(0));
}

void *vzalloc(unsigned long size)
{
	return vmalloc_area(size, PAGE_SIZE, GFP_KERNEL | __GFP_ZERO, VM_ALLOC, PAGE_KERNEL,
			    __builtin_return_address(0));
}

void *vmalloc_node(unsigned long size, int node)
{
	return vmalloc_area(size, PAGE_SIZE, GFP_KERNEL, VM_ALLOC, PAGE_KERNEL,
			    __builtin_return_address(0));
}

void *vzalloc_node(unsigned long size, int node)
{
	return vmalloc_area(size, PAGE_SIZE, GFP_KERNEL | __GFP_ZERO, VM_ALLOC, PAGE_KERNEL,
			    __builtin_return_address(0));
}

/* The kernel's GFP_VMALLOC32: memory a 32-bit device can reach (on the 32-bit profiles
 * __GFP_DMA32 means ZONE_NORMAL, and keeps high memory out). */
static gfp_t gfp_vmalloc32(void)
{
	return GFP_KERNEL | GFP_DMA32;
}

void *vmalloc_32(unsigned long size)
{
	return vmalloc_area(size, PAGE_SIZE, gfp_vmalloc32(), VM_ALLOC, PAGE_KERNEL,
			    __builtin_return_address(0));
}

void *vmalloc_user(unsigned long size)
{
	return vmalloc_area(size, PAGE_SIZE, GFP_KERNEL | __GFP_ZERO, VM_ALLOC | VM_USERMAP,
			    PAGE_KERNEL, __builtin_return_address(0));
}

void *vmalloc_32_user(unsigned long size)
{
	return vmalloc_area(size, PAGE_SIZE, gfp_vmalloc32() | __GFP_ZERO, VM_ALLOC | VM_USERMAP,
			    PAGE_KERNEL, __builtin_return_address(0));
}

void *__vmalloc(unsigned long size, gfp_t gfp)
{
	return vmalloc_area(size, PAGE_SIZE, gfp, VM_ALLOC, PAGE_KERNEL,
			    __builtin_return_address(0));
}

/* Queue @addr for the next process-context call; the area is checked now. */
static void defer_free(const void *addr, int line)
{
	unsigned long a = (unsigned long)addr;
	struct vmap_area *va;
	struct vm_struct *vm;

	pthread_mutex_lock(&vmap_lock);
	va = va_find(&busy_tree, a);
	vm = va && va->va_start == a ? va->vm : NULL;
	if (!vm || (vm->flags & (VM_UNINITIALIZED | VM_KMM_FREEING))) {
		pthread_mutex_unlock(&vmap_lock);
		warn_bad_free("nonexistent vm area", "vfree", addr, line);
		return;
	}
	vm->flags |= VM_KMM_FREEING;
	pthread_mutex_unlock(&vmap_lock);
	va->purge_next = __atomic_load_n(&deferred_head, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&deferred_head, &va->purge_next, va, true,
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
	schedule_work(&deferred_work);
}

/* Free the area at @addr now; @queued: it was deferred by defer_free(). Process context. */
static void free_now(const void *addr, bool queued, int line)
{
	struct vm_struct *vm = unlink_area(addr, "vfree", queued, line);

	if (!vm)
		return;
	put_area_pages(vm);
	free_vm(vm);
}

void vfree(const void *addr)
{
	if (!addr)
		return;
	if (in_interrupt() || __might_sleep(__FILE__, __LINE__)) {
		defer_free(addr, __LINE__);
		return;
	}
	free_now(addr, false, __LINE__);
	drain_deferred();
}

void *kmm_kvmalloc(size_t size, gfp_t gfp)
{
	gfp_t first = gfp;
	void *p;

	/* Beyond a page, physically contiguous memory is only a preference: try kmalloc once,
	 * quietly, and let vmalloc carry __GFP_NOFAIL and the failure report. */
	if (size > PAGE_SIZE) {
		first |= __GFP_NOWARN;
		if (!(gfp & __GFP_RETRY_MAYFAIL))
			first |= __GFP_NORETRY;
		first &= ~__GFP_NOFAIL;
	}
	p = kmalloc(size, first);
	if (p || size <= PAGE_SIZE || !gfpflags_allow_blocking(gfp))
		return p;
	if (size > 0x7fffffffUL)
		return NULL;
	return vmalloc_area(size, PAGE_SIZE, gfp, VM_ALLOC, PAGE_KERNEL,
			    __builtin_return_address(0));
}

void kmm_kvfree(const void *addr)
{
	if (is_vmalloc_addr(addr))
		vfree(addr);
	else
		kfree(addr);
}

void vfree_atomic(const void *addr)
{
	if (addr)
		defer_free(addr, __LINE__);
}

void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot)
{
	struct vmap_area *va;
	struct vm_struct *vm;
	unsigned long size = (unsigned long)count << PAGE_SHIFT;

	if (unlikely(!kmm_machine.booted))
		machine_not_booted("vmap");
	might_sleep();
	if (!count || count > totalram_pages())
		return NULL;
	drain_deferred();
	va = reserve_area(size, PAGE_SIZE, flags, __builtin_return_address(0), GFP_KERNEL, true);
	if (!va)
		return NULL;
	vm = va->vm;
	vm->pages = malloc((size_t)count * sizeof(*pages));
	if (!vm->pages) {
		abandon_area(va, 0);
		return NULL;
	}
	memcpy(vm->pages, pages, (size_t)count * sizeof(*pages));
	if (vmalloc_map_pages(va->va_start, vm->pages, count)) {
		abandon_area(va, 0);
		return NULL;
	}
	if (!(pgprot_val(prot) & KMM_PGPROT_WRITE))
		os_protect((void *)va->va_start, size, PROT_READ);
	if (flags & VM_MAP_PUT_PAGES)
		vm->nr_pages = count;
	publish_area(vm);
	return vm->addr;
}

void vunmap(const void *addr)
{
	struct vm_struct *vm;

	if (in_interrupt()) {
		report_start("vunmap_irq", "kernel BUG at %s:%d!", __FILE__, __LINE__);
		report_add("kmm: vunmap(%p) in interrupt context", addr);
		report_add_task();
		report_add_stack();
		report_finish();
		return;
	}
	might_sleep();
	if (!addr)
		return;
	vm = unlink_area(addr, "vunmap", false, __LINE__);
	if (vm)
		free_vm(vm);
	drain_deferred();
}

/* The busy area containing @addr, ready for use, or NULL. Called under vmap_lock. */
static struct vm_struct *live_area(unsigned long addr)
{
	struct vmap_area *va = va_find(&busy_tree, addr);

	if (!va || !va->vm || (va->vm->flags & VM_UNINITIALIZED))
		return NULL;
	return va->vm;
}

struct page *vmalloc_to_page(const void *vmalloc_addr)
{
	unsigned long a = (unsigned long)vmalloc_addr;
	struct page *page = NULL;
	struct vm_struct *vm;

	if (!is_vmalloc_or_module_addr(vmalloc_addr))
		return NULL;
	pthread_mutex_lock(&vmap_lock);
	vm = live_area(a);
	if (vm && a - (unsigned long)vm->addr < get_vm_area_size(vm)) {
		unsigned long idx = (a - (unsigned long)vm->addr) >> PAGE_SHIFT;

		if (vm->pages)
			page = vm->pages[idx];
		else if (vm->phys_addr && pfn_valid(PHYS_PFN(vm->phys_addr) + idx))
			page = pfn_to_page(PHYS_PFN(vm->phys_addr) + idx);
	}
	pthread_mutex_unlock(&vmap_lock);
	return page;
}

unsigned long vmalloc_to_pfn(const void *vmalloc_addr)
{
	struct page *page = vmalloc_to_page(vmalloc_addr);

	return page ? page_to_pfn(page) : 0;
}

bool is_vmalloc_addr(const void *x)
{
	unsigned long a = (unsigned long)x;

	return a >= VMALLOC_START && a < VMALLOC_END;
}

bool is_vmalloc_or_module_addr(const void *x)
{
	unsigned long a = (unsigned long)x;

	if (MODULES_VADDR && a >= MODULES_VADDR && a < MODULES_END)
		return true;
	return is_vmalloc_addr(x);
}

struct vm_struct *find_vm_area(const void *addr)
{
	struct vm_struct *vm;

	if (!is_vmalloc_addr(addr))
		return NULL;
	pthread_mutex_lock(&vmap_lock);
	vm = live_area((unsigned long)addr);
	pthread_mutex_unlock(&vmap_lock);
	return vm;
}

struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags, const void *caller)
{
	struct vmap_area *va;

	if (unlikely(!kmm_machine.booted))
		machine_not_booted("get_vm_area");
	might_sleep();
	size = PAGE_ALIGN(size);
	if (!size)
		return NULL;
	va = reserve_area(size, PAGE_SIZE, flags, caller, GFP_KERNEL, false);
	if (!va)
		return NULL;
	publish_area(va->vm);
	return va->vm;
}

struct vm_struct *get_vm_area(unsigned long size, unsigned long flags)
{
	return get_vm_area_caller(size, flags, __builtin_return_address(0));
}

struct vm_struct *remove_vm_area(const void *addr)
{
	might_sleep();
	return unlink_area(addr, "remove_vm_area", false, __LINE__);
}

void free_vm_area(struct vm_struct *area)
{
	struct vm_struct *vm;

	if (!area)
		return;
	vm = remove_vm_area(area->addr);
	if (vm)
		free_vm(vm);
}

void vm_unmap_aliases(void)
{
	flush_work(&deferred_work);
	drain_deferred();
	purge_lazy();
}

unsigned long vmalloc_nr_pages(void)
{
	return __atomic_load_n(&nr_vmalloc_pages, __ATOMIC_RELAXED);
}

void kmm_vmalloc_usage(struct kmm_vmalloc_usage *u)
{
	unsigned long total = VMALLOC_END - VMALLOC_START;

	memset(u, 0, sizeof(*u));
	if (!kmm_machine.booted)
		return;
	pthread_mutex_lock(&vmap_lock);
	u->areas = busy_tree.count;
	u->busy_bytes = busy_bytes;
	u->lazy_bytes = lazy_pages << PAGE_SHIFT;
	u->free_bytes = total - busy_bytes - ((lazy_pages + purging_pages) << PAGE_SHIFT);
	u->largest_free = free_tree.root ? free_tree.root->subtree_max_size : 0;
	pthread_mutex_unlock(&vmap_lock);
	u->vmalloc_pages = vmalloc_nr_pages();
}

/* ------------------------------------------------------------------ /proc/vmallocinfo */

static void show_area(struct vmap_area *va, void *arg)
{
	FILE *out = arg;
	struct vm_struct *vm = va->vm;
	int w = machine_addr_width();
	char sym[256];

	if (!vm || (vm->flags & VM_UNINITIALIZED))
		return;
	fprintf(out, "0x%0*lx-0x%0*lx %7ld", w, va->va_start, w, va->va_end,
		(long)(va->va_end - va->va_start));
	if (vm->caller)
		fprintf(out, " %s", fault_symbol(vm->caller, sym, sizeof(sym)));
	if (vm->nr_pages)
		fprintf(out, " pages=%u", vm->nr_pages);
	if (vm->phys_addr)
		fprintf(out, " phys=0x%0*llx", 2 * (int)kmm_machine.dma_addr_bytes,
			(unsigned long long)vm->phys_addr); /* %pa: as wide as phys_addr_t */
	if (vm->flags & VM_IOREMAP)
		fputs(" ioremap", out);
	if (vm->flags & VM_ALLOC)
		fputs(" vmalloc", out);
	if (vm->flags & VM_MAP)
		fputs(" vmap", out);
	if (vm->flags & VM_USERMAP)
		fputs(" user", out);
	if (vm->flags & VM_DMA_COHERENT)
		fputs(" dma-coherent", out);
	if (vm->nr_pages && machine_has_numa())
		fprintf(out, " N0=%u", vm->nr_pages);
	fputc('\n', out);
}

void kmm_proc_vmallocinfo(FILE *out)
{
	int w = machine_addr_width();

	if (!kmm_machine.booted)
		return;
	pthread_mutex_lock(&vmap_lock);
	va_walk(&busy_tree, show_area, out);
	for (unsigned int b = 0; b < LAZY_BUCKETS; b++)
		for (struct vmap_area *va = lazy[b]; va; va = va->purge_next)
			fprintf(out, "0x%0*lx-0x%0*lx %7ld unpurged vm_area\n", w, va->va_start, w,
				va->va_end, (long)(va->va_end - va->va_start));
	pthread_mutex_unlock(&vmap_lock);
}

/* ------------------------------------------------------------------ faults */

/* Say what the faulting address is to the vmalloc area. Signal context: never waits. */
static void describe(unsigned long addr, char *buf, size_t len)
{
	struct vmap_area *va;
	char sym[200];

	if (pthread_mutex_trylock(&vmap_lock)) {
		snprintf(buf, len, "%#lx is in the vmalloc area", addr);
		return;
	}
	va = va_find(&busy_tree, addr);
	if (va && va->vm) {
		struct vm_struct *vm = va->vm;
		unsigned long usable = get_vm_area_size(vm);

		snprintf(buf, len, "%#lx is %s of the %lu-byte area %#lx-%#lx from %s", addr,
			 addr - va->va_start >= usable ? "in the guard page" : "inside", usable,
			 va->va_start, va->va_start + usable,
			 fault_symbol(vm->caller, sym, sizeof(sym)));
	} else {
		const struct freed_range *f = NULL;

		for (unsigned int i = 0; i < FREED_HISTORY && i < freed_next; i++) {
			const struct freed_range *r = &freed[(freed_next - 1 - i) % FREED_HISTORY];

			if (addr >= r->start && addr < r->end) {
				f = r;
				break;
			}
		}
		if (f)
			snprintf(buf, len,
				 "%#lx is in the area %#lx-%#lx from %s, freed by vfree()", addr,
				 f->start, f->end, fault_symbol(f->caller, sym, sizeof(sym)));
		else
			snprintf(buf, len, "%#lx is in no vmalloc area", addr);
	}
	pthread_mutex_unlock(&vmap_lock);
}

static enum fault_action vmalloc_fault(const struct os_fault *fault, void *arg)
{
	char what[512];

	describe(fault->addr, what, sizeof(what));
	fault_oops(fault, what);
}

/* ------------------------------------------------------------------ boot */

static unsigned int fls_uint(unsigned int x)
{
	return x ? 32 - (unsigned int)__builtin_clz(x) : 0;
}

static int vmalloc_init(void)
{
	struct vmap_area *all = calloc(1, sizeof(*all));
	unsigned long area_pages = (VMALLOC_END - VMALLOC_START) >> PAGE_SHIFT;

	if (!all)
		return -ENOMEM; /* the boot fails with it, as the kernel's would */
	all->va_start = VMALLOC_START;
	all->va_end = VMALLOC_END;
	memset(&free_tree, 0, sizeof(free_tree));
	memset(&busy_tree, 0, sizeof(busy_tree));
	va_insert(&free_tree, all);
	memset(lazy, 0, sizeof(lazy));
	lazy_pages = purging_pages = busy_bytes = stuck_pages = 0;
	/* The kernel's lazy_max_pages(), bounded by a quarter of a small 32-bit area. */
	lazy_max = fls_uint(kmm_layout.nr_cpus) * LAZY_UNIT_PAGES;
	if (lazy_max > area_pages / 4)
		lazy_max = area_pages / 4;
	__atomic_store_n(&nr_vmalloc_pages, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&deferred_head, NULL, __ATOMIC_RELAXED);
	INIT_WORK(&deferred_work, deferred_work_fn);
	__atomic_store_n(&zero_warned, false, __ATOMIC_RELAXED);
	freed_next = 0;
	fault_handle = fault_register(VMALLOC_START, VMALLOC_END, vmalloc_fault, NULL);
	return 0;
}

static void drop_busy(struct vmap_area *va, void *arg)
{
	if (va->vm)
		free_vm(va->vm);
	va->vm = NULL;
}

static void vmalloc_exit(void)
{
	fault_unregister(fault_handle);
	fault_handle = -1;
	pthread_mutex_lock(&vmap_lock);
	va_walk(&busy_tree, drop_busy, NULL);
	va_destroy(&busy_tree);
	va_destroy(&free_tree);
	for (struct vmap_area *va = lazy_take_all(), *next; va; va = next) {
		next = va->purge_next;
		free(va);
	}
	__atomic_store_n(&deferred_head, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&vmap_lock);
}

static void sum_sizes(struct vmap_area *va, void *arg)
{
	*(unsigned long *)arg += va->va_end - va->va_start;
}

static void check_not_free(struct vmap_area *va, void *arg)
{
	if (va_find(&free_tree, va->va_start) || va_find(&free_tree, va->va_end - 1))
		*(bool *)arg = false;
}

bool vmalloc_state_valid(void)
{
	unsigned long free_sum = 0, busy_sum = 0, lazy_sum = 0;
	bool ok;

	pthread_mutex_lock(&vmap_lock);
	ok = va_tree_valid(&free_tree) && va_tree_valid(&busy_tree);
	va_walk(&free_tree, sum_sizes, &free_sum);
	va_walk(&busy_tree, sum_sizes, &busy_sum);
	va_walk(&busy_tree, check_not_free, &ok);
	for (unsigned int b = 0; b < LAZY_BUCKETS; b++)
		for (struct vmap_area *va = lazy[b]; va; va = va->purge_next)
			lazy_sum += va->va_end - va->va_start;
	ok = ok && busy_sum == busy_bytes && lazy_sum == lazy_pages << PAGE_SHIFT &&
	     free_sum + busy_sum + lazy_sum + (purging_pages << PAGE_SHIFT) ==
		     VMALLOC_END - VMALLOC_START;
	pthread_mutex_unlock(&vmap_lock);
	return ok;
}

kmm_initcall(subsys, vmalloc, vmalloc_init, vmalloc_exit);
