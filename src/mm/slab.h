/*
 * slab.h - the slab allocator's private structures, shared by slab.c (caches, the per-thread
 * fast path, node lists), slab_debug.c (slab_debug checks and reports, validation) and
 * kmalloc.c.
 *
 * A slab is a block of 2^order pages whose head page has PG_slab and carries:
 *	slab_cache	the cache
 *	freelist	free objects, linked through each object's free pointer
 *	inuse		objects not on freelist
 *	objects		object slots in the slab
 *	private		the struct slab_cpu that holds it, or 0 when it is on a node list
 *	lru		its node list (partial or full) while private == 0
 * A slab held by a slab_cpu is frozen: its free objects are on the holder's freelist and
 * page->inuse == objects until it is given back. For a node slab,
 * inuse + length(freelist) == objects.
 *
 * A struct slab_cpu is one thread's stake in one cache. Only its thread touches freelist and
 * slab; other threads push objects they free onto remote (lock-free, any number of
 * producers), which the holder takes whole with one exchange. slab_cpus live until their
 * cache is destroyed; an exiting thread's is given back and left "abandoned", to be adopted
 * by the next thread that needs one.
 */
#ifndef KMM_INTERNAL_SLAB_H
#define KMM_INTERNAL_SLAB_H

#include <pthread.h>
#include <string.h>
#include <kmm/fault_inject.h>
#include <kmm/slab.h>
#include <kmm/page.h>
#include "lib/fault_inject.h"
#include "lib/list.h"
#include "machine/os.h"
#include "machine/thread.h"

#define SLAB_NAME_LEN 64

/* The kernel's slab_debug byte patterns. */
#define SLUB_RED_INACTIVE 0xbb
#define SLUB_RED_ACTIVE 0xcc
#define POISON_INUSE 0x5a
#define POISON_FREE 0x6b
#define POISON_END 0xa5

#define SLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/*
 * The stash starts at SLAB_STASH slots and doubles each time it fills, up to the cache's
 * stash_max (about STASH_BYTES of objects, at most STASH_MAX_OBJS); full at its largest, it
 * gives the older half back under one lock. A shrink request resets it to SLAB_STASH.
 */
#define SLAB_STASH 32
#define STASH_BYTES (64 << 10)
#define STASH_MAX_OBJS 1024

/*
 * Objects the owner freed into node slabs wait in stash (still counted in use by their
 * slabs, but not in slabinfo's active_objs) until an allocation takes them back or the full
 * stash is given back in a batch. stash[-1] and stash[-2] are always NULL, so the free path
 * can compare an object with the last two stashed (a double free with one other free
 * between) without asking whether there are two.
 *
 * nr_stash is written by the owner alone and read by /proc/slabinfo, hence atomic; the
 * stash itself is the owner's (or, when the owner cannot be running, the flusher's).
 */
struct slab_cpu {
	void *freelist; /* owner: free objects of slab */
	/* owner: the head freelist had before the last free pushed onto it. Freeing it again
	 * may be the a, b, a double free: the slow path looks whether it is still second on
	 * freelist (allocations leave it stale rather than spend a store on it). */
	void *recent;
	/* owner: the address of slab, or ~0 (far from every slab, and from NULL) without one */
	unsigned long slab_addr;
	struct page *slab; /* owner: the slab it allocates from, or NULL */
	void *remote; /* atomic: objects freed by other threads, a stack */
	void **stash; /* owner: stash_cap slots after two NULL ones */
	unsigned int nr_stash; /* atomic (relaxed), written by the owner: 0 .. stash_cap */
	unsigned int stash_cap;
	unsigned long flush_seen; /* owner: the cache's flush_req last honoured */
	unsigned long owner; /* atomic (relaxed): its thread's address, SLAB_CPU_NO_OWNER once
			      * abandoned (odd: no thread's, not even a NULL kmm_thread_self) */
	bool abandoned; /* s->lock: its thread has exited */
	struct list_head list; /* s->cpus, under s->lock */
	void *stash_first[SLAB_STASH + 2]; /* the first stash, led by two NULLs */
};

