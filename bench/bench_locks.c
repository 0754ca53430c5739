/*
 * bench_locks.c - what kmm's execution model costs a driver, beside the host's own primitives.
 *
 * Uncontended pairs, one thread: spin_lock+spin_unlock (which also raise and drop the
 * preempt count, take and give back the simulated CPU, and tell lockdep), _irqsave pairs,
 * mutex_lock+mutex_unlock, atomic_inc; beside pthread_spin_lock, pthread_mutex and a bare
 * C11 relaxed fetch_add (the compiler builtin <stdatomic.h> expands to) in the same run. Then the latency from kmm_raise_irq() to the first
 * instruction of the handler on another simulated CPU's interrupt thread.
 * Each figure is the median of RUNS runs of about RUN_NS each. Benchmarks print numbers; they
 * never assert times.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <kmm/kmm.h>
#include <kmm/spinlock.h>
#include <kmm/mutex.h>
#include <kmm/atomic.h>
#include <kmm/irq.h>

#define RUNS 5
#define RUN_NS 50000000.0
#define IRQ_SAMPLES 2000
#define BENCH_IRQ 11

typedef void (*loop_fn)(unsigned long ops);

static DEFINE_SPINLOCK(k_spin);
static DEFINE_MUTEX(k_mutex);
static atomic_t k_atomic;
static pthread_spinlock_t p_spin;
static pthread_mutex_t p_mutex = PTHREAD_MUTEX_INITIALIZER;
static long c11_atomic; /* <stdatomic.h> clashes with the kernel names; same instruction */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void loop_spin(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		spin_lock(&k_spin);
		spin_unlock(&k_spin);
	}
}

static void loop_spin_irqsave(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		unsigned long flags;

		spin_lock_irqsave(&k_spin, flags);
		spin_unlock_irqrestore(&k_spin, flags);
	}
}

static void loop_mutex(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		mutex_lock(&k_mutex);
		mutex_unlock(&k_mutex);
	}
}

static void loop_atomic(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++)
		atomic_inc(&k_atomic);
}

static void loop_pthread_spin(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		pthread_spin_lock(&p_spin);
		pthread_spin_unlock(&p_spin);
	}
}

static void loop_pthread_mutex(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		pthread_mutex_lock(&p_mutex);
		pthread_mutex_unlock(&p_mutex);
	}
}

static void loop_c11_atomic(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++)
		__atomic_fetch_add(&c11_atomic, 1, __ATOMIC_RELAXED);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median ns per op of @fn over RUNS runs of about RUN_NS each. */
static double measure(loop_fn fn)
{
	double runs[RUNS];
	unsigned long ops = 1000;
	double t0, t;

	for (;;) { /* size a run */
		t0 = now_ns();
		fn(ops);
		t = now_ns() - t0;
		if (t > RUN_NS / 10)
			break;
		ops *= 4;
	}
	ops = (unsigned long)(ops * (RUN_NS / t));
	for (int r = 0; r < RUNS; r++) {
		t0 = now_ns();
		fn(ops);
		runs[r] = (now_ns() - t0) / (double)ops;
	}
	qsort(runs, RUNS, sizeof(runs[0]), cmp_double);
	return runs[RUNS / 2];
}

static long long raised_at, handled_at;
static int irq_seen;

static irqreturn_t bench_handler(int irq, void *dev)
{
	__atomic_store_n(&handled_at, (long long)now_ns(), __ATOMIC_RELAXED);
	__atomic_store_n(&irq_seen, 1, __ATOMIC_RELEASE);
	return IRQ_HANDLED;
}

static void irq_latency(double *median, double *p99)
{
	static double samples[IRQ_SAMPLES];

	if (request_irq(BENCH_IRQ, bench_handler, 0, "bench", NULL) ||
	    kmm_irq_set_cpu(BENCH_IRQ, 1)) {
		*median = *p99 = -1;
		return;
	}
	for (int i = 0; i < IRQ_SAMPLES; i++) {
		__atomic_store_n(&irq_seen, 0, __ATOMIC_RELAXED);
		raised_at = (long long)now_ns();
		kmm_raise_irq(BENCH_IRQ);
		while (!__atomic_load_n(&irq_seen, __ATOMIC_ACQUIRE))
			;
		samples[i] = (double)(__atomic_load_n(&handled_at, __ATOMIC_RELAXED) - raised_at);
	}
	free_irq(BENCH_IRQ, NULL);
	qsort(samples, IRQ_SAMPLES, sizeof(samples[0]), cmp_double);
	*median = samples[IRQ_SAMPLES / 2];
	*p99 = samples[IRQ_SAMPLES * 99 / 100];
}

static void row(const char *what, double kmm, const char *host_what, double host)
{
	printf("%-34s %8.1f ns   %-26s %8.1f ns   x%.1f\n", what, kmm, host_what, host, kmm / host);
}

int main(void)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };
	double spin, spin_irq, mutex, atom, pspin, pmutex, c11, lat, lat99;

	if (kmm_boot(&cfg)) {
		fprintf(stderr, "bench_locks: kmm_boot failed\n");
		return 1;
	}
	pthread_spin_init(&p_spin, PTHREAD_PROCESS_PRIVATE);
	spin = measure(loop_spin);
	spin_irq = measure(loop_spin_irqsave);
	mutex = measure(loop_mutex);
	atom = measure(loop_atomic);
	pspin = measure(loop_pthread_spin);
	pmutex = measure(loop_pthread_mutex);
	c11 = measure(loop_c11_atomic);
	irq_latency(&lat, &lat99);

	printf("== locks and atomics: uncontended, one thread (median of %d runs) ==\n", RUNS);
	row("spin_lock+spin_unlock", spin, "pthread_spin_lock+unlock", pspin);
	row("spin_lock_irqsave+irqrestore", spin_irq, "pthread_spin_lock+unlock", pspin);
	row("mutex_lock+mutex_unlock", mutex, "pthread_mutex_lock+unlock", pmutex);
	row("atomic_inc", atom, "C11 fetch_add (relaxed)", c11);
	printf("\n== IRQ: kmm_raise_irq() to handler entry on another CPU (%d samples) ==\n",
	       IRQ_SAMPLES);
	printf("median %.1f us, p99 %.1f us\n", lat / 1000, lat99 / 1000);
	pthread_spin_destroy(&p_spin);
	kmm_shutdown();
	return 0;
}
