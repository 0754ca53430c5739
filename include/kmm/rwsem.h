/*
 * kmm/rwsem.h - struct rw_semaphore: a sleeping reader/writer lock.
 *
 * Many readers or one writer. Writers are preferred once they wait: a reader arriving while
 * a writer sleeps waits too, so writers are not starved. Taking it may sleep (might_sleep()).
 * Context: process context (the trylock forms: any).
 */
#ifndef KMM_RWSEM_H
#define KMM_RWSEM_H

#include "types.h"
#include "lockdep.h"

struct rw_semaphore {
	int count; /* -1 a writer holds it, n >= 0 readers */
	int writers_waiting;
	struct lockdep_map dep_map;
};

#define __RWSEM_INITIALIZER(name)                              \
	{                                                      \
		.dep_map = KMM_DEP_MAP_INIT(#name, &(name), 3) \
	}
#define DECLARE_RWSEM(name) struct rw_semaphore name = __RWSEM_INITIALIZER(name)

/**
 * __init_rwsem - initialise a reader/writer semaphore of class @key
 * @sem: the semaphore
 * @name: class name
 * @key: class key (init_rwsem() passes a static one per call site)
 *
 * Context: any.
 */
void __init_rwsem(struct rw_semaphore *sem, const char *name, struct lock_class_key *key);

#define init_rwsem(sem)                             \
	do {                                        \
		static struct lock_class_key __key; \
		__init_rwsem((sem), #sem, &__key);  \
	} while (0)

/**
 * down_read - take @sem shared, sleeping while a writer holds or waits for it
 * @sem: the semaphore
 *
 * Context: process context; may sleep.
 */
void down_read(struct rw_semaphore *sem);

/**
 * up_read - release a shared hold of @sem
 * @sem: the semaphore
 *
 * Context: process context.
 */
void up_read(struct rw_semaphore *sem);

/**
 * down_write - take @sem exclusively, sleeping while anyone holds it
 * @sem: the semaphore
 *
 * Context: process context; may sleep.
 */
void down_write(struct rw_semaphore *sem);

/**
 * up_write - release the exclusive hold of @sem
 * @sem: the semaphore
 *
 * Context: process context.
 */
void up_write(struct rw_semaphore *sem);

/* Return 1 if taken, 0 if not, without sleeping. Context: any. */
int down_read_trylock(struct rw_semaphore *sem);
int down_write_trylock(struct rw_semaphore *sem);

/**
 * downgrade_write - turn a held write lock into a read lock, letting no writer in between
 * @sem: the semaphore, write-held by the caller
 *
 * Context: process context.
 */
void downgrade_write(struct rw_semaphore *sem);

#endif /* KMM_RWSEM_H */