#define SLAB_CPU_NO_OWNER 1UL

/* One entry of a thread's table, indexed by cache id; gen tells a live entry from a stale one. */
struct slab_cpu_ref {
	struct slab_cpu *cpu;
	unsigned long gen;
};

/* Where and when an object was last allocated or freed (slab_debug U). */
struct slab_track {
	void *addr;
	unsigned long when_ms;
	int cpu;
	int pid;
};

struct kmem_cache {
	/* read-only after creation; the fast path reads these */
	unsigned long gen; /* unique for every cache ever made */
	unsigned int id; /* index into each thread's table */
	unsigned int size; /* slot stride: object, red zones, metadata */
	unsigned int object_size;
	unsigned int offset; /* free pointer, from the object's start */
	unsigned long fp_key; /* free pointer obfuscation, 0 when off */
	unsigned long fp_mask; /* ~0 when obfuscating: the slot's address is mixed in too */
	/* Slot arithmetic without a division, for the hardening checks of the fast paths:
	 * slab_hi clears a slab's offset bits (slabs are naturally aligned blocks), and
	 * ror(off * slot_inv, slot_shift) is off / size when size divides off, else a number
	 * far above objects (size = odd << slot_shift, slot_inv = the odd part's inverse
	 * mod 2^64). */
	unsigned long slab_hi;
	unsigned long slot_inv;
	unsigned int slot_shift;
	/* Bits no slot start has set: size - 1 for a power-of-two size; else all (every free
	 * takes the full check). */
	unsigned long slot_mask;
	/* atomic, bumped by shrink: holders give their slab and stash back. Here, beside what
	 * the fast path reads anyway, not by the node's busy lock: allocation from a stash reads
	 * it, and shrinks are rare. */
	unsigned long flush_req;
	unsigned int debug; /* slab_debug flags in force: all work goes through slab_debug.c */
	unsigned int red_left_pad;
	unsigned int inuse; /* object + right red zone; metadata follows */
	unsigned int track_offset; /* two slab_tracks (U), from the object's start */
	unsigned int orig_size_offset; /* requested kmalloc size (U on a kmalloc cache) */
	unsigned int align;
	unsigned int useroffset; /* hardened usercopy's whitelist: [useroffset, +usersize) */
	unsigned int usersize;
	unsigned int order;
	unsigned int objects; /* per slab */
	unsigned int stash_max; /* the most slots a thread's stash grows to */
	slab_flags_t flags;
	gfp_t alloc_gfp; /* zone flags for new slabs */
	void (*ctor)(void *);
	unsigned int *random_seq; /* free-order randomization: a permutation of 0..objects-1 */
	char name[SLAB_NAME_LEN];

	/* the node: everything below is under lock */
	pthread_mutex_t lock;
	struct list_head partial;
	struct list_head full;
	unsigned long nr_partial;
	unsigned long node_free; /* free objects on node slabs */
	unsigned long nr_slabs; /* all slabs, node and held; relaxed reads elsewhere */
	unsigned long errors; /* debug: reports counted for kmm_slab_validate */
	struct list_head cpus; /* every slab_cpu of the cache */
	struct list_head list; /* slab_caches, under slab_mutex */
	unsigned int min_partial; /* empty slabs kept on the partial list */
};

/* ---- slab.c ---- */

extern KMM_HIDDEN pthread_mutex_t slab_mutex;
extern KMM_HIDDEN struct list_head slab_caches;

static inline unsigned long fp_stored(const struct kmem_cache *s, void *ptr, unsigned long where)
{
	if (__builtin_expect(!s->fp_mask, 1))
		return (unsigned long)ptr;
	return (unsigned long)ptr ^ s->fp_key ^ __builtin_bswap64(where);
}

/* The free pointer of free object @obj: the next free object or NULL. */
static inline void *get_freepointer(const struct kmem_cache *s, void *obj)
{
	unsigned long where = (unsigned long)obj + s->offset;

	return (void *)fp_stored(s, (void *)*(unsigned long *)where, where);
}

