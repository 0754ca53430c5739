/*
 * slab_cpu.c - the per-thread side of the slab allocator: each thread's struct slab_cpu per
 * cache, the allocation and free paths that run without a lock, the lock-free stack through
 * which other threads return objects, the stash that keeps objects freed into node slabs for
 * the thread's next allocations (growing while a thread's batches outgrow it, given back in
 * halves under one lock when it can grow no more), and the refills that trade an exhausted
 * slab for a partial or a new one.
 *
 * A slab_cpu's freelist, slab and stash belong to its thread alone (mm/slab.h has the
 * picture); remote is pushed by anyone with compare-and-swap and taken whole by an exchange.
 * page->private names the slab_cpu holding a slab: set by that thread under s->lock (or on a
 * slab no one else can see yet) and cleared under s->lock, so a thread that reads its own
 * slab_cpu there knows the slab is its own.
 *
 * Lock: s->lock for everything that touches node slabs; never held while allocating pages.
 * Contexts: alloc and free from any context their gfp allows.
 */
#include <stdlib.h>
#include <string.h>

#include <kmm/context.h>
#include <kmm/fault_inject.h>
#include <kmm/page_alloc.h>
#include "machine/assert.h"
#include "machine/report.h"
#include "mm/slab.h"
#include "machine/thread.h"

#define relaxed_load(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

/* ---------------------------------------------------------------- holding slabs */

static void report_double_free(struct kmem_cache *s, void *obj)
{
	report_start("slab_double_free", "BUG %s (Not tainted): Object already free", s->name);
	report_add("Object %p is already on the free list it is being freed onto", obj);
	report_add_task();
	report_add_stack();
	report_finish();
}

static void remote_push(struct kmem_cache *s, struct slab_cpu *c, void *obj)
{
	void *head = __atomic_load_n(&c->remote, __ATOMIC_RELAXED);

	do
		set_freepointer(s, obj, head);
	while (!__atomic_compare_exchange_n(&c->remote, &head, obj, true, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED));
}

/* Give @c's slab back to the node with the objects on its list; s->lock held. */
static struct page *deactivate_locked(struct kmem_cache *s, struct slab_cpu *c)
{
	struct page *page = c->slab;
	unsigned int n = 0;
	void *last = NULL;

	if (!page)
		return NULL;
	for (void *o = c->freelist; o; o = get_freepointer(s, o)) {
		if (!slab_valid_pointer(s, page, o) || n == page->objects) {
			/* A clobbered link or a cycle (a double free): the rest stays out. */
			slab_report_bad_link(s, page, o);
			if (last)
				set_freepointer(s, last, NULL);
			else
				c->freelist = NULL;
			break;
		}
		last = o;
		n++;
	}
	if (last) {
		set_freepointer(s, last, page->freelist);
		page->freelist = c->freelist;
	}
	page->inuse -= n;
	s->node_free += n;
	c->freelist = NULL;
	slab_cpu_set_slab(c, NULL);
	slab_set_holder(page, NULL);
	return slab_place_locked(s, page);
}

/*
 * Return a free object counted in use by its slab: to @c's list if @c holds the slab, to the
 * holder's remote stack if another does, else to the node. s->lock held; slabs left empty
 * go on @junk.
 */
static void give_back_locked(struct kmem_cache *s, struct slab_cpu *c, void *obj,
			     struct list_head *junk)
{
	struct page *page = slab_head_page(obj);
	struct slab_cpu *h = slab_holder(page);

	if (page == c->slab) {
		set_freepointer(s, obj, c->freelist);
		c->freelist = obj;
		c->recent = NULL;
	} else if (h) {
		remote_push(s, h, obj);
	} else if (unlikely(obj == page->freelist || obj == c->freelist)) {
		report_double_free(s, obj); /* freed twice into a stash: keep one */
	} else {
		struct page *empty = slab_node_free(s, page, obj);

		if (empty)
			list_add(&empty->lru, junk);
	}
}

