/*
 * kmm/percpu.h - per-CPU variables: one copy of a variable for each simulated CPU.
 *
 * DEFINE_PER_CPU(type, name) defines an ordinary variable, the copy of CPU 0; the copies of
 * the other CPUs are made on first access through per_cpu_ptr() and friends, each starting
 * from the initial value. alloc_percpu() returns a pointer usable the same way. A member's
 * address (this_cpu_add(stats->bytes, n)) names that member of each CPU's copy; for a static
 * variable this holds once the whole variable has been accessed per CPU first. Access is
 * safe exactly when the kernel says: this_cpu_ptr() and the __this_cpu_*() operations need
 * preemption disabled (get_cpu(), a spinlock, local_irq_save) and report "BUG: using
 * smp_processor_id() in preemptible" code otherwise, once per call site, as the kernel's
 * CONFIG_DEBUG_PREEMPT does; the this_cpu_*() operations are single atomic steps, safe
 * anywhere.
 * Context: any (alloc_percpu/free_percpu: process context).
 */
#ifndef KMM_PERCPU_H
#define KMM_PERCPU_H

#include "types.h"
#include "context.h"

#define __percpu

#define DEFINE_PER_CPU(type, name) __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name) __typeof__(type) name __attribute__((aligned(64)))
#define DEFINE_PER_CPU_SHARED_ALIGNED(type, name) DEFINE_PER_CPU_ALIGNED(type, name)

/**
 * kmm_per_cpu_ptr - the address of @cpu's copy of the per-CPU object at @ptr
 * @ptr: a per-CPU variable's address or alloc_percpu()'s result
 * @size: the object's size
 * @cpu: 0..nr_cpus-1
 *
 * Context: any.
 * Return: the copy; @ptr itself for CPU 0.
 */
void *kmm_per_cpu_ptr(const void *ptr, size_t size, unsigned int cpu);

/**
 * __alloc_percpu - allocate a zeroed object of @size bytes for every CPU
 * @size: bytes per CPU
 * @align: alignment
 *
 * Context: process context.
 * Return: the per-CPU pointer, or NULL.
 */
void *__alloc_percpu(size_t size, size_t align);

/**
 * free_percpu - free what alloc_percpu() returned
 * @ptr: the per-CPU pointer, or NULL
 *
 * Context: process context.
 */
void free_percpu(void *ptr);

#define alloc_percpu(type) ((__typeof__(type) *)__alloc_percpu(sizeof(type), __alignof__(type)))
#define alloc_percpu_gfp(type, gfp) alloc_percpu(type)

#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(ptr))kmm_per_cpu_ptr((ptr), sizeof(*(ptr)), (unsigned int)(cpu)))

/**
 * kmm_this_cpu_checked - smp_processor_id() for code that must not be preemptible
 * @what: the operation, as the report names it ("smp_processor_id()", "__this_cpu_read()")
 * @file: call site
 * @line: call site line
 *
 * Reports "BUG: using @what in preemptible [count] code: comm/pid" (once per call site)
 * when the caller could migrate to another CPU.
 * Context: any.
 * Return: the calling thread's CPU.
 */
unsigned int kmm_this_cpu_checked(const char *what, const char *file, int line);

#define this_cpu_ptr(ptr) \
	per_cpu_ptr(ptr, kmm_this_cpu_checked("smp_processor_id()", __FILE__, __LINE__))
#define raw_cpu_ptr(ptr) per_cpu_ptr(ptr, smp_processor_id())
#define per_cpu(var, cpu) (*per_cpu_ptr(&(var), cpu))
#define __this_cpu_read(var) \
	(*per_cpu_ptr(&(var), kmm_this_cpu_checked("__this_cpu_read()", __FILE__, __LINE__)))
#define __this_cpu_write(var, val)                                                              \
	(*per_cpu_ptr(&(var), kmm_this_cpu_checked("__this_cpu_write()", __FILE__, __LINE__)) = \
		 (val))

/* Single-step operations on this CPU's copy; safe without disabling preemption. */
#define this_cpu_read(var) __atomic_load_n(raw_cpu_ptr(&(var)), __ATOMIC_RELAXED)
#define this_cpu_write(var, val) __atomic_store_n(raw_cpu_ptr(&(var)), (val), __ATOMIC_RELAXED)
#define this_cpu_add(var, val) \
	((void)__atomic_fetch_add(raw_cpu_ptr(&(var)), (val), __ATOMIC_RELAXED))
#define this_cpu_sub(var, val) \
	((void)__atomic_fetch_sub(raw_cpu_ptr(&(var)), (val), __ATOMIC_RELAXED))
#define this_cpu_inc(var) this_cpu_add(var, 1)
#define this_cpu_dec(var) this_cpu_sub(var, 1)
#define this_cpu_add_return(var, val) \
	__atomic_add_fetch(raw_cpu_ptr(&(var)), (val), __ATOMIC_RELAXED)
#define this_cpu_inc_return(var) this_cpu_add_return(var, 1)
#define __this_cpu_add(var, val)                                                        \
	((void)(*per_cpu_ptr(&(var), kmm_this_cpu_checked("__this_cpu_add()", __FILE__, \
							  __LINE__)) += (val)))
#define __this_cpu_inc(var) __this_cpu_add(var, 1)
#define __this_cpu_dec(var) __this_cpu_add(var, -1)

/* Pin to this CPU (disable preemption) and say which one it is. */
#define get_cpu()                   \
	({                          \
		preempt_disable();  \
		smp_processor_id(); \
	})
#define put_cpu() preempt_enable()
#define get_cpu_var(var)              \
	(*({                          \
		preempt_disable();    \
		this_cpu_ptr(&(var)); \
	}))
#define put_cpu_var(var) preempt_enable()
#define get_cpu_ptr(var)           \
	({                         \
		preempt_disable(); \
		this_cpu_ptr(var); \
	})
#define put_cpu_ptr(var) preempt_enable()

/**
 * kmm_nr_cpus - number of simulated CPUs
 *
 * Return: nr_cpus of the booted machine (1 before boot).
 */
unsigned int kmm_nr_cpus(void);

#define num_possible_cpus() kmm_nr_cpus()
#define num_online_cpus() kmm_nr_cpus()
#define nr_cpu_ids kmm_nr_cpus()
#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < (int)kmm_nr_cpus(); (cpu)++)
#define for_each_online_cpu(cpu) for_each_possible_cpu(cpu)

#endif /* KMM_PERCPU_H */