static inline void set_freepointer(const struct kmem_cache *s, void *obj, void *next)
{
	unsigned long where = (unsigned long)obj + s->offset;

	*(unsigned long *)where = fp_stored(s, next, where);
}

static inline void *slab_address(const struct page *page)
{
	return (void *)__phys_to_virt(page_to_phys(page));
}

/* The object slot @i of a slab (object address, after the left red zone). */
static inline void *slab_object(const struct kmem_cache *s, const struct page *page, unsigned int i)
{
	return (char *)slab_address(page) + (size_t)i * s->size + s->red_left_pad;
}

/* Is @obj the start of an object slot of @page? */
static inline bool slab_valid_pointer(const struct kmem_cache *s, const struct page *page,
				      const void *obj)
{
	unsigned long base = (unsigned long)slab_address(page) + s->red_left_pad;
	unsigned long off = (unsigned long)obj - base;

	if (!obj)
		return true;
	return (unsigned long)obj >= base && off < (unsigned long)page->objects * s->size &&
	       off % s->size == 0;
}

/*
 * Is @obj the start of a slot of the slab it lies in? For the fast paths, which only see
 * caches without a left red zone (debug caches take the slow path).
 */
static inline bool slab_slot_start(const struct kmem_cache *s, const void *obj)
{
	unsigned long q = ((unsigned long)obj & ~s->slab_hi) * s->slot_inv;

	q = (q >> s->slot_shift) | (q << ((64 - s->slot_shift) & 63));
	return q < s->objects;
}

/* Make @page the slab @c allocates from, or none. */
static inline void slab_cpu_set_slab(struct slab_cpu *c, struct page *page)
{
	c->slab = page;
	c->slab_addr = page ? (unsigned long)slab_address(page) : ~0UL;
	c->recent = NULL;
}

/* Free object @obj into node slab @page; caller holds s->lock. Returns a slab to discard. */
KMM_HIDDEN struct page *slab_node_free(struct kmem_cache *s, struct page *page, void *obj);

/* Take one object from the node lists, making a slab if needed (the debug path). Returns
 * with s->lock held and *@pagep set, or NULL without the lock. */
KMM_HIDDEN void *slab_node_alloc(struct kmem_cache *s, gfp_t gfp, struct page **pagep);

/* Give a slab's pages back to the page allocator; no lock held. */
KMM_HIDDEN void slab_discard(struct kmem_cache *s, struct page *page);
KMM_HIDDEN void slab_discard_list(struct kmem_cache *s, struct list_head *pages);

/* A fresh slab: every object free and constructed, on no list, counted in nr_slabs. */
KMM_HIDDEN struct page *slab_new(struct kmem_cache *s, gfp_t gfp);

/* Put a node slab on the list its fill level asks for, or return it to be discarded; take
 * one off its list. s->lock held. */
KMM_HIDDEN struct page *slab_place_locked(struct kmem_cache *s, struct page *page);
KMM_HIDDEN void slab_unlist_locked(struct kmem_cache *s, struct page *page);

/* The slab_cpu holding @page, or NULL for a node slab. */
static inline struct slab_cpu *slab_holder(struct page *page)
{
	return (struct slab_cpu *)__atomic_load_n(&page->private, __ATOMIC_ACQUIRE);
}

static inline void slab_set_holder(struct page *page, struct slab_cpu *c)
{
	__atomic_store_n(&page->private, (unsigned long)c, __ATOMIC_RELEASE);
}

/* ---- slab_cpu.c ---- */

/* Give back everything @c holds (its slab, stash and remote objects); s->lock held, and
 * @c's thread is the caller, has exited, or must not be using the cache. */
KMM_HIDDEN void slab_cpu_flush_locked(struct kmem_cache *s, struct slab_cpu *c,
				      struct list_head *junk);

/* Free a slab_cpu and its stash (its cache is going away). */
KMM_HIDDEN void slab_cpu_free(struct slab_cpu *c);

/* Give back the slabs the caller's thread and exited threads hold; s->lock held. Slabs
 * left empty are put on @junk for slab_discard(). */
