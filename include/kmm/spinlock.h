/*
 * kmm/spinlock.h - spinlock_t and rwlock_t with the kernel's API and its debug checks.
 *
 * Taking a spinlock raises the preempt count (so the thread owns its simulated CPU and may
 * not sleep); the _irq and _irqsave forms also disable the CPU's interrupts so its handlers
 * wait; the _bh forms disable softirqs. A recursive spin_lock on one CPU is reported
 * ("BUG: spinlock recursion") instead of hanging; unlocking a lock that is not held is
 * reported ("BUG: spinlock already unlocked"). The lock word is the only shared state;
 * owner and owner_cpu are for the checks and the reports.
 * Context: any; the _bh and plain forms from process, softirq or hardirq context.
 */
#ifndef KMM_SPINLOCK_H
#define KMM_SPINLOCK_H

#include "types.h"
#include "context.h"
#include "lockdep.h"

struct kmm_thread;

typedef struct spinlock {
	unsigned int locked;
	int owner_cpu;
	struct kmm_thread *owner;
	unsigned int recursion; /* reported recursive acquisitions not yet undone */
	struct lockdep_map dep_map;
} spinlock_t;

typedef spinlock_t raw_spinlock_t;

typedef struct {
	int count; /* -1: a writer holds it; n > 0: n readers */
	struct lockdep_map dep_map;
} rwlock_t;

#define __SPIN_LOCK_UNLOCKED(lockname)                                                  \
	(spinlock_t)                                                                    \
	{                                                                               \
		.owner_cpu = -1, .dep_map = KMM_DEP_MAP_INIT(#lockname, &(lockname), 2) \
	}
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
#define DEFINE_RAW_SPINLOCK(x) DEFINE_SPINLOCK(x)

#define __RW_LOCK_UNLOCKED(lockname)                                   \
	(rwlock_t)                                                     \
	{                                                              \
		.dep_map = KMM_DEP_MAP_INIT(#lockname, &(lockname), 2) \
	}
#define DEFINE_RWLOCK(x) rwlock_t x = __RW_LOCK_UNLOCKED(x)

/**
 * __spin_lock_init - initialise a spinlock of class @key
 * @lock: the lock
 * @name: class name
 * @key: class key (spin_lock_init() passes a static one per call site)
 *
 * Context: any.
 */
void __spin_lock_init(spinlock_t *lock, const char *name, struct lock_class_key *key);

#define spin_lock_init(lock)                             \
	do {                                             \
		static struct lock_class_key __key;      \
		__spin_lock_init((lock), #lock, &__key); \
	} while (0)
#define raw_spin_lock_init(lock) spin_lock_init(lock)

/**
 * spin_lock - take @lock, spinning while another CPU holds it
 * @lock: the lock
 *
 * Context: any; the caller becomes atomic until spin_unlock().
 */
void spin_lock(spinlock_t *lock);

/**
 * spin_lock_nested - spin_lock() of a second lock of a class already held
 * @lock: the lock
 * @subclass: nesting level (SINGLE_DEPTH_NESTING for parent then child)
 *
 * Context: any; the caller becomes atomic.
 */
void spin_lock_nested(spinlock_t *lock, unsigned int subclass);

/**
 * spin_unlock - release @lock, held by the caller
 * @lock: the lock
 *
 * Context: any; preemptible again if it was the last reason to be atomic.
 */
void spin_unlock(spinlock_t *lock);

/**
 * spin_lock_irq - disable this CPU's interrupts, then take @lock
 * @lock: the lock
 *
 * Context: any with interrupts enabled (spin_unlock_irq() enables them unconditionally).
 */
void spin_lock_irq(spinlock_t *lock);

/**
 * spin_unlock_irq - release @lock, then enable interrupts
 * @lock: the lock
 *
 * Context: any.
 */
void spin_unlock_irq(spinlock_t *lock);

/**
 * spin_lock_bh - disable softirqs on this CPU, then take @lock
 * @lock: the lock
 *
 * Context: process or softirq context.
 */
void spin_lock_bh(spinlock_t *lock);

/**
 * spin_unlock_bh - release @lock, then enable softirqs
 * @lock: the lock
 *
 * Context: process or softirq context.
 */
void spin_unlock_bh(spinlock_t *lock);

/**
 * kmm_spin_lock_irqsave - disable interrupts, take @lock
 * @lock: the lock
 *
 * Context: any. Drivers use spin_lock_irqsave(lock, flags).
 * Return: the previous interrupt state, for spin_unlock_irqrestore().
 */
unsigned long kmm_spin_lock_irqsave(spinlock_t *lock);

/**
 * spin_unlock_irqrestore - release @lock, then restore the interrupt state
 * @lock: the lock
 * @flags: what spin_lock_irqsave() saved
 *
 * Context: any.
 */
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);

/**
 * spin_trylock - take @lock if it is free
 * @lock: the lock
 *
 * Context: any.
 * Return: 1 if taken (the caller is now atomic), 0 if not.
 */
int spin_trylock(spinlock_t *lock);

/**
 * spin_is_locked - is @lock held by anyone?
 * @lock: the lock
 *
 * Context: any.
 * Return: non-zero if held.
 */
int spin_is_locked(spinlock_t *lock);

#define spin_lock_irqsave(lock, flags) ((flags) = kmm_spin_lock_irqsave(lock))
#define spin_trylock_irqsave(lock, flags)                               \
	({                                                              \
		local_irq_save(flags);                                  \
		spin_trylock(lock) ? 1 : (local_irq_restore(flags), 0); \
	})
#define assert_spin_locked(lock) ((void)(spin_is_locked(lock) || kmm_lockdep_warn_not_held(#lock)))

#define raw_spin_lock spin_lock
#define raw_spin_unlock spin_unlock
#define raw_spin_lock_irqsave spin_lock_irqsave
#define raw_spin_unlock_irqrestore spin_unlock_irqrestore

/**
 * __rwlock_init - initialise a reader/writer spinlock of class @key
 * @lock: the lock
 * @name: class name
 * @key: class key
 *
 * Context: any.
 */
void __rwlock_init(rwlock_t *lock, const char *name, struct lock_class_key *key);

#define rwlock_init(lock)                             \
	do {                                          \
		static struct lock_class_key __key;   \
		__rwlock_init((lock), #lock, &__key); \
	} while (0)

/* Readers share the lock, a writer excludes everyone; both raise the preempt count. */
void read_lock(rwlock_t *lock);
void read_unlock(rwlock_t *lock);
void write_lock(rwlock_t *lock);
void write_unlock(rwlock_t *lock);
int read_trylock(rwlock_t *lock);
int write_trylock(rwlock_t *lock);
void read_lock_irq(rwlock_t *lock);
void read_unlock_irq(rwlock_t *lock);
void write_lock_irq(rwlock_t *lock);
void write_unlock_irq(rwlock_t *lock);
void read_lock_bh(rwlock_t *lock);
void read_unlock_bh(rwlock_t *lock);
void write_lock_bh(rwlock_t *lock);
void write_unlock_bh(rwlock_t *lock);
unsigned long kmm_read_lock_irqsave(rwlock_t *lock);
unsigned long kmm_write_lock_irqsave(rwlock_t *lock);
void read_unlock_irqrestore(rwlock_t *lock, unsigned long flags);
void write_unlock_irqrestore(rwlock_t *lock, unsigned long flags);

#define read_lock_irqsave(lock, flags) ((flags) = kmm_read_lock_irqsave(lock))
#define write_lock_irqsave(lock, flags) ((flags) = kmm_write_lock_irqsave(lock))

#endif /* KMM_SPINLOCK_H */
