/*
 * kmm/workqueue.h - work items run later in process context by worker threads.
 *
 * A work item runs on one of its workqueue's worker threads ("kworker/N:M"), in process
 * context: it may sleep, take mutexes and allocate with GFP_KERNEL. Queueing an item that is
 * already pending does nothing. system_wq and friends are created on first use.
 * Context: queueing, scheduling, cancel_work and cancel_delayed_work: any; the flush and
 * _sync forms and alloc/destroy_workqueue: process context.
 */
#ifndef KMM_WORKQUEUE_H
#define KMM_WORKQUEUE_H

#include "types.h"
#include "timer.h"

struct work_struct;
struct workqueue_struct;
typedef void (*work_func_t)(struct work_struct *work);

enum {
	WORK_STRUCT_PENDING_BIT = 0,
};

struct work_struct {
	unsigned long data; /* WORK_STRUCT_PENDING_BIT while queued */
	struct list_head entry;
	work_func_t func;
	struct workqueue_struct *kmm_wq; /* the queue it was last put on */
};

struct delayed_work {
	struct work_struct work;
	struct timer_list timer;
	struct workqueue_struct *wq;
};

#define __WORK_INITIALIZER(n, f) \
	{                        \
		.func = (f)      \
	}
#define DECLARE_WORK(n, f) struct work_struct n = __WORK_INITIALIZER(n, f)
#define DECLARE_DELAYED_WORK(n, f)                                       \
	struct delayed_work n = { .work = __WORK_INITIALIZER(n.work, f), \
				  .timer = __TIMER_INITIALIZER(kmm_delayed_work_timer_fn, 0) }

void kmm_delayed_work_timer_fn(struct timer_list *timer);

static inline void INIT_WORK(struct work_struct *work, work_func_t func)
{
	work->data = 0;
	work->entry.next = work->entry.prev = NULL;
	work->func = func;
	work->kmm_wq = NULL;
}

#define INIT_DELAYED_WORK(dw, f)                                         \
	do {                                                             \
		INIT_WORK(&(dw)->work, (f));                             \
		timer_setup(&(dw)->timer, kmm_delayed_work_timer_fn, 0); \
		(dw)->wq = NULL;                                         \
	} while (0)
#define INIT_WORK_ONSTACK(w, f) INIT_WORK(w, f)
#define to_delayed_work(w) container_of(w, struct delayed_work, work)

#define WQ_UNBOUND (1 << 1)
#define WQ_FREEZABLE (1 << 2)
#define WQ_MEM_RECLAIM (1 << 3)
#define WQ_HIGHPRI (1 << 4)
#define WQ_CPU_INTENSIVE (1 << 5)
#define WQ_SYSFS (1 << 6)
#define __WQ_ORDERED (1 << 17)
#define WQ_MAX_ACTIVE 512

/**
 * alloc_workqueue - create a workqueue
 * @fmt: printf format of its name
 * @flags: WQ_* flags; __WQ_ORDERED (alloc_ordered_workqueue) runs one item at a time
 * @max_active: items that may run at once (0: the default)
 *
 * Context: process context.
 * Return: the workqueue, or NULL.
 */
struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...)
	__attribute__((format(printf, 1, 4)));
#define alloc_ordered_workqueue(fmt, flags, ...) \
	alloc_workqueue(fmt, __WQ_ORDERED | (flags), 1, ##__VA_ARGS__)
#define create_workqueue(name) alloc_workqueue("%s", WQ_MEM_RECLAIM, 1, (name))
#define create_singlethread_workqueue(name) alloc_ordered_workqueue("%s", WQ_MEM_RECLAIM, name)

/**
 * destroy_workqueue - run what is queued on @wq, stop its workers and free it
 * @wq: the workqueue
 *
 * Context: process context.
 */
void destroy_workqueue(struct workqueue_struct *wq);

/**
 * queue_work - put @work on @wq unless it is already pending
 * @wq: the workqueue
 * @work: the item
 *
 * Context: any.
 * Return: true if queued, false if it was already pending.
 */
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);

/**
 * queue_work_on - queue_work(); kmm's workers are not bound to CPUs, so @cpu is a hint
 * @cpu: preferred CPU
 * @wq: the workqueue
 * @work: the item
 *
 * Context: any.
 * Return: true if queued, false if it was already pending.
 */
bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work);

/**
 * queue_delayed_work - queue @dwork on @wq after @delay jiffies
 * @wq: the workqueue
 * @dwork: the item
 * @delay: jiffies to wait first (0: now)
 *
 * Context: any.
 * Return: true if queued, false if it was already pending.
 */
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay);

/**
 * mod_delayed_work - (re)queue @dwork to run after @delay jiffies, pending or not
 * @wq: the workqueue
 * @dwork: the item
 * @delay: jiffies
 *
 * Context: any.
 * Return: true if it was pending before.
 */
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay);

/**
 * flush_work - wait until @work has finished running (if pending or running)
 * @work: the item
 *
 * Context: process context; may sleep.
 * Return: true if it had to wait.
 */
bool flush_work(struct work_struct *work);
bool flush_delayed_work(struct delayed_work *dwork);

/**
 * cancel_work_sync - take @work off its queue and wait for a running instance
 * @work: the item
 *
 * Context: process context; may sleep.
 * Return: true if it was pending.
 */
bool cancel_work_sync(struct work_struct *work);

/**
 * cancel_work - take @work off its queue if it has not started; does not wait
 * @work: the item
 *
 * Context: any.
 * Return: true if it was pending.
 */
bool cancel_work(struct work_struct *work);

/**
 * cancel_delayed_work - disarm @dwork's timer or take it off its queue; does not wait
 * @dwork: the item
 *
 * Context: any.
 * Return: true if it was pending.
 */
bool cancel_delayed_work(struct delayed_work *dwork);
bool cancel_delayed_work_sync(struct delayed_work *dwork);

/**
 * flush_workqueue - wait until everything queued on @wq so far has run
 * @wq: the workqueue
 *
 * Context: process context; may sleep.
 */
void flush_workqueue(struct workqueue_struct *wq);

static inline bool work_pending(const struct work_struct *work)
{
	return __atomic_load_n(&work->data, __ATOMIC_RELAXED) & (1ul << WORK_STRUCT_PENDING_BIT);
}
#define delayed_work_pending(w) work_pending(&(w)->work)

/**
 * kmm_system_wq - the shared workqueue behind system_wq, created on first use
 *
 * Context: any.
 * Return: it.
 */
struct workqueue_struct *kmm_system_wq(void);

#define system_wq kmm_system_wq()
#define system_highpri_wq kmm_system_wq()
#define system_long_wq kmm_system_wq()
#define system_unbound_wq kmm_system_wq()
#define system_freezable_wq kmm_system_wq()
#define system_power_efficient_wq kmm_system_wq()

static inline bool schedule_work(struct work_struct *work)
{
	return queue_work(system_wq, work);
}

static inline bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay)
{
	return queue_delayed_work(system_wq, dwork, delay);
}

static inline void flush_scheduled_work(void)
{
	flush_workqueue(system_wq);
}

#endif /* KMM_WORKQUEUE_H */
