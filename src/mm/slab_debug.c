/*
 * slab_debug.c - the kernel's slab_debug for kmm's caches: sanity checks (F), red zones (Z),
 * poisoning (P) and owner tracking (U), chosen per cache at run time with
 * KMM_DEBUG="slab_debug=FZPU[,glob...][;FLAGS,glob...]", and the validator.
 *
 * A debug slot, from its start:
 *	[left red zone][object_size bytes][right red zone up to inuse][free pointer, when it
 *	cannot live inside the object][alloc track][free track][requested kmalloc size]
 * Red zones hold SLUB_RED_ACTIVE (0xcc) while the object is allocated and SLUB_RED_INACTIVE
 * (0xbb) while it is free; a free object without a constructor is POISON_FREE (0x6b) with a
 * POISON_END (0xa5) last byte. Every check that fails is reported in the kernel's
 * BUG/INFO/FIX shape and repaired; each BUG and each FIX counts one error in s->errors, as
 * the kernel's slub KUnit tests count them.
 *
 * Everything here runs under s->lock (debug caches have no per-thread fast path), except
 * parsing at boot and slab_report_invalid_free(), which touches no cache.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kmm/context.h>
#include <kmm/kunit.h>
#include "machine/report.h"
#include "machine/settings.h"
#include "machine/symbols.h"
#include "machine/fault.h"
#include "mm/slab.h"

#define MAX_BLOCKS 8
#define MAX_GLOBS 8

struct debug_block {
	slab_flags_t flags;
	unsigned int nr_globs; /* 0: every cache */
	char globs[MAX_GLOBS][SLAB_NAME_LEN];
};

static struct debug_block blocks[MAX_BLOCKS];
static unsigned int nr_blocks;
static struct timespec boot_time;

/* ---------------------------------------------------------------- options */

/*
 * The kernel's slab_debug letters: F, Z, P and U are modelled; T (tracing), A (failslab per
 * cache) and O (off for caches whose order would grow) are accepted and do nothing here, and
 * '-' alone means none. Any other letter is refused, where the kernel logs and skips it.
 */
static const char slab_debug_letters[] = "fzpuoat-";

static slab_flags_t parse_letters(const char *p, size_t len)
{
	slab_flags_t f = 0;

	if (len == 0)
		return SLAB_DEBUG_FLAGS;
	for (size_t i = 0; i < len; i++) {
		switch (p[i] | 0x20) {
		case 'f':
			f |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'z':
			f |= SLAB_RED_ZONE;
			break;
		case 'p':
			f |= SLAB_POISON;
			break;
		case 'u':
			f |= SLAB_STORE_USER;
			break;
		default:
			break;
		}
	}
	return f;
}

/* The first letter of "FLAGS[,glob...]" that is no slab_debug flag, or NULL. */
static const char *bad_letter(const char *p, size_t len)
{
	size_t flen = strcspn(p, ",");

	for (size_t i = 0; i < flen && i < len; i++)
		if (!p[i] || !strchr(slab_debug_letters, tolower((unsigned char)p[i])))
			return &p[i];
	return NULL;
}

/* One block "FLAGS[,glob...]" of a slab_debug= value. */
static void parse_block(const char *p, size_t len)
{
	struct debug_block *b;
	const char *comma = memchr(p, ',', len);
	size_t flen = comma ? (size_t)(comma - p) : len;

	if (nr_blocks == MAX_BLOCKS)
		return;
	b = &blocks[nr_blocks++];
	*b = (struct debug_block){ .flags = parse_letters(p, flen) };
	while (comma && b->nr_globs < MAX_GLOBS) {
		const char *start = comma + 1;
		size_t rest = len - (size_t)(start - p);
		size_t glen;

		comma = memchr(start, ',', rest);
		glen = comma ? (size_t)(comma - start) : rest;
		if (glen && glen < SLAB_NAME_LEN) {
			memcpy(b->globs[b->nr_globs], start, glen);
			b->globs[b->nr_globs++][glen] = '\0';
		}
	}
}

