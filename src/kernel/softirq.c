/*
 * softirq.c - softirq context: each CPU's softirq thread ("ksoftirqd/N"), and tasklets.
 *
 * The softirq thread of a CPU sleeps on soft_wake until a softirq is raised there or its
 * next timer is due, then owns the CPU like a task with SOFTIRQ_OFFSET in its preempt count
 * (so it waits while a task on that CPU is atomic or has bottom halves disabled) and runs
 * the due timers (timer.c), the queued tasklets and the RCU callbacks whose grace period has
 * ended (rcu.c).
 *
 * Tasklets: a per-CPU singly linked queue under tasklet_lock. SCHED is set while queued and
 * cleared just before the function runs (so it may requeue itself); RUN is held while it
 * runs, so a tasklet never runs on two CPUs at once. A disabled tasklet is requeued.
 * Lock order: c->lock and tasklet_lock are leaves. Context: see kmm/tasklet.h.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>

#include <kmm/tasklet.h>
#include <kmm/bitops.h>
#include <kmm/jiffies.h>
#include "machine/cpu.h"
#include "kernel/deferred.h"
#include "kernel/rcu/rcu.h"
#include "machine/initcall.h"

struct tasklet_queue {
	struct tasklet_struct *head, **tail;
};

static pthread_mutex_t tasklet_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tasklet_queue queues[KMM_MAX_CPUS];

void softirq_raise_on(unsigned int cpu, unsigned int nr)
{
	struct sim_cpu *c = &sim_cpus[cpu];

	cpu_threads_start();
	__atomic_fetch_or(&c->softirq_pending, 1ul << nr, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&c->lock);
	pthread_cond_signal(&c->soft_wake);
	pthread_mutex_unlock(&c->lock);
}

void tasklet_setup(struct tasklet_struct *t, void (*callback)(struct tasklet_struct *))
{
	t->next = NULL;
	t->state = 0;
	atomic_set(&t->count, 0);
	t->use_callback = true;
	t->callback = callback;
	t->data = 0;
}

void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long), unsigned long data)
{
	t->next = NULL;
	t->state = 0;
	atomic_set(&t->count, 0);
	t->use_callback = false;
	t->func = func;
	t->data = data;
}

static void enqueue(unsigned int cpu, struct tasklet_struct *t)
{
	struct tasklet_queue *q = &queues[cpu];

	pthread_mutex_lock(&tasklet_lock);
	if (!q->tail)
		q->tail = &q->head;
	t->next = NULL;
	*q->tail = t;
	q->tail = &t->next;
	pthread_mutex_unlock(&tasklet_lock);
	softirq_raise_on(cpu, TASKLET_SOFTIRQ);
}

void tasklet_schedule(struct tasklet_struct *t)
{
	if (!test_and_set_bit(TASKLET_STATE_SCHED, &t->state))
		enqueue(smp_processor_id() % cpu_count(), t);
}

void tasklet_hi_schedule(struct tasklet_struct *t)
{
	tasklet_schedule(t);
}

void tasklet_run_cpu(unsigned int cpu)
{
	struct tasklet_queue *q = &queues[cpu];
	struct tasklet_struct *list;

	pthread_mutex_lock(&tasklet_lock);
	list = q->head;
	q->head = NULL;
	q->tail = &q->head;
	pthread_mutex_unlock(&tasklet_lock);

	while (list) {
		struct tasklet_struct *t = list;
		void *fn;

		list = list->next;
		if (atomic_read(&t->count) || test_and_set_bit(TASKLET_STATE_RUN, &t->state)) {
			enqueue(cpu, t); /* disabled, or running elsewhere: later */
			continue;
		}
		clear_bit(TASKLET_STATE_SCHED, &t->state);
		fn = t->use_callback ? (void *)t->callback : (void *)t->func;
		if (t->use_callback)
			t->callback(t);
		else
			t->func(t->data);
		clear_bit_unlock(TASKLET_STATE_RUN, &t->state);
		deferred_check_leak(thread_current(), "tasklet", fn, SOFTIRQ_OFFSET, false);
	}
}

static void wait_bits_clear(struct tasklet_struct *t, unsigned long mask)
{
	while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) & mask)
		sched_yield();
}

void tasklet_kill(struct tasklet_struct *t)
{
	might_sleep();
	wait_bits_clear(t, (1ul << TASKLET_STATE_SCHED) | (1ul << TASKLET_STATE_RUN));
}

void tasklet_disable_nosync(struct tasklet_struct *t)
{
	atomic_inc(&t->count);
}

void tasklet_disable(struct tasklet_struct *t)
{
	atomic_inc(&t->count);
	wait_bits_clear(t, 1ul << TASKLET_STATE_RUN);
}

void tasklet_enable(struct tasklet_struct *t)
{
	atomic_dec(&t->count);
}

void tasklets_shutdown(void)
{
	pthread_mutex_lock(&tasklet_lock);
	for (unsigned int i = 0; i < KMM_MAX_CPUS; i++) {
		queues[i].head = NULL;
		queues[i].tail = &queues[i].head;
	}
	pthread_mutex_unlock(&tasklet_lock);
}

/* Under c->lock: sleep until something is pending, the next timer is due, or stop. */
static void idle_wait(struct sim_cpu *c, unsigned int cpu)
{
	unsigned long expires, now = kmm_jiffies();
	struct timespec ts;

	if (!timer_next_expiry(cpu, &expires)) {
		pthread_cond_wait(&c->soft_wake, &c->lock);
		return;
	}
	if (time_after_eq(now, expires)) {
		__atomic_fetch_or(&c->softirq_pending, 1ul << TIMER_SOFTIRQ, __ATOMIC_SEQ_CST);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += (long)(expires - now) * (1000000000L / HZ);
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_cond_timedwait(&c->soft_wake, &c->lock, &ts);
}

static void *softirq_thread_main(void *arg)
{
	unsigned int cpu = (unsigned int)(unsigned long)arg;
	struct sim_cpu *c = cpu_thread_begin(cpu, THREAD_SOFTIRQ, "ksoftirqd");
	struct kmm_thread *t = thread_current();
	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		if (!__atomic_load_n(&c->softirq_pending, __ATOMIC_SEQ_CST)) {
			idle_wait(c, cpu);
			continue;
		}
		pthread_mutex_unlock(&c->lock);
		preempt_count_add(SOFTIRQ_OFFSET);
		if (!t->cpu_held) { /* shutdown came while waiting for the CPU */
			t->preempt_count = 0;
			pthread_mutex_lock(&c->lock);
			break;
		}
		__atomic_store_n(&c->softirq_pending, 0, __ATOMIC_SEQ_CST);
		timer_run_cpu(cpu);
		tasklet_run_cpu(cpu);
		rcu_run_cpu(cpu);
		preempt_count_sub(SOFTIRQ_OFFSET);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

static int softirq_threads_register(void)
{
	cpu_register_thread_body(CPU_SOFTIRQ_THREAD, softirq_thread_main);
	return 0;
}

kmm_initcall(core, softirq_threads, softirq_threads_register, NULL);
