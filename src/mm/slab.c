/*
 * slab.c - object caches: kmem_cache_create/destroy, slab geometry, making and discarding
 * slabs, the node lists, shrinking, and /proc/slabinfo. The per-thread side (the lock-free
 * allocation and free paths, remote frees, refills) is slab_cpu.c; slab_debug is
 * slab_debug.c.
 *
 * Each cache is a "node" (partial and full lists of slabs under s->lock) plus one struct
 * slab_cpu per thread that uses it (mm/slab.h has the picture). Slabs come from the
 * buddy allocator with no lock held, at the order the kernel picks for the object size, and
 * are given back when empty beyond min_partial, by kmem_cache_shrink() and by the "slab"
 * shrinker. Invariant for a node slab (s->lock held): inuse + length(freelist) == objects;
 * and node_free is the sum of objects - inuse over node slabs.
 *
 * Lock order: slab_mutex (the cache list and id table) -> s->lock. Nothing here allocates
 * pages while holding either, so the page allocator may call the slab shrinker (which only
 * trylocks slab_mutex).
 * Contexts: create, destroy, shrink and the views from process context.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include <kmm/fault_inject.h>
#include <kmm/page_alloc.h>
#include <kmm/shrinker.h>
#include "machine/assert.h"
#include "machine/machine.h"
#include "machine/options.h"
#include "kernel/rcu/rcu.h"
#include "machine/report.h"
#include "mm/slab.h"
#include "machine/thread.h"
#include "machine/initcall.h"

#define relaxed_load(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define relaxed_store(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* The kernel's bounds: slabs of at most PAGE_ALLOC_COSTLY_ORDER, min_partial 5..10. */
#define SLUB_MAX_ORDER PAGE_ALLOC_COSTLY_ORDER
#define MAX_OBJS_PER_PAGE 32767
#define MIN_PARTIAL 5
#define MAX_PARTIAL 10
#define CACHE_LINE 64

pthread_mutex_t slab_mutex = PTHREAD_MUTEX_INITIALIZER;
struct list_head slab_caches = { &slab_caches, &slab_caches };

static struct kmem_cache **cache_by_id; /* slab_mutex */
static unsigned int nr_ids; /* slab_mutex */
static unsigned long next_gen = 1; /* slab_mutex */
static unsigned long pages_reclaimable, pages_unreclaimable; /* atomic */
static struct shrinker slab_shrinker;
unsigned long slab_lin_start, slab_lin_size;
struct page *slab_mem_map;

/* ---------------------------------------------------------------- slab pages */

static unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((PAGE_SIZE << order) / size);
}

/* Smallest order from which @min_objects fit and the waste is at most 1/@fraction. */
static unsigned int fit_order(unsigned int size, unsigned int min_objects, unsigned int max_order,
			      unsigned int fraction)
{
	unsigned int order = get_order((unsigned long)min_objects * size);

	for (; order <= max_order; order++) {
		unsigned long bytes = PAGE_SIZE << order;

		if (bytes % size <= bytes / fraction)
			break;
	}
	return order;
}

/*
 * The kernel's choice: enough objects for the CPU count (4 * (fls(cpus) + 1)) with little
 * waste, at most order 3; fewer objects before more waste.
 */
static unsigned int slab_order(unsigned int size)
{
	unsigned int cpus = kmm_layout.nr_cpus ? kmm_layout.nr_cpus : 1;
	unsigned int min_objects = 4 * ((unsigned int)(32 - __builtin_clz(cpus)) + 1);
	unsigned int max_objects = order_objects(SLUB_MAX_ORDER, size);
	unsigned int order;

	if (min_objects > max_objects)
		min_objects = max_objects;
	for (; min_objects > 1; min_objects--) {
		for (unsigned int fraction = 16; fraction >= 4; fraction /= 2) {
			order = fit_order(size, min_objects, SLUB_MAX_ORDER, fraction);
			if (order <= SLUB_MAX_ORDER)
				return order;
		}
	}
	order = fit_order(size, 1, SLUB_MAX_ORDER, 1);
	return order <= SLUB_MAX_ORDER ? order : fit_order(size, 1, MAX_PAGE_ORDER, 1);
}

