/*
 * Blocking in atomic context: the scheduler's "BUG: scheduling while atomic", once per blocking
 * call, after might_sleep's own report where the primitive has one; the preempt count reset
 * to 0 as the kernel's scheduler leaves it, the unlocks still to come absorbed without an
 * underflow report, interrupts on again, and the simulated CPU given back while the task
 * sleeps. Interrupt handlers and timers are reported once per callback and keep their
 * context. Sleeping in process context reports nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/context.h>
#include <kmm/completion.h>
#include <kmm/delay.h>
#include <kmm/irq.h>
#include <kmm/jiffies.h>
#include <kmm/mutex.h>
#include <kmm/report.h>
#include <kmm/semaphore.h>
#include <kmm/spinlock.h>
#include <kmm/timer.h>
#include <kmm/wait.h>

#define LINE 5

/* One CPU, as the kernel test's guest: a task that kept its CPU while asleep would show. */
static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 1 };

	return kmm_boot(&cfg);
}

/* The first line the scheduler prints for the calling task with @count as it sees it. */
static void assert_title(const char *text, unsigned int count)
{
	char want[96];

	snprintf(want, sizeof(want), "BUG: scheduling while atomic: %s/%d/0x%08x\n",
		 kmm_current_comm(), kmm_current_pid(), count);
	assert_non_null(text);
	assert_true(strncmp(text, want, strlen(want)) == 0);
}

static void msleep_under_preempt_disable_is_reported_and_the_count_reset(void **state)
{
	const char *text;

	kmm_report_capture_begin();
	preempt_disable();
	msleep(1);
	assert_int_equal(preempt_count(), 0); /* as the kernel's probe saw: preempt_count=0x0 */
	assert_false(irqs_disabled());
	preempt_enable(); /* the enable that was still to come: absorbed */
	assert_int_equal(preempt_count(), 0);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("scheduling_while_atomic"), 1);
	assert_int_equal(kmm_report_captured("might_sleep"), 0); /* msleep has no might_sleep */
	text = kmm_report_captured_text(0);
	assert_title(text, 0x00000002); /* the caller's preempt_disable plus the scheduler's */
	assert_non_null(strstr(text, "\nModules linked in:\nCPU: "));
	assert_non_null(strstr(text, "\nCall Trace:\n ")); /* i386: no <TASK> framing */
}

static void spin_lock_msleep_spin_unlock_is_one_report_and_no_underflow(void **state)
{
	DEFINE_SPINLOCK(lock);

	kmm_report_capture_begin();
	spin_lock(&lock);
	msleep(1);
	msleep(1); /* the count is 0 now: the second sleep is no longer atomic */
	assert_int_equal(preempt_count(), 0);
	spin_unlock(&lock);
	assert_false(spin_is_locked(&lock));
	assert_int_equal(preempt_count(), 0);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("scheduling_while_atomic"), 1);
	assert_int_equal(kmm_report_captured("preempt_underflow"), 0);
	assert_int_equal(kmm_report_captured("spinlock"), 0);
}

static void each_blocking_call_in_atomic_context_is_reported_once(void **state)
{
	kmm_report_capture_begin();
	preempt_disable();
	preempt_disable();
	msleep(1);
	assert_int_equal(preempt_count(), 0);
	preempt_disable();
	usleep_range(100, 200);
	assert_int_equal(preempt_count(), 0);
	preempt_enable();
	preempt_enable();
	preempt_enable(); /* three enables owed, three absorbed */
	assert_int_equal(kmm_report_captured("preempt_underflow"), 0);
	preempt_enable(); /* one too many: nothing was owed any more */
	assert_int_equal(kmm_report_capture_end(), 3);
	assert_int_equal(kmm_report_captured("scheduling_while_atomic"), 2);
	assert_int_equal(kmm_report_captured("preempt_underflow"), 1);
	assert_title(kmm_report_captured_text(0), 0x00000003);
	assert_title(kmm_report_captured_text(1), 0x00000002);
	assert_int_equal(preempt_count(), 0);
}

static void the_count_printed_has_the_softirq_bits(void **state)
{
	kmm_report_capture_begin();
	local_bh_disable();
	msleep(1);
	assert_int_equal(preempt_count(), 0);
	local_bh_enable();
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_title(kmm_report_captured_text(0), 0x00000201);
}