/* The value of one "slab_debug[=BLOCK[;BLOCK...]]" word of @len bytes, blocks checked first. */
static int parse_word(const char *env, const char *word, size_t len)
{
	const char *end = word + len;
	const char *v = word + 10;

	if (len < 10 || (strncmp(word, "slab_debug", 10) && strncmp(word, "slub_debug", 10)) ||
	    (v < end && *v != '='))
		return settings_reject("KMM_DEBUG", env,
				       "'%.*s' is not a debug setting; KMM_DEBUG takes all and "
				       "slab_debug[=FLAGS[,cache...][;FLAGS,cache...]]",
				       (int)len, word);
	if (v < end)
		v++;
	for (const char *b = v; b <= end;) {
		size_t blen = strcspn(b, ";");
		const char *bad;

		if (b + blen > end)
			blen = (size_t)(end - b);
		bad = bad_letter(b, blen);
		if (bad)
			return settings_reject(
				"KMM_DEBUG", env,
				"'%c' is not a slab_debug flag; the flags are F "
				"(sanity checks), Z (red zones), P (poisoning), U (owner "
				"tracking), T, A, O (accepted, not modelled) and - (none)",
				*bad);
		b += blen + 1;
	}
	for (const char *b = v; b <= end;) {
		size_t blen = strcspn(b, ";");

		if (b + blen > end)
			blen = (size_t)(end - b);
		parse_block(b, blen);
		b += blen + 1;
	}
	return 0;
}

int slab_debug_init(void)
{
	const char *env = getenv("KMM_DEBUG");
	const char *word = env;

	nr_blocks = 0;
	clock_gettime(CLOCK_MONOTONIC, &boot_time);
	while (word && *word) {
		size_t len;

		word += strspn(word, " \t");
		len = strcspn(word, " \t");
		if (len == 3 && !strncmp(word, "all", 3)) {
			/* KMM_DEBUG=all: every check, on every cache */
			parse_block("FZPU", 4);
		} else if (len && parse_word(env, word, len)) {
			nr_blocks = 0;
			return -EINVAL;
		}
		word += len;
	}
	return 0;
}

slab_flags_t slab_debug_flags_for(const char *name, slab_flags_t flags)
{
	if (flags & SLAB_NO_USER_FLAGS)
		return flags;
	for (unsigned int i = 0; i < nr_blocks; i++) {
		const struct debug_block *b = &blocks[i];
		bool match = b->nr_globs == 0;

		for (unsigned int g = 0; g < b->nr_globs && !match; g++)
			match = fnmatch(b->globs[g], name, 0) == 0;
		if (match)
			flags |= b->flags;
	}
	return flags;
}

unsigned long slab_random_key(void)
{
	struct timespec ts;
	unsigned long x;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	x = (unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 32) ^ (unsigned long)&ts;
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ull;
	x ^= x >> 27;
	return x | 1;
}

/* ---------------------------------------------------------------- object layout */

static u8 *left_zone(struct kmem_cache *s, void *obj)
{
	return (u8 *)obj - s->red_left_pad;
}

static struct slab_track *tracks(struct kmem_cache *s, void *obj)
{
	return (struct slab_track *)((u8 *)obj + s->track_offset);
}

static bool has_orig_size(const struct kmem_cache *s)
{
	return (s->debug & SLAB_STORE_USER) && (s->flags & SLAB_KMALLOC);
}

static unsigned int orig_size(struct kmem_cache *s, void *obj)
{
	if (!has_orig_size(s))
		return s->object_size;
	return *(unsigned int *)((u8 *)obj + s->orig_size_offset);
}

static bool poisons(const struct kmem_cache *s)
{
	return (s->debug & SLAB_POISON) && !s->ctor && !(s->flags & SLAB_TYPESAFE_BY_RCU);
}

static unsigned long age_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned long)((now.tv_sec - boot_time.tv_sec) * 1000 +
			       (now.tv_nsec - boot_time.tv_nsec) / 1000000);
}

