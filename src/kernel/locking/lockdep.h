/*
 * lockdep.h - kmm's lock validator, for the lock implementations (defined in lockdep.c).
 *
 * Lock files call lock_acquire()/lock_release() (kmm/lockdep.h) around the real operation;
 * these helpers let them print a lock the way lockdep reports do.
 */
#ifndef KMM_INTERNAL_LOCKDEP_H
#define KMM_INTERNAL_LOCKDEP_H

#include <kmm/lockdep.h>
#include "machine/thread.h"

/* Append "ADDR (name){+.+.}-{w:w}, at: SYMBOL" for @map taken at @ip to the report. */
KMM_HIDDEN void lockdep_add_lock_line(const char *prefix, const void *lock,
				      const struct lockdep_map *map, void *ip);

/* Append "N locks held by comm/pid:" and the list, as lockdep prints them. */
KMM_HIDDEN void lockdep_add_held_locks(struct kmm_thread *t);

/* End a lockdep report: the held locks, then "stack backtrace:", the task and the stack. */
KMM_HIDDEN void lockdep_finish_report(struct kmm_thread *t);

/*
 * "WARNING: bad unlock balance detected!": @t releases @lock (a name) at @ip, but holds no
 * such lock.
 */
KMM_HIDDEN void lockdep_report_bad_unlock(struct kmm_thread *t, const char *lock, void *ip);

/* Append " SYMBOL+0xOFF/0xSIZE" for a code address (or its raw value). */
KMM_HIDDEN int lockdep_format_ip(char *buf, size_t len, void *ip);

#endif /* KMM_INTERNAL_LOCKDEP_H */