/* Move objects other threads freed to @c; s->lock held (by @c's thread, or @c abandoned). */
static void remote_drain_locked(struct kmem_cache *s, struct slab_cpu *c, struct list_head *junk)
{
	void *obj = __atomic_exchange_n(&c->remote, NULL, __ATOMIC_ACQUIRE);
	unsigned long limit = relaxed_load(s->nr_slabs) * s->objects;

	while (obj) {
		void *next = get_freepointer(s, obj);

		give_back_locked(s, c, obj, junk);
		/* Every pushed object passed the free path's checks; a link clobbered since, or
		 * a cycle from an object pushed twice, ends the walk. */
		if (next && (!slab_is_object_of(s, next) || !limit--)) {
			slab_report_bad_link(s, slab_head_page(obj), next);
			break;
		}
		obj = next;
	}
}

/* Give back the stash's first @nr objects (its oldest); s->lock held. */
static void stash_give_back_locked(struct kmem_cache *s, struct slab_cpu *c, unsigned int nr,
				   struct list_head *junk)
{
	unsigned int n = c->nr_stash;

	for (unsigned int i = 0; i < nr; i++)
		give_back_locked(s, c, c->stash[i], junk);
	memmove(c->stash, c->stash + nr, (n - nr) * sizeof(*c->stash));
	__atomic_store_n(&c->nr_stash, n - nr, __ATOMIC_RELAXED);
}

/* Back to the first stash, which is empty. */
static void stash_shrink(struct slab_cpu *c)
{
	if (c->stash != c->stash_first + 2)
		free(c->stash - 2);
	c->stash = c->stash_first + 2;
	c->stash_cap = SLAB_STASH;
}

static void stash_flush_locked(struct kmem_cache *s, struct slab_cpu *c, struct list_head *junk)
{
	stash_give_back_locked(s, c, c->nr_stash, junk);
	stash_shrink(c);
}

/* Twice the room, up to the cache's stash_max; false when it may not or cannot grow. */
static bool stash_grow(struct kmem_cache *s, struct slab_cpu *c)
{
	unsigned int cap = c->stash_cap * 2 < s->stash_max ? c->stash_cap * 2 : s->stash_max;
	void **base;

	if (cap <= c->stash_cap)
		return false;
	base = malloc((cap + 2) * sizeof(*base));
	if (!base)
		return false;
	base[0] = base[1] = NULL;
	memcpy(base + 2, c->stash, c->nr_stash * sizeof(*base));
	if (c->stash != c->stash_first + 2)
		free(c->stash - 2);
	c->stash = base + 2;
	c->stash_cap = cap;
	return true;
}

/*
 * The stash is full: honour a pending shrink by giving everything back; else grow; else give
 * the older half back under one lock (the newer half is what the next allocations want).
 */
static void stash_make_room(struct kmem_cache *s, struct slab_cpu *c)
{
	unsigned long flush = relaxed_load(s->flush_req);
	struct list_head junk = { &junk, &junk };

	if (c->flush_seen == flush && stash_grow(s, c))
		return;
	pthread_mutex_lock(&s->lock);
	if (c->flush_seen != flush) {
		slab_cpu_flush_locked(s, c, &junk);
		c->flush_seen = flush;
	} else {
		stash_give_back_locked(s, c, c->nr_stash / 2, &junk);
	}
	pthread_mutex_unlock(&s->lock);
	slab_discard_list(s, &junk);
}

/* Make a node slab @c's: its free objects become @c's list. s->lock held. */
static void take_locked(struct kmem_cache *s, struct slab_cpu *c, struct page *page)
{
	slab_unlist_locked(s, page);
	s->node_free -= page->objects - page->inuse;
	c->freelist = page->freelist;
	page->freelist = NULL;
	page->inuse = page->objects;
	slab_cpu_set_slab(c, page);
	slab_set_holder(page, c);
}

