/*
 * percpu.c - the copies behind per-CPU variables.
 *
 * A per-CPU object is named by its CPU 0 address. Its copies for CPUs 1..KMM_MAX_CPUS-1 sit
 * at copies + (cpu - 1) * stride. Two kinds of object are registered in objs[]:
 *   - a static DEFINE_PER_CPU variable, registered on its first access through any CPU: its
 *     copies are one malloc'd block, each copy initialised from the variable's current
 *     (initial) bytes, stride = its size;
 *   - an alloc_percpu() block: one zeroed copy per CPU of the machine, back to back, the
 *     first being the CPU 0 object, registered at allocation.
 * Lookups go through an open-addressed table keyed by address, read lock-free; an address
 * inside a registered object (a member: this_cpu_add(stats->bytes, n)) gets its own table
 * entry pointing into that object's copies, so members and the whole stay one set of data.
 * Writers (registration, free) take percpu_lock and publish entries with release stores.
 * A static member used before its whole variable is registered as an object of its own.
 *
 * Nothing is of fixed size: as many objects as host memory holds, as the kernel's percpu
 * allocator returns memory or NULL. The table doubles when three quarters of its slots are
 * used (freed slots count until a rehash drops them); lock-free readers may still be walking
 * the old table, so it is retired, not freed: the retired tables together stay smaller than
 * the live one. Each object knows its table entries (its base, plus a count of members), so
 * free_percpu() costs the entries it drops, not a walk of everything.
 * Context: any; alloc/free in process context.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/percpu.h>
#include "machine/cpu.h"
#include "machine/report.h"

#define MIN_TABLE 4096
#define NEAR 4096 /* bytes of an object searched member by member */

struct percpu_object {
	const char *base;
	size_t size;
	char *copies;
	size_t stride;
	unsigned int ncpus; /* copies exist for CPUs 0..ncpus-1 */
	unsigned int index; /* in objs[] */
	unsigned int nr_members; /* table entries for addresses inside it, besides its base */
};

struct percpu_entry {
	const void *base; /* NULL: empty; PERCPU_DEAD: freed */
	char *copies; /* the copy of CPU 1; CPU n at copies + (n - 1) * stride */
	size_t stride;
	struct percpu_object *obj; /* the object the address lies in */
};

/* A table and its size; readers load the pointer once and walk that table. */
struct percpu_table {
	struct percpu_table *retired; /* the table this one replaced */
	unsigned long size; /* a power of two */
	unsigned long used; /* live and dead slots, under percpu_lock */
	struct percpu_entry slot[];
};

#define PERCPU_DEAD ((const void *)1)

static pthread_mutex_t percpu_lock = PTHREAD_MUTEX_INITIALIZER;
static struct percpu_table *table; /* published with release, read with acquire */
static struct percpu_object **objs; /* under percpu_lock */
static unsigned int nr_objs, objs_cap;

static unsigned long slot_of(const struct percpu_table *t, const void *ptr)
{
	return (((unsigned long)ptr >> 3) * 0x9e3779b97f4a7c15ul) >> 20 & (t->size - 1);
}

static struct percpu_entry *find_in(struct percpu_table *t, const void *ptr)
{
	if (!t)
		return NULL;
	for (unsigned long i = 0, s = slot_of(t, ptr); i < t->size;
	     i++, s = (s + 1) & (t->size - 1)) {
		const void *b = __atomic_load_n(&t->slot[s].base, __ATOMIC_ACQUIRE);

		if (b == ptr)
			return &t->slot[s];
		if (!b)
			return NULL;
	}
	return NULL;
}

static struct percpu_entry *find(const void *ptr)
{
	return find_in(__atomic_load_n(&table, __ATOMIC_ACQUIRE), ptr);
}