static void sleeping_under_spin_lock_irqsave_comes_back_with_interrupts_on(void **state)
{
	DEFINE_SPINLOCK(lock);
	unsigned long flags;

	kmm_report_capture_begin();
	spin_lock_irqsave(&lock, flags);
	msleep(1);
	assert_int_equal(preempt_count(), 0);
	assert_false(irqs_disabled());
	spin_unlock_irqrestore(&lock, flags);
	assert_int_equal(preempt_count(), 0);
	assert_false(irqs_disabled());
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_title(kmm_report_captured_text(0), 0x00000002);
}

static void sleeping_with_only_interrupts_off_is_not_the_schedulers_report(void **state)
{
	/* The scheduler checks the preempt count alone; it comes back with interrupts on. */
	kmm_report_capture_begin();
	local_irq_disable();
	msleep(1);
	assert_false(irqs_disabled());
	local_irq_enable();
	assert_int_equal(kmm_report_capture_end(), 0);
}

static void wait_for_completion_gives_might_sleep_then_the_schedulers_report(void **state)
{
	DEFINE_SPINLOCK(lock);
	DECLARE_COMPLETION_ONSTACK(never);

	kmm_report_capture_begin();
	spin_lock(&lock);
	assert_int_equal(wait_for_completion_timeout(&never, 1), 0);
	spin_unlock(&lock);
	assert_int_equal(kmm_report_capture_end(), 2);
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	assert_int_equal(kmm_report_captured("scheduling_while_atomic"), 1);
	assert_non_null(strstr(kmm_report_captured_text(0),
			       "BUG: sleeping function called from invalid context at "));
	assert_title(kmm_report_captured_text(1), 0x00000002);
	assert_int_equal(preempt_count(), 0);
}

static void only_a_call_that_really_blocks_gets_the_schedulers_report(void **state)
{
	DEFINE_SPINLOCK(lock);
	DECLARE_WAIT_QUEUE_HEAD(wq);
	DECLARE_COMPLETION_ONSTACK(done);
	struct semaphore sem;

	sema_init(&sem, 1);
	complete(&done);
	kmm_report_capture_begin();
	spin_lock(&lock);
	wait_for_completion(&done); /* already done: might_sleep only */
	down(&sem); /* a free unit: might_sleep only */
	wait_event(wq, true); /* true at once: might_sleep only */
	assert_int_equal(kmm_report_captured("scheduling_while_atomic"), 0);
	assert_int_equal(kmm_report_captured("might_sleep"), 3);
	assert_int_equal(preempt_count(), 1);
	assert_int_equal(down_timeout(&sem, 1), -ETIME); /* this one sleeps */
	assert_int_equal(preempt_count(), 0);
	spin_unlock(&lock);
	up(&sem);
	/* down_timeout's might_sleep is down's call site again: reported once per site. */
	assert_int_equal(kmm_report_capture_end(), 4);
	assert_int_equal(kmm_report_captured("scheduling_while_atomic"), 1);
	assert_int_equal(kmm_report_captured("preempt_underflow"), 0);
}

static void *hold_the_mutex_until_contended(void *arg)
{
	struct mutex *m = arg;

	mutex_lock(m);
	while (__atomic_load_n(&m->state, __ATOMIC_SEQ_CST) != 2) /* the other thread waits */
		usleep_range(100, 200);
	msleep(5);
	mutex_unlock(m);
	return NULL;
}

static void contended_mutex_under_a_spinlock_is_reported_when_it_sleeps(void **state)
{
	DEFINE_SPINLOCK(lock);
	struct mutex m;
	pthread_t holder;

	mutex_init(&m);
	pthread_create(&holder, NULL, hold_the_mutex_until_contended, &m);
	while (!mutex_is_locked(&m))
		usleep_range(100, 200);
	kmm_report_capture_begin();
	spin_lock(&lock);
	mutex_lock(&m);
	mutex_unlock(&m);
	spin_unlock(&lock);
	pthread_join(holder, NULL);
	assert_int_equal(kmm_report_capture_end(), 2);
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	assert_int_equal(kmm_report_captured("scheduling_while_atomic"), 1);
	assert_title(kmm_report_captured_text(1), 0x00000002);
	assert_int_equal(preempt_count(), 0);
}

static void *complete_atomically(void *arg)
{
	preempt_disable(); /* needs the one CPU */
	complete(arg);
	preempt_enable();
	return NULL;
}

