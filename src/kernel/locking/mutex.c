/*
 * mutex.c - struct mutex.
 *
 * state is the whole lock: 0 free, 1 held, 2 held and someone may be parked on it. Taking it
 * is one compare-and-swap from 0; a contended taker swaps in 2 and parks on the word until it
 * sees the swap return 0. Releasing swaps in 0 and wakes the word only if it was 2. owner is
 * written by the holder after taking the word and cleared before giving it back; others read
 * it only for the wrong-owner check and to refuse a recursive mutex_lock (reported by lockdep:
 * "possible recursive locking detected") instead of hanging on it.
 *
 * Lock order: parks in park.c (a leaf); may be taken with other mutexes and spinlocks held
 * only in the order lockdep has seen. Context: process context; mutex_trylock from any.
 */
#include <kmm/mutex.h>
#include <kmm/context.h>
#include "machine/thread.h"
#include "machine/park.h"
#include "machine/report.h"
#include "kernel/locking/lockdep.h"

void __mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key)
{
	lock->state = 0;
	lock->owner = NULL;
	lockdep_init_map(&lock->dep_map, name, key, 3);
}

static void take(struct mutex *lock, unsigned int subclass, void *ip)
{
	int c = 0;

	might_sleep();
	lock_acquire(&lock->dep_map, subclass, false, ip);
	if (__builtin_expect(__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == thread_current(),
			     0)) {
		/* The kernel would hang here for good; lockdep has said why. Go on unlocked. */
		lock_release(&lock->dep_map);
		return;
	}
	if (!__atomic_compare_exchange_n(&lock->state, &c, 1, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED)) {
		while (__atomic_exchange_n(&lock->state, 2, __ATOMIC_ACQUIRE) != 0)
			park_wait(&lock->state, 2, NULL);
	}
	__atomic_store_n(&lock->owner, thread_current(), __ATOMIC_RELAXED);
}

void mutex_lock(struct mutex *lock)
{
	take(lock, 0, __builtin_return_address(0));
}

void mutex_lock_nested(struct mutex *lock, unsigned int subclass)
{
	take(lock, subclass, __builtin_return_address(0));
}

int mutex_lock_interruptible(struct mutex *lock)
{
	take(lock, 0, __builtin_return_address(0));
	return 0;
}

int mutex_lock_killable(struct mutex *lock)
{
	take(lock, 0, __builtin_return_address(0));
	return 0;
}

int mutex_trylock(struct mutex *lock)
{
	int c = 0;

	if (!__atomic_compare_exchange_n(&lock->state, &c, 1, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return 0;
	lock_acquire(&lock->dep_map, 0, true, __builtin_return_address(0));
	__atomic_store_n(&lock->owner, thread_current(), __ATOMIC_RELAXED);
	return 1;
}

static void report_bad_unlock(struct mutex *lock, void *ip)
{
	lockdep_report_bad_unlock(thread_current(), lock->dep_map.name, ip);
}

static void report_wrong_owner(struct mutex *lock)
{
	struct kmm_thread *t = thread_current();
	struct kmm_thread *owner = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);

	report_start("mutex_owner",
		     "WARNING: CPU: %u PID: %d at kernel/locking/mutex.c mutex_unlock", t->cpu,
		     t->pid);
	report_add("DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)");
	report_add("lock: %s (%p), owner: %s/%d", lock->dep_map.name, (void *)lock,
		   owner ? owner->comm : "<none>", owner ? owner->pid : -1);
	report_add_task();
	report_add_stack();
	report_finish();
}

void mutex_unlock(struct mutex *lock)
{
	struct kmm_thread *t = thread_current();

	if (!__atomic_load_n(&lock->state, __ATOMIC_RELAXED)) {
		report_bad_unlock(lock, __builtin_return_address(0));
		return;
	}
	if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != t)
		report_wrong_owner(lock);
	else
		lock_release(&lock->dep_map);
	__atomic_store_n(&lock->owner, NULL, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&lock->state, 0, __ATOMIC_SEQ_CST) == 2)
		park_wake(&lock->state);
}

bool mutex_is_locked(struct mutex *lock)
{
	return __atomic_load_n(&lock->state, __ATOMIC_RELAXED) != 0;
}