KMM_HIDDEN void slab_flush_reachable_locked(struct kmem_cache *s, struct list_head *junk);

/* The linear map as slab.c last saw it at boot: hidden, so reaching it costs no GOT load. */
extern KMM_HIDDEN unsigned long slab_lin_start, slab_lin_size;
extern KMM_HIDDEN struct page *slab_mem_map;

/*
 * The head page of the block holding linear-map address @obj (in range: not checked). A
 * branch, which is predicted (most slab objects lie in head pages), not a conditional move,
 * which would put the compound_head load on the chain of loads (page, cache, holder) ahead of
 * a free's stores, and so ahead of the next allocation's loads; the empty asm keeps the
 * compiler from making it one.
 */
static inline struct page *slab_head_page(const void *obj)
{
	struct page *page = slab_mem_map + (((unsigned long)obj - slab_lin_start) >> PAGE_SHIFT);
	struct page *head = page->compound_head;

	if (__builtin_expect(head != NULL, 0)) {
		__asm__("" : "+r"(head));
		return head;
	}
	return page;
}

/* Report an invalid pointer passed to a free function (slab_debug.c). */
KMM_HIDDEN void slab_report_invalid_free(const char *fn, const void *obj, const char *why);

/* Report a pointer into slab @page of @s that is not the start of an object, passed to a free
 * function: refused in every mode (slab_debug.c). */
KMM_HIDDEN void slab_report_invalid_object(struct kmem_cache *s, struct page *page,
					   const void *obj);

/* Report the free pointer @next, found in a free list of slab @page, leading out of it, as
 * the Oops following it would have been (slab_debug.c). */
KMM_HIDDEN void slab_report_bad_link(struct kmem_cache *s, const struct page *page,
				     const void *next);

/* The head page of @obj's block, or NULL (after a report) if @obj is not in the linear map. */
static inline struct page *slab_of(const void *obj, const char *fn)
{
	if (__builtin_expect((unsigned long)obj - slab_lin_start >= slab_lin_size, 0)) {
		slab_report_invalid_free(fn, obj, "not an address of the linear map");
		return NULL;
	}
	return slab_head_page(obj);
}

/* Is @obj the start of an object slot of a slab of @s (checked without touching @obj)? */
static inline bool slab_is_object_of(const struct kmem_cache *s, const void *obj)
{
	struct page *page;

	if ((unsigned long)obj - slab_lin_start >= slab_lin_size)
		return false;
	page = slab_head_page(obj);
	return PageSlab(page) && page->slab_cache == s && slab_valid_pointer(s, page, obj);
}

KMM_HIDDEN void kmalloc_init(void);
KMM_HIDDEN void kmalloc_exit(void);

/* A dying thread gives back what it holds (thread.c calls this). */
struct kmm_thread;

/* Pages held in slabs, for /proc/meminfo. */
KMM_HIDDEN unsigned long slab_reclaimable_pages(void);
KMM_HIDDEN unsigned long slab_unreclaimable_pages(void);

/* ---- the fast path, inline for slab.c and kmalloc.c ---- */

/* Everything the fast paths cannot do themselves: refills, other threads' slabs, debug. */
KMM_HIDDEN void *slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, size_t size, void *caller);

KMM_HIDDEN void slab_free_slow(struct kmem_cache *s, struct page *page, void *obj, void *caller);

/* The head of the thread's list is not an object of its slab: report it, isolate the rest
 * of the list, and allocate the slow way. */
KMM_HIDDEN void *slab_alloc_bad_head(struct kmem_cache *s, gfp_t gfp, size_t size, void *caller);

/* A free the slot mask could not clear: the full slot check, then the fast path. */
KMM_HIDDEN void slab_free_unaligned(struct kmem_cache *s, struct page *page, void *obj,
				    void *caller);