static void set_track(struct kmem_cache *s, void *obj, int which, void *addr)
{
	struct slab_track *t;

	if (!(s->debug & SLAB_STORE_USER))
		return;
	t = &tracks(s, obj)[which];
	t->addr = addr;
	t->when_ms = age_ms();
	t->cpu = (int)smp_processor_id();
	t->pid = kmm_current_pid();
}

/* Fill the red zones (and the kmalloc red zone) with @val; poison a free object. */
static void init_object(struct kmem_cache *s, void *obj, u8 val)
{
	u8 *p = obj;

	if (s->debug & SLAB_RED_ZONE) {
		memset(left_zone(s, obj), val, s->red_left_pad);
		memset(p + s->object_size, val, s->inuse - s->object_size);
		if (has_orig_size(s) && val == SLUB_RED_ACTIVE)
			memset(p + orig_size(s, obj), val, s->object_size - orig_size(s, obj));
	}
	if (poisons(s) && val == SLUB_RED_INACTIVE) {
		memset(p, POISON_FREE, s->object_size - 1);
		p[s->object_size - 1] = POISON_END;
	}
}

void slab_debug_init_slab(struct kmem_cache *s, struct page *page)
{
	for (unsigned int i = 0; i < s->objects; i++) {
		void *obj = slab_object(s, page, i);

		init_object(s, obj, SLUB_RED_INACTIVE);
		if (s->debug & SLAB_STORE_USER)
			memset(tracks(s, obj), 0, 2 * sizeof(struct slab_track));
		if (has_orig_size(s))
			*(unsigned int *)((u8 *)obj + s->orig_size_offset) = s->object_size;
	}
}

unsigned int slab_debug_get_orig_size(struct kmem_cache *s, void *obj)
{
	return orig_size(s, obj);
}

void slab_debug_set_orig_size(struct kmem_cache *s, void *obj, size_t size)
{
	if (!has_orig_size(s) || size > s->object_size)
		return;
	*(unsigned int *)((u8 *)obj + s->orig_size_offset) = (unsigned int)size;
	if (s->debug & SLAB_RED_ZONE)
		memset((u8 *)obj + size, SLUB_RED_ACTIVE, s->object_size - size);
}

/* ---------------------------------------------------------------- reports */

void slab_format_caller(char *buf, size_t len, void *addr)
{
	const char *name;
	unsigned long off, size;

	if (symbols_lookup((unsigned long)addr, &name, &off, &size))
		snprintf(buf, len, "%s+0x%lx/0x%lx", name, off, size);
	else
		snprintf(buf, len, "%p", addr);
}

/*
 * One error, counted in the cache and, while a KUnit case keeps a "slab_errors" counter (an
 * int, as lib/slub_kunit.c names it), there too: the case counts the errors it provokes.
 */
static void count_error(struct kmem_cache *s)
{
	struct kunit *test = kunit_get_current_test();
	struct kunit_resource *res;

	s->errors++;
	if (!test)
		return;
	res = kunit_find_resource(test, kunit_resource_name_match, "slab_errors");
	if (!res)
		return;
	(*(int *)res->data)++;
	kunit_put_resource(res);
}

static void bug_header(struct kmem_cache *s, const char *id, const char *what)
{
	count_error(s);
	report_start(
		id,
		"=============================================================================");
	report_add("BUG %s (Not tainted): %s", s->name, what);
	report_add("-----------------------------------------------------------------------------");
	report_add("%s", "");
}

static void add_track(struct kmem_cache *s, void *obj, int which)
{
	struct slab_track *t = &tracks(s, obj)[which];
	char where[128];

	if (!t->addr)
		return;
	slab_format_caller(where, sizeof(where), t->addr);
	report_add("%s in %s age=%lu cpu=%d pid=%d", which ? "Freed" : "Allocated", where,
		   age_ms() - t->when_ms, t->cpu, t->pid);
}

