/*
 * thread.h - the state kmm keeps for each host thread that enters it (defined in thread.c).
 *
 * A thread gets its struct kmm_thread on its first call into kmm; it is bound to a simulated
 * CPU then, given a simulated pid and a name, and freed (its page cache drained) when the
 * thread exits. Only the owning thread writes its fields, except drain requests, which others
 * post through the global drain counter.
 */
#ifndef KMM_INTERNAL_THREAD_H
#define KMM_INTERNAL_THREAD_H

#include <kmm/context.h>
#include "machine/initcall.h"
#include "machine/options.h"
#include "machine/stats.h"
#include "mm/internal.h"

struct slab_cpu_ref;

/* What a thread is to the simulated CPUs (see cpu.c). */
enum thread_role {
	THREAD_TASK, /* an ordinary thread; may migrate between CPUs while preemptible */
	THREAD_SOFTIRQ, /* a CPU's softirq thread: pinned, runs timers and tasklets */
	THREAD_HARDIRQ, /* a CPU's interrupt thread: pinned, runs handlers */
};

/* A lock the thread holds, as lockdep records it (lockdep.c). */
struct held_lock {
	const struct lockdep_map *map;
	void *ip; /* where it was taken */
	unsigned short cls; /* lockdep class index */
};

#define THREAD_MAX_HELD 48

struct kmm_thread {
	unsigned int preempt_count;
	/*
	 * Decrements the scheduler forgave: when a task blocks while atomic, context_schedule()
	 * moves its preempt count here (the kernel resets it), and the unlocks and
	 * preempt_enable()s that were still to come are taken from it instead of underflowing.
	 */
	unsigned int preempt_debt;
	bool irqs_disabled;
	bool sched_reported; /* an interrupt-side callback already had its scheduling report */
	bool cpu_held; /* owns its CPU (cpu.c): preempt_count != 0 || irqs_disabled, for tasks */
	unsigned char role; /* enum thread_role */
	/*
	 * RCU readers open (rcu.c): rcu_read_lock, _bh and _sched depths. The thread is a
	 * liburcu reader while their sum is nonzero (rcu_readers == the sum).
	 */
	unsigned short rcu_nesting, rcu_bh_nesting, rcu_sched_nesting, rcu_readers;
	unsigned int cpu;
	int pid;
	char comm[TASK_COMM_LEN];
	struct pcp_cache pcp;
	struct slab_cpu_ref *slab_cpus; /* by cache id (slab.c) */
	unsigned int nr_slab_cpus;
	struct kmm_stats stats;
	unsigned int nr_held; /* entries used in held[] */
	unsigned long held_gen; /* lockdep generation held[] belongs to; older: empty */
	struct held_lock held[THREAD_MAX_HELD];
};

extern KMM_HIDDEN __thread struct kmm_thread *kmm_thread_self
	__attribute__((tls_model("initial-exec")));

KMM_HIDDEN struct kmm_thread *thread_create(void);

/*
 * What a subsystem keeps per thread is set up when the thread first enters kmm and given back
 * when it exits: kmm_thread_hook(level, id, init, exit) registers both halves (either may be
 * NULL) in a linker-built table, as kmm_initcall() does for boot. Inits run by level (core
 * first), exits in reverse, so a thread's slab caches are flushed before its page caches are
 * drained. Both run in the thread itself (exit: its pthread key destructor).
 */
/* The depth the might_sleep report prints as "RCU nest depth" (0 without PREEMPT_RCU). */
static inline unsigned int rcu_preempt_depth(const struct kmm_thread *t)
{
	return kmm_opts.preempt_rcu ? t->rcu_nesting : 0;
}

/*
 * RCU's checks at the two places the scheduler side (context.c) lets a thread sleep: may it
 * (@sleep, called while the thread is inside a reader) and does it (@context_switch). RCU
 * registers them at boot; until it does there are no readers to check.
 */
struct context_rcu_checks {
	void (*sleep)(struct kmm_thread *t, const char *file, int line);
	void (*context_switch)(struct kmm_thread *t);
};

KMM_HIDDEN void context_set_rcu_checks(const struct context_rcu_checks *checks);

struct thread_hook {
	enum initcall_level level;
	const char *name;
	void (*init)(struct kmm_thread *t);
	void (*exit)(struct kmm_thread *t);
};

#define kmm_thread_hook(lvl, id, init_fn, exit_fn)                                            \
	static const struct thread_hook thread_hook_##id = {                                  \
		.level = INITCALL_LEVEL_##lvl, .name = #id, .init = init_fn, .exit = exit_fn  \
	};                                                                                    \
	static const struct thread_hook *const thread_hook_ptr_##id                           \
		__attribute__((used, section("kmm_thread_hooks"), aligned(sizeof(void *)))) = \
			&thread_hook_##id

/* The calling thread's state, created on first use. */
static inline struct kmm_thread *thread_current(void)
{
	struct kmm_thread *t = kmm_thread_self;

	return __builtin_expect(t != NULL, 1) ? t : thread_create();
}

/*
 * The gfp a request may really use in @t's context: a sleeping request made in atomic context
 * is reported once per call site (might_sleep) and then served as GFP_ATOMIC, so it neither
 * sleeps nor is reported again by the layers beneath. Use gfp_for_context().
 */
static inline gfp_t __gfp_for_context(struct kmm_thread *t, gfp_t gfp, const char *file, int line)
{
	if ((gfp & __GFP_DIRECT_RECLAIM) &&
	    (t->preempt_count || t->irqs_disabled || t->rcu_nesting) && __might_sleep(file, line))
		return (gfp & ~__GFP_DIRECT_RECLAIM) | __GFP_HIGH | __GFP_ATOMIC;
	return gfp;
}

#define gfp_for_context(t, gfp) __gfp_for_context(t, gfp, __FILE__, __LINE__)

/*
 * The calling thread is about to block, where the kernel would call schedule() (defined in
 * context.c). A task that is atomic gets "BUG: scheduling while atomic" and, as the kernel's
 * scheduler does, its preempt count reset to zero (kept as preempt_debt) and its interrupts
 * enabled, so it gives back its simulated CPU before it sleeps. An interrupt handler, timer or
 * tasklet is reported once per callback and keeps its context: it has no task to switch away
 * from, so it sleeps where it is. Context: any; it may take the report lock and the CPU's
 * lock (cpu.c), so call it holding no kmm lock those are taken under.
 */
KMM_HIDDEN void context_schedule(void);

#endif /* KMM_INTERNAL_THREAD_H */
