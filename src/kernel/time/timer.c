/*
 * timer.c - timer_list: per-CPU lists of armed timers run by the softirq threads.
 *
 * Data: one list per CPU of pending timers, unsorted (arming is O(1); the softirq thread scans
 * its own list when it wakes); running[cpu] is the timer whose callback that CPU runs now.
 * All of it is under timer_lock, one mutex: timers move between CPUs when re-armed elsewhere,
 * and one lock makes that atomic. The callback runs without the lock, and after it returns
 * the timer is never touched (the callback may have freed it): only running[cpu] is cleared.
 *
 * The manual clock: kmm_jiffies_advance() asks every CPU for a timer pass (pass_req) and waits
 * until each has finished one that started after the request (pass_done). A pass runs only
 * timers armed before it began (kmm_seq), so a timer re-arming itself for "now" cannot keep a
 * pass going forever.
 * Lock order: timer_lock, then a CPU's c->lock (only to wake it). Context: see kmm/timer.h.
 */
#include <pthread.h>
#include <string.h>

#include <kmm/timer.h>
#include <kmm/context.h>
#include "machine/cpu.h"
#include "lib/list.h"
#include "kernel/deferred.h"
#include "machine/report.h"

static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_done = PTHREAD_COND_INITIALIZER;
static struct list_head lists[KMM_MAX_CPUS];
static struct timer_list *running[KMM_MAX_CPUS];
static unsigned long pass_req[KMM_MAX_CPUS], pass_done[KMM_MAX_CPUS];
static unsigned long arm_seq;
static bool lists_ready;

/* Under timer_lock. */
static struct list_head *list_of(unsigned int cpu)
{
	if (!lists_ready) {
		for (unsigned int i = 0; i < KMM_MAX_CPUS; i++)
			INIT_LIST_HEAD(&lists[i]);
		lists_ready = true;
	}
	return &lists[cpu];
}

static void wake_cpu(unsigned int cpu)
{
	struct sim_cpu *c = &sim_cpus[cpu];

	pthread_mutex_lock(&c->lock);
	pthread_cond_signal(&c->soft_wake);
	pthread_mutex_unlock(&c->lock);
}

void timer_setup(struct timer_list *timer, void (*callback)(struct timer_list *),
		 unsigned int flags)
{
	memset(timer, 0, sizeof(*timer));
	timer->function = callback;
	timer->flags = flags;
	timer->kmm_cpu = -1;
}

/* Under timer_lock: take @timer off its list; true if it was pending. */
static bool detach(struct timer_list *timer)
{
	if (timer->kmm_cpu < 0)
		return false;
	list_del(&timer->entry);
	__atomic_store_n(&timer->kmm_cpu, -1, __ATOMIC_RELAXED);
	return true;
}

static int arm(struct timer_list *timer, unsigned long expires, unsigned int cpu)
{
	int was;

	cpu %= cpu_count();
	cpu_threads_start();
	pthread_mutex_lock(&timer_lock);
	was = detach(timer);
	timer->expires = expires;
	timer->kmm_seq = ++arm_seq;
	list_add_tail(&timer->entry, list_of(cpu));
	__atomic_store_n(&timer->kmm_cpu, (int)cpu, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&timer_lock);
	wake_cpu(cpu);
	return was;
}

int mod_timer(struct timer_list *timer, unsigned long expires)
{
	return arm(timer, expires, smp_processor_id());
}

void add_timer(struct timer_list *timer)
{
	arm(timer, timer->expires, smp_processor_id());
}

void add_timer_on(struct timer_list *timer, int cpu)
{
	arm(timer, timer->expires, (unsigned int)cpu);
}

int del_timer(struct timer_list *timer)
{
	int was;

	pthread_mutex_lock(&timer_lock);
	was = detach(timer);
	pthread_mutex_unlock(&timer_lock);
	return was;
}

static bool is_running(const struct timer_list *timer)
{
	for (unsigned int i = 0; i < KMM_MAX_CPUS; i++)
		if (running[i] == timer)
			return true;
	return false;
}

