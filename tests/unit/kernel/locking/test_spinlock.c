/*
 * spinlock_t and rwlock_t: the context they create (preempt count, interrupts off, softirqs
 * off), trylock, and mutual exclusion between threads on different simulated CPUs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/spinlock.h>
#include <kmm/report.h>

#define LOOPS 20000
#define THREADS 4

static DEFINE_SPINLOCK(counter_lock);
static DEFINE_RWLOCK(table_lock);
static long counter;
static long table[2];

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 4 };

	return kmm_boot(&cfg);
}

static void spin_lock_makes_the_caller_atomic_until_unlock(void **state)
{
	spinlock_t lock;

	spin_lock_init(&lock);
	assert_false(in_atomic());
	spin_lock(&lock);
	assert_true(in_atomic());
	assert_int_equal(preempt_count(), 1);
	assert_false(irqs_disabled());
	assert_true(spin_is_locked(&lock));
	spin_unlock(&lock);
	assert_false(in_atomic());
	assert_false(spin_is_locked(&lock));
}

static void irq_variants_disable_and_restore_interrupts(void **state)
{
	DEFINE_SPINLOCK(lock);
	unsigned long flags, inner;

	spin_lock_irq(&lock);
	assert_true(irqs_disabled());
	spin_unlock_irq(&lock);
	assert_false(irqs_disabled());

	spin_lock_irqsave(&lock, flags);
	assert_true(irqs_disabled());
	local_irq_save(inner);
	assert_true(irqs_disabled_flags(inner));
	local_irq_restore(inner);
	assert_true(irqs_disabled());
	spin_unlock_irqrestore(&lock, flags);
	assert_false(irqs_disabled());
	assert_int_equal(preempt_count(), 0);
}

static void bh_variant_disables_softirqs(void **state)
{
	DEFINE_SPINLOCK(lock);

	spin_lock_bh(&lock);
	assert_int_equal(preempt_count(), SOFTIRQ_DISABLE_OFFSET);
	assert_true(in_softirq());
	assert_false(in_serving_softirq());
	spin_unlock_bh(&lock);
	assert_int_equal(preempt_count(), 0);
}

static void *try_from_other_thread(void *arg)
{
	return (void *)(long)spin_trylock(arg);
}

static void trylock_fails_while_another_thread_holds_it(void **state)
{
	DEFINE_SPINLOCK(lock);
	pthread_t t;
	void *got;

	assert_int_equal(spin_trylock(&lock), 1);
	assert_true(in_atomic());
	pthread_create(&t, NULL, try_from_other_thread, &lock);
	pthread_join(t, &got);
	assert_int_equal((long)got, 0);
	spin_unlock(&lock);
	assert_false(in_atomic());
}

static void *add_under_lock(void *arg)
{
	for (int i = 0; i < LOOPS; i++) {
		unsigned long flags;

		if (i % 3 == 0) {
			spin_lock(&counter_lock);
			counter++;
			spin_unlock(&counter_lock);
		} else if (i % 3 == 1) {
			spin_lock_irqsave(&counter_lock, flags);
			counter++;
			spin_unlock_irqrestore(&counter_lock, flags);
		} else {
			spin_lock_bh(&counter_lock);
			counter++;
			spin_unlock_bh(&counter_lock);
		}
	}
	return NULL;
}

static void threads_on_several_cpus_exclude_each_other(void **state)
{
	pthread_t t[THREADS];

	counter = 0;
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, add_under_lock, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(counter, THREADS * LOOPS);
}

static void *rw_worker(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < LOOPS / 4; i++) {
		if (id == 0) {
			write_lock(&table_lock);
			table[0]++;
			table[1]--;
			write_unlock(&table_lock);
		} else {
			read_lock(&table_lock);
			assert_int_equal(table[0] + table[1], 0);
			read_unlock(&table_lock);
		}
	}
	return NULL;
}

static void rwlock_readers_see_writer_updates_whole(void **state)
{
	pthread_t t[3];

	for (long i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, rw_worker, (void *)i);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(table[0], LOOPS / 4);
	assert_int_equal(preempt_count(), 0);
}

static void rwlock_readers_share(void **state)
{
	DEFINE_RWLOCK(lock);
	unsigned long flags;

	read_lock(&lock);
	assert_int_equal(read_trylock(&lock), 1);
	assert_int_equal(write_trylock(&lock), 0);
	read_unlock(&lock);
	read_unlock(&lock);
	write_lock_irqsave(&lock, flags);
	assert_true(irqs_disabled());
	assert_int_equal(read_trylock(&lock), 0);
	write_unlock_irqrestore(&lock, flags);
	assert_int_equal(preempt_count(), 0);
	assert_false(irqs_disabled());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spin_lock_makes_the_caller_atomic_until_unlock),
		cmocka_unit_test(irq_variants_disable_and_restore_interrupts),
		cmocka_unit_test(bh_variant_disables_softirqs),
		cmocka_unit_test(trylock_fails_while_another_thread_holds_it),
		cmocka_unit_test(threads_on_several_cpus_exclude_each_other),
		cmocka_unit_test(rwlock_readers_see_writer_updates_whole),
		cmocka_unit_test(rwlock_readers_share),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
