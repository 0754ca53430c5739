/*
 * rcu.h - read-copy update as the rest of kmm calls it (defined in rcu.c): the softirq's
 * callback run, shutdown, a call_rcu() that says whether it queued, and kfree_rcu()'s hook.
 */
#ifndef KMM_INTERNAL_RCU_H
#define KMM_INTERNAL_RCU_H

#include <kmm/rcupdate.h>
#include "machine/thread.h"

/* Run @cpu's callbacks whose grace period has ended: its softirq thread, softirq context. */
KMM_HIDDEN void rcu_run_cpu(unsigned int cpu);

/*
 * Shutdown (before the CPUs' threads stop): wait for the queued callbacks, as rcu_barrier()
 * does, and stop the grace-period thread. Boot resets the callback lists (an initcall).
 */
KMM_HIDDEN void rcu_shutdown(void);

/*
 * call_rcu(), telling whether the callback was queued: false once shutdown has stopped the
 * grace periods, when the caller must do the callback's work itself. Context: any.
 */
KMM_HIDDEN bool rcu_call_if_running(struct rcu_head *head, rcu_callback_t func);

/* The function kfree_rcu()'s callbacks free their object with: the allocators' kvfree(). */
KMM_HIDDEN void rcu_set_kvfree(void (*fn)(const void *addr));

#endif /* KMM_INTERNAL_RCU_H */