int del_timer_sync(struct timer_list *timer)
{
	struct kmm_thread *t = thread_current();
	int was;

	pthread_mutex_lock(&timer_lock);
	was = detach(timer);
	if (t->role == THREAD_SOFTIRQ && running[t->cpu] == timer) {
		pthread_mutex_unlock(&timer_lock);
		report_start("timer_sync",
			     "WARNING: CPU: %u PID: %d del_timer_sync() from its own callback",
			     t->cpu, t->pid);
		report_add_task();
		report_add_stack();
		report_finish();
		return was;
	}
	while (is_running(timer))
		pthread_cond_wait(&timer_done, &timer_lock);
	pthread_mutex_unlock(&timer_lock);
	return was;
}

bool timer_pending(const struct timer_list *timer)
{
	return __atomic_load_n(&timer->kmm_cpu, __ATOMIC_RELAXED) >= 0;
}

/* Under timer_lock: the first timer of @cpu due at @now and armed by @seq. */
static struct timer_list *first_due(unsigned int cpu, unsigned long now, unsigned long seq)
{
	struct timer_list *timer;

	list_for_each_entry (timer, list_of(cpu), entry)
		if (time_after_eq(now, timer->expires) && timer->kmm_seq <= seq)
			return timer;
	return NULL;
}

void timer_run_cpu(unsigned int cpu)
{
	struct kmm_thread *t = thread_current();
	unsigned long now, seq, req;
	struct timer_list *timer;

	pthread_mutex_lock(&timer_lock);
	req = pass_req[cpu];
	seq = arm_seq;
	now = kmm_jiffies();
	while ((timer = first_due(cpu, now, seq)) != NULL) {
		void (*fn)(struct timer_list *) = timer->function;

		detach(timer);
		running[cpu] = timer;
		pthread_mutex_unlock(&timer_lock);
		fn(timer);
		deferred_check_leak(t, "timer", (void *)fn, SOFTIRQ_OFFSET, false);
		pthread_mutex_lock(&timer_lock);
		running[cpu] = NULL;
		pthread_cond_broadcast(&timer_done);
	}
	if (pass_done[cpu] < req)
		pass_done[cpu] = req;
	pthread_cond_broadcast(&timer_done);
	pthread_mutex_unlock(&timer_lock);
}

bool timer_next_expiry(unsigned int cpu, unsigned long *expires)
{
	struct timer_list *timer;
	bool any = false;

	pthread_mutex_lock(&timer_lock);
	list_for_each_entry (timer, list_of(cpu), entry) {
		if (!any || time_before(timer->expires, *expires))
			*expires = timer->expires;
		any = true;
	}
	if (pass_done[cpu] < pass_req[cpu]) {
		any = true;
		*expires = kmm_jiffies();
	}
	pthread_mutex_unlock(&timer_lock);
	return any;
}

void timer_kick_all(void)
{
	for (unsigned int i = 0; i < cpu_count(); i++)
		wake_cpu(i);
}

void timer_run_due_all(void)
{
	unsigned long want[KMM_MAX_CPUS];
	unsigned int n = cpu_count();

	cpu_threads_start();
	pthread_mutex_lock(&timer_lock);
	for (unsigned int i = 0; i < n; i++)
		want[i] = ++pass_req[i];
	pthread_mutex_unlock(&timer_lock);
	for (unsigned int i = 0; i < n; i++)
		softirq_raise_on(i, TIMER_SOFTIRQ);
	pthread_mutex_lock(&timer_lock);
	for (unsigned int i = 0; i < n; i++)
		while (pass_done[i] < want[i])
			pthread_cond_wait(&timer_done, &timer_lock);
	pthread_mutex_unlock(&timer_lock);
}

void timers_shutdown(void)
{
	pthread_mutex_lock(&timer_lock);
	for (unsigned int i = 0; i < KMM_MAX_CPUS; i++) {
		struct list_head *l = list_of(i);

		while (!list_empty(l))
			detach(list_first_entry(l, struct timer_list, entry));
		running[i] = NULL;
		pass_req[i] = pass_done[i] = 0;
	}
	pthread_mutex_unlock(&timer_lock);
}
