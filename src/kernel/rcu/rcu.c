/*
 * rcu.c - read-copy update: reader sections, grace periods, callbacks and their checks.
 *
 * Grace periods are liburcu's memb flavour: a reader section costs a thread-local counter
 * update and a compiler barrier, and synchronize_rcu() uses membarrier(2) to wait for every
 * registered reader that was inside a section when it started. memb (not qsbr) because
 * driver threads never announce quiescent states; not bp because kmm knows each thread
 * anyway, on its first call (rcu_thread_init from thread.c), and unregisters it when it
 * exits. liburcu's own reader nesting is not used: a thread holds one liburcu read lock
 * while any of its kmm sections (plain, _bh, _sched) is open.
 *
 * Callbacks never run on a liburcu thread. call_rcu() appends to the queueing CPU's
 * "waiting" list; one grace-period thread (kmm's rcu_gp) takes every waiting list at once,
 * waits for a grace period, appends each batch to its CPU's "done" list and raises
 * RCU_SOFTIRQ there; that CPU's ksoftirqd runs the done list in softirq context, in queueing
 * order. Since batches move in order and each CPU's lists are FIFO, a callback queued on
 * every CPU runs after everything queued before it: rcu_barrier() is built on that, as the
 * kernel's is.
 *
 *   waiting[cpu] --(rcu_gp: synchronize)--> done[cpu] --(ksoftirqd/cpu)--> func(head)
 *
 * Lock order: barrier_mutex, then cb_lock (a leaf; callbacks run without it).
 * Context: readers and call_rcu() anywhere; synchronize_rcu() and rcu_barrier() sleep.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/page_alloc.h>
#include <kmm/rcupdate.h>
#include <kmm/slab.h>
#include "machine/cpu.h"
#include "kernel/deferred.h"
#include "lib/list.h"
#include "kernel/locking/lockdep.h"
#include "machine/machine.h"
#include "machine/options.h"
#include "kernel/rcu/rcu.h"
#include "machine/report.h"
#include "machine/thread.h"
#include "machine/initcall.h"

/*
 * liburcu's memb entry points, declared here rather than through <urcu/urcu-memb.h>: that
 * header maps rcu_read_lock, synchronize_rcu ... to them by macro, and those are the kernel
 * names this file defines.
 */
extern void urcu_memb_read_lock(void);
extern void urcu_memb_read_unlock(void);
extern void urcu_memb_synchronize_rcu(void);
extern void urcu_memb_register_thread(void);
extern void urcu_memb_unregister_thread(void);

#ifdef KMM_SANITIZE_THREAD
/*
 * TSan cannot see liburcu's ordering (membarrier, and loads in an uninstrumented library),
 * so it would take a reader's last access and the updater's free after synchronize_rcu()
 * for a race. Each reader's exit releases, and the end of each grace period acquires, one
 * sync object: the happens-before edge the grace period really provides.
 */
extern void __tsan_acquire(void *addr);
extern void __tsan_release(void *addr);
static char tsan_gp_sync;
#define gp_reader_exit() __tsan_release(&tsan_gp_sync)
#define gp_ended() __tsan_acquire(&tsan_gp_sync)
#else
#define gp_reader_exit() ((void)0)
#define gp_ended() ((void)0)
#endif

struct cb_list {
	struct rcu_head *head, **tail;
};

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gp_wake = PTHREAD_COND_INITIALIZER;
static struct cb_list waiting[KMM_MAX_CPUS], done[KMM_MAX_CPUS];
static bool gp_running, gp_stop; /* under cb_lock */
static bool accepting; /* under cb_lock: from boot until shutdown has stopped rcu_gp */
static pthread_t gp_thread;
static unsigned long cbs_queued, cbs_invoked; /* atomics: queued - invoked are pending */
static pthread_mutex_t barrier_mutex = PTHREAD_MUTEX_INITIALIZER;
/* The model of this boot: does rcu_read_lock() disable preemption? */
static bool read_lock_disables_preemption;

static void list_append(struct cb_list *l, struct rcu_head *first, struct rcu_head **last)
{
	if (!l->tail)
		l->tail = &l->head;
	*l->tail = first;
	l->tail = last;
}

static struct rcu_head *list_take(struct cb_list *l, struct rcu_head ***tail)
{
	struct rcu_head *first = l->head;

	*tail = l->tail;
	l->head = NULL;
	l->tail = &l->head;
	return first;
}

/* ---- readers ---- */

static void rcu_thread_init(struct kmm_thread *t)
{
	(void)t;
	urcu_memb_register_thread();
}

static void rcu_thread_exit(struct kmm_thread *t)
{
	if (t->rcu_readers) {
		t->rcu_readers = 0;
		gp_reader_exit();
		urcu_memb_read_unlock();
	}
	t->rcu_nesting = t->rcu_bh_nesting = t->rcu_sched_nesting = 0;
	urcu_memb_unregister_thread();
}

