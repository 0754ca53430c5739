/*
 * context.c - the calling thread's execution context: preempt count, interrupt state, CPU,
 * pid and name; and might_sleep(), which reports a sleeping call made in atomic context.
 *
 * Each field belongs to its thread; no locks. The once-per-call-site memory of might_sleep
 * is a small open-addressed table of call sites filled with compare-and-swap.
 */
#include <string.h>

#include <kmm/context.h>
#include "internal/thread.h"
#include "internal/report.h"
#include "internal/options.h"
#include "internal/machine.h"

#define SEEN_SITES 256

static const char *seen_files[SEEN_SITES];
static int seen_lines[SEEN_SITES];

unsigned int preempt_count(void)
{
	return thread_current()->preempt_count;
}

void preempt_count_add(unsigned int val)
{
	thread_current()->preempt_count += val;
}

void preempt_count_sub(unsigned int val)
{
	struct kmm_thread *t = thread_current();

	if (t->preempt_count < val) {
		report_start("preempt_underflow",
			     "WARNING: CPU: %u PID: %d preempt count underflow", t->cpu, t->pid);
		report_add("preempt_count: %x, subtracting: %x", t->preempt_count, val);
		report_add_task();
		report_add_stack();
		report_finish();
		t->preempt_count = 0;
		return;
	}
	t->preempt_count -= val;
}

bool irqs_disabled(void)
{
	return thread_current()->irqs_disabled;
}

void local_irq_disable(void)
{
	thread_current()->irqs_disabled = true;
}

void local_irq_enable(void)
{
	thread_current()->irqs_disabled = false;
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

	if (t->preempt_count == 0 && !t->irqs_disabled)
		return false;
	if (kmm_opts.might_sleep_once && !first_time_at(file, line))
		return true;
	report_start("might_sleep", "BUG: sleeping function called from invalid context at %s:%d",
		     file, line);
	report_add("in_atomic(): %d, irqs_disabled(): %d, non_block: 0, pid: %d, name: %s",
		   t->preempt_count != 0, t->irqs_disabled, t->pid, t->comm);
	report_add("preempt_count: %x, expected: 0", t->preempt_count);
	report_add("RCU nest depth: 0, expected: 0");
	report_add_task();
	report_add_stack();
	report_finish();
	return true;
}

/* Forget which call sites have reported: a new machine starts afresh. */
void context_reset(void)
{
	memset(seen_files, 0, sizeof(seen_files));
	memset(seen_lines, 0, sizeof(seen_lines));
}
