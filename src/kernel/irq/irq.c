/*
 * irq.c - interrupt lines and the per-CPU interrupt threads that run their handlers.
 *
 * Each line has a descriptor: its actions (one, or several on an IRQF_SHARED line), a mask
 * depth, the CPU that takes it, and "running" while a handler of it executes. Raising a line
 * sets its bit in the target CPU's irq_pending word and wakes that CPU's interrupt thread;
 * the thread claims the CPU as a handler (cpu.c: never while the CPU's interrupts are off),
 * then runs each pending line's handlers in hardirq context. A threaded action has its own
 * thread, woken through a counter word it parks on.
 *
 * Lock order: desc->lock (a leaf: held only to read or change the action list, the depth
 * and the replay flag; never across a handler). A handler's action list is copied under the
 * lock and running is raised before it is dropped, so free_irq(), which unlinks under the
 * lock and then waits for running to fall, never frees an action still in use.
 * Context: see kmm/irq.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/irq.h>
#include <kmm/context.h>
#include "machine/cpu.h"
#include "kernel/deferred.h"
#include "machine/park.h"
#include "machine/report.h"
#include "kernel/locking/lockdep.h"
#include "machine/initcall.h"

#define MAX_SHARED 8

struct irqaction {
	irq_handler_t handler;
	irq_handler_t thread_fn;
	unsigned long flags;
	const char *name;
	void *dev_id;
	unsigned int irq;
	struct irqaction *next;
	pthread_t thread;
	int thread_wake; /* bumped to wake the thread; parked on */
	int thread_seen; /* thread-private: last wake count served */
	bool thread_stop;
};

struct irq_desc {
	pthread_mutex_t lock;
	struct irqaction *action;
	int depth; /* disable_irq nesting (+1 while a oneshot thread runs) */
	bool replay; /* raised while masked */
	int running; /* a handler runs; parked on by synchronize_irq */
	int cpu; /* -1: irq % nr_cpus */
	unsigned long count;
};

static struct irq_desc descs[NR_IRQS];
static pthread_once_t descs_once = PTHREAD_ONCE_INIT;

static void init_descs(void)
{
	for (unsigned int i = 0; i < NR_IRQS; i++) {
		pthread_mutex_init(&descs[i].lock, NULL);
		descs[i].cpu = -1;
	}
}

static struct irq_desc *desc_of(unsigned int irq)
{
	if (irq >= NR_IRQS)
		return NULL;
	pthread_once(&descs_once, init_descs);
	return &descs[irq];
}

static unsigned int target_cpu(unsigned int irq, struct irq_desc *d)
{
	int cpu = __atomic_load_n(&d->cpu, __ATOMIC_RELAXED);

	return cpu >= 0 && (unsigned int)cpu < cpu_count() ? (unsigned int)cpu : irq % cpu_count();
}

static void post(unsigned int irq, struct irq_desc *d)
{
	struct sim_cpu *c = &sim_cpus[target_cpu(irq, d)];

	cpu_threads_start();
	__atomic_fetch_or(&c->irq_pending, 1ul << irq, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&c->lock);
	pthread_cond_signal(&c->irq_wake);
	pthread_mutex_unlock(&c->lock);
}

int kmm_raise_irq(unsigned int irq)
{
	struct irq_desc *d = desc_of(irq);
	bool masked;

	if (!d)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	if (!d->action) {
		pthread_mutex_unlock(&d->lock);
		return -ENODEV;
	}
	masked = d->depth > 0;
	if (masked)
		d->replay = true;
	pthread_mutex_unlock(&d->lock);
	if (!masked)
		post(irq, d);
	return 0;
}

int kmm_irq_set_cpu(unsigned int irq, unsigned int cpu)
{
	struct irq_desc *d = desc_of(irq);

	if (!d || cpu >= cpu_count())
		return -EINVAL;
	__atomic_store_n(&d->cpu, (int)cpu, __ATOMIC_RELAXED);
	return 0;
}

unsigned long kmm_irq_count(unsigned int irq)
{
	struct irq_desc *d = desc_of(irq);

	return d ? __atomic_load_n(&d->count, __ATOMIC_RELAXED) : 0;
}

static irqreturn_t default_primary(int irq, void *dev_id)
{
	return IRQ_WAKE_THREAD;
}