static void reader_enter(struct kmm_thread *t)
{
	if (t->rcu_readers++ == 0)
		urcu_memb_read_lock();
}

static void reader_exit(struct kmm_thread *t)
{
	if (--t->rcu_readers == 0) {
		gp_reader_exit();
		urcu_memb_read_unlock();
	}
}

void rcu_read_lock(void)
{
	struct kmm_thread *t = thread_current();

	if (read_lock_disables_preemption)
		preempt_count_add(PREEMPT_OFFSET);
	reader_enter(t);
	t->rcu_nesting++;
}

/* Leave a reader of the flavour @nesting counts: false, reported, when there was none. */
static bool reader_leave(struct kmm_thread *t, unsigned short *nesting, const char *lock, void *ip)
{
	if (__builtin_expect(!*nesting, 0)) {
		lockdep_report_bad_unlock(t, lock, ip);
		return false;
	}
	(*nesting)--;
	reader_exit(t);
	return true;
}

void rcu_read_unlock(void)
{
	struct kmm_thread *t = thread_current();

	if (reader_leave(t, &t->rcu_nesting, "rcu_read_lock", __builtin_return_address(0)) &&
	    read_lock_disables_preemption)
		preempt_count_sub(PREEMPT_OFFSET);
}

void rcu_read_lock_bh(void)
{
	struct kmm_thread *t = thread_current();

	local_bh_disable();
	reader_enter(t);
	t->rcu_bh_nesting++;
}

void rcu_read_unlock_bh(void)
{
	struct kmm_thread *t = thread_current();

	if (reader_leave(t, &t->rcu_bh_nesting, "rcu_read_lock_bh", __builtin_return_address(0)))
		local_bh_enable();
}

void rcu_read_lock_sched(void)
{
	struct kmm_thread *t = thread_current();

	preempt_count_add(PREEMPT_OFFSET);
	reader_enter(t);
	t->rcu_sched_nesting++;
}

void rcu_read_unlock_sched(void)
{
	struct kmm_thread *t = thread_current();

	if (reader_leave(t, &t->rcu_sched_nesting, "rcu_read_lock_sched",
			 __builtin_return_address(0)))
		preempt_count_sub(PREEMPT_OFFSET);
}

int rcu_read_lock_held(void)
{
	return thread_current()->rcu_nesting != 0;
}

int rcu_read_lock_bh_held(void)
{
	struct kmm_thread *t = thread_current();

	return t->rcu_bh_nesting || (t->preempt_count & SOFTIRQ_MASK) || t->irqs_disabled;
}

int rcu_read_lock_sched_held(void)
{
	struct kmm_thread *t = thread_current();

	return t->rcu_sched_nesting || t->preempt_count || t->irqs_disabled;
}

int rcu_read_lock_any_held(void)
{
	struct kmm_thread *t = thread_current();

	return t->rcu_readers || t->preempt_count || t->irqs_disabled;
}

/* ---- checks ---- */

bool kmm_rcu_first_warning(unsigned long *seen)
{
	unsigned long gen = __atomic_load_n(&kmm_machine.generation, __ATOMIC_RELAXED);

	return __atomic_exchange_n(seen, gen, __ATOMIC_RELAXED) != gen;
}

void lockdep_rcu_suspicious(const char *file, const int line, const char *s)
{
	struct kmm_thread *t = thread_current();

	report_start("rcu_suspicious", "WARNING: suspicious RCU usage");
	report_add("kmm Not tainted");
	report_add("-----------------------------");
	report_add("%s:%d %s!", file, line, s);
	report_add("%s", "");
	report_add("other info that might help us debug this:");
	report_add("%s", "");
	report_add("%s", "");
	report_add("rcu_scheduler_active = 2, debug_locks = 1");
	if (t->rcu_readers)
		report_add("RCU readers open: rcu_read_lock %u, rcu_read_lock_bh %u, "
			   "rcu_read_lock_sched %u",
			   t->rcu_nesting, t->rcu_bh_nesting, t->rcu_sched_nesting);
	lockdep_finish_report(t);
}

static void rcu_sleep_check(struct kmm_thread *t, const char *file, int line)
{
	static unsigned long seen_rcu, seen_bh, seen_sched;

	/* With PREEMPT_RCU a plain reader may be preempted: the might_sleep report's
	 * "RCU nest depth" line speaks for it instead. */
	if (t->rcu_nesting && read_lock_disables_preemption && kmm_rcu_first_warning(&seen_rcu))
		lockdep_rcu_suspicious(file, line,
				       "Illegal context switch in RCU read-side critical section");
	if (t->rcu_bh_nesting && kmm_rcu_first_warning(&seen_bh))
		lockdep_rcu_suspicious(
			file, line, "Illegal context switch in RCU-bh read-side critical section");
	if (t->rcu_sched_nesting && kmm_rcu_first_warning(&seen_sched))
		lockdep_rcu_suspicious(
			file, line,
			"Illegal context switch in RCU-sched read-side critical section");
}

