/*
 * Simulated CPUs: a thread that is atomic owns its CPU, so per-CPU data is safe under
 * preempt_disable/get_cpu exactly as in the kernel; a preemptible thread whose CPU is taken
 * moves to a free one; per-CPU variables have one copy per CPU.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/percpu.h>
#include <kmm/atomic.h>
#include <kmm/barrier.h>
#include <kmm/tasklet.h>
#include <kmm/delay.h>
#include "machine/thread.h"
#include "machine/cpu.h"

#define LOOPS 20000
#define THREADS 6

static DEFINE_PER_CPU(long, hits);
static DEFINE_PER_CPU(int, initialised) = 7;
struct two {
	int a, b;
};
static DEFINE_PER_CPU(struct two, pair) = { 1, 2 };

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };

	return kmm_boot(&cfg);
}

static void preempt_disable_owns_the_cpu_until_enabled(void **state)
{
	struct kmm_thread *t = thread_current();

	preempt_disable();
	assert_true(t->cpu_held);
	assert_int_equal(__atomic_load_n(&sim_cpus[t->cpu].state, __ATOMIC_RELAXED) & CPU_OWNED,
			 CPU_OWNED);
	preempt_disable();
	preempt_enable();
	assert_true(t->cpu_held);
	preempt_enable();
	assert_false(t->cpu_held);
	local_irq_disable();
	assert_true(t->cpu_held);
	assert_true(__atomic_load_n(&sim_cpus[t->cpu].state, __ATOMIC_RELAXED) & CPU_IRQS_OFF);
	local_irq_enable();
	assert_false(t->cpu_held);
	assert_int_equal(__atomic_load_n(&sim_cpus[t->cpu].state, __ATOMIC_RELAXED), 0);
}

/* Plain (non-atomic) read-modify-write of this CPU's copy: safe only because of get_cpu(). */
static void *bump_per_cpu(void *arg)
{
	for (int i = 0; i < LOOPS; i++) {
		int cpu = get_cpu();

		assert_int_equal(cpu, smp_processor_id());
		(*this_cpu_ptr(&hits))++;
		put_cpu();
	}
	return NULL;
}

static void per_cpu_counters_need_no_atomics_under_get_cpu(void **state)
{
	pthread_t t[THREADS];
	long sum = 0;
	int cpu;

	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, bump_per_cpu, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for_each_possible_cpu(cpu) sum += per_cpu(hits, cpu);
	assert_int_equal(sum, THREADS * LOOPS);
}

static void every_cpu_copy_starts_from_the_initial_value(void **state)
{
	int cpu;

	assert_int_equal(num_possible_cpus(), 2);
	for_each_possible_cpu(cpu) assert_int_equal(per_cpu(initialised, cpu), 7);
	per_cpu(initialised, 1) = 9;
	assert_int_equal(per_cpu(initialised, 0), 7);
	assert_int_equal(*per_cpu_ptr(&initialised, 1), 9);
	per_cpu(pair, 1).b = 5; /* the whole first, then a member: one set of copies */
	assert_int_equal(*per_cpu_ptr(&pair.b, 1), 5);
	assert_int_equal(*per_cpu_ptr(&pair.a, 1), 1);
}

static void alloc_percpu_gives_zeroed_distinct_copies(void **state)
{
	struct stats {
		long packets;
		long bytes;
	} *s = alloc_percpu(struct stats);
	int cpu;

	assert_non_null(s);
	for_each_possible_cpu(cpu)
	{
		assert_int_equal(per_cpu_ptr(s, cpu)->packets, 0);
		per_cpu_ptr(s, cpu)->bytes = cpu + 1;
	}
	assert_ptr_not_equal(per_cpu_ptr(s, 0), per_cpu_ptr(s, 1));
	assert_int_equal(per_cpu_ptr(s, 1)->bytes, 2);
	/* A member named on its own is the same data as the member of the whole. */
	assert_ptr_equal(per_cpu_ptr(&s->bytes, 1), &per_cpu_ptr(s, 1)->bytes);
	preempt_disable();
	cpu = (int)smp_processor_id();
	this_cpu_add(s->bytes, 10);
	assert_int_equal(per_cpu_ptr(s, cpu)->bytes, cpu + 11);
	preempt_enable();
	free_percpu(s);
}

struct holder {
	int cpu;
	int ready;
	int release;
};

static void *hold_cpu(void *arg)
{
	struct holder *h = arg;

	preempt_disable();
	h->cpu = (int)smp_processor_id();
	smp_store_release(&h->ready, 1);
	while (!smp_load_acquire(&h->release))
		cpu_relax();
	preempt_enable();
	return NULL;
}

static void a_thread_whose_cpu_is_taken_moves_to_a_free_one(void **state)
{
	struct holder h = { 0 };
	struct kmm_thread *me = thread_current();
	pthread_t t;

	pthread_create(&t, NULL, hold_cpu, &h);
	while (!smp_load_acquire(&h.ready))
		cpu_relax();
	me->cpu = (unsigned int)h.cpu; /* pretend we were scheduled there */
	preempt_disable();
	assert_int_not_equal(smp_processor_id(), h.cpu);
	preempt_enable();
	smp_store_release(&h.release, 1);
	pthread_join(t, NULL);
}

static void in_predicates_follow_the_preempt_count(void **state)
{
	assert_true(in_task());
	assert_false(in_interrupt());
	preempt_count_add(HARDIRQ_OFFSET);
	assert_true(in_irq());
	assert_true(in_interrupt());
	assert_false(in_task());
	preempt_count_sub(HARDIRQ_OFFSET);
	local_bh_disable();
	assert_true(in_softirq());
	assert_true(in_task()); /* bottom halves disabled is still task context */
	local_bh_enable();
	assert_true(preemptible());
}

static int ran;

static void count_run(struct tasklet_struct *t)
{
	__atomic_add_fetch(&ran, 1, __ATOMIC_RELAXED);
}

static void shutdown_with_the_cpu_still_owned_does_not_hang(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };
	static struct tasklet_struct t;

	tasklet_setup(&t, count_run);
	preempt_disable(); /* a test failing here leaves the CPU owned */
	tasklet_schedule(&t); /* its softirq thread now waits for this CPU */
	mdelay(5);
	kmm_shutdown();
	assert_false(in_atomic());
	assert_int_equal(kmm_boot(&cfg), 0);
	mdelay(5);
	/* Run while the machine went down, or forgotten: never run on the new machine. */
	assert_true(__atomic_load_n(&ran, __ATOMIC_RELAXED) <= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(preempt_disable_owns_the_cpu_until_enabled),
		cmocka_unit_test(per_cpu_counters_need_no_atomics_under_get_cpu),
		cmocka_unit_test(every_cpu_copy_starts_from_the_initial_value),
		cmocka_unit_test(alloc_percpu_gives_zeroed_distinct_copies),
		cmocka_unit_test(a_thread_whose_cpu_is_taken_moves_to_a_free_one),
		cmocka_unit_test(in_predicates_follow_the_preempt_count),
		cmocka_unit_test(shutdown_with_the_cpu_still_owned_does_not_hang),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