static unsigned int xorshift(unsigned int *state)
{
	unsigned int x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static __thread unsigned int slab_rng;

static void count_slab_pages(struct kmem_cache *s, long pages)
{
	unsigned long *counter =
		(s->flags & SLAB_RECLAIM_ACCOUNT) ? &pages_reclaimable : &pages_unreclaimable;

	__atomic_add_fetch(counter, (unsigned long)pages, __ATOMIC_RELAXED);
}

/* A fresh slab: every object free and constructed, on no list, counted in nr_slabs. */
struct page *slab_new(struct kmem_cache *s, gfp_t gfp)
{
	gfp_t pg = (gfp & ~(GFP_ZONEMASK | __GFP_ZERO | __GFP_COMP)) | s->alloc_gfp;
	struct page *page;
	void *prev = NULL;
	unsigned int start = 0;

	if (s->order)
		pg |= __GFP_COMP;
	page = alloc_pages(pg, s->order);
	if (!page)
		return NULL;
	page->slab_cache = s;
	page->objects = s->objects;
	page->inuse = 0;
	page->private = 0;
	SetPageSlab(page);
	if (s->debug)
		slab_debug_init_slab(s, page);
	if (s->ctor)
		for (unsigned int i = 0; i < s->objects; i++)
			s->ctor(slab_object(s, page, i));
	if (s->random_seq) {
		if (!slab_rng)
			slab_rng = (unsigned int)(unsigned long)&slab_rng | 1;
		start = xorshift(&slab_rng) % s->objects;
	}
	/* Link the objects in reverse so the list runs in slot (or sequence) order. */
	for (unsigned int n = s->objects; n-- > 0;) {
		unsigned int i = s->random_seq ? s->random_seq[(start + n) % s->objects] : n;
		void *obj = slab_object(s, page, i);

		set_freepointer(s, obj, prev);
		prev = obj;
	}
	page->freelist = prev;
	__atomic_add_fetch(&s->nr_slabs, 1, __ATOMIC_RELAXED);
	count_slab_pages(s, 1L << s->order);
	return page;
}
/* A SLAB_TYPESAFE_BY_RCU slab's pages go back once the grace period has passed. */
static void free_slab_pages_rcu(struct rcu_head *head)
{
	struct page *page = container_of((struct list_head *)head, struct page, lru);
	unsigned int order = (unsigned int)page->private;

	page->private = 0;
	__free_pages(page, order);
}

/*
 * Give a slab's pages (2^@order from @page) back after a grace period; at once when no grace
 * period can run any more (shutdown). Uses page->lru and page->private meanwhile.
 */
static void free_pages_after_gp(struct page *page, unsigned int order)
{
	struct rcu_head *head = (struct rcu_head *)&page->lru;

	_Static_assert(sizeof(page->lru) >= sizeof(struct rcu_head), "rcu_head fits in lru");
	page->private = order;
	if (!rcu_call_if_running(head, free_slab_pages_rcu))
		free_slab_pages_rcu(head);
}

void slab_discard(struct kmem_cache *s, struct page *page)
{
	__atomic_sub_fetch(&s->nr_slabs, 1, __ATOMIC_RELAXED);
	count_slab_pages(s, -(1L << s->order));
	ClearPageSlab(page);
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->inuse = 0;
	page->objects = 0;
	page->private = 0;
	/* Objects of a SLAB_TYPESAFE_BY_RCU cache stay memory of this type until readers go. */
	if (s->flags & SLAB_TYPESAFE_BY_RCU)
		free_pages_after_gp(page, s->order);
	else
		__free_pages(page, s->order);
}

void slab_discard_list(struct kmem_cache *s, struct list_head *pages)
{
	while (!list_empty(pages)) {
		struct page *page = list_first_entry(pages, struct page, lru);

		list_del(&page->lru);
		slab_discard(s, page);
	}
}

/* ---------------------------------------------------------------- the node */

/* Put a node slab on the list its fill level asks for, or return it to be discarded. */
struct page *slab_place_locked(struct kmem_cache *s, struct page *page)
{
	if (page->inuse == 0 && s->nr_partial >= s->min_partial) {
		s->node_free -= page->objects;
		return page;
	}
	if (page->inuse == page->objects) {
		list_add(&page->lru, &s->full);
	} else {
		list_add(&page->lru, &s->partial);
		s->nr_partial++;
	}
	return NULL;
}

void slab_unlist_locked(struct kmem_cache *s, struct page *page)
{
	if (page->inuse != page->objects)
		s->nr_partial--;
	list_del(&page->lru);
}

struct page *slab_node_free(struct kmem_cache *s, struct page *page, void *obj)
{
	bool was_full = page->inuse == page->objects;

	set_freepointer(s, obj, page->freelist);
	page->freelist = obj;
	page->inuse--;
	s->node_free++;
	if (was_full) {
		list_del(&page->lru);
		list_add(&page->lru, &s->partial);
		s->nr_partial++;
	}
	if (page->inuse == 0 && s->nr_partial > s->min_partial) {
		slab_unlist_locked(s, page);
		s->node_free -= page->objects;
		return page;
	}
	return NULL;
}

static void add_fresh_locked(struct kmem_cache *s, struct page *page)
{
	list_add(&page->lru, &s->partial);
	s->nr_partial++;
	s->node_free += page->objects - page->inuse;
}

void *slab_node_alloc(struct kmem_cache *s, gfp_t gfp, struct page **pagep)
{
	struct page *page;
	void *obj;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		if (!list_empty(&s->partial))
			break;
		pthread_mutex_unlock(&s->lock);
		page = slab_new(s, gfp);
		if (!page)
			return NULL;
		pthread_mutex_lock(&s->lock);
		add_fresh_locked(s, page);
		pthread_mutex_unlock(&s->lock);
	}
	page = list_first_entry(&s->partial, struct page, lru);
	obj = page->freelist;
	page->freelist = get_freepointer(s, obj);
	page->inuse++;
	s->node_free--;
	if (unlikely(!slab_valid_pointer(s, page, page->freelist))) {
		/* A clobbered link: keep the objects behind it out of circulation. */
		slab_debug_freechain_corrupt(s, page, obj);
		s->node_free -= page->objects - page->inuse;
		page->inuse = page->objects;
		page->freelist = NULL;
	}
	if (page->inuse == page->objects) {
		list_del(&page->lru);
		s->nr_partial--;
		list_add(&page->lru, &s->full);
	}
	*pagep = page;
	return obj; /* s->lock still held: the debug path finishes under it */
}

