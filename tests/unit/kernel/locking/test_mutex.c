/*
 * Sleeping locks: struct mutex, struct semaphore and struct rw_semaphore exclude what they
 * should between threads, their trylock forms, and their might_sleep() check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <pthread.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/mutex.h>
#include <kmm/semaphore.h>
#include <kmm/rwsem.h>
#include <kmm/spinlock.h>
#include <kmm/jiffies.h>
#include <kmm/report.h>

#define LOOPS 5000
#define THREADS 4

static DEFINE_MUTEX(count_mutex);
static struct semaphore slots;
static DECLARE_RWSEM(config_sem);
static long counter;
static int inside, most_inside;
static long config[2];

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };

	return kmm_boot(&cfg);
}

static void *mutex_worker(void *arg)
{
	for (int i = 0; i < LOOPS; i++) {
		mutex_lock(&count_mutex);
		counter++;
		mutex_unlock(&count_mutex);
	}
	return NULL;
}

static void mutex_excludes_threads(void **state)
{
	pthread_t t[THREADS];

	counter = 0;
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, mutex_worker, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(counter, THREADS * LOOPS);
	assert_false(mutex_is_locked(&count_mutex));
}

static void *trylock_other(void *arg)
{
	return (void *)(long)mutex_trylock(arg);
}

static void mutex_trylock_and_is_locked(void **state)
{
	struct mutex m;
	pthread_t t;
	void *got;

	mutex_init(&m);
	assert_int_equal(mutex_lock_interruptible(&m), 0);
	assert_true(mutex_is_locked(&m));
	assert_false(in_atomic()); /* a mutex holder may sleep */
	pthread_create(&t, NULL, trylock_other, &m);
	pthread_join(t, &got);
	assert_int_equal((long)got, 0);
	mutex_unlock(&m);
	assert_int_equal(mutex_trylock(&m), 1);
	mutex_unlock(&m);
}

static void mutex_lock_under_spinlock_is_reported(void **state)
{
	DEFINE_SPINLOCK(lock);
	struct mutex m;

	mutex_init(&m);
	kmm_report_capture_begin();
	spin_lock(&lock);
	mutex_lock(&m);
	mutex_unlock(&m);
	spin_unlock(&lock);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	assert_int_equal(kmm_report_captured_find("in_atomic(): 1, irqs_disabled(): 0"), 1);
}

static void *sem_worker(void *arg)
{
	for (int i = 0; i < LOOPS / 10; i++) {
		int n;

		down(&slots);
		n = __atomic_add_fetch(&inside, 1, __ATOMIC_RELAXED);
		if (n > __atomic_load_n(&most_inside, __ATOMIC_RELAXED))
			__atomic_store_n(&most_inside, n, __ATOMIC_RELAXED);
		__atomic_sub_fetch(&inside, 1, __ATOMIC_RELAXED);
		up(&slots);
	}
	return NULL;
}

static void semaphore_admits_at_most_its_count(void **state)
{
	pthread_t t[THREADS];

	sema_init(&slots, 2);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, sem_worker, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_true(most_inside <= 2);
	assert_int_equal(down_trylock(&slots), 0);
	assert_int_equal(down_trylock(&slots), 0);
	assert_int_equal(down_trylock(&slots), 1);
	assert_int_equal(down_timeout(&slots, 2), -ETIME);
	up(&slots);
	assert_int_equal(down_interruptible(&slots), 0);
}

static void *rwsem_worker(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < LOOPS / 5; i++) {
		if (id == 0) {
			down_write(&config_sem);
			config[0]++;
			config[1]--;
			up_write(&config_sem);
		} else {
			down_read(&config_sem);
			assert_int_equal(config[0] + config[1], 0);
			up_read(&config_sem);
		}
	}
	return NULL;
}

static void rwsem_readers_never_see_half_a_write(void **state)
{
	pthread_t t[THREADS];

	for (long i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, rwsem_worker, (void *)i);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(config[0], LOOPS / 5);
	assert_int_equal(down_read_trylock(&config_sem), 1);
	assert_int_equal(down_write_trylock(&config_sem), 0);
	up_read(&config_sem);
	down_write(&config_sem);
	downgrade_write(&config_sem);
	assert_int_equal(down_read_trylock(&config_sem), 1);
	up_read(&config_sem);
	up_read(&config_sem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mutex_excludes_threads),
		cmocka_unit_test(mutex_trylock_and_is_locked),
		cmocka_unit_test(mutex_lock_under_spinlock_is_reported),
		cmocka_unit_test(semaphore_admits_at_most_its_count),
		cmocka_unit_test(rwsem_readers_never_see_half_a_write),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