static void rcu_note_context_switch(struct kmm_thread *t)
{
	static unsigned long seen;

	if (!rcu_preempt_depth(t) || !kmm_rcu_first_warning(&seen))
		return;
	report_start("rcu_context_switch",
		     "Voluntary context switch within RCU read-side critical section!");
	report_add("WARNING: CPU: %u PID: %d at kernel/rcu/tree_plugin.h rcu_note_context_switch",
		   t->cpu, t->pid);
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

/*
 * PROVE_RCU's checks where a thread may sleep (might_sleep: "Illegal context switch in
 * RCU[-bh|-sched] read-side critical section") and where it really blocks ("Voluntary context
 * switch within RCU read-side critical section!"), called by the scheduler side of context.c.
 */
static const struct context_rcu_checks rcu_checks = {
	.sleep = rcu_sleep_check,
	.context_switch = rcu_note_context_switch,
};

/*
 * The checks a wait for a grace period (or for callbacks) makes before it blocks. A wait
 * that could never end is refused: inside a reader section (the grace period waits for
 * it), or on a CPU's own interrupt or softirq thread (the callbacks need that thread).
 * Return: true if the caller may wait.
 */
static bool may_wait(struct kmm_thread *t, bool sync, const char *file, int line)
{
	static unsigned long seen_sync;

	if (sync && t->rcu_readers && kmm_rcu_first_warning(&seen_sync))
		lockdep_rcu_suspicious(
			file, line, "Illegal synchronize_rcu() in RCU read-side critical section");
	__might_sleep(file, line);
	if (t->rcu_readers || t->role != THREAD_TASK)
		return false;
	context_schedule(); /* an atomic caller is reported and made preemptible */
	return true;
}

void synchronize_rcu(void)
{
	struct kmm_thread *t = thread_current();

	if (!may_wait(t, true, __FILE__, __LINE__))
		return;
	urcu_memb_synchronize_rcu();
	cpu_wait_quiescent(); /* and for what runs with preemption or interrupts off */
	gp_ended();
}

/* ---- callbacks ---- */

/* kvfree() for kfree_rcu()'s callbacks, given by the allocators at boot. */
static void (*kvfree_fn)(const void *addr);

void rcu_set_kvfree(void (*fn)(const void *addr))
{
	kvfree_fn = fn;
}

static void invoke(struct rcu_head *head)
{
	unsigned long offset = (unsigned long)head->func;

	if (__is_kvfree_rcu_offset(offset))
		kvfree_fn((char *)head - offset);
	else
		head->func(head);
	__atomic_add_fetch(&cbs_invoked, 1, __ATOMIC_RELEASE);
}

void rcu_run_cpu(unsigned int cpu)
{
	struct rcu_head *list, **tail;

	pthread_mutex_lock(&cb_lock);
	list = list_take(&done[cpu], &tail);
	pthread_mutex_unlock(&cb_lock);
	while (list) {
		struct rcu_head *head = list;
		void *fn = (void *)head->func;

		list = list->next;
		invoke(head);
		deferred_check_leak(thread_current(), "rcu callback", fn, SOFTIRQ_OFFSET, false);
	}
}

static void *gp_main(void *arg)
{
	struct rcu_head *batch[KMM_MAX_CPUS], **tails[KMM_MAX_CPUS];

	(void)arg;
	pthread_mutex_lock(&cb_lock);
	for (;;) {
		bool any = false;

		for (unsigned int i = 0; i < KMM_MAX_CPUS; i++) {
			batch[i] = list_take(&waiting[i], &tails[i]);
			any |= batch[i] != NULL;
		}
		if (!any) {
			if (gp_stop)
				break;
			pthread_cond_wait(&gp_wake, &cb_lock);
			continue;
		}
		pthread_mutex_unlock(&cb_lock);
		urcu_memb_synchronize_rcu();
		cpu_wait_quiescent();
		gp_ended();
		pthread_mutex_lock(&cb_lock);
		for (unsigned int i = 0; i < KMM_MAX_CPUS; i++)
			if (batch[i])
				list_append(&done[i], batch[i], tails[i]);
		pthread_mutex_unlock(&cb_lock);
		for (unsigned int i = 0; i < KMM_MAX_CPUS; i++)
			if (batch[i])
				softirq_raise_on(i, RCU_SOFTIRQ);
		pthread_mutex_lock(&cb_lock);
	}
	pthread_mutex_unlock(&cb_lock);
	return NULL;
}

/*
 * Queue @head on @cpu's waiting list; starts the grace-period thread on first use. Once
 * shutdown has stopped it, nothing is queued (false): call_rcu() forgets the callback, as a
 * tasklet scheduled then is forgotten.
 */
static bool enqueue(unsigned int cpu, struct rcu_head *head)
{
	head->next = NULL;
	pthread_mutex_lock(&cb_lock);
	if (!accepting) {
		pthread_mutex_unlock(&cb_lock);
		return false;
	}
	__atomic_add_fetch(&cbs_queued, 1, __ATOMIC_RELAXED);
	list_append(&waiting[cpu], head, &head->next);
	if (!gp_running) {
		gp_stop = false;
		if (pthread_create(&gp_thread, NULL, gp_main, NULL))
			abort();
		gp_running = true;
	}
	pthread_cond_signal(&gp_wake);
	pthread_mutex_unlock(&cb_lock);
	return true;
}

bool rcu_call_if_running(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	return enqueue(smp_processor_id() % cpu_count(), head);
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	if (!kmm_machine.booted)
		machine_not_booted(__func__);
	head->func = func;
	(void)enqueue(smp_processor_id() % cpu_count(), head);
}

void kvfree_call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	call_rcu(head, func);
}

