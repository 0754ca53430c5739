/*
 * cpu.c - the simulated CPUs, and how a thread comes to own one while it is atomic.
 *
 * The kernel makes per-CPU data safe by not letting anything else run on a CPU while a task
 * has preemption or interrupts disabled. kmm gets the same guarantee from one word per CPU
 * (struct sim_cpu in machine/cpu.h): a task that becomes atomic (its preempt count leaves
 * zero or it disables interrupts) sets CPU_OWNED on its CPU, and clears it when it is
 * preemptible again. Uncontended, that is one compare-and-swap on entry and one atomic AND
 * on exit, on a line no other CPU touches.
 *
 * When its CPU is owned by someone else, a task does what the scheduler would do with a
 * preemptible task: it moves to a free CPU (smp_processor_id() changes, which is legal while
 * preemptible). Only when every CPU is owned does it sleep until its own one is released.
 * Deadlock freedom: a thread waits for a CPU only while it is not atomic itself (it owns
 * nothing), and an owner never waits for a CPU, so there is no cycle through CPUs; a cycle
 * through locks is the driver's own deadlock, which lockdep reports.
 *
 * Interrupts: the interrupt thread of a CPU sets CPU_HANDLER to run a handler. It may do so
 * while a task owns the CPU with interrupts enabled (an interrupt preempting a
 * preempt-disabled section, as in the kernel) but never while CPU_IRQS_OFF is set, and a task
 * disabling interrupts waits for a running handler to finish. So a section under
 * local_irq_save or spin_lock_irqsave excludes the CPU's handlers, exactly the kernel's rule.
 * The softirq thread owns its CPU like a task, so softirqs never run on a CPU whose task is
 * atomic: a little more exclusion than the kernel gives (it lets softirqs interrupt a mere
 * preempt_disable), never less.
 *
 * Context: called from context.c on the transitions of the calling thread's own state.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include "machine/cpu.h"
#include "machine/os.h"
#include "machine/report.h"
#include "machine/initcall.h"

struct sim_cpu sim_cpus[KMM_MAX_CPUS];

static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static bool threads_running;

unsigned int cpu_count(void)
{
	unsigned int n = kmm_layout.nr_cpus;

	return n ? (n < KMM_MAX_CPUS ? n : KMM_MAX_CPUS) : 1;
}

static bool try_own(struct sim_cpu *c)
{
	unsigned int s = __atomic_load_n(&c->state, __ATOMIC_SEQ_CST);

	while (!(s & (CPU_OWNED | CPU_HANDLER)))
		if (__atomic_compare_exchange_n(&c->state, &s, s | CPU_OWNED, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return true;
	return false;
}

/*
 * Sleep on @c until @try succeeds; the caller is not atomic. A CPU's own threads (@stoppable)
 * give up when the machine shuts down, so shutdown never waits on a CPU someone left owned.
 * Return: true if @try succeeded.
 */
static bool wait_for(struct sim_cpu *c, bool (*try)(struct sim_cpu *), bool stoppable)
{
	bool ok;

	pthread_mutex_lock(&c->lock);
	__atomic_fetch_add(&c->waiters, 1, __ATOMIC_SEQ_CST);
	while (!(ok = try(c)) && !(stoppable && c->stop))
		pthread_cond_wait(&c->cond, &c->lock);
	__atomic_fetch_sub(&c->waiters, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&c->lock);
	return ok;
}

struct sim_cpu *cpu_thread_begin(unsigned int cpu, enum thread_role role, const char *prefix)
{
	struct kmm_thread *t = thread_current();
	char comm[TASK_COMM_LEN];

	snprintf(comm, sizeof(comm), "%s/%u", prefix, cpu);
	kmm_set_current_comm(comm);
	t->role = role;
	t->cpu = cpu;
	return &sim_cpus[cpu];
}

void cpu_kick(struct sim_cpu *c)
{
	if (__atomic_load_n(&c->waiters, __ATOMIC_SEQ_CST)) {
		pthread_mutex_lock(&c->lock);
		pthread_cond_broadcast(&c->cond);
		pthread_mutex_unlock(&c->lock);
	}
}

/*
 * Count a section ended on a CPU, for cpu_wait_quiescent(). Only the section's holder writes
 * the count (the owner, or the handler), so a store does: no read-modify-write on unlock.
 */
static inline void section_ended(unsigned long *gen)
{
	__atomic_store_n(gen, __atomic_load_n(gen, __ATOMIC_RELAXED) + 1, __ATOMIC_RELEASE);
}

