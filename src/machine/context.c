/*
 * context.c - the calling thread's execution context: preempt count, interrupt state, CPU,
 * pid and name, the simulated process it acts for; might_sleep(), which reports a sleeping call made in atomic context; and
 * the scheduler's own check where a thread really blocks ("scheduling while atomic").
 *
 * Each field belongs to its thread; no locks. The transitions between preemptible and atomic
 * (preempt count leaving or reaching zero, interrupts going off or on) are where the thread
 * takes or gives back its simulated CPU (cpu.c); everything else is a plain field update.
 * A CPU's interrupt thread already owns its CPU as a handler, so it only counts.
 * The once-per-call-site memory of might_sleep is a small open-addressed table of call sites
 * filled with compare-and-swap.
 */
#include <string.h>

#include <kmm/context.h>
#include "machine/thread.h"
#include "machine/report.h"
#include "machine/options.h"
#include "machine/machine.h"
#include "machine/cpu.h"

#define SEEN_SITES 256

static const struct context_rcu_checks *rcu_checks; /* set by RCU at boot */

static const char *seen_files[SEEN_SITES];
static int seen_lines[SEEN_SITES];

unsigned int preempt_count(void)
{
	return thread_current()->preempt_count;
}

void preempt_count_add(unsigned int val)
{
	struct kmm_thread *t = thread_current();

	if (!t->cpu_held)
		cpu_enter(t);
	t->preempt_count += val;
}

/* Would taking @val from @count go below zero, in all or in its preemption depth alone? */
static bool underflows(unsigned int count, unsigned int val)
{
	return val > count || (val <= PREEMPT_MASK && !(count & PREEMPT_MASK));
}

void preempt_count_sub(unsigned int val)
{
	struct kmm_thread *t = thread_current();

	if (__builtin_expect(underflows(t->preempt_count, val), 0)) {
		/* An unlock whose count the scheduler already reset: nothing left to undo. */
		if (!underflows(t->preempt_debt, val)) {
			t->preempt_debt -= val;
			return;
		}
		report_start("preempt_underflow",
			     "WARNING: CPU: %u PID: %d preempt count underflow", t->cpu, t->pid);
		report_add("preempt_count: %x, subtracting: %x", t->preempt_count, val);
		report_add_task();
		report_add_stack();
		report_finish();
		/* Repair: never below zero, and leave the other fields alone. */
		val = val > t->preempt_count ? t->preempt_count : 0;
	}
	t->preempt_count -= val;
	if (t->preempt_count == 0 && !t->irqs_disabled && t->cpu_held && t->role != THREAD_HARDIRQ)
		cpu_leave(t);
}

bool irqs_disabled(void)
{
	return thread_current()->irqs_disabled;
}

void local_irq_disable(void)
{
	struct kmm_thread *t = thread_current();

	if (t->irqs_disabled)
		return;
	if (t->role == THREAD_HARDIRQ) {
		t->irqs_disabled = true;
		return;
	}
	if (!t->cpu_held)
		cpu_enter_irqs_off(t);
	else
		cpu_irqs_off(t);
	t->irqs_disabled = true;
}

void local_irq_enable(void)
{
	struct kmm_thread *t = thread_current();

	if (!t->irqs_disabled)
		return;
	t->irqs_disabled = false;
	if (t->role == THREAD_HARDIRQ)
		return; /* reported when the handler returns */
	if (t->preempt_count == 0)
		cpu_leave_irqs_on(t);
	else
		cpu_irqs_on(t);
}

unsigned long kmm_local_irq_save(void)
{
	unsigned long was = irqs_disabled();

	local_irq_disable();
	return was;
}

void kmm_local_irq_restore(unsigned long flags)
{
	if (flags)
		local_irq_disable();
	else
		local_irq_enable();
}

void local_bh_disable(void)
{
	preempt_count_add(SOFTIRQ_DISABLE_OFFSET);
}

void local_bh_enable(void)
{
	preempt_count_sub(SOFTIRQ_DISABLE_OFFSET);
}

unsigned int smp_processor_id(void)
{
	return thread_current()->cpu;
}

int kmm_current_pid(void)
{
	return thread_current()->pid;
}

const char *kmm_current_comm(void)
{
	return thread_current()->comm;
}

void kmm_set_current_comm(const char *comm)
{
	struct kmm_thread *t = thread_current();

	strncpy(t->comm, comm, sizeof(t->comm) - 1);
	t->comm[sizeof(t->comm) - 1] = '\0';
}