/* ---------------------------------------------------------------- creation */

static unsigned int align_up(unsigned int x, unsigned int a)
{
	return (x + a - 1) & ~(a - 1);
}

static unsigned int cache_align(slab_flags_t flags, unsigned int align, unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = CACHE_LINE;

		while (size <= ralign / 2)
			ralign /= 2;
		if (ralign > align)
			align = ralign;
	}
	return align < ARCH_KMALLOC_MINALIGN ? ARCH_KMALLOC_MINALIGN : align;
}

/* The constants of slab_slot_start(): an odd number's inverse mod 2^64 by Newton's method
 * (each step doubles the correct low bits; an odd x is its own inverse to 3 bits). */
static void set_slot_arithmetic(struct kmem_cache *s)
{
	unsigned long odd = s->size, inv;

	s->slot_shift = (unsigned int)__builtin_ctzl(odd);
	odd >>= s->slot_shift;
	inv = odd;
	for (int i = 0; i < 5; i++)
		inv *= 2 - odd * inv;
	s->slot_inv = inv;
	s->slab_hi = ~((PAGE_SIZE << s->order) - 1);
	s->slot_mask = (s->size & (s->size - 1)) || s->red_left_pad ? ~0UL : s->size - 1UL;
}

/* Lay out one slot: [left red zone][object][right red zone][free ptr][tracks][orig size]. */
static void calculate_sizes(struct kmem_cache *s)
{
	unsigned int word = sizeof(void *);
	unsigned int end;

	s->inuse = align_up(s->object_size, word);
	if ((s->debug & SLAB_RED_ZONE) && s->inuse == s->object_size)
		s->inuse += word;
	end = s->inuse;
	if ((s->debug & SLAB_POISON) || s->ctor || (s->flags & SLAB_TYPESAFE_BY_RCU) ||
	    s->object_size < word) {
		s->offset = end;
		end += word;
	} else {
		s->offset = (s->object_size / 2) & ~(word - 1);
	}
	if (s->debug & SLAB_STORE_USER) {
		s->track_offset = end;
		end += 2 * sizeof(struct slab_track);
		if (s->flags & SLAB_KMALLOC) {
			s->orig_size_offset = end;
			end += word;
		}
	}
	s->red_left_pad = (s->debug & SLAB_RED_ZONE) ? align_up(word, s->align) : 0;
	s->size = align_up(end + s->red_left_pad, s->align);
	s->order = slab_order(s->size);
	s->objects = order_objects(s->order, s->size);
	if (s->objects > MAX_OBJS_PER_PAGE)
		s->objects = MAX_OBJS_PER_PAGE;
	set_slot_arithmetic(s);
}