/* @c's list is empty: collect remote frees, or trade the slab for a partial or a new one. */
static void *refill(struct kmem_cache *s, struct slab_cpu *c, gfp_t gfp)
{
	unsigned long flush = relaxed_load(s->flush_req);
	struct list_head junk = { &junk, &junk };
	struct page *page = NULL, *old;

	pthread_mutex_lock(&s->lock);
	if (relaxed_load(c->remote))
		remote_drain_locked(s, c, &junk);
	if (c->freelist && c->flush_seen == flush) {
		pthread_mutex_unlock(&s->lock);
		slab_discard_list(s, &junk);
		return c->freelist;
	}
	if (c->flush_seen != flush)
		stash_flush_locked(s, c, &junk);
	c->flush_seen = flush;
	old = deactivate_locked(s, c);
	if (old)
		list_add(&old->lru, &junk);
	if (!list_empty(&s->partial)) {
		page = list_first_entry(&s->partial, struct page, lru);
		take_locked(s, c, page);
	}
	pthread_mutex_unlock(&s->lock);
	slab_discard_list(s, &junk);
	if (page)
		return c->freelist;

	page = slab_new(s, gfp);
	if (!page)
		return NULL;
	c->freelist = page->freelist;
	page->freelist = NULL;
	page->inuse = page->objects;
	slab_cpu_set_slab(c, page);
	slab_set_holder(page, c);
	return c->freelist;
}

/* ---------------------------------------------------------------- per-thread tables */

/* The calling thread's slab_cpu for @s: adopt an abandoned one, or make one. */
static struct slab_cpu *cpu_get(struct kmem_cache *s)
{
	struct kmm_thread *t = thread_current();
	struct slab_cpu *c = slab_cpu_lookup(s, t), *a;

	if (c)
		return c;
	if (s->id >= t->nr_slab_cpus) {
		unsigned int n = s->id + 16;
		struct slab_cpu_ref *refs = realloc(t->slab_cpus, n * sizeof(*refs));

		if (!refs)
			return NULL;
		memset(refs + t->nr_slab_cpus, 0, (n - t->nr_slab_cpus) * sizeof(*refs));
		t->slab_cpus = refs;
		t->nr_slab_cpus = n;
	}
	pthread_mutex_lock(&s->lock);
	list_for_each_entry (a, &s->cpus, list) {
		if (a->abandoned) {
			a->abandoned = false;
			c = a;
			break;
		}
	}
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (c)
			list_add(&c->list, &s->cpus);
	}
	if (c) {
		c->flush_seen = relaxed_load(s->flush_req);
		__atomic_store_n(&c->owner, (unsigned long)t, __ATOMIC_RELAXED);
		if (!c->stash) { /* new */
			c->stash = c->stash_first + 2;
			c->stash_cap = SLAB_STASH;
			slab_cpu_set_slab(c, NULL);
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (c)
		t->slab_cpus[s->id] = (struct slab_cpu_ref){ .cpu = c, .gen = s->gen };
	return c;
}

/* Give back everything @c holds; s->lock held. Its stash shrinks back to the first. */
void slab_cpu_flush_locked(struct kmem_cache *s, struct slab_cpu *c, struct list_head *junk)
{
	struct page *old;

	remote_drain_locked(s, c, junk);
	stash_flush_locked(s, c, junk);
	old = deactivate_locked(s, c);
	if (old)
		list_add(&old->lru, junk);
}

/* Free @c itself, flushed or not (the cache is going away). */
void slab_cpu_free(struct slab_cpu *c)
{
	if (c->stash != c->stash_first + 2)
		free(c->stash - 2);
	free(c);
}

/* ---------------------------------------------------------------- allocation */

/*
 * The checks every allocation makes first: failslab, and might_sleep for a blocking gfp. A
 * sleeping request made in atomic context is reported once, then served as GFP_ATOMIC (as the
 * page allocator does), so the slab refill beneath it does not report it a second time.
 */
static bool pre_alloc_fails(struct kmem_cache *s, gfp_t *gfp, size_t size)
{
	if (unlikely(fault_should_fail(KMM_FAILSLAB, *gfp, 0, size)))
		return true;
	*gfp = gfp_for_context(thread_current(), *gfp);
	return false;
}

/* Is @obj, the head of @c's list, an object of its slab (NULL is, too)? Else report it and
 * drop the list: the objects behind a clobbered link are lost to the cache, as slab_debug's
 * "Isolate corrupted freechain" loses them, and the slab stays counted full until its live
 * objects come back. */
static bool head_ok(struct kmem_cache *s, struct slab_cpu *c)
{
	void *obj = c->freelist;

	if (!obj || (c->slab && slab_valid_pointer(s, c->slab, obj)))
		return true;
	slab_report_bad_link(s, c->slab, obj);
	c->freelist = NULL;
	c->recent = NULL;
	return false;
}

void *slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, size_t size, void *caller)
{
	struct slab_cpu *c;
	void *obj;

	if (pre_alloc_fails(s, &gfp, size))
		return NULL;
	gfp |= s->init_gfp; /* init_on_alloc: the rest of the way zeroes as __GFP_ZERO does */
	if (s->debug)
		return slab_debug_alloc(s, gfp, size, caller);
	c = cpu_get(s);
	if (!c)
		return NULL;
	head_ok(s, c);
	obj = c->freelist;
	if (likely(c->flush_seen == relaxed_load(s->flush_req))) {
		unsigned int n = c->nr_stash;

		if (!obj && n) {
			obj = c->stash[n - 1];
			__atomic_store_n(&c->nr_stash, n - 1, __ATOMIC_RELAXED);
			goto out;
		}
	} else {
		obj = NULL;
	}
	/* A refill whose list starts with a clobbered link tries once more. */
	for (int tries = 0; !obj && tries < 2; tries++) {
		obj = refill(s, c, gfp);
		if (obj && !head_ok(s, c))
			obj = NULL;
	}
	if (!obj)
		return NULL;
	c->freelist = get_freepointer(s, obj);
	c->recent = NULL;
out:
	if (gfp & __GFP_ZERO)
		memset(obj, 0, s->object_size);
	return obj;
}

