/*
 * Deliberate misuse of execution contexts and locks, each caught with the kernel's report
 * and an exact count: a mutex taken in an interrupt handler, an AB-BA lock inversion, unlocks
 * of locks not held, two locks of one class without a nesting annotation, a spinlock shared
 * with an interrupt handler but taken with interrupts on, per-CPU data used while
 * preemptible, a recursive
 * spin_lock or mutex_lock, a mutex unlocked by another thread, handlers and work that return
 * holding a lock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/spinlock.h>
#include <kmm/mutex.h>
#include <kmm/irq.h>
#include <kmm/completion.h>
#include <kmm/workqueue.h>
#include <kmm/context.h>
#include <kmm/percpu.h>
#include <kmm/report.h>

#define LINE 3

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };

	return kmm_boot(&cfg);
}

struct dev {
	struct mutex m;
	spinlock_t lock;
	struct completion done;
	struct work_struct work;
};

static irqreturn_t handler_taking_a_mutex(int irq, void *id)
{
	struct dev *d = id;

	mutex_lock(&d->m);
	mutex_unlock(&d->m);
	complete(&d->done);
	return IRQ_HANDLED;
}

static void mutex_in_irq_handler_is_reported_once(void **state)
{
	struct dev d;
	const char *text;

	mutex_init(&d.m);
	init_completion(&d.done);
	kmm_report_capture_begin();
	request_irq(LINE, handler_taking_a_mutex, 0, "bad", &d);
	kmm_raise_irq(LINE);
	wait_for_completion(&d.done);
	free_irq(LINE, &d);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	text = kmm_report_captured_text(0);
	assert_non_null(strstr(text, "in_atomic(): 1, irqs_disabled(): 1, non_block: 0"));
	assert_non_null(strstr(text, "name: hardirq/"));
	assert_non_null(strstr(text, "preempt_count: 10000, expected: 0"));
}

static void ab_ba_inversion_is_reported_before_it_deadlocks(void **state)
{
	struct mutex a, b;
	const char *text;

	mutex_init(&a);
	mutex_init(&b);
	kmm_report_capture_begin();
	mutex_lock(&a);
	mutex_lock(&b);
	mutex_unlock(&b);
	mutex_unlock(&a);
	assert_int_equal(kmm_report_captured(NULL), 0);

	mutex_lock(&b);
	mutex_lock(&a); /* the other order: a cycle, though no deadlock happened this time */
	mutex_unlock(&a);
	mutex_unlock(&b);
	mutex_lock(&b);
	mutex_lock(&a); /* only the first cycle is reported */
	mutex_unlock(&a);
	mutex_unlock(&b);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("lockdep_circular"), 1);
	text = kmm_report_captured_text(0);
	assert_true(strncmp(text, "WARNING: possible circular locking dependency detected\n", 55) ==
		    0);
	assert_non_null(strstr(text, "is trying to acquire lock:\n"));
	assert_non_null(strstr(text, "(&a){+.+.}-{3:3}, at: "));
	assert_non_null(strstr(text, "but task is already holding lock:\n"));
	assert_non_null(strstr(text, "which lock already depends on the new lock."));
	assert_non_null(strstr(text, "  lock(&b);\n                               lock(&a);\n"));
	assert_non_null(strstr(text, " *** DEADLOCK ***"));
	assert_non_null(strstr(text, "1 lock held by "));
}

static DEFINE_SPINLOCK(sa);
static DEFINE_SPINLOCK(sb);

static void *take_b_then_a(void *arg)
{
	spin_lock(&sb);
	spin_lock(&sa);
	spin_unlock(&sa);
	spin_unlock(&sb);
	return NULL;
}

static void inversion_across_threads_and_spinlocks_is_reported(void **state)
{
	pthread_t t;

	kmm_report_capture_begin();
	spin_lock(&sa);
	spin_lock(&sb);
	spin_unlock(&sb);
	spin_unlock(&sa);
	pthread_create(&t, NULL, take_b_then_a, NULL);
	pthread_join(t, NULL);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("(sa){+.+.}-{2:2}"), 1);
	assert_int_equal(kmm_report_captured_find("(sb){+.+.}-{2:2}"), 1);
}

struct node {
	spinlock_t lock;
	struct mutex m;
};

static void init_node(struct node *n)
{
	spin_lock_init(&n->lock); /* one init site: one class for every node */
	mutex_init(&n->m);
}

