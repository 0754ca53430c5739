/*
 * kmm/mutex.h - struct mutex: a sleeping lock with one owner.
 *
 * mutex_lock may sleep, so it calls might_sleep() first: taken from an interrupt handler or
 * under a spinlock it is reported ("BUG: sleeping function called from invalid context").
 * Unlocking a mutex another thread holds, or one that is not locked, is reported too.
 * The interruptible and killable forms never see a signal in kmm and behave like mutex_lock.
 * Context: process context (mutex_trylock and mutex_is_locked: any).
 */
#ifndef KMM_MUTEX_H
#define KMM_MUTEX_H

#include "types.h"
#include "lockdep.h"

struct kmm_thread;

struct mutex {
	int state; /* 0 unlocked, 1 locked, 2 locked and someone may sleep on it */
	struct kmm_thread *owner;
	struct lockdep_map dep_map;
};

#define __MUTEX_INITIALIZER(lockname)                                  \
	{                                                              \
		.dep_map = KMM_DEP_MAP_INIT(#lockname, &(lockname), 3) \
	}
#define DEFINE_MUTEX(mutexname) struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

/**
 * __mutex_init - initialise a mutex of class @key
 * @lock: the mutex
 * @name: class name
 * @key: class key (mutex_init() passes a static one per call site)
 *
 * Context: any.
 */
void __mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key);

#define mutex_init(mutex)                              \
	do {                                           \
		static struct lock_class_key __key;    \
		__mutex_init((mutex), #mutex, &__key); \
	} while (0)

/**
 * mutex_lock - take @lock, sleeping while another thread holds it
 * @lock: the mutex
 *
 * Context: process context; may sleep.
 */
void mutex_lock(struct mutex *lock);

/**
 * mutex_lock_nested - mutex_lock() of a second mutex of a class already held
 * @lock: the mutex
 * @subclass: nesting level
 *
 * Context: process context; may sleep.
 */
void mutex_lock_nested(struct mutex *lock, unsigned int subclass);

/**
 * mutex_lock_interruptible - take @lock unless a signal arrives (none does in kmm)
 * @lock: the mutex
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int mutex_lock_interruptible(struct mutex *lock);

/**
 * mutex_lock_killable - mutex_lock() a fatal signal could interrupt (none does in kmm)
 * @lock: the mutex
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int mutex_lock_killable(struct mutex *lock);

/**
 * mutex_trylock - take @lock if it is free
 * @lock: the mutex
 *
 * Context: any.
 * Return: 1 if taken, 0 if not.
 */
int mutex_trylock(struct mutex *lock);

/**
 * mutex_unlock - release @lock, which the calling thread must hold
 * @lock: the mutex
 *
 * Context: process context.
 */
void mutex_unlock(struct mutex *lock);

/**
 * mutex_is_locked - is @lock held by anyone?
 * @lock: the mutex
 *
 * Return: true if held.
 */
bool mutex_is_locked(struct mutex *lock);

static inline void mutex_destroy(struct mutex *lock)
{
	(void)lock;
}

#endif /* KMM_MUTEX_H */
