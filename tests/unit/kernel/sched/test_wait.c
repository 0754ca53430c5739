/*
 * Waiting: wait queues and wait_event*, completions, schedule_timeout, the sleeps and the
 * busy delays, with a waker on another thread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/wait.h>
#include <kmm/completion.h>
#include <kmm/delay.h>
#include <kmm/jiffies.h>
#include <kmm/barrier.h>
#include <kmm/report.h>

static DECLARE_WAIT_QUEUE_HEAD(ready_wq);
static int ready;
static DECLARE_COMPLETION(done);

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };

	return kmm_boot(&cfg);
}

static void *set_ready_later(void *arg)
{
	msleep(5);
	WRITE_ONCE(ready, 1);
	wake_up(&ready_wq);
	return NULL;
}

static void wait_event_returns_once_the_condition_holds(void **state)
{
	pthread_t t;

	WRITE_ONCE(ready, 0);
	pthread_create(&t, NULL, set_ready_later, NULL);
	wait_event(ready_wq, READ_ONCE(ready));
	assert_int_equal(READ_ONCE(ready), 1);
	pthread_join(t, NULL);
}

static void wait_event_timeout_gives_zero_when_time_runs_out(void **state)
{
	long left;

	WRITE_ONCE(ready, 0);
	left = wait_event_timeout(ready_wq, READ_ONCE(ready), msecs_to_jiffies(20));
	assert_int_equal(left, 0);
	WRITE_ONCE(ready, 1);
	left = wait_event_timeout(ready_wq, READ_ONCE(ready), 10);
	assert_int_equal(left, 10);
	assert_int_equal(wait_event_interruptible(ready_wq, READ_ONCE(ready)), 0);
}

static void *complete_later(void *arg)
{
	msleep(2);
	complete(&done);
	return NULL;
}

static void completion_wakes_its_waiter(void **state)
{
	pthread_t t;

	reinit_completion(&done);
	assert_false(completion_done(&done));
	pthread_create(&t, NULL, complete_later, NULL);
	wait_for_completion(&done);
	pthread_join(t, NULL);
	assert_false(try_wait_for_completion(&done));
	assert_int_equal(wait_for_completion_timeout(&done, 2), 0);
	complete(&done);
	assert_true(wait_for_completion_timeout(&done, 100) > 0);
	complete_all(&done);
	wait_for_completion(&done);
	wait_for_completion(&done);
	assert_true(completion_done(&done));
}

static void *prepare_and_schedule(void *arg)
{
	DEFINE_WAIT(wait);

	for (;;) {
		prepare_to_wait(&ready_wq, &wait, TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(ready))
			break;
		schedule();
	}
	finish_wait(&ready_wq, &wait);
	return NULL;
}

static void prepare_to_wait_and_schedule_sleep_until_woken(void **state)
{
	pthread_t t;

	WRITE_ONCE(ready, 0);
	pthread_create(&t, NULL, prepare_and_schedule, NULL);
	msleep(5);
	WRITE_ONCE(ready, 1);
	wake_up(&ready_wq);
	pthread_join(t, NULL);
}

static void schedule_timeout_sleeps_its_jiffies(void **state)
{
	unsigned long start = jiffies;

	set_current_state(TASK_UNINTERRUPTIBLE);
	assert_int_equal(schedule_timeout(2), 0);
	assert_true(time_after_eq(jiffies, start + 2));
	assert_int_equal(schedule_timeout(5), 5); /* TASK_RUNNING again: returns at once */
	assert_int_equal(schedule_timeout_uninterruptible(1), 0);
}

static void sleeping_in_process_context_is_not_reported(void **state)
{
	kmm_report_capture_begin();
	msleep(1);
	usleep_range(100, 200);
	udelay(10);
	assert_int_equal(kmm_report_capture_end(), 0);
}

static void msleep_in_atomic_context_is_reported_but_delay_is_not(void **state)
{
	kmm_report_capture_begin();
	preempt_disable();
	mdelay(1);
	msleep(1); /* the scheduler's report (msleep has no might_sleep), and the count reset */
	preempt_enable();
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("scheduling_while_atomic"), 1);
}

static void jiffies_start_before_the_wrap_and_tick_at_hz(void **state)
{
	unsigned long j = jiffies;

	assert_true(time_after_eq(j, INITIAL_JIFFIES));
	assert_true(time_before(j, INITIAL_JIFFIES + 60 * HZ));
	assert_int_equal(msecs_to_jiffies(1000), HZ);
	assert_int_equal(jiffies_to_msecs(HZ), 1000);
	assert_true(time_after(INITIAL_JIFFIES + 400 * HZ, INITIAL_JIFFIES)); /* across the wrap */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wait_event_returns_once_the_condition_holds),
		cmocka_unit_test(wait_event_timeout_gives_zero_when_time_runs_out),
		cmocka_unit_test(completion_wakes_its_waiter),
		cmocka_unit_test(prepare_to_wait_and_schedule_sleep_until_woken),
		cmocka_unit_test(schedule_timeout_sleeps_its_jiffies),
		cmocka_unit_test(sleeping_in_process_context_is_not_reported),
		cmocka_unit_test(msleep_in_atomic_context_is_reported_but_delay_is_not),
		cmocka_unit_test(jiffies_start_before_the_wrap_and_tick_at_hz),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
