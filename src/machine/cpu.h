/*
 * cpu.h - the simulated CPUs (defined in cpu.c): who owns each one, whether its interrupts
 * are off, whether a handler runs on it, and the work pending for its interrupt and
 * softirq threads.
 *
 * state bits, changed only with atomic read-modify-writes:
 *   CPU_OWNED    a thread is atomic on this CPU (task or softirq thread); at most one
 *   CPU_IRQS_OFF the owner has interrupts disabled; never set together with CPU_HANDLER
 *   CPU_HANDLER  the interrupt thread is running a handler ("the CPU is in hardirq")
 * A thread waiting for a state change counts itself in waiters and sleeps on cond; whoever
 * clears a bit broadcasts cond if waiters != 0 (both seq_cst, so no wake-up is lost).
 * lock guards the sleeping and the idle waits of the CPU's own threads (irq_wake, soft_wake).
 */
#ifndef KMM_INTERNAL_CPU_H
#define KMM_INTERNAL_CPU_H

#include <pthread.h>
#include "machine/thread.h"

/* What a spinning thread does between two looks at the lock word. */
#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#else
#define cpu_relax() __asm__ __volatile__("" ::: "memory")
#endif

#define KMM_MAX_CPUS 32
#define KMM_NR_IRQS 64

#define CPU_OWNED 1u
#define CPU_IRQS_OFF 2u
#define CPU_HANDLER 4u

struct sim_cpu {
	unsigned int state;
	int waiters;
	struct kmm_thread *owner; /* relaxed; for reports */
	unsigned long irq_pending; /* bit n: line n raised, handler not yet run */
	unsigned long softirq_pending; /* bit n: softirq n raised */
	unsigned long owner_gen, handler_gen; /* sections ended: owned, in a handler (release) */
	bool stop; /* under lock: the CPU's threads must exit */
	bool threads_started; /* under lock */
	pthread_t irq_thread, softirq_thread;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* state changed */
	pthread_cond_t irq_wake; /* an interrupt was raised */
	pthread_cond_t soft_wake; /* a softirq was raised or the next timer changed */
} __attribute__((aligned(64)));

extern KMM_HIDDEN struct sim_cpu sim_cpus[KMM_MAX_CPUS];

/* Number of simulated CPUs of the booted machine (1 before boot). */
KMM_HIDDEN unsigned int cpu_count(void);
/*
 * Wait until every CPU that is in an atomic section now (owned by a task, or running an
 * interrupt handler) has left it: the part of an RCU grace period that covers preemption and
 * interrupts off. The caller owns no CPU.
 */
KMM_HIDDEN void cpu_wait_quiescent(void);

/* Make @t the owner of a CPU: its own if free, another free one if not (tasks), else wait. */
KMM_HIDDEN void cpu_enter(struct kmm_thread *t);
/* Give up ownership of t->cpu. */
KMM_HIDDEN void cpu_leave(struct kmm_thread *t);
/* Mark t->cpu's interrupts off (waits for a running handler to finish) or on again. */
KMM_HIDDEN void cpu_irqs_off(struct kmm_thread *t);
KMM_HIDDEN void cpu_irqs_on(struct kmm_thread *t);

/* Both at once, for a preemptible task disabling interrupts and the reverse. */
KMM_HIDDEN void cpu_enter_irqs_off(struct kmm_thread *t);
KMM_HIDDEN void cpu_leave_irqs_on(struct kmm_thread *t);

/* The interrupt thread of @c claims and releases the CPU around a handler. */
KMM_HIDDEN bool cpu_try_handler(struct sim_cpu *c);
KMM_HIDDEN void cpu_end_handler(struct sim_cpu *c);

/* Pin the calling thread to @cpu as its interrupt or softirq thread, named "@prefix/@cpu". */
KMM_HIDDEN struct sim_cpu *cpu_thread_begin(unsigned int cpu, enum thread_role role,
					    const char *prefix);

/* Wake the threads sleeping on @c->cond, if any. */
KMM_HIDDEN void cpu_kick(struct sim_cpu *c);

/* Start the interrupt and softirq threads of every CPU (once per boot), stop them all. */
KMM_HIDDEN void cpu_threads_start(void);
KMM_HIDDEN void cpu_shutdown(void);

/* A thread exits: give back a CPU it still owns. */
KMM_HIDDEN void cpu_thread_exit(struct kmm_thread *t);

/*
 * The bodies of each CPU's two kernel threads, registered at boot by the interrupt layer
 * (kernel/irq/irq.c) and the softirq layer (kernel/softirq.c). Each takes the CPU's number as
 * its argument. The threads start once both are known.
 */
enum cpu_thread_kind { CPU_IRQ_THREAD, CPU_SOFTIRQ_THREAD, NR_CPU_THREAD_KINDS };

KMM_HIDDEN void cpu_register_thread_body(enum cpu_thread_kind kind, void *(*body)(void *cpu));

#endif /* KMM_INTERNAL_CPU_H */
