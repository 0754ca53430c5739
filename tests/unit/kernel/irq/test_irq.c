/*
 * Interrupts: handlers run in hardirq context on the line's CPU, never while that CPU has
 * interrupts disabled; masking and replay; shared lines; threaded handlers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <pthread.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/irq.h>
#include <kmm/completion.h>
#include <kmm/spinlock.h>
#include <kmm/delay.h>
#include <kmm/barrier.h>
#include <kmm/report.h>

#define LINE 5

struct seen {
	int calls;
	unsigned int preempt;
	int irqs_off;
	int cpu;
	struct completion done;
};

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };

	return kmm_boot(&cfg);
}

static irqreturn_t record(int irq, void *dev)
{
	struct seen *s = dev;

	s->preempt = preempt_count();
	s->irqs_off = irqs_disabled();
	s->cpu = (int)smp_processor_id();
	s->calls++;
	complete(&s->done);
	return IRQ_HANDLED;
}

static void handler_runs_in_hardirq_context_on_the_lines_cpu(void **state)
{
	struct seen s = { 0 };

	init_completion(&s.done);
	assert_int_equal(request_irq(LINE, record, 0, "rec", &s), 0);
	assert_int_equal(kmm_irq_set_cpu(LINE, 1), 0);
	assert_int_equal(kmm_raise_irq(LINE), 0);
	wait_for_completion(&s.done);
	assert_int_equal(s.preempt, HARDIRQ_OFFSET);
	assert_int_equal(s.irqs_off, 1);
	assert_int_equal(s.cpu, 1);
	assert_int_equal(kmm_irq_count(LINE), 1);
	assert_ptr_equal(free_irq(LINE, &s), "rec");
	assert_int_equal(kmm_raise_irq(LINE), -ENODEV);
	assert_int_equal(kmm_raise_irq(NR_IRQS), -EINVAL);
}

static void raise_while_cpu_has_irqs_off_waits_for_restore(void **state)
{
	struct seen s = { 0 };
	unsigned long flags;
	DEFINE_SPINLOCK(lock);

	init_completion(&s.done);
	assert_int_equal(request_irq(LINE, record, 0, "rec", &s), 0);
	spin_lock_irqsave(&lock, flags);
	kmm_irq_set_cpu(LINE, smp_processor_id());
	kmm_raise_irq(LINE);
	mdelay(20);
	assert_false(completion_done(&s.done));
	spin_unlock_irqrestore(&lock, flags);
	wait_for_completion(&s.done);
	assert_int_equal(s.calls, 1);
	free_irq(LINE, &s);
}

static void disabled_line_replays_on_enable(void **state)
{
	struct seen s = { 0 };

	init_completion(&s.done);
	request_irq(LINE, record, 0, "rec", &s);
	disable_irq(LINE);
	disable_irq(LINE);
	kmm_raise_irq(LINE);
	mdelay(10);
	assert_false(completion_done(&s.done));
	enable_irq(LINE);
	mdelay(5);
	assert_false(completion_done(&s.done));
	enable_irq(LINE);
	wait_for_completion(&s.done);
	free_irq(LINE, &s);
}

static void unbalanced_enable_is_reported(void **state)
{
	struct seen s = { 0 };

	request_irq(LINE, record, 0, "rec", &s);
	kmm_report_capture_begin();
	enable_irq(LINE);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("Unbalanced enable for IRQ 5"), 1);
	free_irq(LINE, &s);
}

static void shared_line_calls_every_handler(void **state)
{
	struct seen a = { 0 }, b = { 0 };

	init_completion(&a.done);
	init_completion(&b.done);
	assert_int_equal(request_irq(LINE, record, IRQF_SHARED, "a", &a), 0);
	assert_int_equal(request_irq(LINE, record, IRQF_SHARED, "b", &b), 0);
	assert_int_equal(request_irq(LINE, record, 0, "c", &b), -EBUSY);
	kmm_raise_irq(LINE);
	wait_for_completion(&a.done);
	wait_for_completion(&b.done);
	free_irq(LINE, &a);
	free_irq(LINE, &b);
}

static irqreturn_t quick_check(int irq, void *dev)
{
	return IRQ_WAKE_THREAD;
}

static irqreturn_t slow_part(int irq, void *dev)
{
	struct seen *s = dev;

	s->preempt = preempt_count();
	msleep(1); /* process context: allowed */
	s->calls++;
	complete(&s->done);
	return IRQ_HANDLED;
}

static void threaded_handler_runs_in_process_context(void **state)
{
	struct seen s = { 0 };

	init_completion(&s.done);
	kmm_report_capture_begin();
	assert_int_equal(
		request_threaded_irq(LINE, quick_check, slow_part, IRQF_ONESHOT, "thr", &s), 0);
	kmm_raise_irq(LINE);
	wait_for_completion(&s.done);
	free_irq(LINE, &s);
	assert_int_equal(kmm_report_capture_end(), 0);
	assert_int_equal(s.preempt, 0);
	assert_int_equal(s.calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handler_runs_in_hardirq_context_on_the_lines_cpu),
		cmocka_unit_test(raise_while_cpu_has_irqs_off_waits_for_restore),
		cmocka_unit_test(disabled_line_replays_on_enable),
		cmocka_unit_test(unbalanced_enable_is_reported),
		cmocka_unit_test(shared_line_calls_every_handler),
		cmocka_unit_test(threaded_handler_runs_in_process_context),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