static void two_locks_of_one_class_need_a_nesting_annotation(void **state)
{
	struct node parent, child;

	init_node(&parent);
	init_node(&child);
	kmm_report_capture_begin();
	spin_lock(&parent.lock);
	spin_lock_nested(&child.lock, SINGLE_DEPTH_NESTING); /* annotated: fine */
	spin_unlock(&child.lock);
	spin_unlock(&parent.lock);
	assert_int_equal(kmm_report_captured(NULL), 0);
	spin_lock(&parent.lock);
	spin_lock(&child.lock);
	spin_unlock(&child.lock);
	spin_unlock(&parent.lock);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("lockdep_recursive"), 1);
	assert_int_equal(kmm_report_captured_find("WARNING: possible recursive locking detected\n"),
			 1);
	assert_int_equal(kmm_report_captured_find(" May be due to missing lock nesting notation"),
			 1);
	assert_int_equal(kmm_report_captured_find("(&n->lock){+.+.}-{2:2}"), 1);
}

static void recursive_mutex_lock_is_reported_not_hung(void **state)
{
	struct node n;

	init_node(&n);
	kmm_report_capture_begin();
	mutex_lock(&n.m);
	mutex_lock(&n.m);
	mutex_unlock(&n.m);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("lockdep_recursive"), 1);
	assert_false(mutex_is_locked(&n.m));
}

static void unlock_of_a_lock_not_held_is_reported(void **state)
{
	DEFINE_SPINLOCK(lock);
	DEFINE_RWLOCK(rw);
	struct mutex m;

	mutex_init(&m);
	kmm_report_capture_begin();
	spin_unlock(&lock);
	mutex_unlock(&m);
	read_unlock(&rw);
	write_unlock(&rw);
	assert_int_equal(kmm_report_capture_end(), 4);
	assert_int_equal(kmm_report_captured("rwlock"), 2);
	assert_int_equal(kmm_report_captured("spinlock"), 1);
	assert_int_equal(kmm_report_captured_find("BUG: spinlock already unlocked on CPU#"), 1);
	assert_int_equal(kmm_report_captured("bad_unlock_balance"), 1);
	assert_int_equal(kmm_report_captured_find("but there are no more locks to release!"), 1);
	assert_int_equal(preempt_count(), 0);
}

static void recursive_spin_lock_is_reported_not_hung(void **state)
{
	DEFINE_SPINLOCK(lock);

	kmm_report_capture_begin();
	spin_lock(&lock);
	spin_lock(&lock);
	spin_unlock(&lock);
	assert_true(spin_is_locked(&lock));
	spin_unlock(&lock);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("BUG: spinlock recursion on CPU#"), 1);
	assert_int_equal(kmm_report_captured_find(".magic: dead4ead"), 1);
	assert_false(spin_is_locked(&lock));
	assert_int_equal(preempt_count(), 0);
}

static void *unlock_other(void *arg)
{
	mutex_unlock(arg);
	return NULL;
}

static void mutex_unlocked_by_another_thread_is_reported(void **state)
{
	struct mutex m;
	pthread_t t;

	mutex_init(&m);
	kmm_report_capture_begin();
	mutex_lock(&m);
	pthread_create(&t, NULL, unlock_other, &m);
	pthread_join(t, NULL);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(
		kmm_report_captured_find("DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)"), 1);
	assert_false(mutex_is_locked(&m));
}

static irqreturn_t handler_leaving_lock_held(int irq, void *id)
{
	struct dev *d = id;

	spin_lock(&d->lock);
	complete(&d->done);
	return IRQ_HANDLED;
}

static void irq_handler_returning_with_a_lock_held_is_reported(void **state)
{
	struct dev d;

	spin_lock_init(&d.lock);
	init_completion(&d.done);
	kmm_report_capture_begin();
	request_irq(LINE, handler_leaving_lock_held, 0, "leaky", &d);
	kmm_raise_irq(LINE);
	wait_for_completion(&d.done);
	synchronize_irq(LINE);
	free_irq(LINE, &d);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(
		kmm_report_captured_find("BUG: irq handler leaked lock or atomic: hardirq/"), 1);
	assert_int_equal(kmm_report_captured_find("last function: handler_leaving_lock_held"), 1);
}

static irqreturn_t handler_taking_the_lock(int irq, void *id)
{
	struct dev *d = id;

	spin_lock(&d->lock);
	spin_unlock(&d->lock);
	complete(&d->done);
	return IRQ_HANDLED;
}

