/*
 * kmm/lockdep.h - lock classes as the lock validator sees them.
 *
 * Every lock carries a lockdep_map naming its class. A class is a struct lock_class_key: a
 * static lock is its own class (its address is the key); a lock initialised at run time gets
 * the static key of its init call site, so all locks made by one spin_lock_init() line are
 * one class, as in the kernel. kmm's lockdep (src/kernel/locking/lockdep.c) records in which
 * order classes are taken and reports the first cycle.
 */
#ifndef KMM_LOCKDEP_H
#define KMM_LOCKDEP_H

#include "types.h"

/* Only its address matters; the size lets key + subclass name distinct classes. */
struct lock_class_key {
	char subkeys[8];
};

#define MAX_LOCKDEP_SUBCLASSES 8
#define SINGLE_DEPTH_NESTING 1

struct lockdep_map {
	const void *key; /* struct lock_class_key or the static lock itself */
	const char *name; /* the class name printed in reports */
	int wait_type; /* 2 spinning, 3 sleeping: the "{2:2}" of reports */
	unsigned short class_idx[MAX_LOCKDEP_SUBCLASSES]; /* lockdep's cache: 0 = not looked up */
};

#define KMM_DEP_MAP_INIT(lockname, k, wt)                         \
	{                                                         \
		.key = (k), .name = (lockname), .wait_type = (wt) \
	}

/**
 * lockdep_init_map - name the class of a lock
 * @map: the lock's map
 * @name: class name as reports print it
 * @key: the class key
 * @wait_type: 2 for spinning locks, 3 for sleeping ones
 *
 * Context: any.
 */
void lockdep_init_map(struct lockdep_map *map, const char *name, const void *key, int wait_type);

/**
 * lock_acquire - tell lockdep the calling thread is taking a lock
 * @map: the lock
 * @subclass: nesting level for locks of one class taken in a fixed order
 * @trylock: true when the acquisition cannot block (no order is recorded)
 * @ip: the caller's address, printed as "at:"
 *
 * Reports "possible circular locking dependency detected" the first time the order of
 * classes closes a cycle. Context: any.
 */
void lock_acquire(struct lockdep_map *map, unsigned int subclass, bool trylock, void *ip);

/**
 * lock_release - the calling thread released a lock
 * @map: the lock
 *
 * Context: any.
 */
void lock_release(struct lockdep_map *map);

/**
 * lockdep_depth - number of locks the calling thread holds as lockdep counts them
 *
 * Context: any.
 * Return: the count.
 */
unsigned int lockdep_depth(void);

/**
 * debug_show_held_locks - print the calling thread's held locks to stderr
 *
 * Context: any.
 */
void debug_show_held_locks(void);

/* Assertions drivers write; kmm checks them against the calling thread's held locks. */
bool lockdep_is_held(const struct lockdep_map *map);
#define lockdep_assert_held(l) \
	((void)(lockdep_is_held(&(l)->dep_map) || kmm_lockdep_warn_not_held(#l)))

/**
 * kmm_lockdep_warn_not_held - report a failed lockdep_assert_held()
 * @what: the expression naming the lock
 *
 * Context: any.
 * Return: false.
 */
bool kmm_lockdep_warn_not_held(const char *what);

#endif /* KMM_LOCKDEP_H */