static int make_random_seq(struct kmem_cache *s)
{
	unsigned int state = (unsigned int)(s->gen * 2654435761u) | 1;

	s->random_seq = malloc(s->objects * sizeof(*s->random_seq));
	if (!s->random_seq)
		return -ENOMEM;
	for (unsigned int i = 0; i < s->objects; i++)
		s->random_seq[i] = i;
	for (unsigned int i = s->objects - 1; i > 0; i--) {
		unsigned int j = xorshift(&state) % (i + 1), tmp = s->random_seq[i];

		s->random_seq[i] = s->random_seq[j];
		s->random_seq[j] = tmp;
	}
	return 0;
}

static int assign_id(struct kmem_cache *s)
{
	unsigned int id;

	for (id = 0; id < nr_ids && cache_by_id[id]; id++)
		;
	if (id == nr_ids) {
		unsigned int n = nr_ids ? 2 * nr_ids : 64;
		struct kmem_cache **t = realloc(cache_by_id, n * sizeof(*t));

		if (!t)
			return -ENOMEM;
		memset(t + nr_ids, 0, (n - nr_ids) * sizeof(*t));
		cache_by_id = t;
		nr_ids = n;
	}
	s->id = id;
	cache_by_id[id] = s;
	return 0;
}

static void create_failed(const char *name, slab_flags_t flags, int err, const char *why)
{
	report_start("slab_create", "kmem_cache_create(%s) failed with error %d", name ? name : "",
		     err);
	report_add("%s", why);
	report_add_task();
	report_add_stack();
	report_finish();
	if (flags & SLAB_PANIC) {
		fprintf(stderr,
			"Kernel panic - not syncing: kmem_cache_create: Failed to create "
			"slab '%s'. Error %d\n",
			name ? name : "", err);
		abort();
	}
}

/* The kernel's WARN_ON in kmem_cache_create_usercopy: the region is dropped. */
static void bad_usercopy_region(const char *name, unsigned int size, unsigned int useroffset,
				unsigned int usersize)
{
	report_start("slab_usercopy_region", "------------[ cut here ]------------");
	report_add("WARNING: CPU: %u PID: %d at mm/slab_common.c kmem_cache_create_usercopy",
		   smp_processor_id(), kmm_current_pid());
	report_add("kmm: cache %s: usercopy region (offset %u, size %u) does not fit its %u-byte "
		   "objects; no user copy may touch them",
		   name, useroffset, usersize, size);
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	return kmem_cache_create_usercopy(name, size, align, flags, 0, 0, ctor);
}