void *slab_alloc_bad_head(struct kmem_cache *s, gfp_t gfp, size_t size, void *caller)
{
	struct slab_cpu *c = slab_cpu_lookup(s, kmm_thread_self);

	head_ok(s, c);
	return slab_alloc_slow(s, gfp, size, caller);
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp, s->object_size, __builtin_return_address(0));
}

void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node)
{
	return slab_alloc(s, gfp, s->object_size, __builtin_return_address(0));
}

int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t size, void **p)
{
	for (size_t i = 0; i < size; i++) {
		p[i] = slab_alloc(s, gfp, s->object_size, __builtin_return_address(0));
		if (unlikely(!p[i])) {
			kmem_cache_free_bulk(s, i, p);
			return 0;
		}
	}
	return (int)size;
}

/* ---------------------------------------------------------------- freeing */

/* The second object on @c's list, if its head is sound. */
static void *second_free(struct kmem_cache *s, struct slab_cpu *c)
{
	void *head = c->freelist;

	if (!head || ((unsigned long)head ^ c->slab_addr) & s->slab_hi)
		return NULL;
	return get_freepointer(s, head);
}

/*
 * Never inlined, not even its head (the memset would make the fast path keep a frame): gcc's
 * noipa says so; clang, which has no noipa, does not split functions, so noinline does.
 */
#ifdef __clang__
#define SLOW_PATH __attribute__((noinline))
#else
#define SLOW_PATH __attribute__((noipa))
#endif

