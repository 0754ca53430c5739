/*
 * park.h - putting a thread to sleep on a word until it changes (defined in park.c).
 *
 * The blocking primitives (mutex, semaphore, rw_semaphore, wait queues, completions) keep
 * their state in one int and sleep here when it says "not yet": park_wait() sleeps only if
 * the word still holds the value the caller saw, and park_wake() must follow every change
 * that could let a sleeper go on. This is the futex contract, built on a table of hashed
 * mutex/condvar buckets so the primitives need no initialisation beyond zero.
 */
#ifndef KMM_INTERNAL_PARK_H
#define KMM_INTERNAL_PARK_H

#include <time.h>
#include "machine/os.h"

/* An absolute CLOCK_MONOTONIC deadline @ms milliseconds from now. */
KMM_HIDDEN void park_deadline(struct timespec *ts, long ms);

/*
 * Sleep while *@word == @expected, until woken or @deadline (NULL: no limit) passes.
 * Return: 0 when woken (or the word had changed), -ETIMEDOUT at the deadline.
 */
KMM_HIDDEN int park_wait(const int *word, int expected, const struct timespec *deadline);

/* Wake every thread parked on @word; the caller has already changed the word. */
KMM_HIDDEN void park_wake(const int *word);

#endif /* KMM_INTERNAL_PARK_H */
