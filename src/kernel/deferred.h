/*
 * deferred.h - the pieces of the execution model that run later or elsewhere: interrupts
 * (irq/irq.c), softirqs and tasklets (softirq.c), timers (time/timer.c), the jiffies clock
 * (time/jiffies.c) and workqueues (workqueue.c), as they call each other and the boot code.
 */
#ifndef KMM_INTERNAL_DEFERRED_H
#define KMM_INTERNAL_DEFERRED_H

#include "machine/os.h"
#include "machine/thread.h"

/* Softirq numbers, as in the kernel. */
enum {
	HI_SOFTIRQ = 0,
	TIMER_SOFTIRQ = 1,
	TASKLET_SOFTIRQ = 6,
	RCU_SOFTIRQ = 9,
};

/* Mark softirq @nr pending on @cpu and wake its softirq thread. Context: any. */
KMM_HIDDEN void softirq_raise_on(unsigned int cpu, unsigned int nr);

/* Run @cpu's pending tasklets; called by its softirq thread in softirq context. */
KMM_HIDDEN void tasklet_run_cpu(unsigned int cpu);
/* Forget every queued tasklet (the CPUs' threads have stopped). */
KMM_HIDDEN void tasklets_shutdown(void);

/* Timers of @cpu: run the due ones (softirq context), and when the next one is due. */
KMM_HIDDEN void timer_run_cpu(unsigned int cpu);
KMM_HIDDEN bool timer_next_expiry(unsigned int cpu, unsigned long *expires);
/* The clock changed: every softirq thread recomputes its sleep. */
KMM_HIDDEN void timer_kick_all(void);
/* Manual clock moved: run every due timer now and wait until they have run. */
KMM_HIDDEN void timer_run_due_all(void);
KMM_HIDDEN void timers_shutdown(void);

KMM_HIDDEN void irq_shutdown(void);

KMM_HIDDEN void workqueue_shutdown(void);

/*
 * Report a callback that returned atomic or with locks held: @what ("irq handler",
 * "timer", "workqueue"), @fn the callback, @count the preempt count expected on return.
 * Repairs the preempt count and interrupt state. Return: true if something was reported.
 */
KMM_HIDDEN bool deferred_check_leak(struct kmm_thread *t, const char *what, void *fn,
				    unsigned int count, bool irqs_off);

#endif /* KMM_INTERNAL_DEFERRED_H */
