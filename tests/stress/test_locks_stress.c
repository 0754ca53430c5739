/*
 * Execution contexts under load: task threads on more threads than CPUs take spinlocks
 * (plain, _irqsave, _bh), mutexes and per-CPU data in random order, while interrupts,
 * tasklets, timers and work items hit the same data from their own contexts. At the end
 * every counter adds up, nothing is left atomic, and no report was made (the locking is
 * correct, so lockdep and the context checker must stay quiet).
 *
 * Seeded: the seed is printed; KMM_STRESS_SEED=N repeats a run's choices (thread interleaving
 * stays the host's).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <pthread.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/spinlock.h>
#include <kmm/mutex.h>
#include <kmm/irq.h>
#include <kmm/tasklet.h>
#include <kmm/timer.h>
#include <kmm/workqueue.h>
#include <kmm/percpu.h>
#include <kmm/atomic.h>
#include <kmm/completion.h>
#include <kmm/report.h>

#define TASKS 6
#define OPS 4000
#define LOCKS 4
#define STRESS_IRQ 7

struct bucket {
	spinlock_t lock; /* taken by tasks with _irqsave and by the IRQ handler */
	long value;
};

static struct bucket buckets[LOCKS];
static DEFINE_SPINLOCK(bh_lock); /* shared with tasklets and timers: _bh in tasks */
static long bh_value;
static DEFINE_MUTEX(big_mutex);
static long mutex_value;
static DEFINE_PER_CPU(long, percpu_value);
static atomic_t expected_buckets, expected_bh, irqs_raised, irqs_handled;
static atomic_t tasklets_run, timers_run, works_run;
static struct tasklet_struct tasklet;
static struct timer_list timer;
static struct work_struct work;
static unsigned long long seed;

static unsigned long long next_rand(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static irqreturn_t stress_irq(int irq, void *dev)
{
	struct bucket *b = &buckets[atomic_inc_return(&irqs_handled) % LOCKS];

	spin_lock(&b->lock);
	b->value++;
	spin_unlock(&b->lock);
	atomic_inc(&expected_buckets);
	tasklet_schedule(&tasklet);
	return IRQ_HANDLED;
}

static void stress_tasklet(struct tasklet_struct *t)
{
	spin_lock(&bh_lock);
	bh_value++;
	spin_unlock(&bh_lock);
	atomic_inc(&expected_bh);
	atomic_inc(&tasklets_run);
}

static void stress_timer(struct timer_list *t)
{
	spin_lock(&bh_lock);
	bh_value++;
	spin_unlock(&bh_lock);
	atomic_inc(&expected_bh);
	atomic_inc(&timers_run);
	schedule_work(&work);
}

static void stress_work(struct work_struct *w)
{
	mutex_lock(&big_mutex);
	mutex_value++;
	mutex_unlock(&big_mutex);
	atomic_inc(&works_run);
}

static void *task(void *arg)
{
	unsigned long long s = seed ^ ((unsigned long long)(long)arg * 0x9e3779b97f4a7c15ull);

	for (int i = 0; i < OPS; i++) {
		unsigned long r = (unsigned long)next_rand(&s);
		unsigned long flags;
		unsigned int first = (unsigned int)(r >> 8) % LOCKS;

		switch (r % 6) {
		case 0: /* two buckets, always in index order */
			spin_lock_irqsave(&buckets[first].lock, flags);
			if (first + 1 < LOCKS) {
				spin_lock_nested(&buckets[first + 1].lock, SINGLE_DEPTH_NESTING);
				buckets[first + 1].value++;
				atomic_inc(&expected_buckets);
				spin_unlock(&buckets[first + 1].lock);
			}
			buckets[first].value++;
			atomic_inc(&expected_buckets);
			spin_unlock_irqrestore(&buckets[first].lock, flags);
			break;
		case 1:
			spin_lock_bh(&bh_lock);
			bh_value++;
			atomic_inc(&expected_bh);
			spin_unlock_bh(&bh_lock);
			break;
		case 2:
			mutex_lock(&big_mutex);
			mutex_value++;
			mutex_unlock(&big_mutex);
			break;
		case 3:
			get_cpu();
			(*this_cpu_ptr(&percpu_value))++;
			put_cpu();
			break;
		case 4:
			if (kmm_raise_irq(STRESS_IRQ) == 0)
				atomic_inc(&irqs_raised);
			break;
		default:
			if (r & 0x100)
				mod_timer(&timer, jiffies + (r >> 12) % 3);
			else
				schedule_work(&work);
			break;
		}
	}
	return NULL;
}

static void everything_adds_up_and_nothing_is_reported(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 3 };
	const char *env = getenv("KMM_STRESS_SEED");
	pthread_t t[TASKS];
	long sum = 0, mutex_expected;
	int cpu;

	seed = env ? strtoull(env, NULL, 10) : (unsigned long long)time(NULL) * 2654435761ull | 1;
	print_message("stress seed: %llu (KMM_STRESS_SEED=%llu repeats it)\n", seed, seed);
	assert_int_equal(kmm_boot(&cfg), 0);
	for (int i = 0; i < LOCKS; i++)
		spin_lock_init(&buckets[i].lock);
	tasklet_setup(&tasklet, stress_tasklet);
	timer_setup(&timer, stress_timer, 0);
	INIT_WORK(&work, stress_work);
	assert_int_equal(request_irq(STRESS_IRQ, stress_irq, 0, "stress", NULL), 0);
	kmm_report_capture_begin();

	for (long i = 0; i < TASKS; i++)
		pthread_create(&t[i], NULL, task, (void *)i);
	for (int i = 0; i < TASKS; i++)
		pthread_join(t[i], NULL);

	/* Quiesce: no handler running (raises of a pending line coalesce, as on hardware). */
	disable_irq(STRESS_IRQ);
	free_irq(STRESS_IRQ, NULL);
	assert_true(atomic_read(&irqs_handled) <= atomic_read(&irqs_raised));
	del_timer_sync(&timer);
	tasklet_kill(&tasklet);
	cancel_work_sync(&work);
	flush_scheduled_work();

	for (int i = 0; i < LOCKS; i++)
		sum += buckets[i].value;
	assert_int_equal(sum, atomic_read(&expected_buckets));
	assert_int_equal(bh_value, atomic_read(&expected_bh));
	mutex_expected = mutex_value;
	assert_true(mutex_expected >= atomic_read(&works_run));
	sum = 0;
	for_each_possible_cpu(cpu) sum += per_cpu(percpu_value, cpu);
	assert_true(sum > 0);
	assert_int_equal(preempt_count(), 0);
	assert_false(irqs_disabled());
	if (kmm_report_capture_end()) {
		print_message("seed %llu: unexpected report:\n%s\n", seed,
			      kmm_report_captured_text(0));
		fail();
	}
	print_message("%d irqs raised, %d handled, %d tasklet runs, %d timer runs, %d work runs\n",
		      atomic_read(&irqs_raised), atomic_read(&irqs_handled),
		      atomic_read(&tasklets_run), atomic_read(&timers_run),
		      atomic_read(&works_run));
	kmm_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(everything_adds_up_and_nothing_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