SLOW_PATH void slab_free_slow(struct kmem_cache *s, struct page *page, void *obj, void *caller)
{
	struct slab_cpu *c, *h;
	struct page *empty;

	if (s->debug) {
		if (s->init_free)
			memset(obj, 0, s->object_size);
		slab_debug_free(s, page, obj, caller);
		return;
	}
	if (unlikely(!slab_valid_pointer(s, page, obj))) {
		slab_report_invalid_object(s, page, obj);
		return;
	}
	if (s->init_free)
		memset(obj, 0, s->object_size); /* before the free pointer is written */
	c = slab_cpu_lookup(s, kmm_thread_self);
	h = slab_holder(page);
	if (c && h == c) {
		if (unlikely(obj == c->freelist || obj == second_free(s, c))) {
			report_double_free(s, obj);
			return;
		}
		c->recent = c->freelist;
		set_freepointer(s, obj, c->freelist);
		c->freelist = obj;
		return;
	}
	if (h) {
		remote_push(s, h, obj);
		return;
	}
	if (!c)
		c = cpu_get(s);
	if (likely(c)) {
		/* A node slab: keep the object for this thread, give back in batches. */
		if (unlikely(c->stash[(long)c->nr_stash - 1] == obj ||
			     c->stash[(long)c->nr_stash - 2] == obj)) {
			report_double_free(s, obj);
			return;
		}
		if (c->nr_stash == c->stash_cap)
			stash_make_room(s, c);
		c->stash[c->nr_stash] = obj;
		__atomic_store_n(&c->nr_stash, c->nr_stash + 1, __ATOMIC_RELAXED);
		return;
	}
	pthread_mutex_lock(&s->lock);
	h = slab_holder(page);
	if (h) {
		remote_push(s, h, obj);
		pthread_mutex_unlock(&s->lock);
		return;
	}
	if (unlikely(obj == page->freelist)) {
		pthread_mutex_unlock(&s->lock);
		report_double_free(s, obj);
		return;
	}
	empty = slab_node_free(s, page, obj);
	pthread_mutex_unlock(&s->lock);
	if (empty)
		slab_discard(s, empty);
}

void slab_free_unaligned(struct kmem_cache *s, struct page *page, void *obj, void *caller)
{
	if (likely(slab_slot_start(s, obj)))
		__slab_free(s, page, obj, caller);
	else
		slab_free_slow(s, page, obj, caller);
}

static void report_wrong_cache(struct kmem_cache *s, struct page *page, const void *obj)
{
	report_start("slab_wrong_cache", "WARNING: CPU: %u PID: %d at mm/slab.h cache_from_obj",
		     smp_processor_id(), kmm_current_pid());
	report_add("kmem_cache_free: Wrong slab cache. %s but object is from %s", s->name,
		   PageSlab(page) ? page->slab_cache->name : "(no slab)");
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

/* kmem_cache_free() of something that is not an object of @s: NULL, a bad address, or an
 * object of another cache (reported, then freed where it belongs). */
static void __attribute__((noinline)) free_odd(struct kmem_cache *s, void *obj, void *caller)
{
	struct page *page;

	if (!obj)
		return;
	page = slab_of(obj, "kmem_cache_free");
	if (!page)
		return;
	report_wrong_cache(s, page, obj);
	if (PageSlab(page))
		slab_free(page->slab_cache, page, obj, caller);
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	struct page *page;

	/* NULL wraps around to far outside the linear map, so one test sends it aside too. */
	if (unlikely((unsigned long)obj - slab_lin_start >= slab_lin_size)) {
		free_odd(s, obj, __builtin_return_address(0));
		return;
	}
	page = slab_head_page(obj);
	/* slab_cache shares its word with mapping: it equals @s only on @s's slabs. */
	if (unlikely(page->slab_cache != s)) {
		free_odd(s, obj, __builtin_return_address(0));
		return;
	}
	slab_free(s, page, obj, __builtin_return_address(0));
}

void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p)
{
	for (size_t i = 0; i < size; i++)
		kmem_cache_free(s, p[i]);
}

void slab_flush_reachable_locked(struct kmem_cache *s, struct list_head *junk)
{
	struct slab_cpu *mine = slab_cpu_lookup(s, kmm_thread_self), *c;

	list_for_each_entry (c, &s->cpus, list)
		if (c == mine || c->abandoned)
			slab_cpu_flush_locked(s, c, junk);
	if (mine)
		mine->flush_seen = relaxed_load(s->flush_req);
}
