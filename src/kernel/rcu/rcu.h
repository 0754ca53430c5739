/*
 * rcu.h - read-copy update as the rest of kmm calls it (defined in rcu.c): the thread hooks,
 * the checks made where a thread may sleep or blocks, the softirq's callback run, boot and
 * shutdown, and the grace-period release of SLAB_TYPESAFE_BY_RCU slabs.
 */
#ifndef KMM_INTERNAL_RCU_H
#define KMM_INTERNAL_RCU_H

#include "machine/thread.h"

struct page;

/*
 * Register @t with liburcu when kmm first sees the thread; take it out when the thread
 * exits (closing a read-side section it left open). Context: the thread itself.
 */

/*
 * The checks of CONFIG_PROVE_RCU where a thread may sleep (might_sleep: "Illegal context
 * switch in RCU[-bh|-sched] read-side critical section") and where it really blocks
 * (rcu_note_context_switch: "Voluntary context switch within RCU read-side critical
 * section!"). Context: the calling thread, @t == thread_current().
 */
KMM_HIDDEN void rcu_sleep_check(struct kmm_thread *t, const char *file, int line);
KMM_HIDDEN void rcu_note_context_switch(struct kmm_thread *t);

/* The depth the might_sleep report prints as "RCU nest depth" (0 without PREEMPT_RCU). */
KMM_HIDDEN unsigned int rcu_preempt_depth(const struct kmm_thread *t);

/* Run @cpu's callbacks whose grace period has ended: its softirq thread, softirq context. */
KMM_HIDDEN void rcu_run_cpu(unsigned int cpu);

/*
 * Shutdown (before the CPUs' threads stop): wait for the queued callbacks, as rcu_barrier()
 * does, and stop the grace-period thread. Boot resets the callback lists (an initcall).
 */
KMM_HIDDEN void rcu_shutdown(void);

/*
 * Give a slab's pages (2^@order from @page) back to the buddy allocator after a grace period
 * (SLAB_TYPESAFE_BY_RCU); at once when no grace period can run any more (shutdown). Uses
 * page->lru and page->private meanwhile. Context: any.
 */
KMM_HIDDEN void rcu_free_pages_after_gp(struct page *page, unsigned int order);

#endif /* KMM_INTERNAL_RCU_H */
