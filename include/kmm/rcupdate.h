/*
 * kmm/rcupdate.h - read-copy update, with the kernel's names (Linux 6.1 rcupdate.h).
 *
 * Readers mark their critical sections with rcu_read_lock()/rcu_read_unlock() (or the _bh and
 * _sched forms) and pick up pointers with rcu_dereference(); updaters publish with
 * rcu_assign_pointer() and free the old version after a grace period: synchronize_rcu()
 * waits for one, call_rcu() and kfree_rcu() defer the work until one has passed. Grace
 * periods are liburcu's (the memb flavour); every thread that enters kmm is registered with
 * it on its first call, so any thread may be a reader.
 *
 * The model is Debian's 6.1 kernel, which is built with CONFIG_PREEMPT_RCU: rcu_read_lock()
 * does not disable preemption, it counts the task's nesting depth, which the might_sleep
 * report prints ("RCU nest depth"). The option preempt_rcu=0 models a non-preemptible
 * kernel instead, where rcu_read_lock() is preempt_disable(). Either way the _bh form
 * disables bottom halves and the _sched form preemption, as in the kernel. Callbacks run in
 * softirq context on the ksoftirqd thread of the CPU that queued them (the kernel's
 * RCU_SOFTIRQ). Checks are those of CONFIG_PROVE_RCU: see docs/checkers.md.
 */
#ifndef KMM_RCUPDATE_H
#define KMM_RCUPDATE_H

#include <stddef.h>

#include "types.h"

#ifndef __rcu
#define __rcu
#endif

/* The kernel's callback_head: queued by call_rcu(), embedded in the object it frees. */
struct callback_head {
	struct callback_head *next;
	void (*func)(struct callback_head *head);
} __attribute__((aligned(sizeof(void *))));
#define rcu_head callback_head

typedef void (*rcu_callback_t)(struct rcu_head *head);

/**
 * rcu_read_lock - enter an RCU read-side critical section
 *
 * Sections nest. Objects reached through rcu_dereference() inside stay valid until the
 * matching rcu_read_unlock(). Must not sleep inside (reported).
 * Context: any.
 */
void rcu_read_lock(void);

/**
 * rcu_read_unlock - leave the innermost RCU read-side critical section
 *
 * An unlock with no section open is reported ("bad unlock balance") and ignored.
 * Context: any.
 */
void rcu_read_unlock(void);

/* Reader sections that also disable bottom halves, or preemption. Context: any. */
void rcu_read_lock_bh(void);
void rcu_read_unlock_bh(void);
void rcu_read_lock_sched(void);
void rcu_read_unlock_sched(void);
#define rcu_read_lock_sched_notrace() rcu_read_lock_sched()
#define rcu_read_unlock_sched_notrace() rcu_read_unlock_sched()

/*
 * Whether the calling thread is in a reader of each kind, as CONFIG_PROVE_RCU answers:
 * rcu_read_lock_bh_held() is also true in softirq context or with interrupts off,
 * rcu_read_lock_sched_held() whenever the thread is not preemptible.
 */
int rcu_read_lock_held(void);
int rcu_read_lock_bh_held(void);
int rcu_read_lock_sched_held(void);
int rcu_read_lock_any_held(void);

/**
 * synchronize_rcu - wait until every RCU reader that started before the call has finished
 *
 * Called inside a read-side section it would never return: reported ("Illegal
 * synchronize_rcu() in RCU read-side critical section") and refused.
 * Context: process context; may sleep.
 */
void synchronize_rcu(void);
#define synchronize_rcu_expedited() synchronize_rcu()
#define synchronize_net() synchronize_rcu()

/**
 * call_rcu - run @func(@head) after a grace period
 * @head: embedded in the object the callback will reclaim
 * @func: called in softirq context, on the ksoftirqd thread of the CPU that queued it
 *
 * Context: any; does not sleep.
 */
void call_rcu(struct rcu_head *head, rcu_callback_t func);

/**
 * rcu_barrier - wait until every callback queued by call_rcu() before the call has run
 *
 * Context: process context; may sleep.
 */
void rcu_barrier(void);

/**
 * kvfree_call_rcu - free the object holding @head after a grace period
 * @head: the rcu_head inside it
 * @func: the byte offset of @head in the object, as the kernel encodes it
 *
 * Drivers use kfree_rcu(). Context: any; does not sleep.
 */
void kvfree_call_rcu(struct rcu_head *head, rcu_callback_t func);

/**
 * kmm_kvfree_rcu_headless - kvfree(@ptr) once a grace period has passed, waiting for it here
 * @ptr: kmalloc'd or vmalloc'd memory, or NULL
 *
 * The one-argument kfree_rcu(ptr): the kernel's fallback path, which waits in place.
 * Context: process context; may sleep.
 */
void kmm_kvfree_rcu_headless(void *ptr);

