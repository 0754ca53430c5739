/*
 * wait.c - wait queues, schedule() and schedule_timeout().
 *
 * A queue is a sequence number: sleepers park on it (park.c) with the value they read before
 * testing their condition, and every wake-up increments it and wakes the word. The
 * prepare_to_wait()/schedule() pattern keeps the prepared queue and the calling thread's task
 * state in thread-local variables. Sleeps are measured on the host's monotonic clock. Every
 * sleep runs the scheduler's atomic check (context_schedule(), here or in park_wait()).
 * Context: sleeping calls in process context; wake-ups from any.
 */
#include <errno.h>
#include <sched.h>
#include <time.h>

#include <kmm/wait.h>
#include <kmm/jiffies.h>
#include "machine/park.h"
#include "machine/thread.h"

static __thread int task_state;
static __thread struct wait_queue_entry *prepared;

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int kmm_wait_prepare(wait_queue_head_t *wq)
{
	return __atomic_load_n(&wq->seq, __ATOMIC_SEQ_CST);
}

long kmm_wait_sleep(wait_queue_head_t *wq, int seq, long timeout)
{
	struct timespec deadline;
	long long start, ms;
	long left;

	__atomic_fetch_add(&wq->sleepers, 1, __ATOMIC_SEQ_CST);
	if (timeout >= MAX_SCHEDULE_TIMEOUT) {
		park_wait(&wq->seq, seq, NULL);
		__atomic_fetch_sub(&wq->sleepers, 1, __ATOMIC_SEQ_CST);
		return timeout;
	}
	ms = jiffies_to_msecs((unsigned long)timeout);
	start = mono_ms();
	park_deadline(&deadline, (long)ms);
	park_wait(&wq->seq, seq, &deadline);
	__atomic_fetch_sub(&wq->sleepers, 1, __ATOMIC_SEQ_CST);
	left = timeout - (long)msecs_to_jiffies((unsigned int)(mono_ms() - start));
	return left > 0 ? left : 0;
}

void __wake_up(wait_queue_head_t *wq)
{
	__atomic_fetch_add(&wq->seq, 1, __ATOMIC_SEQ_CST);
	park_wake(&wq->seq);
}

void kmm_set_current_state(int state)
{
	__atomic_store_n(&task_state, state, __ATOMIC_SEQ_CST);
}

void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *wait, int state)
{
	wait->head = wq;
	wait->seq = kmm_wait_prepare(wq);
	prepared = wait;
	kmm_set_current_state(state);
}

void prepare_to_wait_exclusive(wait_queue_head_t *wq, struct wait_queue_entry *wait, int state)
{
	prepare_to_wait(wq, wait, state);
}

void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *wait)
{
	prepared = NULL;
	wait->head = NULL;
	kmm_set_current_state(TASK_RUNNING);
}

void add_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *wait)
{
	wait->head = wq;
	wait->seq = kmm_wait_prepare(wq);
	prepared = wait;
}

void remove_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *wait)
{
	prepared = NULL;
	wait->head = NULL;
}

long schedule_timeout(long timeout)
{
	struct wait_queue_entry *w = prepared;
	long left;

	/* As the kernel's: no might_sleep(), but schedule()'s check even when it returns at once. */
	context_schedule();
	if (task_state == TASK_RUNNING) {
		sched_yield();
		return timeout;
	}
	if (w) {
		left = kmm_wait_sleep(w->head, w->seq, timeout);
		w->seq = kmm_wait_prepare(w->head);
	} else if (timeout >= MAX_SCHEDULE_TIMEOUT) {
		/* Nothing can wake a thread that waits on no queue; the kernel would hang too. */
		left = timeout;
	} else {
		struct timespec ts = {
			.tv_sec = jiffies_to_msecs((unsigned long)timeout) / 1000,
			.tv_nsec = (jiffies_to_msecs((unsigned long)timeout) % 1000) * 1000000L
		};

		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		left = 0;
	}
	kmm_set_current_state(TASK_RUNNING);
	return left;
}

void schedule(void)
{
	schedule_timeout(MAX_SCHEDULE_TIMEOUT);
}

long schedule_timeout_interruptible(long timeout)
{
	kmm_set_current_state(TASK_INTERRUPTIBLE);
	return schedule_timeout(timeout);
}

long schedule_timeout_uninterruptible(long timeout)
{
	kmm_set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

long schedule_timeout_killable(long timeout)
{
	kmm_set_current_state(TASK_KILLABLE);
	return schedule_timeout(timeout);
}

long schedule_timeout_idle(long timeout)
{
	kmm_set_current_state(TASK_IDLE);
	return schedule_timeout(timeout);
}
