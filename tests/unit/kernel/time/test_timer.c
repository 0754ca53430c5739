/*
 * Timers and tasklets: softirq context, the manual clock, re-arming, del_timer_sync, and
 * tasklets scheduled from a handler.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/context.h>
#include <kmm/timer.h>
#include <kmm/tasklet.h>
#include <kmm/completion.h>
#include <kmm/jiffies.h>
#include <kmm/barrier.h>
#include <kmm/report.h>

struct tick {
	struct timer_list timer;
	int fired;
	int again; /* re-arm this many more times */
	unsigned int preempt;
	struct completion done;
};

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };

	return kmm_boot(&cfg);
}

static int shutdown(void **state)
{
	kmm_jiffies_set_manual(false);
	kmm_shutdown();
	return 0;
}

static void tick_fn(struct timer_list *t)
{
	struct tick *k = from_timer(k, t, timer);

	k->preempt = preempt_count();
	WRITE_ONCE(k->fired, k->fired + 1);
	if (k->again-- > 0)
		mod_timer(&k->timer, jiffies + 1);
	complete(&k->done);
}

static void timer_fires_in_softirq_context_when_the_clock_gets_there(void **state)
{
	struct tick k = { .again = 0 };

	init_completion(&k.done);
	kmm_jiffies_set_manual(true);
	timer_setup(&k.timer, tick_fn, 0);
	mod_timer(&k.timer, jiffies + 10);
	assert_true(timer_pending(&k.timer));
	kmm_jiffies_advance(9);
	assert_int_equal(READ_ONCE(k.fired), 0);
	kmm_jiffies_advance(1);
	assert_int_equal(READ_ONCE(k.fired), 1);
	assert_false(timer_pending(&k.timer));
	assert_int_equal(k.preempt, SOFTIRQ_OFFSET);
	kmm_jiffies_set_manual(false);
}

static void a_timer_may_rearm_itself(void **state)
{
	struct tick k = { .again = 2 };

	init_completion(&k.done);
	kmm_jiffies_set_manual(true);
	timer_setup(&k.timer, tick_fn, 0);
	mod_timer(&k.timer, jiffies);
	kmm_jiffies_advance(0);
	assert_int_equal(READ_ONCE(k.fired), 1);
	kmm_jiffies_advance(1);
	kmm_jiffies_advance(1);
	assert_int_equal(READ_ONCE(k.fired), 3);
	kmm_jiffies_advance(1);
	assert_int_equal(READ_ONCE(k.fired), 3);
	kmm_jiffies_set_manual(false);
}

static void del_timer_disarms_and_reports_pending(void **state)
{
	struct tick k = { 0 };

	init_completion(&k.done);
	timer_setup(&k.timer, tick_fn, 0);
	assert_int_equal(mod_timer(&k.timer, jiffies + HZ), 0);
	assert_int_equal(mod_timer(&k.timer, jiffies + HZ), 1);
	assert_int_equal(del_timer(&k.timer), 1);
	assert_int_equal(del_timer_sync(&k.timer), 0);
	assert_int_equal(READ_ONCE(k.fired), 0);
}

static void real_clock_timer_fires_by_itself(void **state)
{
	struct tick k = { 0 };

	init_completion(&k.done);
	timer_setup(&k.timer, tick_fn, 0);
	mod_timer(&k.timer, jiffies + 2);
	wait_for_completion(&k.done);
	del_timer_sync(&k.timer);
	assert_int_equal(READ_ONCE(k.fired), 1);
}

struct job {
	struct tasklet_struct tasklet;
	unsigned int preempt;
	struct completion done;
};

static void job_fn(struct tasklet_struct *t)
{
	struct job *j = from_tasklet(j, t, tasklet);

	j->preempt = preempt_count();
	complete(&j->done);
}

static void tasklet_runs_in_softirq_context(void **state)
{
	struct job j;

	init_completion(&j.done);
	tasklet_setup(&j.tasklet, job_fn);
	tasklet_schedule(&j.tasklet);
	wait_for_completion(&j.done);
	tasklet_kill(&j.tasklet);
	assert_int_equal(j.preempt, SOFTIRQ_OFFSET);
}

static void disabled_tasklet_waits_for_enable(void **state)
{
	struct job j;

	init_completion(&j.done);
	tasklet_setup(&j.tasklet, job_fn);
	tasklet_disable(&j.tasklet);
	tasklet_schedule(&j.tasklet);
	assert_int_equal(wait_for_completion_timeout(&j.done, 3), 0);
	tasklet_enable(&j.tasklet);
	wait_for_completion(&j.done);
	tasklet_kill(&j.tasklet);
}

static void softirq_does_not_run_while_bottom_halves_are_disabled(void **state)
{
	struct job j;

	init_completion(&j.done);
	tasklet_setup(&j.tasklet, job_fn);
	local_bh_disable();
	tasklet_schedule(&j.tasklet);
	assert_false(try_wait_for_completion(&j.done));
	local_bh_enable();
	wait_for_completion(&j.done);
	tasklet_kill(&j.tasklet);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timer_fires_in_softirq_context_when_the_clock_gets_there),
		cmocka_unit_test(a_timer_may_rearm_itself),
		cmocka_unit_test(del_timer_disarms_and_reports_pending),
		cmocka_unit_test(real_clock_timer_fires_by_itself),
		cmocka_unit_test(tasklet_runs_in_softirq_context),
		cmocka_unit_test(disabled_tasklet_waits_for_enable),
		cmocka_unit_test(softirq_does_not_run_while_bottom_halves_are_disabled),
	};

	return cmocka_run_group_tests(tests, boot, shutdown);
}