struct barrier_head {
	struct rcu_head head;
	struct barrier *b;
};

struct barrier {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int remaining;
	struct barrier_head heads[KMM_MAX_CPUS];
};

static void barrier_callback(struct rcu_head *head)
{
	struct barrier *b = container_of(head, struct barrier_head, head)->b;

	pthread_mutex_lock(&b->lock);
	if (--b->remaining == 0)
		pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

/* Queue a marker on every CPU and wait until all of them have run. */
static void barrier_wait(void)
{
	struct barrier b = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	unsigned int n = cpu_count();

	pthread_mutex_lock(&barrier_mutex);
	b.remaining = n;
	for (unsigned int i = 0; i < n; i++) {
		b.heads[i].b = &b;
		b.heads[i].head.func = barrier_callback;
		if (!enqueue(i, &b.heads[i].head))
			b.remaining--;
	}
	pthread_mutex_lock(&b.lock);
	while (b.remaining)
		pthread_cond_wait(&b.cond, &b.lock);
	pthread_mutex_unlock(&b.lock);
	pthread_mutex_unlock(&barrier_mutex);
	pthread_cond_destroy(&b.cond);
	pthread_mutex_destroy(&b.lock);
}

void rcu_barrier(void)
{
	struct kmm_thread *t = thread_current();

	if (!kmm_machine.booted)
		machine_not_booted(__func__);
	if (!may_wait(t, false, __FILE__, __LINE__))
		return;
	barrier_wait();
}

static int rcu_boot(void)
{
	context_set_rcu_checks(&rcu_checks);
	read_lock_disables_preemption = !kmm_opts.preempt_rcu;
	pthread_mutex_lock(&cb_lock);
	for (unsigned int i = 0; i < KMM_MAX_CPUS; i++) {
		waiting[i] = (struct cb_list){ NULL, &waiting[i].head };
		done[i] = (struct cb_list){ NULL, &done[i].head };
	}
	__atomic_store_n(&cbs_queued, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&cbs_invoked, 0, __ATOMIC_RELAXED);
	accepting = true;
	pthread_mutex_unlock(&cb_lock);
	return 0;
}

void rcu_shutdown(void)
{
	struct kmm_thread *t = thread_current();
	bool running;

	/* A test that failed inside a reader: leave it, or the barrier would wait forever. */
	if (t->rcu_readers) {
		t->rcu_readers = 1;
		reader_exit(t);
	}
	t->rcu_nesting = t->rcu_bh_nesting = t->rcu_sched_nesting = 0;
	pthread_mutex_lock(&cb_lock);
	running = gp_running;
	if (!running)
		accepting = false;
	pthread_mutex_unlock(&cb_lock);
	if (!running)
		return;
	/* Callbacks may queue callbacks: a few rounds, as the kernel's rcu_barrier() users do. */
	for (int round = 0; round < 8 && !t->cpu_held && t->role == THREAD_TASK; round++) {
		if (__atomic_load_n(&cbs_queued, __ATOMIC_RELAXED) ==
		    __atomic_load_n(&cbs_invoked, __ATOMIC_ACQUIRE))
			break;
		barrier_wait();
	}
	pthread_mutex_lock(&cb_lock);
	accepting = false;
	gp_stop = true;
	pthread_cond_signal(&gp_wake);
	pthread_mutex_unlock(&cb_lock);
	pthread_join(gp_thread, NULL);
	pthread_mutex_lock(&cb_lock);
	gp_running = false;
	pthread_mutex_unlock(&cb_lock);
}

kmm_initcall(core, rcu, rcu_boot, NULL);
kmm_thread_hook(core, rcu_reader, rcu_thread_init, rcu_thread_exit);
