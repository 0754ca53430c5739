/*
 * rwsem.c - struct rw_semaphore.
 *
 * count is -1 while a writer holds the semaphore and the number of readers otherwise; both
 * kinds park on count. A writer that has to wait raises writers_waiting, which turns new
 * readers away until it gets in. Writers are tracked by lockdep; readers, which may nest,
 * are not.
 * Context: process context; the trylock forms from any.
 */
#include <kmm/rwsem.h>
#include <kmm/context.h>
#include "machine/park.h"

void __init_rwsem(struct rw_semaphore *sem, const char *name, struct lock_class_key *key)
{
	sem->count = 0;
	sem->writers_waiting = 0;
	lockdep_init_map(&sem->dep_map, name, key, 3);
}

static bool try_read(struct rw_semaphore *sem, bool polite)
{
	int c = __atomic_load_n(&sem->count, __ATOMIC_RELAXED);

	while (c >= 0 && !(polite && __atomic_load_n(&sem->writers_waiting, __ATOMIC_RELAXED)))
		if (__atomic_compare_exchange_n(&sem->count, &c, c + 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return true;
	return false;
}

static bool try_write(struct rw_semaphore *sem)
{
	int c = 0;

	return __atomic_compare_exchange_n(&sem->count, &c, -1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

int down_read_trylock(struct rw_semaphore *sem)
{
	return try_read(sem, false);
}

int down_write_trylock(struct rw_semaphore *sem)
{
	if (!try_write(sem))
		return 0;
	lock_acquire(&sem->dep_map, 0, true, __builtin_return_address(0));
	return 1;
}

void down_read(struct rw_semaphore *sem)
{
	might_sleep();
	while (!try_read(sem, true)) {
		int c = __atomic_load_n(&sem->count, __ATOMIC_SEQ_CST);

		if (c < 0 || __atomic_load_n(&sem->writers_waiting, __ATOMIC_RELAXED))
			park_wait(&sem->count, c, NULL);
	}
}

void up_read(struct rw_semaphore *sem)
{
	if (__atomic_sub_fetch(&sem->count, 1, __ATOMIC_SEQ_CST) == 0)
		park_wake(&sem->count);
}

void down_write(struct rw_semaphore *sem)
{
	might_sleep();
	lock_acquire(&sem->dep_map, 0, false, __builtin_return_address(0));
	if (try_write(sem))
		return;
	__atomic_fetch_add(&sem->writers_waiting, 1, __ATOMIC_RELAXED);
	while (!try_write(sem)) {
		int c = __atomic_load_n(&sem->count, __ATOMIC_SEQ_CST);

		if (c != 0)
			park_wait(&sem->count, c, NULL);
	}
	__atomic_fetch_sub(&sem->writers_waiting, 1, __ATOMIC_RELAXED);
	park_wake(&sem->count); /* readers held back by this writer re-check */
}

void up_write(struct rw_semaphore *sem)
{
	lock_release(&sem->dep_map);
	__atomic_store_n(&sem->count, 0, __ATOMIC_SEQ_CST);
	park_wake(&sem->count);
}

void downgrade_write(struct rw_semaphore *sem)
{
	lock_release(&sem->dep_map);
	__atomic_store_n(&sem->count, 1, __ATOMIC_SEQ_CST);
	park_wake(&sem->count);
}