/* The calling thread's slab_cpu for @s, or NULL if it has none (yet). */
static inline struct slab_cpu *slab_cpu_lookup(const struct kmem_cache *s,
					       const struct kmm_thread *t)
{
	if (__builtin_expect(t && s->id < t->nr_slab_cpus && t->slab_cpus[s->id].gen == s->gen,
			     1)) {
		struct slab_cpu *c = t->slab_cpus[s->id].cpu;

		/* An entry's gen is set only with its cpu (and caches' gens start at 1), so a
		 * match is never NULL: let the callers' NULL tests fold into the gen test. */
		if (!c)
			__builtin_unreachable();
		return c;
	}
	return NULL;
}

/*
 * What else sends an allocation the slow way: a sleeping gfp in atomic context (might_sleep
 * reports it there, once) or failslab armed (the slow path asks it, once per allocation).
 */
static inline bool slab_alloc_needs_care(const struct kmm_thread *t, gfp_t gfp)
{
	return (gfpflags_allow_blocking(gfp) && (t->preempt_count | t->irqs_disabled)) ||
	       fault_may_fail(KMM_FAILSLAB);
}

/*
 * Allocate from the thread's own list, or its stash, when nothing needs a closer look. @size
 * is what the caller asked for, for failslab's space knob and the kmalloc red zone. Every call
 * out of it is a tail call, so it needs no stack frame.
 */
static inline __attribute__((always_inline)) void *slab_alloc(struct kmem_cache *s, gfp_t gfp,
							      size_t size, void *caller)
{
	struct kmm_thread *t = kmm_thread_self;
	struct slab_cpu *c = slab_cpu_lookup(s, t);
	void *obj;

	if (__builtin_expect(!c || slab_alloc_needs_care(t, gfp), 0))
		return slab_alloc_slow(s, gfp, size, caller);
	obj = c->freelist;
	/* In the held slab, or else NULL or a clobbered link: the hardened check doubles as
	 * the end-of-list test, so nothing is ever loaded through a link that leaves the slab. */
	if (__builtin_expect(!(((unsigned long)obj ^ c->slab_addr) & s->slab_hi), 1)) {
		c->freelist = get_freepointer(s, obj);
	} else {
		unsigned int n = __atomic_load_n(&c->nr_stash, __ATOMIC_RELAXED);

		if (__builtin_expect(obj != NULL, 0))
			return slab_alloc_bad_head(s, gfp, size, caller);

		/* A shrink asked for the stash back: the slow path gives it. */
		if (__builtin_expect(
			    !n || c->flush_seen != __atomic_load_n(&s->flush_req, __ATOMIC_RELAXED),
			    0))
			return slab_alloc_slow(s, gfp, size, caller);
		obj = c->stash[n - 1];
		__atomic_store_n(&c->nr_stash, n - 1, __ATOMIC_RELAXED);
	}
	if (__builtin_expect(gfp & __GFP_ZERO, 0))
		return memset(obj, 0, s->object_size);
	return obj;
}

/*
 * Free @obj of slab @page, whose cache is @s: onto the thread's own list if it holds @page,
 * into its stash if @page is a node slab (still counted in use there; given back in batches).
 * Freeing the object at the head of either again is a double free, left to the slow path to
 * report.
 */
static inline __attribute__((always_inline)) void
__slab_free(struct kmem_cache *s, struct page *page, void *obj, void *caller)
{
	struct slab_cpu *c = slab_cpu_lookup(s, kmm_thread_self);
	unsigned long h = __atomic_load_n(&page->private, __ATOMIC_RELAXED);

	if (__builtin_expect(c != NULL, 1)) {
		if (__builtin_expect(
			    h == (unsigned long)c && obj != c->freelist && obj != c->recent, 1)) {
			c->recent = c->freelist;
			set_freepointer(s, obj, c->freelist);
			c->freelist = obj;
			return;
		}
		if (h == 0) {
			unsigned int n = __atomic_load_n(&c->nr_stash, __ATOMIC_RELAXED);
			void **top = c->stash + n;

			if (__builtin_expect(n < c->stash_cap && top[-1] != obj && top[-2] != obj,
					     1)) {
				*top = obj;
				__atomic_store_n(&c->nr_stash, n + 1, __ATOMIC_RELAXED);
				return;
			}
		}
	}
	slab_free_slow(s, page, obj, caller);
}