void cpu_enter(struct kmm_thread *t)
{
	unsigned int n = cpu_count();

	if (__builtin_expect(t->cpu >= n, 0))
		t->cpu %= n;
	if (__builtin_expect(!try_own(&sim_cpus[t->cpu]), 0)) {
		unsigned int i;

		for (i = 0; t->role == THREAD_TASK && i < n; i++) {
			if (i != t->cpu && try_own(&sim_cpus[i])) {
				t->cpu = i;
				break;
			}
		}
		if ((t->role != THREAD_TASK || i == n) &&
		    !wait_for(&sim_cpus[t->cpu], try_own, t->role != THREAD_TASK))
			return; /* shutting down: the caller sees !cpu_held */
	}
	__atomic_store_n(&sim_cpus[t->cpu].owner, t, __ATOMIC_RELAXED);
	t->cpu_held = true;
}

void cpu_leave(struct kmm_thread *t)
{
	struct sim_cpu *c = &sim_cpus[t->cpu];

	t->cpu_held = false;
	__atomic_store_n(&c->owner, NULL, __ATOMIC_RELAXED);
	section_ended(&c->owner_gen);
	__atomic_fetch_and(&c->state, ~CPU_OWNED, __ATOMIC_SEQ_CST);
	cpu_kick(c);
}