static void *irq_thread_fn(void *arg)
{
	struct irqaction *a = arg;
	char comm[TASK_COMM_LEN];

	snprintf(comm, sizeof(comm), "irq/%u-%s", a->irq, a->name);
	kmm_set_current_comm(comm);
	for (;;) {
		int w = __atomic_load_n(&a->thread_wake, __ATOMIC_SEQ_CST);

		if (__atomic_load_n(&a->thread_stop, __ATOMIC_ACQUIRE))
			break;
		if (w == a->thread_seen) {
			park_wait(&a->thread_wake, w, NULL);
			continue;
		}
		a->thread_seen = w;
		a->thread_fn((int)a->irq, a->dev_id);
		deferred_check_leak(thread_current(), "irq thread", (void *)a->thread_fn, 0, false);
		if (a->flags & IRQF_ONESHOT)
			enable_irq(a->irq);
	}
	return NULL;
}

static void wake_thread(struct irqaction *a)
{
	if (a->flags & IRQF_ONESHOT)
		disable_irq_nosync(a->irq);
	__atomic_fetch_add(&a->thread_wake, 1, __ATOMIC_SEQ_CST);
	park_wake(&a->thread_wake);
}

bool deferred_check_leak(struct kmm_thread *t, const char *what, void *fn, unsigned int count,
			 bool irqs_off)
{
	char name[128];

	/* What the scheduler forgave or reported belongs to the callback that just returned. */
	t->preempt_debt = 0;
	t->sched_reported = false;
	if (t->preempt_count == count && !t->nr_held && t->irqs_disabled == irqs_off)
		return false;
	lockdep_format_ip(name, sizeof(name), fn);
	name[strcspn(name, "+")] = '\0'; /* a function, printed as %ps: no offset */
	if (t->irqs_disabled != irqs_off && t->preempt_count == count && !t->nr_held) {
		report_start("irqs_leak", "WARNING: CPU: %u PID: %d %s %s %s interrupts", t->cpu,
			     t->pid, what, name, irqs_off ? "enabled" : "left disabled");
	} else {
		report_start("atomic_leak", "BUG: %s leaked lock or atomic: %s/0x%08x/%d", what,
			     t->comm, t->preempt_count, t->pid);
		report_add("    last function: %s", name);
		lockdep_add_held_locks(t);
	}
	report_add_task();
	report_add_stack();
	report_finish();
	/* Repair: back to the state the callback was entered with. */
	if (t->role == THREAD_HARDIRQ) {
		t->preempt_count = count;
		t->irqs_disabled = irqs_off;
	} else {
		if (t->irqs_disabled && !irqs_off)
			local_irq_enable();
		if (t->preempt_count > count)
			preempt_count_sub(t->preempt_count - count);
	}
	t->nr_held = 0;
	return true;
}

static void handle_line(struct kmm_thread *t, unsigned int irq)
{
	struct irq_desc *d = &descs[irq];
	struct irqaction *acts[MAX_SHARED];
	unsigned int n = 0;

	pthread_mutex_lock(&d->lock);
	if (d->depth > 0) {
		d->replay = true;
		pthread_mutex_unlock(&d->lock);
		return;
	}
	for (struct irqaction *a = d->action; a && n < MAX_SHARED; a = a->next)
		acts[n++] = a;
	__atomic_store_n(&d->running, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&d->lock);
	__atomic_fetch_add(&d->count, 1, __ATOMIC_RELAXED);

	for (unsigned int i = 0; i < n; i++) {
		irqreturn_t ret;

		ret = acts[i]->handler((int)irq, acts[i]->dev_id);
		deferred_check_leak(t, "irq handler", (void *)acts[i]->handler, HARDIRQ_OFFSET,
				    true);
		if (ret == IRQ_WAKE_THREAD && acts[i]->thread_fn)
			wake_thread(acts[i]);
	}
	__atomic_store_n(&d->running, 0, __ATOMIC_SEQ_CST);
	park_wake(&d->running);
}

