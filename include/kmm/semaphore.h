/*
 * kmm/semaphore.h - struct semaphore: a counting sleeping lock with no owner.
 *
 * down() may sleep (so it calls might_sleep()); up() may be called from any context,
 * including an interrupt handler, and by a thread other than the one that called down().
 * Context: down* in process context (down_trylock: any); up: any.
 */
#ifndef KMM_SEMAPHORE_H
#define KMM_SEMAPHORE_H

#include "types.h"

struct semaphore {
	int count; /* units available; never negative */
};

#define __SEMAPHORE_INITIALIZER(name, n) \
	{                                \
		.count = (n)             \
	}
#define DEFINE_SEMAPHORE(name) struct semaphore name = __SEMAPHORE_INITIALIZER(name, 1)

static inline void sema_init(struct semaphore *sem, int val)
{
	__atomic_store_n(&sem->count, val, __ATOMIC_RELAXED);
}

/**
 * down - take one unit of @sem, sleeping until one is available
 * @sem: the semaphore
 *
 * Context: process context; may sleep.
 */
void down(struct semaphore *sem);

/**
 * down_interruptible - down() that a signal could interrupt (none does in kmm)
 * @sem: the semaphore
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int down_interruptible(struct semaphore *sem);

/**
 * down_killable - down() a fatal signal could interrupt (none does in kmm)
 * @sem: the semaphore
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int down_killable(struct semaphore *sem);

/**
 * down_trylock - take a unit if one is available, without sleeping
 * @sem: the semaphore
 *
 * Context: any.
 * Return: 0 if taken, 1 if not (the kernel's inverted sense).
 */
int down_trylock(struct semaphore *sem);

/**
 * down_timeout - down() giving up after @timeout jiffies
 * @sem: the semaphore
 * @timeout: jiffies to wait
 *
 * Context: process context; may sleep.
 * Return: 0, or -ETIME if no unit came in time.
 */
int down_timeout(struct semaphore *sem, long timeout);

/**
 * up - give back one unit of @sem, waking a sleeper
 * @sem: the semaphore
 *
 * Context: any.
 */
void up(struct semaphore *sem);

#endif /* KMM_SEMAPHORE_H */
