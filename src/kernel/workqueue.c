/*
 * workqueue.c - workqueues: FIFO lists of work items served by worker threads.
 *
 * Data: each workqueue has a list of queued items and a fixed set of workers, each noting
 * the item it runs (current). An item's PENDING bit is set by whoever queues it (one atomic
 * test-and-set, so a pending item is never queued twice) and cleared by the worker just
 * before it runs the function, so the function may queue its own item again. After the
 * function returns the worker never touches the item: it may have been freed. An item queued
 * again while it runs waits until that run ends (non-reentrant, as in the kernel).
 * Delayed work arms a timer whose callback (softirq context) puts the item on the list.
 *
 * Lock order: wq->lock is a leaf, never held across a work function. Workers are ordinary
 * threads in process context; a function that returns atomic or with locks held is
 * reported in the kernel's words ("BUG: workqueue leaked lock or atomic").
 * Context: see kmm/workqueue.h.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <kmm/workqueue.h>
#include <kmm/bitops.h>
#include <kmm/context.h>
#include "machine/cpu.h"
#include "lib/list.h"
#include "kernel/deferred.h"

#define MAX_WORKERS 8
#define MIN_WORKERS 4

struct worker {
	pthread_t thread;
	struct workqueue_struct *wq;
	struct work_struct *current; /* under wq->lock */
	unsigned int id;
};

struct workqueue_struct {
	char name[24];
	unsigned int flags;
	pthread_mutex_t lock;
	pthread_cond_t more; /* an item was queued, or stop */
	pthread_cond_t idle; /* an item finished */
	struct list_head list;
	bool stop;
	unsigned int nr_workers;
	struct worker workers[MAX_WORKERS];
};

static pthread_mutex_t system_lock = PTHREAD_MUTEX_INITIALIZER;
static struct workqueue_struct *system_queue;
static unsigned int next_wq_id;

/*
 * The first queued item no worker is running: an item queued again while it runs waits for
 * that run to end, so one item never runs twice at once (the kernel's non-reentrancy).
 * Caller holds wq->lock.
 */
static struct work_struct *next_runnable(struct workqueue_struct *wq)
{
	struct work_struct *work;

	list_for_each_entry (work, &wq->list, entry) {
		bool running = false;

		for (unsigned int i = 0; i < wq->nr_workers && !running; i++)
			running = wq->workers[i].current == work;
		if (!running)
			return work;
	}
	return NULL;
}

static bool item_queued(struct work_struct *work)
{
	return work->entry.next != NULL;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct workqueue_struct *wq = w->wq;
	char comm[32];

	snprintf(comm, sizeof(comm), "kworker/%u:%u", (w->id % cpu_count()) & 0xff, w->id & 0xfff);
	kmm_set_current_comm(comm);
	pthread_mutex_lock(&wq->lock);
	for (;;) {
		struct work_struct *work;
		work_func_t fn;

		while (!(work = next_runnable(wq)) && !wq->stop)
			pthread_cond_wait(&wq->more, &wq->lock);
		if (!work)
			break;
		list_del(&work->entry);
		fn = work->func;
		w->current = work;
		clear_bit(WORK_STRUCT_PENDING_BIT, &work->data);
		pthread_mutex_unlock(&wq->lock);
		fn(work);
		deferred_check_leak(thread_current(), "workqueue", (void *)fn, 0, false);
		pthread_mutex_lock(&wq->lock);
		w->current = NULL;
		pthread_cond_broadcast(&wq->idle);
		/* An item queued again while it ran may now be taken by any worker. */
		pthread_cond_broadcast(&wq->more);
	}
	pthread_mutex_unlock(&wq->lock);
	return NULL;
}

/* Make a workqueue and start its workers; no might_sleep(), so system_wq can be made lazily
 * by whoever queues on it first, in any context. */
static struct workqueue_struct *create_wq(unsigned int flags, int max_active, const char *fmt,
					  va_list ap)
{
	struct workqueue_struct *wq = calloc(1, sizeof(*wq));
	unsigned int base = __atomic_fetch_add(&next_wq_id, MAX_WORKERS, __ATOMIC_RELAXED);

	if (!wq)
		return NULL;
	vsnprintf(wq->name, sizeof(wq->name), fmt, ap);
	wq->flags = flags;
	pthread_mutex_init(&wq->lock, NULL);
	pthread_cond_init(&wq->more, NULL);
	pthread_cond_init(&wq->idle, NULL);
	INIT_LIST_HEAD(&wq->list);
	if (flags & __WQ_ORDERED)
		wq->nr_workers = 1;
	else if (max_active > 0 && max_active < MIN_WORKERS)
		wq->nr_workers = (unsigned int)max_active;
	else
		wq->nr_workers = cpu_count() > MIN_WORKERS ? cpu_count() : MIN_WORKERS;
	if (wq->nr_workers > MAX_WORKERS)
		wq->nr_workers = MAX_WORKERS;
	for (unsigned int i = 0; i < wq->nr_workers; i++) {
		wq->workers[i].wq = wq;
		wq->workers[i].id = base + i;
		if (pthread_create(&wq->workers[i].thread, NULL, worker_main, &wq->workers[i])) {
			wq->nr_workers = i;
			destroy_workqueue(wq);
			return NULL;
		}
	}
	return wq;
}