static void *irq_thread_main(void *arg)
{
	unsigned int cpu = (unsigned int)(unsigned long)arg;
	struct sim_cpu *c = cpu_thread_begin(cpu, THREAD_HARDIRQ, "hardirq");
	struct kmm_thread *t = thread_current();
	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		unsigned long pending;
		bool mine;

		if (!__atomic_load_n(&c->irq_pending, __ATOMIC_SEQ_CST)) {
			pthread_cond_wait(&c->irq_wake, &c->lock);
			continue;
		}
		__atomic_fetch_add(&c->waiters, 1, __ATOMIC_SEQ_CST);
		mine = cpu_try_handler(c);
		if (!mine)
			pthread_cond_wait(&c->cond, &c->lock);
		__atomic_fetch_sub(&c->waiters, 1, __ATOMIC_SEQ_CST);
		if (!mine)
			continue;
		pthread_mutex_unlock(&c->lock);

		t->cpu_held = true;
		t->preempt_count = HARDIRQ_OFFSET;
		t->irqs_disabled = true;
		pending = __atomic_exchange_n(&c->irq_pending, 0, __ATOMIC_SEQ_CST);
		while (pending) {
			unsigned int irq = (unsigned int)__builtin_ctzl(pending);

			pending &= pending - 1;
			handle_line(t, irq);
		}
		t->preempt_count = 0;
		t->irqs_disabled = false;
		t->cpu_held = false;
		cpu_end_handler(c);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Wait until no handler of @d runs; the caller has done its might_sleep(). */
static void wait_not_running(struct irq_desc *d)
{
	while (__atomic_load_n(&d->running, __ATOMIC_SEQ_CST))
		park_wait(&d->running, 1, NULL);
}

int request_threaded_irq(unsigned int irq, irq_handler_t handler, irq_handler_t thread_fn,
			 unsigned long flags, const char *name, void *dev_id)
{
	struct irq_desc *d = desc_of(irq);
	struct irqaction *a, **pp;
	unsigned int shared = 0;

	might_sleep();
	if (!d || (!handler && !thread_fn) || ((flags & IRQF_SHARED) && !dev_id))
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->handler = handler ? handler : default_primary;
	a->thread_fn = thread_fn;
	a->flags = flags;
	a->name = name ? name : "";
	a->dev_id = dev_id;
	a->irq = irq;

	pthread_mutex_lock(&d->lock);
	for (pp = &d->action; *pp; pp = &(*pp)->next, shared++) {
		if (!((*pp)->flags & flags & IRQF_SHARED) || shared + 1 >= MAX_SHARED) {
			pthread_mutex_unlock(&d->lock);
			free(a);
			return -EBUSY;
		}
	}
	if (thread_fn && pthread_create(&a->thread, NULL, irq_thread_fn, a)) {
		pthread_mutex_unlock(&d->lock);
		free(a);
		return -ENOMEM;
	}
	*pp = a;
	pthread_mutex_unlock(&d->lock);
	return 0;
}

const void *free_irq(unsigned int irq, void *dev_id)
{
	struct irq_desc *d = desc_of(irq);
	struct irqaction *a = NULL, **pp;
	const char *name;

	might_sleep();
	if (!d)
		return NULL;
	pthread_mutex_lock(&d->lock);
	for (pp = &d->action; *pp; pp = &(*pp)->next) {
		if ((*pp)->dev_id == dev_id) {
			a = *pp;
			*pp = a->next;
			break;
		}
	}
	pthread_mutex_unlock(&d->lock);
	if (!a) {
		report_start("free_irq",
			     "WARNING: CPU: %u PID: %d Trying to free already-free IRQ %u",
			     smp_processor_id(), kmm_current_pid(), irq);
		report_add_task();
		report_add_stack();
		report_finish();
		return NULL;
	}
	wait_not_running(d);
	if (a->thread_fn) {
		__atomic_store_n(&a->thread_stop, true, __ATOMIC_RELEASE);
		__atomic_fetch_add(&a->thread_wake, 1, __ATOMIC_SEQ_CST);
		park_wake(&a->thread_wake);
		pthread_join(a->thread, NULL);
	}
	name = a->name;
	free(a);
	return name;
}

void synchronize_irq(unsigned int irq)
{
	struct irq_desc *d = desc_of(irq);

	might_sleep();
	if (d)
		wait_not_running(d);
}

void disable_irq_nosync(unsigned int irq)
{
	struct irq_desc *d = desc_of(irq);

	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->depth++;
	pthread_mutex_unlock(&d->lock);
}

void disable_irq(unsigned int irq)
{
	disable_irq_nosync(irq);
	synchronize_irq(irq);
}

void enable_irq(unsigned int irq)
{
	struct irq_desc *d = desc_of(irq);
	bool replay = false;

	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	if (d->depth == 0) {
		pthread_mutex_unlock(&d->lock);
		report_start("irq_unbalanced",
			     "WARNING: CPU: %u PID: %d Unbalanced enable for IRQ %u",
			     smp_processor_id(), kmm_current_pid(), irq);
		report_add_task();
		report_add_stack();
		report_finish();
		return;
	}
	if (--d->depth == 0 && d->replay) {
		d->replay = false;
		replay = d->action != NULL;
	}
	pthread_mutex_unlock(&d->lock);
	if (replay)
		post(irq, d);
}

void irq_shutdown(void)
{
	for (unsigned int i = 0; i < NR_IRQS; i++) {
		struct irq_desc *d = desc_of(i);

		while (d->action)
			free_irq(i, d->action->dev_id);
		d->depth = 0;
		d->replay = false;
		d->cpu = -1;
		d->count = 0;
	}
}

static int irq_threads_register(void)
{
	cpu_register_thread_body(CPU_IRQ_THREAD, irq_thread_main);
	return 0;
}

kmm_initcall(core, irq_threads, irq_threads_register, NULL);
