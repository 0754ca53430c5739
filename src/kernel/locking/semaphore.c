/*
 * semaphore.c - struct semaphore, a count of free units.
 *
 * down() decrements count with compare-and-swap while it is positive and parks on the word
 * while it is zero; up() increments it and wakes the word. No owner, no lockdep class:
 * semaphores are released by whoever finishes the work, often an interrupt handler.
 * Context: down* in process context; up from any.
 */
#include <errno.h>

#include <kmm/semaphore.h>
#include <kmm/context.h>
#include <kmm/jiffies.h>
#include "machine/park.h"

int down_trylock(struct semaphore *sem)
{
	int c = __atomic_load_n(&sem->count, __ATOMIC_RELAXED);

	while (c > 0)
		if (__atomic_compare_exchange_n(&sem->count, &c, c - 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return 0;
	return 1;
}

static int down_until(struct semaphore *sem, const struct timespec *deadline)
{
	might_sleep();
	while (down_trylock(sem))
		if (park_wait(&sem->count, 0, deadline) == -ETIMEDOUT && down_trylock(sem))
			return -ETIME;
	return 0;
}

void down(struct semaphore *sem)
{
	down_until(sem, NULL);
}

int down_interruptible(struct semaphore *sem)
{
	return down_until(sem, NULL);
}

int down_killable(struct semaphore *sem)
{
	return down_until(sem, NULL);
}

int down_timeout(struct semaphore *sem, long timeout)
{
	struct timespec deadline;

	park_deadline(&deadline,
		      (long)jiffies_to_msecs((unsigned long)(timeout > 0 ? timeout : 0)));
	return down_until(sem, &deadline);
}

void up(struct semaphore *sem)
{
	__atomic_fetch_add(&sem->count, 1, __ATOMIC_SEQ_CST);
	park_wake(&sem->count);
}