static void lock_shared_with_a_handler_but_taken_with_irqs_on_is_reported(void **state)
{
	struct dev d;
	const char *text;

	spin_lock_init(&d.lock);
	init_completion(&d.done);
	kmm_report_capture_begin();
	spin_lock(&d.lock); /* interrupts on: the handler could interrupt this CPU right here */
	spin_unlock(&d.lock);
	request_irq(LINE, handler_taking_the_lock, 0, "shared", &d);
	kmm_raise_irq(LINE);
	wait_for_completion(&d.done);
	free_irq(LINE, &d);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("lockdep_inconsistent"), 1);
	text = kmm_report_captured_text(0);
	assert_true(strncmp(text, "WARNING: inconsistent lock state\n", 33) == 0);
	assert_non_null(strstr(text, "inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage."));
	assert_non_null(strstr(text, "[HC1[1]:SC0[0]:HE0:SE1] takes:"));
	assert_non_null(strstr(text, "  <Interrupt>\n    lock(&d.lock);"));
}

static void lock_shared_with_a_handler_under_irqsave_is_fine(void **state)
{
	struct dev d;
	unsigned long flags;

	spin_lock_init(&d.lock);
	init_completion(&d.done);
	kmm_report_capture_begin();
	spin_lock_irqsave(&d.lock, flags);
	spin_unlock_irqrestore(&d.lock, flags);
	request_irq(LINE, handler_taking_the_lock, 0, "shared", &d);
	kmm_raise_irq(LINE);
	wait_for_completion(&d.done);
	free_irq(LINE, &d);
	assert_int_equal(kmm_report_capture_end(), 0);
}

static DEFINE_PER_CPU(long, rx_packets);

static void per_cpu_access_while_preemptible_is_reported(void **state)
{
	const char *text;

	kmm_report_capture_begin();
	(*this_cpu_ptr(&rx_packets))++; /* could migrate between the address and the store */
	get_cpu();
	(*this_cpu_ptr(&rx_packets))++; /* pinned: fine */
	__this_cpu_inc(rx_packets);
	put_cpu();
	this_cpu_inc(rx_packets); /* one atomic step: fine anywhere */
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("preemptible_cpu"), 1);
	text = kmm_report_captured_text(0);
	assert_true(strncmp(text, "BUG: using smp_processor_id() in preemptible [00000000] code: ",
			    62) == 0);
	assert_non_null(strstr(text, "caller is "));
}

static irqreturn_t handler_enabling_irqs(int irq, void *id)
{
	struct dev *d = id;

	local_irq_enable();
	complete(&d->done);
	return IRQ_HANDLED;
}

static void irq_handler_enabling_interrupts_is_reported(void **state)
{
	struct dev d;

	init_completion(&d.done);
	kmm_report_capture_begin();
	request_irq(LINE, handler_enabling_irqs, 0, "irqon", &d);
	kmm_raise_irq(LINE);
	wait_for_completion(&d.done);
	synchronize_irq(LINE);
	free_irq(LINE, &d);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("handler_enabling_irqs"), 1);
	assert_int_equal(kmm_report_captured_find("enabled interrupts"), 1);
}

static void work_leaving_preemption_disabled(struct work_struct *w)
{
	struct dev *d = container_of(w, struct dev, work);

	preempt_disable();
	complete(&d->done);
}

static void work_returning_atomic_is_reported(void **state)
{
	struct dev d;

	init_completion(&d.done);
	INIT_WORK(&d.work, work_leaving_preemption_disabled);
	kmm_report_capture_begin();
	schedule_work(&d.work);
	wait_for_completion(&d.done);
	flush_work(&d.work);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("BUG: workqueue leaked lock or atomic: kworker/"),
			 1);
	assert_int_equal(
		kmm_report_captured_find("last function: work_leaving_preemption_disabled"), 1);
}

int main(void)
{
	/* A machine per test: lockdep stops judging after its first report, as the kernel's does. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(mutex_in_irq_handler_is_reported_once, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(ab_ba_inversion_is_reported_before_it_deadlocks,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(inversion_across_threads_and_spinlocks_is_reported,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(two_locks_of_one_class_need_a_nesting_annotation,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(recursive_mutex_lock_is_reported_not_hung, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(unlock_of_a_lock_not_held_is_reported, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(recursive_spin_lock_is_reported_not_hung, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(mutex_unlocked_by_another_thread_is_reported, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(irq_handler_returning_with_a_lock_held_is_reported,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(
			lock_shared_with_a_handler_but_taken_with_irqs_on_is_reported, boot,
			kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(lock_shared_with_a_handler_under_irqsave_is_fine,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(per_cpu_access_while_preemptible_is_reported, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(irq_handler_enabling_interrupts_is_reported, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(work_returning_atomic_is_reported, boot,
						kmm_test_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
