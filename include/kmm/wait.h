/*
 * kmm/wait.h - wait queues: sleeping until a condition becomes true.
 *
 * A wait queue head is a sequence number that every wake_up() bumps. wait_event() reads it,
 * tests the condition, and sleeps only if no wake-up came in between, so a wake-up cannot be
 * lost. The condition is the caller's: it must read what the waker writes before calling
 * wake_up() (with READ_ONCE, atomics or under a lock), as in the kernel.
 * The waiting macros check might_sleep() at the caller's own line.
 * Context: wait_event* and schedule* in process context; wake_up* from any.
 */
#ifndef KMM_WAIT_H
#define KMM_WAIT_H

#include "types.h"
#include "context.h"
#include "spinlock.h"

typedef struct wait_queue_head {
	spinlock_t lock; /* for drivers that lock the queue; kmm's own paths do not need it */
	int seq; /* bumped by every wake-up */
	int sleepers;
} wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name)             \
	{                                               \
		.lock = __SPIN_LOCK_UNLOCKED(name.lock) \
	}
#define DECLARE_WAIT_QUEUE_HEAD(name) wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

#define init_waitqueue_head(wq)                                         \
	do {                                                            \
		spin_lock_init(&(wq)->lock);                            \
		__atomic_store_n(&(wq)->seq, 0, __ATOMIC_RELAXED);      \
		__atomic_store_n(&(wq)->sleepers, 0, __ATOMIC_RELAXED); \
	} while (0)

#define TASK_RUNNING 0x0000
#define TASK_INTERRUPTIBLE 0x0001
#define TASK_UNINTERRUPTIBLE 0x0002
#define TASK_KILLABLE 0x0102
#define TASK_IDLE 0x0402

/* An entry on a wait queue, for the prepare_to_wait()/schedule() pattern. */
struct wait_queue_entry {
	wait_queue_head_t *head;
	int seq;
};
typedef struct wait_queue_entry wait_queue_entry_t;

#define DEFINE_WAIT(name) struct wait_queue_entry name = { 0 }
#define DECLARE_WAITQUEUE(name, tsk) struct wait_queue_entry name = { 0 }

/**
 * kmm_wait_prepare - note the wake-up count of @wq before testing a condition
 * @wq: the queue
 *
 * Context: any.
 * Return: the count, for kmm_wait_sleep().
 */
int kmm_wait_prepare(wait_queue_head_t *wq);

/**
 * kmm_wait_sleep - sleep until @wq is woken after @seq was read, or @timeout jiffies pass
 * @wq: the queue
 * @seq: kmm_wait_prepare()'s result
 * @timeout: jiffies, or MAX_SCHEDULE_TIMEOUT
 *
 * Context: process context.
 * Return: jiffies left of @timeout (0 if it ran out).
 */
long kmm_wait_sleep(wait_queue_head_t *wq, int seq, long timeout);

/**
 * __wake_up - wake every thread sleeping on @wq
 * @wq: the queue
 *
 * Context: any.
 */
void __wake_up(wait_queue_head_t *wq);

#define wake_up(wq) __wake_up(wq)
#define wake_up_all(wq) __wake_up(wq)
#define wake_up_nr(wq, nr) __wake_up(wq)
#define wake_up_interruptible(wq) __wake_up(wq)
#define wake_up_interruptible_all(wq) __wake_up(wq)
#define wake_up_interruptible_sync(wq) __wake_up(wq)
#define wake_up_locked(wq) __wake_up(wq)

static inline bool waitqueue_active(wait_queue_head_t *wq)
{
	return __atomic_load_n(&wq->sleepers, __ATOMIC_SEQ_CST) != 0;
}

#define __kmm_wait_event(wq, condition, timeout)                                   \
	({                                                                         \
		long __kmm_left = (timeout);                                       \
		might_sleep();                                                     \
		for (;;) {                                                         \
			int __kmm_seq = kmm_wait_prepare(&(wq));                   \
			if (condition) {                                           \
				if (!__kmm_left)                                   \
					__kmm_left = 1;                            \
				break;                                             \
			}                                                          \
			if (!__kmm_left)                                           \
				break;                                             \
			__kmm_left = kmm_wait_sleep(&(wq), __kmm_seq, __kmm_left); \
		}                                                                  \
		__kmm_left;                                                        \
	})

/* Sleep until @condition is true; re-tested after every wake-up of @wq. */
#define wait_event(wq, condition) ((void)__kmm_wait_event(wq, condition, MAX_SCHEDULE_TIMEOUT))
/* Same, giving up after @timeout jiffies. Return: 0 on timeout, else jiffies left (>= 1). */
#define wait_event_timeout(wq, condition, timeout) __kmm_wait_event(wq, condition, (long)(timeout))
/* The interruptible and killable forms: no signals in kmm, so they return 0. */
#define wait_event_interruptible(wq, condition) \
	((int)(__kmm_wait_event(wq, condition, MAX_SCHEDULE_TIMEOUT) ? 0 : 0))
#define wait_event_killable(wq, condition) wait_event_interruptible(wq, condition)
#define wait_event_interruptible_timeout(wq, condition, timeout) \
	wait_event_timeout(wq, condition, timeout)

/**
 * prepare_to_wait - get ready to sleep on @wq (then test the condition, then schedule())
 * @wq: the queue
 * @wait: the caller's entry
 * @state: TASK_INTERRUPTIBLE or TASK_UNINTERRUPTIBLE
 *
 * Context: process context.
 */
void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *wait, int state);
void prepare_to_wait_exclusive(wait_queue_head_t *wq, struct wait_queue_entry *wait, int state);
void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *wait);
void add_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *wait);
void remove_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *wait);

/* The calling thread's task state, as set_current_state() leaves it. */
void kmm_set_current_state(int state);
#define set_current_state(state) kmm_set_current_state(state)
#define __set_current_state(state) kmm_set_current_state(state)

/**
 * schedule - sleep until the queue prepared with prepare_to_wait() is woken
 *
 * With no queue prepared (or in TASK_RUNNING) it only yields the host CPU.
 * Context: process context. Called atomic, it reports "BUG: scheduling while atomic" and
 * returns with the preempt count reset to 0 and interrupts on, as the kernel's does; the
 * unlocks still to come are then absorbed, not reported as underflows. Every sleep of a
 * blocking primitive (mutex, semaphore, completion, wait_event, msleep ...) checks the same.
 */
void schedule(void);

/**
 * schedule_timeout - schedule(), for at most @timeout jiffies
 * @timeout: jiffies, or MAX_SCHEDULE_TIMEOUT
 *
 * In TASK_RUNNING it returns at once, as the kernel's does.
 * Context: process context.
 * Return: jiffies left (0 when the time ran out).
 */
long schedule_timeout(long timeout);
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_uninterruptible(long timeout);
long schedule_timeout_killable(long timeout);
long schedule_timeout_idle(long timeout);

#endif /* KMM_WAIT_H */
