/*
 * Workqueues: items run in process context, once per queueing while pending; flush, cancel,
 * delayed work on the manual clock, ordered queues.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/context.h>
#include <kmm/workqueue.h>
#include <kmm/completion.h>
#include <kmm/delay.h>
#include <kmm/mutex.h>
#include <kmm/barrier.h>
#include <kmm/report.h>

struct item {
	struct work_struct work;
	struct delayed_work dwork;
	int runs;
	unsigned int preempt;
	struct completion started, go;
	bool block;
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

static void item_fn(struct work_struct *w)
{
	struct item *it = container_of(w, struct item, work);

	it->preempt = preempt_count();
	complete(&it->started);
	if (it->block)
		wait_for_completion(&it->go);
	msleep(1);
	__atomic_add_fetch(&it->runs, 1, __ATOMIC_RELAXED);
}

static void delayed_fn(struct work_struct *w)
{
	struct item *it = container_of(to_delayed_work(w), struct item, dwork);

	__atomic_add_fetch(&it->runs, 1, __ATOMIC_RELAXED);
	complete(&it->started);
}

static void init_item(struct item *it)
{
	INIT_WORK(&it->work, item_fn);
	INIT_DELAYED_WORK(&it->dwork, delayed_fn);
	it->runs = 0;
	it->block = false;
	init_completion(&it->started);
	init_completion(&it->go);
}

static void work_runs_in_process_context_and_may_sleep(void **state)
{
	struct item it;

	init_item(&it);
	kmm_report_capture_begin();
	assert_true(schedule_work(&it.work));
	flush_work(&it.work);
	assert_int_equal(kmm_report_capture_end(), 0);
	assert_int_equal(it.runs, 1);
	assert_int_equal(it.preempt, 0);
}

static void queueing_a_pending_item_does_nothing(void **state)
{
	struct item it;

	init_item(&it);
	it.block = true;
	assert_true(schedule_work(&it.work));
	wait_for_completion(&it.started); /* running: no longer pending */
	assert_true(schedule_work(&it.work));
	assert_false(schedule_work(&it.work));
	complete_all(&it.go);
	flush_work(&it.work);
	flush_scheduled_work();
	assert_int_equal(__atomic_load_n(&it.runs, __ATOMIC_RELAXED), 2);
}

static void cancel_work_sync_removes_a_queued_item(void **state)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("test-%d", 0, 1);
	struct item a, b;

	init_item(&a);
	init_item(&b);
	a.block = true;
	queue_work(wq, &a.work);
	wait_for_completion(&a.started);
	queue_work(wq, &b.work); /* ordered: waits behind a */
	assert_true(cancel_work_sync(&b.work));
	assert_false(work_pending(&b.work));
	complete_all(&a.go);
	flush_workqueue(wq);
	destroy_workqueue(wq);
	assert_int_equal(a.runs, 1);
	assert_int_equal(b.runs, 0);
}

static void delayed_work_waits_for_its_jiffies(void **state)
{
	struct item it;

	init_item(&it);
	kmm_jiffies_set_manual(true);
	assert_true(schedule_delayed_work(&it.dwork, 5));
	assert_true(delayed_work_pending(&it.dwork));
	kmm_jiffies_advance(4);
	assert_false(try_wait_for_completion(&it.started));
	kmm_jiffies_advance(1);
	wait_for_completion(&it.started);
	flush_delayed_work(&it.dwork);
	assert_int_equal(__atomic_load_n(&it.runs, __ATOMIC_RELAXED), 1);
	assert_true(schedule_delayed_work(&it.dwork, 5));
	assert_true(cancel_delayed_work_sync(&it.dwork));
	kmm_jiffies_advance(10);
	assert_int_equal(__atomic_load_n(&it.runs, __ATOMIC_RELAXED), 1);
	kmm_jiffies_set_manual(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(work_runs_in_process_context_and_may_sleep),
		cmocka_unit_test(queueing_a_pending_item_does_nothing),
		cmocka_unit_test(cancel_work_sync_removes_a_queued_item),
		cmocka_unit_test(delayed_work_waits_for_its_jiffies),
	};

	return cmocka_run_group_tests(tests, boot, shutdown);
}