static void add_slab_info(struct kmem_cache *s, struct page *page)
{
	report_add("Slab %p objects=%u used=%u fp=%p flags=0x%lx(slab%s)", (void *)page,
		   page->objects, page->inuse, page->freelist, page->flags,
		   s->order ? "|head" : "");
}

/* The INFO block after a BUG line: owner, slab, object and a dump of the whole slot. */
static void add_trailer(struct kmem_cache *s, struct page *page, void *obj)
{
	u8 *p = obj;
	unsigned int meta_end = s->size - s->red_left_pad;

	if (s->debug & SLAB_STORE_USER) {
		add_track(s, obj, 0);
		add_track(s, obj, 1);
	}
	add_slab_info(s, page);
	report_add("Object %p @offset=%lu fp=%p", obj,
		   (unsigned long)((u8 *)obj - (u8 *)slab_address(page)), get_freepointer(s, obj));
	report_add("%s", "");
	if (s->debug & SLAB_RED_ZONE)
		report_add_hex("Redzone  ", left_zone(s, obj), s->red_left_pad);
	report_add_hex("Object   ", p, s->object_size < 128 ? s->object_size : 128);
	if (s->debug & SLAB_RED_ZONE)
		report_add_hex("Redzone  ", p + s->object_size, s->inuse - s->object_size);
	if (meta_end > s->inuse)
		report_add_hex("Padding  ", p + s->inuse, meta_end - s->inuse);
}

static void finish(void)
{
	report_add_task();
	report_add_stack();
	report_finish();
}

static void object_err(struct kmem_cache *s, struct page *page, void *obj, const char *reason,
		       const char *fix)
{
	bug_header(s, "slab_object", reason);
	add_trailer(s, page, obj);
	if (fix) {
		count_error(s);
		report_add("FIX %s: %s", s->name, fix);
	}
	finish();
}

static void slab_err_fix(struct kmem_cache *s, struct page *page, const char *what, const char *fix)
{
	bug_header(s, "slab_error", what);
	add_slab_info(s, page);
	if (fix) {
		count_error(s);
		report_add("FIX %s: %s", s->name, fix);
	}
	finish();
}

void slab_report_invalid_free(const char *fn, const void *obj, const char *why)
{
	report_start("slab_invalid_free", "BUG: %s(%p): invalid pointer: %s", fn, obj, why);
	finish();
}

void slab_report_invalid_object(struct kmem_cache *s, struct page *page, const void *obj)
{
	char what[64];

	snprintf(what, sizeof(what), "Invalid object pointer %p", obj);
	slab_err_fix(s, page, what, NULL);
}

void slab_report_bad_link(struct kmem_cache *s, const struct page *page, const void *next)
{
	char what[256];

	s->errors++;
	snprintf(what, sizeof(what),
		 "a free pointer in slab %p of cache %s is %p, not an object of the slab (a "
		 "double free, or a write after free): the rest of that free list is isolated",
		 (const void *)page, s->name, next);
	fault_report_bad_pointer((unsigned long)next + s->offset, false, "kmem_cache_alloc", what);
}

void slab_debug_freechain_corrupt(struct kmem_cache *s, struct page *page, void *obj)
{
	object_err(s, page, obj, "Freechain corrupt", "Isolate corrupted freechain");
}

/* Check that [start, start + bytes) all hold @value; report and restore them if not. */
static bool check_bytes(struct kmem_cache *s, struct page *page, void *obj, const char *what,
			u8 *start, u8 value, unsigned int bytes)
{
	u8 *fault = NULL, *end = start + bytes;
	char title[64];

	for (u8 *q = start; q < end; q++) {
		if (*q != value) {
			fault = q;
			break;
		}
	}
	if (!fault)
		return true;
	while (end > fault && end[-1] == value)
		end--;
	snprintf(title, sizeof(title), "%s overwritten", what);
	bug_header(s, "slab_overwritten", title);
	report_add("%p-%p @offset=%lu. First byte 0x%x instead of 0x%x", (void *)fault,
		   (void *)(end - 1), (unsigned long)(fault - (u8 *)slab_address(page)), *fault,
		   value);
	add_trailer(s, page, obj);
	count_error(s);
	report_add("FIX %s: Restoring %s %p-%p=0x%x", s->name, what, (void *)fault,
		   (void *)(end - 1), value);
	finish();
	memset(fault, value, (size_t)(end - fault));
	return false;
}