static __attribute__((format(printf, 3, 4))) struct workqueue_struct *
create_wq_named(unsigned int flags, int max_active, const char *fmt, ...)
{
	struct workqueue_struct *wq;
	va_list ap;

	va_start(ap, fmt);
	wq = create_wq(flags, max_active, fmt, ap);
	va_end(ap);
	return wq;
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...)
{
	struct workqueue_struct *wq;
	va_list ap;

	might_sleep();
	va_start(ap, max_active);
	wq = create_wq(flags, max_active, fmt, ap);
	va_end(ap);
	return wq;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	might_sleep();
	if (!wq)
		return;
	pthread_mutex_lock(&wq->lock);
	wq->stop = true;
	pthread_cond_broadcast(&wq->more);
	pthread_mutex_unlock(&wq->lock);
	for (unsigned int i = 0; i < wq->nr_workers; i++)
		pthread_join(wq->workers[i].thread, NULL);
	pthread_mutex_destroy(&wq->lock);
	pthread_cond_destroy(&wq->more);
	pthread_cond_destroy(&wq->idle);
	free(wq);
}

struct workqueue_struct *kmm_system_wq(void)
{
	struct workqueue_struct *wq = __atomic_load_n(&system_queue, __ATOMIC_ACQUIRE);

	if (wq)
		return wq;
	pthread_mutex_lock(&system_lock);
	if (!system_queue)
		__atomic_store_n(&system_queue, create_wq_named(0, 0, "events"), __ATOMIC_RELEASE);
	wq = system_queue;
	pthread_mutex_unlock(&system_lock);
	return wq;
}

void workqueue_shutdown(void)
{
	pthread_mutex_lock(&system_lock);
	destroy_workqueue(system_queue);
	__atomic_store_n(&system_queue, NULL, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&system_lock);
}

/* Put @work (its PENDING bit already set by the caller) on @wq. */
static void enqueue(struct workqueue_struct *wq, struct work_struct *work)
{
	pthread_mutex_lock(&wq->lock);
	__atomic_store_n(&work->kmm_wq, wq, __ATOMIC_RELEASE);
	list_add_tail(&work->entry, &wq->list);
	pthread_cond_signal(&wq->more);
	pthread_mutex_unlock(&wq->lock);
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, &work->data))
		return false;
	enqueue(wq, work);
	return true;
}

bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work)
{
	return queue_work(wq, work);
}

void kmm_delayed_work_timer_fn(struct timer_list *timer)
{
	struct delayed_work *dw = container_of(timer, struct delayed_work, timer);

	enqueue(dw->wq, &dw->work);
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay)
{
	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, &dwork->work.data))
		return false;
	if (!delay) {
		enqueue(wq, &dwork->work);
		return true;
	}
	dwork->wq = wq;
	dwork->timer.function = kmm_delayed_work_timer_fn;
	mod_timer(&dwork->timer, kmm_jiffies() + delay);
	return true;
}

/* Wait until @work is neither queued on nor running in its workqueue; true if it had to. */
static bool wait_idle(struct work_struct *work, bool cancel, bool *was_pending)
{
	struct workqueue_struct *wq = __atomic_load_n(&work->kmm_wq, __ATOMIC_ACQUIRE);
	bool waited = false;

	if (!wq)
		return false;
	pthread_mutex_lock(&wq->lock);
	if (cancel && item_queued(work)) {
		list_del(&work->entry);
		clear_bit(WORK_STRUCT_PENDING_BIT, &work->data);
		*was_pending = true;
	}
	for (;;) {
		bool busy = item_queued(work);

		for (unsigned int i = 0; !busy && i < wq->nr_workers; i++)
			busy = wq->workers[i].current == work;
		if (!busy)
			break;
		context_schedule();
		pthread_cond_wait(&wq->idle, &wq->lock);
		waited = true;
	}
	pthread_mutex_unlock(&wq->lock);
	return waited;
}

bool flush_work(struct work_struct *work)
{
	bool ignored = false;

	might_sleep();
	return wait_idle(work, false, &ignored);
}

bool cancel_work_sync(struct work_struct *work)
{
	bool was = false;

	might_sleep();
	wait_idle(work, true, &was);
	return was;
}

bool cancel_work(struct work_struct *work)
{
	struct workqueue_struct *wq = __atomic_load_n(&work->kmm_wq, __ATOMIC_ACQUIRE);
	bool was = false;

	if (!wq)
		return false;
	pthread_mutex_lock(&wq->lock);
	if (item_queued(work)) {
		list_del(&work->entry);
		clear_bit(WORK_STRUCT_PENDING_BIT, &work->data);
		was = true;
	}
	pthread_mutex_unlock(&wq->lock);
	return was;
}

bool cancel_delayed_work(struct delayed_work *dwork)
{
	if (del_timer(&dwork->timer)) {
		clear_bit(WORK_STRUCT_PENDING_BIT, &dwork->work.data);
		return true;
	}
	return cancel_work(&dwork->work);
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	bool was = false;

	might_sleep();
	if (del_timer_sync(&dwork->timer)) {
		clear_bit(WORK_STRUCT_PENDING_BIT, &dwork->work.data);
		was = true;
	}
	return cancel_work_sync(&dwork->work) || was;
}

bool flush_delayed_work(struct delayed_work *dwork)
{
	might_sleep();
	if (del_timer_sync(&dwork->timer))
		enqueue(dwork->wq, &dwork->work);
	return flush_work(&dwork->work);
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay)
{
	bool was = cancel_delayed_work(dwork);

	queue_delayed_work(wq, dwork, delay);
	return was;
}

void flush_workqueue(struct workqueue_struct *wq)
{
	might_sleep();
	pthread_mutex_lock(&wq->lock);
	for (;;) {
		bool busy = !list_empty(&wq->list);

		for (unsigned int i = 0; !busy && i < wq->nr_workers; i++)
			busy = wq->workers[i].current != NULL;
		if (!busy)
			break;
		context_schedule();
		pthread_cond_wait(&wq->idle, &wq->lock);
	}
	pthread_mutex_unlock(&wq->lock);
}