/* Under percpu_lock, with a free slot guaranteed: put @ptr in @t. */
static struct percpu_entry *place(struct percpu_table *t, const void *ptr, char *copies,
				  size_t stride, struct percpu_object *obj)
{
	unsigned long s = slot_of(t, ptr);

	while (t->slot[s].base && t->slot[s].base != PERCPU_DEAD)
		s = (s + 1) & (t->size - 1);
	if (!t->slot[s].base)
		t->used++;
	t->slot[s].copies = copies;
	t->slot[s].stride = stride;
	t->slot[s].obj = obj;
	__atomic_store_n(&t->slot[s].base, ptr, __ATOMIC_RELEASE);
	return &t->slot[s];
}

/*
 * Under percpu_lock: make room for one more entry, doubling the table (live entries only)
 * when it is three quarters used. Returns false when the host has no memory for it.
 */
static bool make_room(void)
{
	struct percpu_table *old = table, *t;
	unsigned long size = old ? old->size : MIN_TABLE;
	unsigned long live = 0;

	if (old && (old->used + 1) * 4 <= old->size * 3)
		return true;
	if (old) {
		for (unsigned long s = 0; s < old->size; s++)
			live += old->slot[s].base && old->slot[s].base != PERCPU_DEAD;
		while ((live + 1) * 2 > size)
			size *= 2;
	}
	t = calloc(1, sizeof(*t) + size * sizeof(t->slot[0]));
	if (!t)
		return false;
	t->size = size;
	t->retired = old;
	for (unsigned long s = 0; old && s < old->size; s++) {
		const struct percpu_entry *e = &old->slot[s];

		if (e->base && e->base != PERCPU_DEAD)
			place(t, e->base, e->copies, e->stride, e->obj);
	}
	__atomic_store_n(&table, t, __ATOMIC_RELEASE);
	return true;
}

/* Under percpu_lock: @ptr is not in the table. NULL when the host's memory ran out. */
static struct percpu_entry *insert(const void *ptr, char *copies, size_t stride,
				   struct percpu_object *obj)
{
	if (!make_room())
		return NULL;
	return place(table, ptr, copies, stride, obj);
}

/* Under percpu_lock: a new object in objs[]; NULL when the host's memory ran out. */
static struct percpu_object *add_object(const void *base, size_t size, char *copies, size_t stride,
					unsigned int ncpus)
{
	struct percpu_object *o;

	if (nr_objs == objs_cap) {
		unsigned int cap = objs_cap ? 2 * objs_cap : 256;
		struct percpu_object **grown = realloc(objs, cap * sizeof(*objs));

		if (!grown)
			return NULL;
		objs = grown;
		objs_cap = cap;
	}
	o = malloc(sizeof(*o));
	if (!o)
		return NULL;
	*o = (struct percpu_object){ base, size, copies, stride, ncpus, nr_objs, 0 };
	objs[nr_objs++] = o;
	return o;
}

static void remove_object(struct percpu_object *o)
{
	objs[o->index] = objs[--nr_objs];
	objs[o->index]->index = o->index;
	free(o);
}

/* The host could not hold the copies of a static per-CPU variable: say so, once. */
static void report_no_copies(const void *ptr, size_t size)
{
	static bool reported;

	if (__atomic_exchange_n(&reported, true, __ATOMIC_RELAXED))
		return;
	report_start("percpu_alloc", "percpu: no memory for the copies of %p (%zu bytes)", ptr,
		     size);
	report_add("every CPU uses CPU 0's copy of it");
	report_add_stack();
	report_finish();
}

/*
 * Under percpu_lock: the object @ptr lies inside, if any. A member sits near its object's
 * base, which is in the table, so the bytes below @ptr are asked first; only a member far
 * into a large object costs a walk of every object.
 */
static struct percpu_object *containing(const void *ptr)
{
	const char *p = ptr;

	for (unsigned long back = 1; back <= NEAR && back <= (unsigned long)p; back++) {
		struct percpu_entry *e = find(p - back);

		if (e && e->obj && p >= e->obj->base && p < e->obj->base + e->obj->size)
			return e->obj;
	}
	for (unsigned int i = 0; i < nr_objs; i++)
		if (p >= objs[i]->base + NEAR && p < objs[i]->base + objs[i]->size)
			return objs[i];
	return NULL;
}

static struct percpu_entry *register_address(const void *ptr, size_t size)
{
	struct percpu_entry *e;
	struct percpu_object *o = NULL;
	char *copies;