/* Kernel names: the offset trick of kfree_rcu(ptr, field), and the headless form. */
#define __is_kvfree_rcu_offset(offset) ((offset) < 4096)
#define __kmm_kvfree_rcu2(ptr, rhf)                                                          \
	do {                                                                                 \
		__typeof__(ptr) ___p = (ptr);                                                \
		_Static_assert(__is_kvfree_rcu_offset(offsetof(__typeof__(*(ptr)), rhf)),    \
			       "rcu_head too far into the object for kfree_rcu");            \
		if (___p)                                                                    \
			kvfree_call_rcu(&___p->rhf, (rcu_callback_t)(unsigned long)offsetof( \
							    __typeof__(*(ptr)), rhf));       \
	} while (0)
#define __kmm_kvfree_rcu1(ptr) kmm_kvfree_rcu_headless((void *)(ptr))
#define __kmm_kvfree_rcu_pick(_1, _2, name, ...) name
#define kvfree_rcu(...) \
	__kmm_kvfree_rcu_pick(__VA_ARGS__, __kmm_kvfree_rcu2, __kmm_kvfree_rcu1)(__VA_ARGS__)
#define kfree_rcu(...) kvfree_rcu(__VA_ARGS__)

/**
 * lockdep_rcu_suspicious - print "WARNING: suspicious RCU usage" for @file:@line
 * @file: call site
 * @line: call site line
 * @s: what is wrong, without the final "!"
 *
 * Drivers reach it through RCU_LOCKDEP_WARN() and the rcu_dereference family.
 * Context: any.
 */
void lockdep_rcu_suspicious(const char *file, const int line, const char *s);

/* True the first time in this boot for the call site whose marker is @seen. Context: any. */
bool kmm_rcu_first_warning(unsigned long *seen);

/* Warn once per call site and boot when @c holds, as CONFIG_PROVE_RCU does. */
#define RCU_LOCKDEP_WARN(c, s)                                         \
	do {                                                           \
		static unsigned long __kmm_rcu_seen;                   \
		if ((c) && kmm_rcu_first_warning(&__kmm_rcu_seen))     \
			lockdep_rcu_suspicious(__FILE__, __LINE__, s); \
	} while (0)

/*
 * Pointer access. rcu_dereference() is a load ordered before what the reader then reads
 * through the pointer (an acquire load: what the compilers make of a dependency-ordered
 * one); rcu_assign_pointer() a store-release, so the object's initialisation is seen first.
 */
#define RCU_INITIALIZER(v) (v)
#define rcu_dereference_raw(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_dereference_check(p, c)                                           \
	({                                                                    \
		__typeof__(p) ___rcu_p = rcu_dereference_raw(p);              \
		RCU_LOCKDEP_WARN(!((c) || rcu_read_lock_held()),              \
				 "suspicious rcu_dereference_check() usage"); \
		___rcu_p;                                                     \
	})
#define rcu_dereference_bh_check(p, c)                                        \
	({                                                                    \
		__typeof__(p) ___rcu_p = rcu_dereference_raw(p);              \
		RCU_LOCKDEP_WARN(!((c) || rcu_read_lock_bh_held()),           \
				 "suspicious rcu_dereference_check() usage"); \
		___rcu_p;                                                     \
	})
#define rcu_dereference_sched_check(p, c)                                     \
	({                                                                    \
		__typeof__(p) ___rcu_p = rcu_dereference_raw(p);              \
		RCU_LOCKDEP_WARN(!((c) || rcu_read_lock_sched_held()),        \
				 "suspicious rcu_dereference_check() usage"); \
		___rcu_p;                                                     \
	})
#define rcu_dereference(p) rcu_dereference_check(p, 0)
#define rcu_dereference_bh(p) rcu_dereference_bh_check(p, 0)
#define rcu_dereference_sched(p) rcu_dereference_sched_check(p, 0)
#define rcu_dereference_protected(p, c)                                                 \
	({                                                                              \
		RCU_LOCKDEP_WARN(!(c), "suspicious rcu_dereference_protected() usage"); \
		__atomic_load_n(&(p), __ATOMIC_RELAXED);                                \
	})
#define rcu_access_pointer(p) __atomic_load_n(&(p), __ATOMIC_RELAXED)
#define rcu_pointer_handoff(p) (p)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (__typeof__(p))(v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v) __atomic_store_n(&(p), (__typeof__(p))(v), __ATOMIC_RELAXED)
#define rcu_replace_pointer(rcu_ptr, ptr, c)                                            \
	({                                                                              \
		__typeof__(ptr) ___rcu_old = rcu_dereference_protected((rcu_ptr), (c)); \
		rcu_assign_pointer((rcu_ptr), (ptr));                                   \
		___rcu_old;                                                             \
	})

#define init_rcu_head(head) ((void)(head))
#define destroy_rcu_head(head) ((void)(head))
#define init_rcu_head_on_stack(head) ((void)(head))
#define destroy_rcu_head_on_stack(head) ((void)(head))

#endif /* KMM_RCUPDATE_H */
