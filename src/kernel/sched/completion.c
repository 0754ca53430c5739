/*
 * completion.c - struct completion on one counter.
 *
 * done counts complete() calls not yet consumed by a waiter; a waiter consumes one with
 * compare-and-swap or parks on the word while it is zero. complete_all() sets done so high
 * that no number of waiters can use it up.
 * Context: waiting in process context; completing from any.
 */
#include <errno.h>
#include <time.h>

#include <kmm/completion.h>
#include <kmm/context.h>
#include <kmm/jiffies.h>
#include "machine/park.h"

void complete(struct completion *x)
{
	int c = __atomic_load_n(&x->done, __ATOMIC_RELAXED);

	while (c < COMPLETION_ALL &&
	       !__atomic_compare_exchange_n(&x->done, &c, c + 1, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_RELAXED))
		;
	park_wake(&x->done);
}

void complete_all(struct completion *x)
{
	__atomic_store_n(&x->done, COMPLETION_ALL, __ATOMIC_SEQ_CST);
	park_wake(&x->done);
}

bool try_wait_for_completion(struct completion *x)
{
	int c = __atomic_load_n(&x->done, __ATOMIC_ACQUIRE);

	while (c > 0) {
		if (c >= COMPLETION_ALL)
			return true;
		if (__atomic_compare_exchange_n(&x->done, &c, c - 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_ACQUIRE))
			return true;
	}
	return false;
}

bool completion_done(struct completion *x)
{
	return __atomic_load_n(&x->done, __ATOMIC_ACQUIRE) > 0;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait up to @timeout jiffies (MAX_SCHEDULE_TIMEOUT: no limit); jiffies left, 0 on timeout. */
static long wait_until(struct completion *x, long timeout)
{
	struct timespec deadline;
	long long start = mono_ms();
	long left;

	might_sleep();
	if (timeout < MAX_SCHEDULE_TIMEOUT)
		park_deadline(&deadline, (long)jiffies_to_msecs((unsigned long)timeout));
	while (!try_wait_for_completion(x)) {
		if (park_wait(&x->done, 0, timeout < MAX_SCHEDULE_TIMEOUT ? &deadline : NULL) ==
			    -ETIMEDOUT &&
		    !try_wait_for_completion(x))
			return 0;
	}
	if (timeout >= MAX_SCHEDULE_TIMEOUT)
		return timeout;
	left = timeout - (long)msecs_to_jiffies((unsigned int)(mono_ms() - start));
	return left > 0 ? left : 1;
}

void wait_for_completion(struct completion *x)
{
	wait_until(x, MAX_SCHEDULE_TIMEOUT);
}

unsigned long wait_for_completion_timeout(struct completion *x, unsigned long timeout)
{
	return (unsigned long)wait_until(x, (long)timeout);
}

int wait_for_completion_interruptible(struct completion *x)
{
	wait_until(x, MAX_SCHEDULE_TIMEOUT);
	return 0;
}

int wait_for_completion_killable(struct completion *x)
{
	wait_until(x, MAX_SCHEDULE_TIMEOUT);
	return 0;
}

long wait_for_completion_interruptible_timeout(struct completion *x, unsigned long timeout)
{
	return wait_until(x, (long)timeout);
}
