/*
 * percpu.c - the copies behind per-CPU variables.
 *
 * A per-CPU object is named by its CPU 0 address. Its copies for CPUs 1..KMM_MAX_CPUS-1 sit
 * at copies + (cpu - 1) * stride. Two kinds of object are registered in objs[]:
 *   - a static DEFINE_PER_CPU variable, registered on its first access through any CPU: its
 *     copies are one malloc'd block, each copy initialised from the variable's current
 *     (initial) bytes, stride = its size;
 *   - an alloc_percpu() block: KMM_MAX_CPUS zeroed copies back to back, the first being the
 *     CPU 0 object, registered at allocation.
 * Lookups go through an open-addressed table keyed by address, read lock-free; an address
 * inside a registered object (a member: this_cpu_add(stats->bytes, n)) gets its own table
 * entry pointing into that object's copies, so members and the whole stay one set of data.
 * Writers (registration, free) take percpu_lock and publish entries with release stores.
 * A static member used before its whole variable is registered as an object of its own.
 * Context: any; alloc/free in process context.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/percpu.h>
#include "machine/cpu.h"

#define TABLE 4096
#define MAX_OBJECTS 2048

struct percpu_entry {
	const void *base; /* NULL: empty; PERCPU_DEAD: freed */
	char *copies; /* the copy of CPU 1; CPU n at copies + (n - 1) * stride */
	size_t stride;
};

struct percpu_object {
	const char *base;
	size_t size;
	char *copies;
	size_t stride;
};

#define PERCPU_DEAD ((const void *)1)

static pthread_mutex_t percpu_lock = PTHREAD_MUTEX_INITIALIZER;
static struct percpu_entry table[TABLE];
static struct percpu_object objs[MAX_OBJECTS]; /* under percpu_lock */
static unsigned int nr_objs;

static unsigned int slot_of(const void *ptr)
{
	return (unsigned int)((((unsigned long)ptr >> 3) * 0x9e3779b97f4a7c15ul) >> 52) % TABLE;
}

static struct percpu_entry *find(const void *ptr)
{
	for (unsigned int i = 0, s = slot_of(ptr); i < TABLE; i++, s = (s + 1) % TABLE) {
		const void *b = __atomic_load_n(&table[s].base, __ATOMIC_ACQUIRE);

		if (b == ptr)
			return &table[s];
		if (!b)
			return NULL;
	}
	return NULL;
}

/* Under percpu_lock; @ptr is not in the table. */
static struct percpu_entry *insert(const void *ptr, char *copies, size_t stride)
{
	for (unsigned int i = 0, s = slot_of(ptr); i < TABLE; i++, s = (s + 1) % TABLE) {
		const void *b = table[s].base;

		if (!b || b == PERCPU_DEAD) {
			table[s].copies = copies;
			table[s].stride = stride;
			__atomic_store_n(&table[s].base, ptr, __ATOMIC_RELEASE);
			return &table[s];
		}
	}
	abort(); /* more per-CPU addresses than kmm can track */
}

static void add_object(const void *base, size_t size, char *copies, size_t stride)
{
	if (nr_objs == MAX_OBJECTS)
		abort();
	objs[nr_objs++] = (struct percpu_object){ base, size, copies, stride };
}

static struct percpu_entry *register_address(const void *ptr, size_t size)
{
	struct percpu_entry *e;
	char *copies;

	pthread_mutex_lock(&percpu_lock);
	e = find(ptr);
	for (unsigned int i = 0; !e && i < nr_objs; i++) {
		const char *p = ptr;

		if (p >= objs[i].base && p < objs[i].base + objs[i].size)
			e = insert(ptr, objs[i].copies + (p - objs[i].base), objs[i].stride);
	}
	if (!e) {
		copies = malloc(size * (KMM_MAX_CPUS - 1));
		if (!copies)
			abort();
		for (unsigned int i = 0; i < KMM_MAX_CPUS - 1; i++)
			memcpy(copies + i * size, ptr, size);
		add_object(ptr, size, copies, size);
		e = insert(ptr, copies, size);
	}
	pthread_mutex_unlock(&percpu_lock);
	return e;
}

void *kmm_per_cpu_ptr(const void *ptr, size_t size, unsigned int cpu)
{
	struct percpu_entry *e = find(ptr);

	if (!e)
		e = register_address(ptr, size);
	if (cpu == 0 || cpu >= KMM_MAX_CPUS)
		return (void *)ptr;
	return e->copies + (cpu - 1) * e->stride;
}

void *__alloc_percpu(size_t size, size_t align)
{
	size_t a = align < sizeof(void *) ? sizeof(void *) : align;
	size_t stride = (size + a - 1) / a * a;
	char *block;

	if (!stride)
		stride = a;
	block = aligned_alloc(a, stride * KMM_MAX_CPUS);
	if (!block)
		return NULL;
	memset(block, 0, stride * KMM_MAX_CPUS);
	pthread_mutex_lock(&percpu_lock);
	add_object(block, stride, block + stride, stride);
	insert(block, block + stride, stride);
	pthread_mutex_unlock(&percpu_lock);
	return block;
}

void free_percpu(void *ptr)
{
	const char *base = ptr;

	if (!ptr)
		return;
	pthread_mutex_lock(&percpu_lock);
	for (unsigned int i = 0; i < nr_objs; i++) {
		if (objs[i].base != base)
			continue;
		/* Every address of the block (the block and its members) goes. */
		for (unsigned int s = 0; s < TABLE; s++) {
			const char *b = table[s].base;

			if (b >= base && b < base + objs[i].size)
				__atomic_store_n(&table[s].base, PERCPU_DEAD, __ATOMIC_RELEASE);
		}
		objs[i] = objs[--nr_objs];
		break;
	}
	pthread_mutex_unlock(&percpu_lock);
	free(ptr);
}

unsigned int kmm_nr_cpus(void)
{
	return cpu_count();
}