/* Check one object against what its state (@val: active or inactive) promises. */
static bool check_object(struct kmem_cache *s, struct page *page, void *obj, u8 val)
{
	u8 *p = obj;

	if (s->debug & SLAB_RED_ZONE) {
		if (!check_bytes(s, page, obj, "Left Redzone", left_zone(s, obj), val,
				 s->red_left_pad))
			return false;
		if (!check_bytes(s, page, obj, "Right Redzone", p + s->object_size, val,
				 s->inuse - s->object_size))
			return false;
		if (has_orig_size(s) && val == SLUB_RED_ACTIVE &&
		    orig_size(s, obj) < s->object_size &&
		    !check_bytes(s, page, obj, "kmalloc Redzone", p + orig_size(s, obj), val,
				 s->object_size - orig_size(s, obj)))
			return false;
	}
	if (poisons(s) && val == SLUB_RED_INACTIVE &&
	    (!check_bytes(s, page, obj, "Poison", p, POISON_FREE, s->object_size - 1) ||
	     !check_bytes(s, page, obj, "End Poison", p + s->object_size - 1, POISON_END, 1)))
		return false;
	if (s->offset < s->inuse && val == SLUB_RED_ACTIVE)
		return true; /* the free pointer's word is the owner's data */
	if (!slab_valid_pointer(s, page, get_freepointer(s, obj))) {
		object_err(s, page, obj, "Freepointer corrupt", NULL);
		set_freepointer(s, obj, NULL);
		return false;
	}
	return true;
}

/* Is @search on @page's free list? With NULL, check the list and the in-use count. */
static bool on_freelist(struct kmem_cache *s, struct page *page, void *search)
{
	void *fp = page->freelist, *obj = NULL;
	unsigned int nr = 0;

	while (fp && nr <= page->objects) {
		if (fp == search)
			return true;
		if (!slab_valid_pointer(s, page, fp)) {
			if (obj) {
				object_err(s, page, obj, "Freechain corrupt", NULL);
				set_freepointer(s, obj, NULL);
			} else {
				slab_err_fix(s, page, "Freepointer corrupt", "Freelist cleared");
				s->node_free -= page->objects - page->inuse;
				page->freelist = NULL;
				page->inuse = page->objects;
				return false;
			}
			break;
		}
		obj = fp;
		fp = get_freepointer(s, obj);
		nr++;
	}
	if (page->inuse != page->objects - nr) {
		char what[96];

		snprintf(what, sizeof(what),
			 "Wrong object count. Counter is %u but counted were %u", page->inuse,
			 page->objects - nr);
		slab_err_fix(s, page, what, "Object count adjusted");
		s->node_free += page->inuse;
		page->inuse = page->objects - nr;
		s->node_free -= page->inuse;
	}
	return search == NULL;
}

/* ---------------------------------------------------------------- the checked paths */

void *slab_debug_alloc(struct kmem_cache *s, gfp_t gfp, size_t size, void *caller)
{
	struct page *page;
	void *obj = slab_node_alloc(s, gfp, &page);

	if (!obj)
		return NULL;
	check_object(s, page, obj, SLUB_RED_INACTIVE);
	if (has_orig_size(s))
		*(unsigned int *)((u8 *)obj + s->orig_size_offset) = (unsigned int)size;
	init_object(s, obj, SLUB_RED_ACTIVE);
	set_track(s, obj, 0, caller);
	pthread_mutex_unlock(&s->lock);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, has_orig_size(s) ? size : s->object_size);
	return obj;
}