struct kmem_cache *kmem_cache_create_usercopy(const char *name, unsigned int size,
					      unsigned int align, slab_flags_t flags,
					      unsigned int useroffset, unsigned int usersize,
					      void (*ctor)(void *))
{
	struct kmem_cache *s;

	if (!name || !*name || size == 0 || size > KMALLOC_MAX_SIZE / 2 || (align & (align - 1))) {
		create_failed(name, flags, -EINVAL, "bad name, size or alignment");
		return NULL;
	}
	kmm_assert(kmm_machine.booted);
	s = calloc(1, sizeof(*s));
	if (!s) {
		create_failed(name, flags, -ENOMEM, "out of memory");
		return NULL;
	}
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->object_size = size;
	if ((!usersize && useroffset) || size < usersize || size - usersize < useroffset) {
		bad_usercopy_region(name, size, useroffset, usersize);
		useroffset = usersize = 0;
	}
	s->useroffset = useroffset;
	s->usersize = usersize;
	s->ctor = ctor;
	s->flags = slab_debug_flags_for(s->name, flags);
	s->debug = s->flags & SLAB_DEBUG_FLAGS;
	s->align = cache_align(s->flags, align, size);
	s->alloc_gfp = (s->flags & SLAB_CACHE_DMA)   ? GFP_DMA :
		       (s->flags & SLAB_CACHE_DMA32) ? GFP_DMA32 :
						       0;
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->alloc_gfp |= __GFP_RECLAIMABLE;
	calculate_sizes(s);
	s->stash_max = STASH_BYTES / s->size;
	s->stash_max = s->stash_max < SLAB_STASH     ? SLAB_STASH :
		       s->stash_max > STASH_MAX_OBJS ? STASH_MAX_OBJS :
						       s->stash_max;
	{
		unsigned int l = 31 - (unsigned int)__builtin_clz(s->size);

		s->min_partial = l / 2 < MIN_PARTIAL ? MIN_PARTIAL :
				 l / 2 > MAX_PARTIAL ? MAX_PARTIAL :
						       l / 2;
	}
	pthread_mutex_init(&s->lock, NULL);
	INIT_LIST_HEAD(&s->partial);
	INIT_LIST_HEAD(&s->full);
	INIT_LIST_HEAD(&s->cpus);

	pthread_mutex_lock(&slab_mutex);
	s->gen = next_gen++;
	if (kmm_opts.slab_hardened) {
		s->fp_key = slab_random_key() ^ (s->gen * 0x9e3779b97f4a7c15ull);
		s->fp_mask = ~0UL;
	}
	if ((kmm_opts.slab_random && s->objects > 1 && make_random_seq(s)) || assign_id(s)) {
		pthread_mutex_unlock(&slab_mutex);
		free(s->random_seq);
		free(s);
		create_failed(name, flags, -ENOMEM, "out of memory");
		return NULL;
	}
	list_add(&s->list, &slab_caches);
	pthread_mutex_unlock(&slab_mutex);
	return s;
}

/* ---------------------------------------------------------------- destruction, shrinking */

static void free_cache(struct kmem_cache *s)
{
	struct slab_cpu *c, *n;

	list_del(&s->list);
	cache_by_id[s->id] = NULL;
	list_for_each_entry_safe (c, n, &s->cpus, list)
		slab_cpu_free(c);
	pthread_mutex_destroy(&s->lock);
	free(s->random_seq);
	free(s);
}

/* Flush every slab_cpu (their threads must not be using @s) and collect empty slabs. */
static void flush_all_locked(struct kmem_cache *s, struct list_head *junk)
{
	struct slab_cpu *c;
	struct page *page, *n;

	list_for_each_entry (c, &s->cpus, list)
		slab_cpu_flush_locked(s, c, junk);
	list_for_each_entry_safe (page, n, &s->partial, lru) {
		if (page->inuse == 0) {
			slab_unlist_locked(s, page);
			s->node_free -= page->objects;
			list_add(&page->lru, junk);
		}
	}
}

static unsigned long count_live_locked(struct kmem_cache *s)
{
	struct page *page;
	unsigned long live = 0;

	list_for_each_entry (page, &s->partial, lru)
		live += page->inuse;
	list_for_each_entry (page, &s->full, lru)
		live += page->inuse;
	return live;
}

