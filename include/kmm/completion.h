/*
 * kmm/completion.h - struct completion: "wait until this has happened".
 *
 * complete() may be called from any context, typically an interrupt handler or a timer;
 * wait_for_completion() sleeps (and checks might_sleep()) until a complete() is available.
 * complete_all() releases every present and future waiter until reinit_completion().
 * Context: wait_for_completion* in process context; complete*, try_wait and done from any.
 */
#ifndef KMM_COMPLETION_H
#define KMM_COMPLETION_H

#include <limits.h>
#include "types.h"

struct completion {
	int done; /* complete() calls not yet consumed; COMPLETION_ALL after complete_all() */
};

#define COMPLETION_ALL (INT_MAX / 2)
#define COMPLETION_INITIALIZER(work) \
	{                            \
		.done = 0            \
	}
#define DECLARE_COMPLETION(work) struct completion work = COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION_ONSTACK(work) DECLARE_COMPLETION(work)

static inline void init_completion(struct completion *x)
{
	__atomic_store_n(&x->done, 0, __ATOMIC_RELAXED);
}

static inline void reinit_completion(struct completion *x)
{
	__atomic_store_n(&x->done, 0, __ATOMIC_RELAXED);
}

/**
 * complete - signal one waiter of @x (or the next one to come)
 * @x: the completion
 *
 * Context: any.
 */
void complete(struct completion *x);

/**
 * complete_all - signal every waiter of @x, now and until reinit_completion()
 * @x: the completion
 *
 * Context: any.
 */
void complete_all(struct completion *x);

/**
 * wait_for_completion - sleep until @x is completed
 * @x: the completion
 *
 * Context: process context; may sleep.
 */
void wait_for_completion(struct completion *x);

/**
 * wait_for_completion_timeout - wait_for_completion() for at most @timeout jiffies
 * @x: the completion
 * @timeout: jiffies
 *
 * Context: process context; may sleep.
 * Return: 0 on timeout, else the jiffies left (at least 1).
 */
unsigned long wait_for_completion_timeout(struct completion *x, unsigned long timeout);
int wait_for_completion_interruptible(struct completion *x);
int wait_for_completion_killable(struct completion *x);
long wait_for_completion_interruptible_timeout(struct completion *x, unsigned long timeout);

/**
 * try_wait_for_completion - consume a completion without sleeping
 * @x: the completion
 *
 * Context: any.
 * Return: true if one was consumed.
 */
bool try_wait_for_completion(struct completion *x);

/**
 * completion_done - would wait_for_completion() return at once?
 * @x: the completion
 *
 * Return: true if a completion is pending.
 */
bool completion_done(struct completion *x);

#endif /* KMM_COMPLETION_H */