void slab_debug_free(struct kmem_cache *s, struct page *page, void *obj, void *caller)
{
	struct page *empty;
	char what[64];

	pthread_mutex_lock(&s->lock);
	if (!slab_valid_pointer(s, page, obj)) {
		snprintf(what, sizeof(what), "Invalid object pointer %p", obj);
		slab_err_fix(s, page, what, NULL);
		pthread_mutex_unlock(&s->lock);
		return;
	}
	if (on_freelist(s, page, obj)) {
		object_err(s, page, obj, "Object already free", NULL);
		pthread_mutex_unlock(&s->lock);
		return;
	}
	check_object(s, page, obj, SLUB_RED_ACTIVE);
	set_track(s, obj, 1, caller);
	init_object(s, obj, SLUB_RED_INACTIVE);
	empty = slab_node_free(s, page, obj);
	pthread_mutex_unlock(&s->lock);
	if (empty)
		slab_discard(s, empty);
}

/* ---------------------------------------------------------------- walking */

/* Mark the free objects of @page in @map (one byte per object). */
static void free_map(struct kmem_cache *s, struct page *page, u8 *map)
{
	unsigned int nr = 0;

	memset(map, 0, page->objects);
	for (void *fp = page->freelist; fp && nr <= page->objects; nr++) {
		unsigned long i;

		if (!slab_valid_pointer(s, page, fp))
			break;
		i = ((unsigned long)fp - (unsigned long)slab_object(s, page, 0)) / s->size;
		map[i] = 1;
		fp = get_freepointer(s, fp);
	}
}

void slab_debug_list_objects(struct kmem_cache *s, struct page *page)
{
	u8 map[page->objects];
	char what[160];

	free_map(s, page, map);
	snprintf(what, sizeof(what), "Objects remaining in %s on __kmem_cache_shutdown()", s->name);
	bug_header(s, "slab_leak", what);
	add_slab_info(s, page);
	for (unsigned int i = 0; i < page->objects; i++) {
		void *obj = slab_object(s, page, i);

		if (map[i])
			continue;
		count_error(s);
		report_add("Object %p @offset=%lu", obj,
			   (unsigned long)((u8 *)obj - (u8 *)slab_address(page)));
		if (s->debug & SLAB_STORE_USER) {
			add_track(s, obj, 0);
			add_track(s, obj, 1);
		}
	}
	finish();
}

static void validate_slab(struct kmem_cache *s, struct page *page)
{
	u8 map[page->objects];

	if (page->objects != s->objects) {
		char what[96];

		snprintf(what, sizeof(what), "Wrong number of objects. Found %u but should be %u",
			 page->objects, s->objects);
		slab_err_fix(s, page, what, "Number of objects adjusted");
		page->objects = s->objects;
	}
	on_freelist(s, page, NULL);
	if (!s->debug)
		return;
	free_map(s, page, map);
	for (unsigned int i = 0; i < page->objects; i++)
		if (!check_object(s, page, slab_object(s, page, i),
				  map[i] ? SLUB_RED_INACTIVE : SLUB_RED_ACTIVE))
			break;
}

int kmm_slab_validate(struct kmem_cache *s)
{
	struct list_head junk = { &junk, &junk };
	struct list_head *lists[] = { &s->partial, &s->full };
	struct page *page;
	int errors;

	pthread_mutex_lock(&s->lock);
	s->errors = 0;
	slab_flush_reachable_locked(s, &junk);
	for (int l = 0; l < 2; l++) {
		struct page *n;

		list_for_each_entry_safe (page, n, lists[l], lru) {
			bool full;

			validate_slab(s, page);
			full = page->inuse == page->objects;
			if (full == (l == 1))
				continue;
			/* A repaired count can move the slab to the other list. */
			list_del(&page->lru);
			list_add(&page->lru, full ? &s->full : &s->partial);
			s->nr_partial += full ? -1UL : 1UL;
		}
	}
	errors = (int)s->errors;
	pthread_mutex_unlock(&s->lock);
	while (!list_empty(&junk)) {
		page = list_first_entry(&junk, struct page, lru);
		list_del(&page->lru);
		slab_discard(s, page);
	}
	return errors;
}