static void report_leak(struct kmem_cache *s, unsigned long live, void *caller)
{
	struct page *page;
	char where[128];

	list_for_each_entry (page, &s->partial, lru)
		slab_debug_list_objects(s, page);
	list_for_each_entry (page, &s->full, lru)
		slab_debug_list_objects(s, page);
	report_start("slab_destroy_busy", "------------[ cut here ]------------");
	slab_format_caller(where, sizeof(where), caller);
	report_add("kmem_cache_destroy %s: Slab cache still has objects when called from %s",
		   s->name, where);
	report_add("WARNING: CPU: %u PID: %d at mm/slab_common.c kmem_cache_destroy",
		   smp_processor_id(), kmm_current_pid());
	report_add("(%lu objects still allocated; the cache stays usable)", live);
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	struct list_head junk = { &junk, &junk };
	unsigned long live;

	if (!s)
		return;
	pthread_mutex_lock(&slab_mutex);
	pthread_mutex_lock(&s->lock);
	flush_all_locked(s, &junk);
	live = count_live_locked(s);
	if (live)
		report_leak(s, live, __builtin_return_address(0));
	pthread_mutex_unlock(&s->lock);
	slab_discard_list(s, &junk);
	if (!live)
		free_cache(s);
	pthread_mutex_unlock(&slab_mutex);
}

/* Release @s's empty slabs: the caller's own held slab and those of exited threads too. */
static unsigned long shrink_cache(struct kmem_cache *s)
{
	struct list_head junk = { &junk, &junk };
	struct page *page, *n;
	unsigned long freed = 0;

	__atomic_add_fetch(&s->flush_req, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&s->lock);
	slab_flush_reachable_locked(s, &junk);
	list_for_each_entry_safe (page, n, &s->partial, lru) {
		if (page->inuse == 0) {
			slab_unlist_locked(s, page);
			s->node_free -= page->objects;
			list_add(&page->lru, &junk);
		}
	}
	pthread_mutex_unlock(&s->lock);
	list_for_each_entry (page, &junk, lru)
		freed += page->objects;
	slab_discard_list(s, &junk);
	return freed;
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	shrink_cache(s);
	return 0;
}

unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

static unsigned long slab_count(struct shrinker *sh, struct shrink_control *sc)
{
	struct kmem_cache *s;
	unsigned long n = 0;

	if (pthread_mutex_trylock(&slab_mutex))
		return 0;
	/* Held slabs count too: a scan flushes the caller's own and those of exited threads. */
	list_for_each_entry (s, &slab_caches, list)
		n += relaxed_load(s->nr_slabs);
	pthread_mutex_unlock(&slab_mutex);
	return n ? n : SHRINK_EMPTY;
}

static unsigned long slab_scan(struct shrinker *sh, struct shrink_control *sc)
{
	struct kmem_cache *s;
	unsigned long freed = 0;

	if (pthread_mutex_trylock(&slab_mutex))
		return SHRINK_STOP;
	list_for_each_entry (s, &slab_caches, list)
		freed += shrink_cache(s);
	pthread_mutex_unlock(&slab_mutex);
	sc->nr_scanned = sc->nr_to_scan;
	return freed;
}

/* ---------------------------------------------------------------- threads */

static void slab_thread_exit(struct kmm_thread *t)
{
	pthread_mutex_lock(&slab_mutex);
	for (unsigned int id = 0; id < t->nr_slab_cpus && id < nr_ids; id++) {
		struct slab_cpu_ref *ref = &t->slab_cpus[id];
		struct kmem_cache *s = cache_by_id[id];
		struct list_head junk = { &junk, &junk };

		if (!ref->cpu || !s || s->gen != ref->gen)
			continue;
		pthread_mutex_lock(&s->lock);
		slab_cpu_flush_locked(s, ref->cpu, &junk);
		ref->cpu->abandoned = true;
		__atomic_store_n(&ref->cpu->owner, SLAB_CPU_NO_OWNER, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&s->lock);
		slab_discard_list(s, &junk);
	}
	pthread_mutex_unlock(&slab_mutex);
	free(t->slab_cpus);
	t->slab_cpus = NULL;
	t->nr_slab_cpus = 0;
}