static bool try_irqs_off(struct sim_cpu *c)
{
	unsigned int s = __atomic_load_n(&c->state, __ATOMIC_SEQ_CST);

	while (!(s & CPU_HANDLER))
		if (__atomic_compare_exchange_n(&c->state, &s, s | CPU_IRQS_OFF, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return true;
	return false;
}

void cpu_irqs_off(struct kmm_thread *t)
{
	struct sim_cpu *c = &sim_cpus[t->cpu];

	if (__builtin_expect(!try_irqs_off(c), 0))
		wait_for(c, try_irqs_off, false);
}

void cpu_irqs_on(struct kmm_thread *t)
{
	struct sim_cpu *c = &sim_cpus[t->cpu];

	__atomic_fetch_and(&c->state, ~CPU_IRQS_OFF, __ATOMIC_SEQ_CST);
	cpu_kick(c);
}

void cpu_enter_irqs_off(struct kmm_thread *t)
{
	struct sim_cpu *c = &sim_cpus[t->cpu < cpu_count() ? t->cpu : 0];
	unsigned int s = 0;

	/* The common case in one step: a free CPU, owned with interrupts off at once. */
	if (__builtin_expect(t->cpu < cpu_count(), 1) &&
	    __atomic_compare_exchange_n(&c->state, &s, CPU_OWNED | CPU_IRQS_OFF, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&c->owner, t, __ATOMIC_RELAXED);
		t->cpu_held = true;
		return;
	}
	cpu_enter(t);
	if (t->cpu_held)
		cpu_irqs_off(t);
}

void cpu_leave_irqs_on(struct kmm_thread *t)
{
	struct sim_cpu *c = &sim_cpus[t->cpu];

	t->cpu_held = false;
	__atomic_store_n(&c->owner, NULL, __ATOMIC_RELAXED);
	section_ended(&c->owner_gen);
	__atomic_fetch_and(&c->state, ~(CPU_OWNED | CPU_IRQS_OFF), __ATOMIC_SEQ_CST);
	cpu_kick(c);
}

bool cpu_try_handler(struct sim_cpu *c)
{
	unsigned int s = __atomic_load_n(&c->state, __ATOMIC_SEQ_CST);

	while (!(s & (CPU_IRQS_OFF | CPU_HANDLER)))
		if (__atomic_compare_exchange_n(&c->state, &s, s | CPU_HANDLER, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return true;
	return false;
}

void cpu_end_handler(struct sim_cpu *c)
{
	section_ended(&c->handler_gen);
	__atomic_fetch_and(&c->state, ~CPU_HANDLER, __ATOMIC_SEQ_CST);
	cpu_kick(c);
}

/* Is a section of the kind @bit of @c that was open when @gen was read still open? */
static bool still_in(struct sim_cpu *c, unsigned int bit, unsigned long *gen, unsigned long seen)
{
	return __atomic_load_n(gen, __ATOMIC_ACQUIRE) == seen &&
	       (__atomic_load_n(&c->state, __ATOMIC_SEQ_CST) & bit);
}

void cpu_wait_quiescent(void)
{
	unsigned long owner[KMM_MAX_CPUS], handler[KMM_MAX_CPUS];
	unsigned int n = cpu_count();

	for (unsigned int i = 0; i < n; i++) {
		owner[i] = __atomic_load_n(&sim_cpus[i].owner_gen, __ATOMIC_ACQUIRE);
		handler[i] = __atomic_load_n(&sim_cpus[i].handler_gen, __ATOMIC_ACQUIRE);
	}
	for (unsigned int i = 0; i < n; i++) {
		struct sim_cpu *c = &sim_cpus[i];

		while (still_in(c, CPU_OWNED, &c->owner_gen, owner[i]) ||
		       still_in(c, CPU_HANDLER, &c->handler_gen, handler[i]))
			os_sleep_us(50);
	}
}

void cpu_thread_exit(struct kmm_thread *t)
{
	if (t->cpu_held && t->role != THREAD_HARDIRQ) {
		if (t->irqs_disabled)
			cpu_irqs_on(t);
		cpu_leave(t);
	}
}

static void init_cpu(struct sim_cpu *c)
{
	pthread_condattr_t attr;

	memset(c, 0, sizeof(*c));
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, &attr);
	pthread_cond_init(&c->irq_wake, &attr);
	pthread_cond_init(&c->soft_wake, &attr);
	pthread_condattr_destroy(&attr);
}

static void destroy_cpu(struct sim_cpu *c)
{
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	pthread_cond_destroy(&c->irq_wake);
	pthread_cond_destroy(&c->soft_wake);
}

static int cpu_boot(void)
{
	for (unsigned int i = 0; i < KMM_MAX_CPUS; i++)
		init_cpu(&sim_cpus[i]);
	return 0;
}

static void *(*thread_bodies[NR_CPU_THREAD_KINDS])(void *cpu);

void cpu_register_thread_body(enum cpu_thread_kind kind, void *(*body)(void *cpu))
{
	thread_bodies[kind] = body;
}

/*
 * Start @c's interrupt and softirq threads; under start_lock. When the host refuses a thread
 * (pthread_create fails: its thread or memory limits), say so once and leave @c without
 * threads: the work raised meanwhile waits, and the next cpu_threads_start() tries again, as
 * the kernel's kthread_create() failing leaves work queued rather than stopping the machine.
 */
static bool start_cpu_threads(struct sim_cpu *c, void *arg)
{
	static bool reported;
	int err = pthread_create(&c->irq_thread, NULL, thread_bodies[CPU_IRQ_THREAD], arg);

	if (!err) {
		err = pthread_create(&c->softirq_thread, NULL, thread_bodies[CPU_SOFTIRQ_THREAD],
				     arg);
		if (err) {
			pthread_mutex_lock(&c->lock);
			c->stop = true;
			pthread_cond_broadcast(&c->irq_wake);
			pthread_mutex_unlock(&c->lock);
			pthread_join(c->irq_thread, NULL);
			c->stop = false;
		}
	}
	if (!err) {
		c->threads_started = true;
		return true;
	}
	if (!__atomic_exchange_n(&reported, true, __ATOMIC_RELAXED)) {
		report_start("cpu_threads", "kmm: cannot start the interrupt threads of CPU%ld: %s",
			     (long)(unsigned long)arg, strerror(err));
		report_add(
			"interrupts, timers and tasklets of that CPU wait until a later try succeeds");
		report_add_stack();
		report_finish();
	}
	return false;
}

void cpu_threads_start(void)
{
	if (__atomic_load_n(&threads_running, __ATOMIC_ACQUIRE))
		return;
	/* No machine, no CPUs to run on: work raised now waits for a boot (which forgets it). */
	if (!kmm_booted() || !thread_bodies[CPU_IRQ_THREAD] || !thread_bodies[CPU_SOFTIRQ_THREAD])
		return;
	pthread_mutex_lock(&start_lock);
	for (unsigned int i = 0; !threads_running && i < cpu_count(); i++) {
		struct sim_cpu *c = &sim_cpus[i];
		void *arg = (void *)(unsigned long)i;

		if (c->threads_started)
			continue;
		if (!start_cpu_threads(c, arg)) {
			pthread_mutex_unlock(&start_lock);
			return;
		}
	}
	__atomic_store_n(&threads_running, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&start_lock);
}

void cpu_shutdown(void)
{
	struct kmm_thread *t = thread_current();

	/* The thread shutting down may have been left atomic (a test failed inside a lock). */
	if (t->cpu_held && t->role == THREAD_TASK) {
		if (t->irqs_disabled)
			cpu_irqs_on(t);
		cpu_leave(t);
	}
	t->preempt_count = 0;
	t->preempt_debt = 0;
	t->irqs_disabled = false;
	pthread_mutex_lock(&start_lock);
	for (unsigned int i = 0; i < KMM_MAX_CPUS; i++) {
		struct sim_cpu *c = &sim_cpus[i];

		if (!c->threads_started)
			continue;
		pthread_mutex_lock(&c->lock);
		c->stop = true;
		pthread_cond_broadcast(&c->irq_wake);
		pthread_cond_broadcast(&c->soft_wake);
		pthread_cond_broadcast(&c->cond);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->irq_thread, NULL);
		pthread_join(c->softirq_thread, NULL);
		c->threads_started = false;
	}
	for (unsigned int i = 0; i < KMM_MAX_CPUS; i++)
		destroy_cpu(&sim_cpus[i]);
	__atomic_store_n(&threads_running, false, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&start_lock);
}

kmm_initcall(core, cpus, cpu_boot, NULL);
