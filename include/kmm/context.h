/*
 * kmm/context.h - execution context of the calling thread: its simulated CPU, pid and name,
 * the preempt count (preemption, softirq and hardirq nesting) and the irqs-disabled flag,
 * and the might_sleep() check built on them.
 *
 * The preempt count has the kernel's layout:
 *   bits 0-7 preemption depth, 8-15 softirq, 16-19 hardirq, 20-23 NMI.
 */
#ifndef KMM_CONTEXT_H
#define KMM_CONTEXT_H

#include "types.h"

#define PREEMPT_OFFSET 0x00000001u
#define SOFTIRQ_OFFSET 0x00000100u
#define SOFTIRQ_DISABLE_OFFSET (2 * SOFTIRQ_OFFSET)
#define HARDIRQ_OFFSET 0x00010000u
#define NMI_OFFSET 0x00100000u
#define PREEMPT_MASK 0x000000ffu
#define SOFTIRQ_MASK 0x0000ff00u
#define HARDIRQ_MASK 0x000f0000u
#define NMI_MASK 0x00f00000u

#define TASK_COMM_LEN 16

/* Returns the calling thread's preempt count. */
unsigned int preempt_count(void);
/* Raise or lower the preempt count by @val (PREEMPT_OFFSET, SOFTIRQ_OFFSET, HARDIRQ_OFFSET). */
void preempt_count_add(unsigned int val);
void preempt_count_sub(unsigned int val);

/*
 * True while the calling thread's simulated CPU has interrupts disabled. While they are, no
 * interrupt handler runs on that CPU: a raised line waits until they are enabled again.
 * Disabling interrupts (like raising the preempt count from zero) makes the thread own its
 * simulated CPU until it is preemptible again.
 */
bool irqs_disabled(void);
void local_irq_disable(void);
void local_irq_enable(void);

/**
 * kmm_local_irq_save - disable interrupts, returning whether they were already disabled
 *
 * Context: any. Drivers use local_irq_save(flags).
 * Return: the flags to hand to kmm_local_irq_restore().
 */
unsigned long kmm_local_irq_save(void);

/**
 * kmm_local_irq_restore - put the interrupt state back as kmm_local_irq_save() found it
 * @flags: its return value
 *
 * Context: any.
 */
void kmm_local_irq_restore(unsigned long flags);

#define local_irq_save(flags) ((flags) = kmm_local_irq_save())
#define local_irq_restore(flags) kmm_local_irq_restore(flags)
#define irqs_disabled_flags(flags) ((flags) != 0)

/* Softirq processing off (and back on) on this CPU: raises the count by 2 * SOFTIRQ_OFFSET. */
void local_bh_disable(void);
void local_bh_enable(void);

#define preempt_disable() preempt_count_add(PREEMPT_OFFSET)
#define preempt_enable() preempt_count_sub(PREEMPT_OFFSET)
#define preempt_enable_no_resched() preempt_enable()
#define preemptible() (preempt_count() == 0 && !irqs_disabled())

#define in_nmi() (preempt_count() & NMI_MASK)
#define in_hardirq() (preempt_count() & HARDIRQ_MASK)
#define in_irq() in_hardirq()
#define in_softirq() (preempt_count() & SOFTIRQ_MASK)
#define in_interrupt() (preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK))
#define in_task() (!(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET)))
#define in_atomic() (preempt_count() != 0)
#define hardirq_count() (preempt_count() & HARDIRQ_MASK)
#define softirq_count() (preempt_count() & SOFTIRQ_MASK)
#define irq_count() (preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK))
#define in_serving_softirq() (softirq_count() & SOFTIRQ_OFFSET)

/**
 * smp_processor_id - the simulated CPU the calling thread runs on
 *
 * Context: any.
 * Return: 0..nr_cpus-1.
 */
unsigned int smp_processor_id(void);

/* Simulated pid and name ("comm") of the calling thread, as printed in reports. */
int kmm_current_pid(void);
const char *kmm_current_comm(void);

/**
 * kmm_set_current_comm - name the calling thread as reports will show it
 * @comm: up to TASK_COMM_LEN - 1 characters
 *
 * Context: any.
 */
void kmm_set_current_comm(const char *comm);

/**
 * __might_sleep - report "sleeping function called from invalid context" if atomic
 * @file: call site, printed in the report
 * @line: call site line
 *
 * Reported once per call site (the kernel's ratelimit); see might_sleep().
 * Context: any.
 * Return: true if the caller was in atomic context (the report has been made).
 */
bool __might_sleep(const char *file, int line);

#define might_sleep() ((void)__might_sleep(__FILE__, __LINE__))
#define might_sleep_if(cond)           \
	do {                           \
		if (cond)              \
			might_sleep(); \
	} while (0)

#endif /* KMM_CONTEXT_H */