static void a_task_asleep_in_atomic_context_gives_back_its_cpu(void **state)
{
	DECLARE_COMPLETION_ONSTACK(done);
	pthread_t t;

	kmm_report_capture_begin();
	preempt_disable(); /* owns the only CPU: the other thread cannot go atomic now */
	pthread_create(&t, NULL, complete_atomically, &done);
	/* Kept through the sleep, the CPU would hold the completer back for the whole second. */
	assert_true(wait_for_completion_timeout(&done, HZ) > 0);
	pthread_join(t, NULL);
	assert_int_equal(preempt_count(), 0);
	preempt_enable();
	assert_int_equal(kmm_report_capture_end(), 2);
	assert_int_equal(kmm_report_captured("scheduling_while_atomic"), 1);
}

static void sleeping_in_process_context_reports_nothing(void **state)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	DECLARE_COMPLETION_ONSTACK(never);
	struct semaphore sem;
	DEFINE_SPINLOCK(lock);

	sema_init(&sem, 0);
	kmm_report_capture_begin();
	msleep(1);
	msleep_interruptible(1);
	usleep_range(50, 100);
	fsleep(20);
	assert_int_equal(wait_event_timeout(wq, false, 1), 0);
	assert_int_equal(wait_for_completion_timeout(&never, 1), 0);
	assert_int_equal(down_timeout(&sem, 1), -ETIME);
	assert_int_equal(schedule_timeout_uninterruptible(1), 0);
	spin_lock(&lock);
	udelay(5);
	mdelay(1);
	fsleep(10); /* short enough to spin, as the kernel's */
	spin_unlock(&lock);
	assert_int_equal(kmm_report_capture_end(), 0);
}

struct callback {
	struct timer_list timer;
	struct completion done;
	unsigned int count_after;
	bool irqs_off_after;
};

static void timer_sleeping_twice(struct timer_list *timer)
{
	struct callback *c = container_of(timer, struct callback, timer);

	msleep(1);
	msleep(1);
	c->count_after = preempt_count();
	complete(&c->done);
}

static void a_timer_that_sleeps_is_reported_once_and_keeps_its_context(void **state)
{
	struct callback c = { 0 };

	init_completion(&c.done);
	timer_setup(&c.timer, timer_sleeping_twice, 0);
	kmm_report_capture_begin();
	mod_timer(&c.timer, jiffies);
	wait_for_completion(&c.done);
	del_timer_sync(&c.timer);
	assert_int_equal(c.count_after, SOFTIRQ_OFFSET);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("scheduling_while_atomic"), 1);
	assert_non_null(
		strstr(kmm_report_captured_text(0), "BUG: scheduling while atomic: ksoftirqd/0/"));
	assert_non_null(strstr(kmm_report_captured_text(0), "/0x00000101\n"));
}

static irqreturn_t handler_sleeping(int irq, void *id)
{
	struct callback *c = id;

	msleep(1);
	c->count_after = preempt_count();
	c->irqs_off_after = irqs_disabled();
	complete(&c->done);
	return IRQ_HANDLED;
}

static void an_irq_handler_that_sleeps_is_reported_and_keeps_its_context(void **state)
{
	struct callback c = { 0 };

	init_completion(&c.done);
	kmm_report_capture_begin();
	assert_int_equal(request_irq(LINE, handler_sleeping, 0, "sleepy", &c), 0);
	kmm_raise_irq(LINE);
	wait_for_completion(&c.done);
	free_irq(LINE, &c);
	assert_int_equal(c.count_after, HARDIRQ_OFFSET);
	assert_true(c.irqs_off_after);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_non_null(
		strstr(kmm_report_captured_text(0), "BUG: scheduling while atomic: hardirq/0/"));
	assert_non_null(strstr(kmm_report_captured_text(0), "/0x00010001\n"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, boot, kmm_test_shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(msleep_under_preempt_disable_is_reported_and_the_count_reset),
		T(spin_lock_msleep_spin_unlock_is_one_report_and_no_underflow),
		T(each_blocking_call_in_atomic_context_is_reported_once),
		T(the_count_printed_has_the_softirq_bits),
		T(sleeping_under_spin_lock_irqsave_comes_back_with_interrupts_on),
		T(sleeping_with_only_interrupts_off_is_not_the_schedulers_report),
		T(wait_for_completion_gives_might_sleep_then_the_schedulers_report),
		T(only_a_call_that_really_blocks_gets_the_schedulers_report),
		T(contended_mutex_under_a_spinlock_is_reported_when_it_sleeps),
		T(a_task_asleep_in_atomic_context_gives_back_its_cpu),
		T(sleeping_in_process_context_reports_nothing),
		T(a_timer_that_sleeps_is_reported_once_and_keeps_its_context),
		T(an_irq_handler_that_sleeps_is_reported_and_keeps_its_context),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
