/*
 * The rest of the execution-context API as a driver includes it, compat headers only: a
 * producer/consumer ring on a wait queue and a semaphore, a rw_semaphore-guarded table,
 * per-CPU statistics, refcounted objects, bit flags, a tasklet fed by a threaded interrupt,
 * jiffies arithmetic and lockdep assertions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <linux/kernel.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/semaphore.h>
#include <linux/rwsem.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/bitops.h>
#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/irqflags.h>
#include <linux/lockdep.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/delay.h>
#include <asm/barrier.h>
#include <kmm/kmm.h>
#include <kmm/report.h>

#define RING 8
#define ITEMS 2000
#define DEV_IRQ 12

struct ring {
	spinlock_t lock;
	wait_queue_head_t not_empty;
	struct semaphore slots;
	int buf[RING];
	unsigned int head, tail;
};

static struct ring ring;

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };

	return kmm_boot(&cfg);
}

static bool ring_has_items(struct ring *r)
{
	bool any;

	spin_lock(&r->lock);
	any = r->head != r->tail;
	spin_unlock(&r->lock);
	return any;
}

static void *producer(void *arg)
{
	for (int i = 1; i <= ITEMS; i++) {
		down(&ring.slots);
		spin_lock(&ring.lock);
		ring.buf[ring.head++ % RING] = i;
		spin_unlock(&ring.lock);
		wake_up(&ring.not_empty);
	}
	return NULL;
}

static void ring_of_wait_queue_and_semaphore_delivers_everything_in_order(void **state)
{
	pthread_t t;
	long sum = 0;

	spin_lock_init(&ring.lock);
	init_waitqueue_head(&ring.not_empty);
	sema_init(&ring.slots, RING);
	ring.head = ring.tail = 0;
	pthread_create(&t, NULL, producer, NULL);
	for (int i = 1; i <= ITEMS; i++) {
		int v;

		wait_event(ring.not_empty, ring_has_items(&ring));
		spin_lock(&ring.lock);
		v = ring.buf[ring.tail++ % RING];
		spin_unlock(&ring.lock);
		up(&ring.slots);
		assert_int_equal(v, i);
		sum += v;
	}
	pthread_join(t, NULL);
	assert_int_equal(sum, (long)ITEMS * (ITEMS + 1) / 2);
}

static DECLARE_RWSEM(table_sem);
static int table[4];

static void *table_writer(void *arg)
{
	for (int i = 0; i < 500; i++) {
		down_write(&table_sem);
		for (int j = 0; j < 4; j++)
			table[j]++;
		up_write(&table_sem);
	}
	return NULL;
}

static void rwsem_readers_see_whole_rows(void **state)
{
	pthread_t t;

	pthread_create(&t, NULL, table_writer, NULL);
	for (int i = 0; i < 500; i++) {
		down_read(&table_sem);
		for (int j = 1; j < 4; j++)
			assert_int_equal(table[j], table[0]);
		up_read(&table_sem);
	}
	pthread_join(t, NULL);
	assert_int_equal(table[3], 500);
}

struct pcpu_stats {
	u64 packets;
	u64 bytes;
};

static void per_cpu_statistics_sum_across_cpus(void **state)
{
	struct pcpu_stats __percpu *stats = alloc_percpu(struct pcpu_stats);
	u64 packets = 0;
	int cpu;

	assert_non_null(stats);
	for (int i = 0; i < 100; i++) {
		struct pcpu_stats *s = get_cpu_ptr(stats);

		s->packets++;
		s->bytes += 64;
		put_cpu_ptr(stats);
	}
	for_each_possible_cpu(cpu) packets += per_cpu_ptr(stats, cpu)->packets;
	assert_int_equal(packets, 100);
	free_percpu(stats);
}

struct obj {
	refcount_t ref;
	unsigned long flags;
};

#define OBJ_DEAD 0
#define OBJ_BUSY 1

static void refcounted_object_with_bit_flags(void **state)
{
	struct obj o = { .ref = REFCOUNT_INIT(1) };

	refcount_inc(&o.ref);
	assert_false(test_and_set_bit(OBJ_BUSY, &o.flags));
	assert_true(test_bit(OBJ_BUSY, &o.flags));
	clear_bit(OBJ_BUSY, &o.flags);
	assert_false(refcount_dec_and_test(&o.ref));
	if (refcount_dec_and_test(&o.ref))
		set_bit(OBJ_DEAD, &o.flags);
	assert_true(test_bit(OBJ_DEAD, &o.flags));
	smp_mb__after_atomic();
}

struct dev {
	atomic_t irqs;
	atomic_t threads;
	unsigned int thread_preempt;
	struct tasklet_struct bh;
	unsigned int bh_preempt;
	struct completion done;
};

static irqreturn_t dev_hardirq(int irq, void *id)
{
	struct dev *d = id;

	atomic_inc(&d->irqs);
	tasklet_schedule(&d->bh);
	return IRQ_WAKE_THREAD;
}

static irqreturn_t dev_thread(int irq, void *id)
{
	struct dev *d = id;

	d->thread_preempt = preempt_count();
	msleep(1);
	atomic_inc(&d->threads);
	return IRQ_HANDLED;
}

static void dev_bottom_half(struct tasklet_struct *t)
{
	struct dev *d = from_tasklet(d, t, bh);

	d->bh_preempt = preempt_count();
	complete(&d->done);
}

static void threaded_interrupt_and_tasklet_run_in_their_contexts(void **state)
{
	struct dev d = { .irqs = ATOMIC_INIT(0), .threads = ATOMIC_INIT(0) };

	init_completion(&d.done);
	tasklet_setup(&d.bh, dev_bottom_half);
	kmm_report_capture_begin();
	assert_int_equal(
		request_threaded_irq(DEV_IRQ, dev_hardirq, dev_thread, IRQF_ONESHOT, "dev", &d), 0);
	kmm_raise_irq(DEV_IRQ);
	wait_for_completion(&d.done);
	while (atomic_read(&d.threads) == 0)
		msleep(1);
	free_irq(DEV_IRQ, &d);
	tasklet_kill(&d.bh);
	assert_int_equal(kmm_report_capture_end(), 0);
	assert_int_equal(d.bh_preempt, SOFTIRQ_OFFSET);
	assert_int_equal(d.thread_preempt, 0);
	assert_int_equal(atomic_read(&d.irqs), 1);
}

static void jiffies_and_schedule_timeout(void **state)
{
	unsigned long start = jiffies, deadline = start + msecs_to_jiffies(8);

	while (time_before(jiffies, deadline))
		schedule_timeout_uninterruptible(1);
	assert_true(time_after_eq(jiffies, deadline));
	assert_true(time_is_before_jiffies(start));
}

static void irqflags_and_lockdep_assertions(void **state)
{
	DEFINE_SPINLOCK(lock);
	struct mutex m;
	unsigned long flags;

	mutex_init(&m);
	local_irq_save(flags);
	assert_true(irqs_disabled());
	local_irq_restore(flags);
	assert_false(irqs_disabled());
	kmm_report_capture_begin();
	spin_lock(&lock);
	lockdep_assert_held(&lock);
	assert_spin_locked(&lock);
	spin_unlock(&lock);
	lockdep_assert_held(&m);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("lock not held: &m"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ring_of_wait_queue_and_semaphore_delivers_everything_in_order),
		cmocka_unit_test(rwsem_readers_see_whole_rows),
		cmocka_unit_test(per_cpu_statistics_sum_across_cpus),
		cmocka_unit_test(refcounted_object_with_bit_flags),
		cmocka_unit_test(threaded_interrupt_and_tasklet_run_in_their_contexts),
		cmocka_unit_test(jiffies_and_schedule_timeout),
		cmocka_unit_test(irqflags_and_lockdep_assertions),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