/*
 * ... after the hardened check that @obj starts a slot: one test of its low bits when the
 * slot size is a power of two; other sizes have the whole check out of line.
 */
static inline __attribute__((always_inline)) void slab_free(struct kmem_cache *s, struct page *page,
							    void *obj, void *caller)
{
	if (__builtin_expect((unsigned long)obj & s->slot_mask, 0))
		slab_free_unaligned(s, page, obj, caller);
	else
		__slab_free(s, page, obj, caller);
}

/*
 * kfree() of @obj, a slab object on @page: when the calling thread holds @page, it frees onto
 * its list with the slab_cpu found through page->private, not through the cache's entry in
 * the thread's table, whose address would wait on page->slab_cache and then the table: the
 * next allocation's loads depend on this free's stores, so their addresses should be known
 * early. Anything else goes through slab_free().
 */
static inline __attribute__((always_inline)) void slab_free_any(struct page *page, void *obj,
								void *caller)
{
	struct kmem_cache *s = page->slab_cache;
	struct slab_cpu *c = (struct slab_cpu *)__atomic_load_n(&page->private, __ATOMIC_RELAXED);

	if (__builtin_expect((unsigned long)obj & s->slot_mask, 0)) {
		slab_free_unaligned(s, page, obj, caller);
		return;
	}
	if (__builtin_expect(c &&
				     __atomic_load_n(&c->owner, __ATOMIC_RELAXED) ==
					     (unsigned long)kmm_thread_self &&
				     obj != c->freelist && obj != c->recent,
			     1)) {
		c->recent = c->freelist;
		set_freepointer(s, obj, c->freelist);
		c->freelist = obj;
		return;
	}
	__slab_free(s, page, obj, caller);
}

/* ---- slab_debug.c ---- */

/*
 * Parse KMM_DEBUG once per boot (-EINVAL, explained, for a value it refuses); the slab_debug
 * flags a new cache called @name gets.
 */
KMM_HIDDEN int slab_debug_init(void);
KMM_HIDDEN slab_flags_t slab_debug_flags_for(const char *name, slab_flags_t flags);

/* Lay out debug bytes of every object of a new slab (red zones inactive, poison). */
KMM_HIDDEN void slab_debug_init_slab(struct kmem_cache *s, struct page *page);

/* The checked slow paths every allocation and free of a debug cache takes. */
KMM_HIDDEN void *slab_debug_alloc(struct kmem_cache *s, gfp_t gfp, size_t orig_size, void *caller);
KMM_HIDDEN void slab_debug_free(struct kmem_cache *s, struct page *page, void *obj, void *caller);

/* "Objects remaining in %s on __kmem_cache_shutdown()" for one slab; caller holds s->lock. */
KMM_HIDDEN void slab_debug_list_objects(struct kmem_cache *s, struct page *page);

/* Report a free object whose free pointer leads out of its slab; s->lock held. */
KMM_HIDDEN void slab_debug_freechain_corrupt(struct kmem_cache *s, struct page *page, void *obj);

/* Name a code address as the kernel's %pS does: "function+0xoff/0xsize". */
KMM_HIDDEN void slab_format_caller(char *buf, size_t len, void *addr);

/* The kmalloc size remembered for a debug object, or object_size when none is. */
KMM_HIDDEN unsigned int slab_debug_get_orig_size(struct kmem_cache *s, void *obj);

/* Update the kmalloc size remembered for a debug object (krealloc in place). */
KMM_HIDDEN void slab_debug_set_orig_size(struct kmem_cache *s, void *obj, size_t size);

/* Hardening and randomization options, read at cache creation. */
KMM_HIDDEN unsigned long slab_random_key(void);

/* ---- kmalloc.c ---- */

/* Size, as ksize() sees it, of an object of @s. */
static inline unsigned int slab_ksize(const struct kmem_cache *s)
{
	if (s->debug & (SLAB_RED_ZONE | SLAB_POISON))
		return s->object_size;
	if (s->debug & SLAB_STORE_USER)
		return s->inuse;
	return s->size;
}

#endif /* KMM_INTERNAL_SLAB_H */
