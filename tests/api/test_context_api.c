/*
 * A driver's view of execution contexts, written only against the compat headers: an
 * interrupt raised while its CPU holds a spin_lock_irqsave lock waits for the restore; a
 * timer allocates with GFP_ATOMIC (fine) or GFP_KERNEL (the kernel's might_sleep report); a
 * work item sleeps legitimately (no report).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/interrupt.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/atomic.h>
#include <kmm/kmm.h>
#include <kmm/report.h>

#define DEV_IRQ 9

/* A little device: its interrupt handler and process context share a counter under a lock. */
struct mydev {
	spinlock_t lock;
	int events;
	bool handler_saw_lock_free;
	struct completion irq_done;
	struct timer_list poll;
	gfp_t poll_gfp;
	void *poll_buf;
	struct completion poll_done;
	struct work_struct reset;
	struct mutex cfg_lock;
	int resets;
	struct completion reset_done;
};

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };

	return kmm_boot(&cfg);
}

static irqreturn_t mydev_irq(int irq, void *dev_id)
{
	struct mydev *d = dev_id;

	d->handler_saw_lock_free = !spin_is_locked(&d->lock);
	spin_lock(&d->lock);
	d->events++;
	spin_unlock(&d->lock);
	complete(&d->irq_done);
	return IRQ_HANDLED;
}

static void irq_raised_under_spin_lock_irqsave_waits_for_restore(void **state)
{
	struct mydev d = { 0 };
	unsigned long flags;

	spin_lock_init(&d.lock);
	init_completion(&d.irq_done);
	assert_int_equal(request_irq(DEV_IRQ, mydev_irq, 0, "mydev", &d), 0);

	spin_lock_irqsave(&d.lock, flags);
	kmm_irq_set_cpu(DEV_IRQ, smp_processor_id());
	assert_int_equal(kmm_raise_irq(DEV_IRQ), 0);
	mdelay(20); /* long enough for the handler to run, were it allowed to */
	assert_false(completion_done(&d.irq_done));
	d.events = 100;
	spin_unlock_irqrestore(&d.lock, flags);

	wait_for_completion(&d.irq_done);
	assert_true(d.handler_saw_lock_free);
	assert_int_equal(d.events, 101);
	free_irq(DEV_IRQ, &d);
}

static void poll_timer(struct timer_list *t)
{
	struct mydev *d = from_timer(d, t, poll);

	d->poll_buf = kmalloc(64, d->poll_gfp);
	complete(&d->poll_done);
}

static void run_poll_timer(struct mydev *d, gfp_t gfp)
{
	init_completion(&d->poll_done);
	d->poll_gfp = gfp;
	timer_setup(&d->poll, poll_timer, 0);
	mod_timer(&d->poll, jiffies + 1);
	wait_for_completion(&d->poll_done);
	del_timer_sync(&d->poll);
}

static void timer_allocating_with_gfp_atomic_is_fine(void **state)
{
	struct mydev d = { 0 };

	kmm_report_capture_begin();
	run_poll_timer(&d, GFP_ATOMIC);
	assert_int_equal(kmm_report_capture_end(), 0);
	assert_non_null(d.poll_buf);
	kfree(d.poll_buf);
}

static void timer_allocating_with_gfp_kernel_gives_the_might_sleep_report(void **state)
{
	struct mydev d = { 0 };
	const char *text;

	kmm_report_capture_begin();
	run_poll_timer(&d, GFP_KERNEL);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	text = kmm_report_captured_text(0);
	assert_non_null(text);
	assert_true(strncmp(text, "BUG: sleeping function called from invalid context at ", 54) ==
		    0);
	assert_non_null(strstr(text, "\nin_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: "));
	assert_non_null(strstr(text, ", name: ksoftirqd/"));
	assert_non_null(strstr(text, "\npreempt_count: 100, expected: 0\n"));
	assert_non_null(strstr(text, "Call Trace:"));
	assert_non_null(strstr(text, "poll_timer"));
	/* Reported, then treated as GFP_ATOMIC: the allocation still succeeds. */
	assert_non_null(d.poll_buf);
	kfree(d.poll_buf);
}

static void reset_work(struct work_struct *w)
{
	struct mydev *d = container_of(w, struct mydev, reset);
	void *scratch;

	mutex_lock(&d->cfg_lock);
	scratch = kmalloc(4096, GFP_KERNEL);
	msleep(2);
	kfree(scratch);
	d->resets++;
	mutex_unlock(&d->cfg_lock);
	complete(&d->reset_done);
}

static void work_item_that_sleeps_legitimately_gives_no_report(void **state)
{
	struct mydev d = { 0 };

	mutex_init(&d.cfg_lock);
	init_completion(&d.reset_done);
	INIT_WORK(&d.reset, reset_work);
	kmm_report_capture_begin();
	schedule_work(&d.reset);
	wait_for_completion(&d.reset_done);
	flush_work(&d.reset);
	assert_int_equal(kmm_report_capture_end(), 0);
	assert_int_equal(d.resets, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(irq_raised_under_spin_lock_irqsave_waits_for_restore),
		cmocka_unit_test(timer_allocating_with_gfp_atomic_is_fine),
		cmocka_unit_test(timer_allocating_with_gfp_kernel_gives_the_might_sleep_report),
		cmocka_unit_test(work_item_that_sleeps_legitimately_gives_no_report),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