	pthread_mutex_lock(&percpu_lock);
	e = find(ptr);
	o = e ? NULL : containing(ptr);
	if (o) {
		e = insert(ptr, o->copies + ((const char *)ptr - o->base), o->stride, o);
		o->nr_members += e != NULL;
	}
	if (!e) {
		/*
		 * The copies are filled before the entry is published: once find() sees it, CPU
		 * 0's owner may write the variable, and nothing may read it any more.
		 */
		copies = malloc(size * (KMM_MAX_CPUS - 1));
		for (unsigned int i = 0; copies && i < KMM_MAX_CPUS - 1; i++)
			memcpy(copies + i * size, ptr, size);
		o = copies ? add_object(ptr, size, copies, size, KMM_MAX_CPUS) : NULL;
		e = o ? insert(ptr, copies, size, o) : NULL;
		if (!e) {
			if (o)
				remove_object(o);
			free(copies);
		}
	}
	pthread_mutex_unlock(&percpu_lock);
	if (!e)
		report_no_copies(ptr, size);
	return e;
}

void *kmm_per_cpu_ptr(const void *ptr, size_t size, unsigned int cpu)
{
	struct percpu_entry *e = find(ptr);

	if (!e)
		e = register_address(ptr, size);
	if (!e || cpu == 0 || cpu >= e->obj->ncpus)
		return (void *)ptr;
	return e->copies + (cpu - 1) * e->stride;
}

void *__alloc_percpu(size_t size, size_t align)
{
	size_t a = align < sizeof(void *) ? sizeof(void *) : align;
	size_t stride = (size + a - 1) / a * a;
	/*
	 * Copies for the machine's CPUs only (for_each_possible_cpu() walks those): the kernel's
	 * test_vmalloc keeps 35,000 objects of up to 2 KiB stride, which for KMM_MAX_CPUS
	 * copies each would be over a gigabyte of host memory.
	 */
	unsigned int ncpus = cpu_count() ? cpu_count() : KMM_MAX_CPUS;
	struct percpu_object *o;
	char *block;

	if (!stride)
		stride = a;
	block = aligned_alloc(a, stride * ncpus);
	if (!block)
		return NULL;
	memset(block, 0, stride * ncpus);
	pthread_mutex_lock(&percpu_lock);
	o = add_object(block, stride, block + stride, stride, ncpus);
	if (o && !insert(block, block + stride, stride, o)) {
		remove_object(o);
		o = NULL;
	}
	pthread_mutex_unlock(&percpu_lock);
	if (!o) {
		free(block);
		return NULL;
	}
	return block;
}

/* Under percpu_lock: mark every table entry of @o dead. */
static void drop_entries(struct percpu_object *o)
{
	struct percpu_entry *e = find(o->base);

	if (e)
		__atomic_store_n(&e->base, PERCPU_DEAD, __ATOMIC_RELEASE);
	for (size_t off = 1; o->nr_members && o->size <= NEAR && off < o->size; off++) {
		e = find(o->base + off);
		if (e && e->obj == o) {
			__atomic_store_n(&e->base, PERCPU_DEAD, __ATOMIC_RELEASE);
			o->nr_members--;
		}
	}
	for (unsigned long s = 0; o->nr_members && s < table->size; s++) {
		const char *b = table->slot[s].base;

		if (table->slot[s].obj == o && b != PERCPU_DEAD && b) {
			__atomic_store_n(&table->slot[s].base, PERCPU_DEAD, __ATOMIC_RELEASE);
			o->nr_members--;
		}
	}
}

void free_percpu(void *ptr)
{
	struct percpu_entry *e;

	if (!ptr)
		return;
	pthread_mutex_lock(&percpu_lock);
	e = find(ptr);
	if (e && e->obj && e->obj->base == ptr) {
		struct percpu_object *o = e->obj;

		drop_entries(o);
		remove_object(o);
	}
	pthread_mutex_unlock(&percpu_lock);
	free(ptr);
}

unsigned int kmm_nr_cpus(void)
{
	return cpu_count();
}