/* True the first time a call site is seen (or when the table is full). */
static bool first_time_at(const char *file, int line)
{
	unsigned long h = ((unsigned long)file >> 3) * 31 + (unsigned long)line;

	for (unsigned int i = 0; i < SEEN_SITES; i++) {
		unsigned int slot = (unsigned int)(h + i) % SEEN_SITES;
		const char *expected = NULL;

		if (__atomic_load_n(&seen_files[slot], __ATOMIC_ACQUIRE) == file &&
		    __atomic_load_n(&seen_lines[slot], __ATOMIC_RELAXED) == line)
			return false;
		if (__atomic_compare_exchange_n(&seen_files[slot], &expected, file, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			__atomic_store_n(&seen_lines[slot], line, __ATOMIC_RELAXED);
			return true;
		}
	}
	return true;
}

bool __might_sleep(const char *file, int line)
{
	struct kmm_thread *t = thread_current();

	if (t->rcu_readers && rcu_checks)
		rcu_checks->sleep(t, file, line);
	if (t->preempt_count == 0 && !t->irqs_disabled && !rcu_preempt_depth(t))
		return false;
	if (kmm_opts.might_sleep_once && !first_time_at(file, line))
		return true;
	report_start("might_sleep", "BUG: sleeping function called from invalid context at %s:%d",
		     file, line);
	report_add("in_atomic(): %d, irqs_disabled(): %d, non_block: 0, pid: %d, name: %s",
		   t->preempt_count != 0, t->irqs_disabled, t->pid, t->comm);
	report_add("preempt_count: %x, expected: 0", t->preempt_count);
	if (kmm_opts.preempt_rcu) /* the kernel prints it with CONFIG_PREEMPT_RCU */
		report_add("RCU nest depth: %u, expected: 0", rcu_preempt_depth(t));
	report_add_task();
	report_add_stack();
	report_finish();
	return true;
}

/* The scheduler's report: "BUG: scheduling while atomic: COMM/PID/COUNT". */
static void report_scheduling_while_atomic(struct kmm_thread *t)
{
	/* The count as the scheduler sees it, with the preemption it disables for itself. */
	report_start("scheduling_while_atomic", "BUG: scheduling while atomic: %s/%d/0x%08x",
		     t->comm, t->pid, t->preempt_count + PREEMPT_OFFSET);
	report_add("Modules linked in:"); /* a driver is linked into the program, never loaded */
	report_add_task();
	report_add_stack();
	report_finish();
}

void context_schedule(void)
{
	struct kmm_thread *t = thread_current();

	/* Interrupt side: no task to switch away from; report once per callback, sleep in place. */
	if (t->role != THREAD_TASK ||
	    (t->preempt_count & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET))) {
		if (t->preempt_count && !t->sched_reported) {
			report_scheduling_while_atomic(t);
			t->sched_reported = true;
		}
		return;
	}
	if (rcu_checks)
		rcu_checks->context_switch(t);
	if (t->preempt_count) {
		report_scheduling_while_atomic(t);
		t->preempt_debt += t->preempt_count;
		t->preempt_count = 0;
		if (t->cpu_held && !t->irqs_disabled)
			cpu_leave(t);
	}
	/* schedule() comes back with interrupts on, whatever they were before. */
	if (t->irqs_disabled)
		local_irq_enable();
}

unsigned int kmm_this_cpu_checked(const char *what, const char *file, int line)
{
	struct kmm_thread *t = thread_current();

	if (t->preempt_count || t->irqs_disabled || t->role != THREAD_TASK)
		return t->cpu;
	if (kmm_opts.might_sleep_once && !first_time_at(file, line))
		return t->cpu;
	report_start("preemptible_cpu", "BUG: using %s in preemptible [%08x] code: %s/%d", what,
		     t->preempt_count, t->comm, t->pid);
	report_add("caller is %s:%d", file, line);
	report_add_task();
	report_add_stack();
	report_finish();
	return t->cpu;
}

void context_set_rcu_checks(const struct context_rcu_checks *checks)
{
	rcu_checks = checks;
}

/* The process a user-side call acts for is part of the calling thread's context. */
static __thread struct kmm_process *current_process;

struct kmm_process *process_current(void)
{
	return current_process;
}

struct kmm_process *process_enter(struct kmm_process *p)
{
	struct kmm_process *prev = current_process;

	current_process = p;
	return prev;
}

void process_leave(struct kmm_process *prev)
{
	current_process = prev;
}

/* Forget which call sites have reported: a new machine starts afresh. */
void context_reset(void)
{
	memset(seen_files, 0, sizeof(seen_files));
	memset(seen_lines, 0, sizeof(seen_lines));
}
