/*
 * percpu.c - the copies behind per-CPU variables.
 *
 * A per-CPU object is named by its CPU 0 address. The first access to any CPU's copy
 * registers the object: one block of KMM_MAX_CPUS - 1 further copies, each initialised from
 * the object's current (initial) bytes, found later through an open-addressed table keyed by
 * the address. alloc_percpu() registers its block at once, with every copy zeroed.
 * Entries are published with release stores and read lock-free; registration takes
 * percpu_lock. A static variable's copies live until the process exits.
 * Context: any; alloc/free in process context.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/percpu.h>
#include "internal/cpu.h"

#define TABLE 4096

struct percpu_entry {
	const void *base; /* NULL: empty; PERCPU_DEAD: freed */
	char *copies; /* copies of CPUs 1..KMM_MAX_CPUS-1, stride size */
	size_t size;
};

#define PERCPU_DEAD ((const void *)1)

static pthread_mutex_t percpu_lock = PTHREAD_MUTEX_INITIALIZER;
static struct percpu_entry table[TABLE];

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

/* Under percpu_lock. */
static struct percpu_entry *insert(const void *ptr, char *copies, size_t size)
{
	for (unsigned int i = 0, s = slot_of(ptr); i < TABLE; i++, s = (s + 1) % TABLE) {
		const void *b = table[s].base;

		if (b == ptr)
			return &table[s];
		if (!b || b == PERCPU_DEAD) {
			table[s].copies = copies;
			table[s].size = size;
			__atomic_store_n(&table[s].base, ptr, __ATOMIC_RELEASE);
			return &table[s];
		}
	}
	abort(); /* more per-CPU objects than kmm can track */
}

static struct percpu_entry *register_static(const void *ptr, size_t size)
{
	struct percpu_entry *e;

	pthread_mutex_lock(&percpu_lock);
	e = find(ptr);
	if (!e) {
		char *copies = malloc(size * (KMM_MAX_CPUS - 1));

		if (!copies)
			abort();
		for (unsigned int i = 0; i < KMM_MAX_CPUS - 1; i++)
			memcpy(copies + i * size, ptr, size);
		e = insert(ptr, copies, size);
	}
	pthread_mutex_unlock(&percpu_lock);
	return e;
}

void *kmm_per_cpu_ptr(const void *ptr, size_t size, unsigned int cpu)
{
	struct percpu_entry *e = find(ptr);

	if (!e)
		e = register_static(ptr, size);
	if (cpu == 0 || cpu >= KMM_MAX_CPUS)
		return (void *)ptr;
	return e->copies + (cpu - 1) * e->size;
}

void *__alloc_percpu(size_t size, size_t align)
{
	size_t stride = (size + align - 1) / align * align;
	char *block;

	if (!stride)
		stride = align ? align : 1;
	block = aligned_alloc(align < sizeof(void *) ? sizeof(void *) : align,
			      (stride * KMM_MAX_CPUS + align - 1) / align * align);
	if (!block)
		return NULL;
	memset(block, 0, stride * KMM_MAX_CPUS);
	pthread_mutex_lock(&percpu_lock);
	insert(block, block + stride, stride);
	pthread_mutex_unlock(&percpu_lock);
	return block;
}

void free_percpu(void *ptr)
{
	struct percpu_entry *e;

	if (!ptr)
		return;
	pthread_mutex_lock(&percpu_lock);
	e = find(ptr);
	if (e)
		__atomic_store_n(&e->base, PERCPU_DEAD, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&percpu_lock);
	free(ptr);
}

unsigned int kmm_nr_cpus(void)
{
	return cpu_count();
}