/* ---------------------------------------------------------------- views */

/*
 * active_objs: every object not free on a node slab, less those waiting in the threads'
 * stashes. A slab a thread allocates from counts as all active, as the kernel counts its
 * per-CPU slabs. The stash counts are read while their owners run: a snapshot.
 */
static void fill_info(struct kmem_cache *s, struct kmm_slab_info *info)
{
	unsigned long slabs, stashed = 0;
	struct slab_cpu *c;

	pthread_mutex_lock(&s->lock);
	slabs = relaxed_load(s->nr_slabs);
	list_for_each_entry (c, &s->cpus, list)
		stashed += relaxed_load(c->nr_stash);
	snprintf(info->name, sizeof(info->name), "%s", s->name);
	info->num_objs = slabs * s->objects;
	info->active_objs = info->num_objs - s->node_free;
	info->active_objs -= stashed < info->active_objs ? stashed : info->active_objs;
	info->objsize = s->size;
	info->objperslab = s->objects;
	info->pagesperslab = 1u << s->order;
	info->active_slabs = slabs;
	info->num_slabs = slabs;
	pthread_mutex_unlock(&s->lock);
}

int kmm_slab_info(struct kmm_slab_info *info, int max)
{
	struct kmem_cache *s;
	int n = 0;

	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry (s, &slab_caches, list) {
		if (n < max)
			fill_info(s, &info[n]);
		n++;
	}
	pthread_mutex_unlock(&slab_mutex);
	return n;
}

void kmm_proc_slabinfo(FILE *out)
{
	struct kmem_cache *s;
	struct kmm_slab_info i;

	fprintf(out, "slabinfo - version: 2.1\n");
	fprintf(out, "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		     "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata "
		     "<active_slabs> <num_slabs> <sharedavail>\n");
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry (s, &slab_caches, list) {
		fill_info(s, &i);
		fprintf(out,
			"%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n",
			i.name, i.active_objs, i.num_objs, i.objsize, i.objperslab,
			(int)i.pagesperslab, 0u, 0u, 0u, i.active_slabs, i.num_slabs, 0UL);
	}
	pthread_mutex_unlock(&slab_mutex);
}

unsigned long slab_reclaimable_pages(void)
{
	return relaxed_load(pages_reclaimable);
}

unsigned long slab_unreclaimable_pages(void)
{
	return relaxed_load(pages_unreclaimable);
}

/* ---------------------------------------------------------------- boot and shutdown */

static int slab_init(void)
{
	int err;

	slab_lin_start = PAGE_OFFSET;
	slab_lin_size = kmm_layout.high_mem - PAGE_OFFSET;
	slab_mem_map = mem_map;
	err = slab_debug_init();
	if (err)
		return err;
	slab_shrinker = (struct shrinker){ .count_objects = slab_count,
					   .scan_objects = slab_scan,
					   .seeks = DEFAULT_SEEKS };
	register_shrinker(&slab_shrinker, "slab");
	kmalloc_init();
	return 0;
}

/* Forget every cache: their pages go with the machine's RAM. */
static void slab_exit(void)
{
	unregister_shrinker(&slab_shrinker);
	kmalloc_exit();
	pthread_mutex_lock(&slab_mutex);
	while (!list_empty(&slab_caches))
		free_cache(list_first_entry(&slab_caches, struct kmem_cache, list));
	free(cache_by_id);
	cache_by_id = NULL;
	nr_ids = 0;
	relaxed_store(pages_reclaimable, 0);
	relaxed_store(pages_unreclaimable, 0);
	pthread_mutex_unlock(&slab_mutex);
}

kmm_initcall(subsys, slab, slab_init, slab_exit);
kmm_thread_hook(subsys, slab_cpu, NULL, slab_thread_exit);
