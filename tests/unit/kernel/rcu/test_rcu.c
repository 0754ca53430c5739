/*
 * RCU: a grace period waits for every reader that was inside a section when it began, and
 * for no other; callbacks run after one, in softirq context on a ksoftirqd thread; kfree_rcu
 * frees after the readers; rcu_barrier waits for queued callbacks; sections nest; the
 * PROVE_RCU checks report sleeping in a reader, synchronize_rcu in a reader, unbalanced
 * unlocks and unprotected dereferences; shutdown runs what is still queued; a reboot starts
 * afresh; preempt_rcu=0 makes rcu_read_lock disable preemption.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/context.h>
#include <kmm/delay.h>
#include <kmm/rcupdate.h>
#include <kmm/rculist.h>
#include <kmm/report.h>
#include <kmm/slab.h>
#include <kmm/spinlock.h>
#include <kmm/irq.h>
#include <kmm/gfp.h>
#include <kmm/page.h>
#include <kmm/page_alloc.h>

/* The captured report (capture ended) whose text contains @needle, or NULL. */
static const char *captured_with(unsigned int total, const char *needle)
{
	for (unsigned int i = 0; i < total; i++) {
		const char *text = kmm_report_captured_text(i);

		if (text && strstr(text, needle))
			return text;
	}
	return NULL;
}

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2 };

	return kmm_boot(&cfg);
}

static int shutdown(void **state)
{
	kmm_shutdown();
	return 0;
}

/* A reader on its own thread that holds its section until told to leave. */
struct reader {
	pthread_t thread;
	int depth; /* nested rcu_read_lock()s */
	int inside, leave; /* atomics */
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	for (int i = 0; i < r->depth; i++)
		rcu_read_lock();
	__atomic_store_n(&r->inside, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&r->leave, __ATOMIC_ACQUIRE))
		usleep_range(200, 300);
	for (int i = 0; i < r->depth; i++) {
		/* Still inside until the last unlock: 0 says "about to leave". */
		__atomic_store_n(&r->inside, r->depth - 1 - i, __ATOMIC_RELEASE);
		rcu_read_unlock();
		if (i + 1 < r->depth)
			usleep_range(20000, 20000);
	}
	return NULL;
}

static void reader_start(struct reader *r, int depth)
{
	memset(r, 0, sizeof(*r));
	r->depth = depth;
	assert_int_equal(pthread_create(&r->thread, NULL, reader_main, r), 0);
	while (!__atomic_load_n(&r->inside, __ATOMIC_ACQUIRE))
		usleep_range(100, 200);
}

static void reader_stop(struct reader *r)
{
	__atomic_store_n(&r->leave, 1, __ATOMIC_RELEASE);
	pthread_join(r->thread, NULL);
}

struct syncer {
	pthread_t thread;
	int done; /* atomic */
	int reader_inside_at_return; /* the reader's state when synchronize_rcu() returned */
	struct reader *r;
};

static void *syncer_main(void *arg)
{
	struct syncer *s = arg;

	synchronize_rcu();
	s->reader_inside_at_return = __atomic_load_n(&s->r->inside, __ATOMIC_ACQUIRE);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void grace_period_waits_for_a_reader_on_another_thread(void **state)
{
	struct reader r;
	struct syncer s = { 0 };

	reader_start(&r, 1);
	s.r = &r;
	assert_int_equal(pthread_create(&s.thread, NULL, syncer_main, &s), 0);
	msleep(100);
	assert_int_equal(__atomic_load_n(&s.done, __ATOMIC_ACQUIRE), 0);
	reader_stop(&r);
	pthread_join(s.thread, NULL);
	assert_int_equal(s.done, 1);
	assert_int_equal(s.reader_inside_at_return, 0);
}

static DEFINE_SPINLOCK(holder_lock);

/* A thread atomic without rcu_read_lock(): r->depth says how (0 spinlock, 1 preempt, 2 irqs). */
static void *atomic_main(void *arg)
{
	struct reader *r = arg;
	struct timespec tick = { 0, 200000 };
	unsigned long flags = 0;

	if (r->depth == 0)
		spin_lock(&holder_lock);
	else if (r->depth == 1)
		preempt_disable();
	else
		local_irq_save(flags);
	__atomic_store_n(&r->inside, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&r->leave, __ATOMIC_ACQUIRE))
		nanosleep(&tick, NULL); /* the host's sleep: kmm sees a thread that never yields */
	__atomic_store_n(&r->inside, 0, __ATOMIC_RELEASE);
	if (r->depth == 0)
		spin_unlock(&holder_lock);
	else if (r->depth == 1)
		preempt_enable();
	else
		local_irq_restore(flags);
	return NULL;
}

static void grace_period_waits_for_atomic_sections_too(void **state)
{
	/* One grace period for every flavour since Linux 4.20: preemption, irqs off, spinlocks. */
	for (int how = 0; how < 3; how++) {
		struct reader r = { .depth = how };
		struct syncer s = { .r = &r };
		struct timespec wait = { 0, 100 * 1000 * 1000 };

		assert_int_equal(pthread_create(&r.thread, NULL, atomic_main, &r), 0);
		while (!__atomic_load_n(&r.inside, __ATOMIC_ACQUIRE))
			nanosleep(&wait, NULL);
		assert_int_equal(pthread_create(&s.thread, NULL, syncer_main, &s), 0);
		nanosleep(&wait, NULL);
		assert_int_equal(__atomic_load_n(&s.done, __ATOMIC_ACQUIRE), 0);
		__atomic_store_n(&r.leave, 1, __ATOMIC_RELEASE);
		pthread_join(r.thread, NULL);
		pthread_join(s.thread, NULL);
		assert_int_equal(s.done, 1);
		assert_int_equal(s.reader_inside_at_return, 0);
	}
}

static void nested_sections_end_at_the_last_unlock(void **state)
{
	struct reader r;
	struct syncer s = { 0 };

	rcu_read_lock();
	rcu_read_lock();
	assert_true(rcu_read_lock_held());
	rcu_read_unlock();
	assert_true(rcu_read_lock_held());
	rcu_read_unlock();
	assert_false(rcu_read_lock_held());

	/* On another thread: the grace period outlasts the inner unlock, not the outer one. */
	reader_start(&r, 2);
	s.r = &r;
	assert_int_equal(pthread_create(&s.thread, NULL, syncer_main, &s), 0);
	reader_stop(&r);
	pthread_join(s.thread, NULL);
	assert_int_equal(s.reader_inside_at_return, 0);
}

static void a_reader_that_starts_later_does_not_hold_up_the_grace_period(void **state)
{
	rcu_read_lock();
	rcu_read_unlock();
	synchronize_rcu(); /* no reader open: returns */
	synchronize_rcu();
	assert_false(rcu_read_lock_any_held());
}

struct cb {
	struct rcu_head rcu;
	int ran; /* atomic */
	unsigned int count; /* preempt count seen by the callback */
	char comm[TASK_COMM_LEN];
	int reader_inside; /* the reader's state when the callback ran */
	struct reader *r;
};

static void cb_fn(struct rcu_head *head)
{
	struct cb *c = container_of(head, struct cb, rcu);

	c->count = preempt_count();
	strncpy(c->comm, kmm_current_comm(), sizeof(c->comm) - 1);
	if (c->r)
		c->reader_inside = __atomic_load_n(&c->r->inside, __ATOMIC_ACQUIRE);
	__atomic_store_n(&c->ran, 1, __ATOMIC_RELEASE);
}

static void call_rcu_runs_after_the_grace_period_in_softirq_context(void **state)
{
	struct reader r;
	struct cb c = { 0 };

	reader_start(&r, 1);
	c.r = &r;
	call_rcu(&c.rcu, cb_fn);
	msleep(100);
	assert_int_equal(__atomic_load_n(&c.ran, __ATOMIC_ACQUIRE), 0);
	reader_stop(&r);
	rcu_barrier();
	assert_int_equal(c.ran, 1);
	assert_int_equal(c.reader_inside, 0);
	assert_int_equal(c.count & SOFTIRQ_MASK, SOFTIRQ_OFFSET); /* serving a softirq */
	assert_int_equal(strncmp(c.comm, "ksoftirqd/", 10), 0);
}

#define MANY 200

static int many_ran;

static void count_fn(struct rcu_head *head)
{
	__atomic_add_fetch(&many_ran, 1, __ATOMIC_RELAXED);
}

static void *queue_many(void *arg)
{
	struct rcu_head *heads = arg;

	for (int i = 0; i < MANY / 2; i++)
		call_rcu(&heads[i], count_fn);
	return NULL;
}

static void rcu_barrier_waits_for_every_queued_callback(void **state)
{
	static struct rcu_head heads[MANY];
	pthread_t t;

	many_ran = 0;
	assert_int_equal(pthread_create(&t, NULL, queue_many, heads), 0);
	queue_many(heads + MANY / 2);
	pthread_join(t, NULL);
	rcu_barrier();
	assert_int_equal(__atomic_load_n(&many_ran, __ATOMIC_RELAXED), MANY);
}

struct obj {
	char data[48];
	struct rcu_head rcu;
};

static void kfree_rcu_frees_only_after_the_readers(void **state)
{
	struct kmem_cache *cache =
		kmem_cache_create("rcu_obj", sizeof(struct obj), 0, SLAB_POISON, NULL);
	struct obj *o;
	struct reader r;

	assert_non_null(cache);
	o = kmem_cache_alloc(cache, GFP_KERNEL);
	assert_non_null(o);
	memset(o->data, 0x5a, sizeof(o->data));
	reader_start(&r, 1);
	kfree_rcu(o, rcu);
	msleep(100);
	assert_int_equal((unsigned char)o->data[16], 0x5a); /* a reader may still look */
	reader_stop(&r);
	rcu_barrier();
	assert_int_equal((unsigned char)o->data[16], 0x6b); /* POISON_FREE: freed */
	assert_int_equal(kmm_slab_validate(cache), 0);
	kmem_cache_destroy(cache);
}

static void kfree_rcu_with_one_argument_waits_in_place(void **state)
{
	struct kmem_cache *cache = kmem_cache_create("rcu_obj1", 64, 0, SLAB_POISON, NULL);
	unsigned char *p = kmem_cache_alloc(cache, GFP_KERNEL);

	memset(p, 0x5a, 64);
	kfree_rcu(p);
	assert_int_equal(p[16], 0x6b);
	kvfree_rcu((void *)NULL);
	kmem_cache_destroy(cache);
}

static void kfree_rcu_of_a_freed_object_is_caught(void **state)
{
	struct kmem_cache *cache = kmem_cache_create("rcu_dbl", sizeof(struct obj), 0,
						     SLAB_CONSISTENCY_CHECKS | SLAB_POISON, NULL);
	struct obj *o = kmem_cache_alloc(cache, GFP_KERNEL);
	unsigned int total;

	kmm_report_capture_begin();
	kmem_cache_free(cache, o);
	kfree_rcu(o, rcu);
	rcu_barrier();
	total = kmm_report_capture_end();
	/* The callback's kfree finds the object on its slab's free list, as slub_debug does. */
	assert_int_equal(kmm_report_captured_find("Object already free"), 1);
	assert_non_null(captured_with(total, "BUG rcu_dbl (Not tainted): Object already free"));
	kmem_cache_destroy(cache);
}

static void sleeping_in_a_reader_is_reported(void **state)
{
	const char *text;

	kmm_report_capture_begin();
	rcu_read_lock();
	might_sleep();
	rcu_read_unlock();
	rcu_read_lock_bh();
	might_sleep();
	rcu_read_unlock_bh();
	assert_int_equal(kmm_report_capture_end(), 3);
	/* A bh reader is also a PROVE_RCU splat; a plain one (PREEMPT_RCU) is not. */
	assert_int_equal(kmm_report_captured("rcu_suspicious"), 1);
	assert_int_equal(kmm_report_captured("might_sleep"), 2);
	text = captured_with(3, "WARNING: suspicious RCU usage");
	assert_non_null(
		strstr(text, "Illegal context switch in RCU-bh read-side critical section!"));
	text = captured_with(3, "sleeping function");
	/* PREEMPT_RCU (Debian's kernel): not atomic, but one RCU reader deep. */
	assert_non_null(strstr(text, "in_atomic(): 0, irqs_disabled(): 0"));
	assert_non_null(strstr(text, "preempt_count: 0, expected: 0"));
	assert_non_null(strstr(text, "RCU nest depth: 1, expected: 0"));
}

static void gfp_kernel_in_a_reader_is_reported_and_served_atomically(void **state)
{
	void *p;

	kmm_report_capture_begin();
	rcu_read_lock();
	p = kmalloc(64, GFP_KERNEL);
	rcu_read_unlock();
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("RCU nest depth: 1, expected: 0"), 1);
	assert_non_null(p);
	kfree(p);
}

static void blocking_in_a_reader_is_a_voluntary_context_switch(void **state)
{
	const char *text;

	kmm_report_capture_begin();
	rcu_read_lock();
	msleep(1);
	msleep(1); /* WARN_ONCE: once per boot */
	rcu_read_unlock();
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("rcu_context_switch"), 1);
	text = kmm_report_captured_text(0);
	assert_non_null(
		strstr(text, "Voluntary context switch within RCU read-side critical section!"));
}

static void synchronize_rcu_in_a_reader_is_reported_and_refused(void **state)
{
	const char *text;
	unsigned int total;

	kmm_report_capture_begin();
	rcu_read_lock();
	synchronize_rcu(); /* would wait for itself: returns at once */
	rcu_barrier();
	rcu_read_unlock();
	total = kmm_report_capture_end();
	/* The illegal synchronize_rcu(), then each wait's might_sleep (nest depth 1). */
	assert_int_equal(kmm_report_captured("rcu_suspicious"), 1);
	assert_int_equal(kmm_report_captured_find("Illegal synchronize_rcu() in RCU read-side "
						  "critical section!"),
			 1);
	text = captured_with(total, "Illegal synchronize_rcu() in RCU read-side");
	assert_non_null(strstr(text, "WARNING: suspicious RCU usage\n"));
	assert_non_null(strstr(text, "rcu_scheduler_active = 2, debug_locks = 1"));
	assert_int_equal(kmm_report_captured("might_sleep"), 2);
	synchronize_rcu(); /* outside: fine, no report */
	assert_false(rcu_read_lock_held());
}

static void unbalanced_unlock_is_reported_and_ignored(void **state)
{
	const char *text;

	kmm_report_capture_begin();
	rcu_read_unlock();
	rcu_read_unlock_bh();
	assert_int_equal(kmm_report_capture_end(), 2);
	assert_int_equal(kmm_report_captured("bad_unlock_balance"), 2);
	text = kmm_report_captured_text(0);
	assert_non_null(strstr(text, "WARNING: bad unlock balance detected!"));
	assert_non_null(strstr(text, "is trying to release lock (rcu_read_lock) at:"));
	assert_non_null(strstr(text, "but there are no more locks to release!"));
	assert_int_equal(preempt_count(), 0);
	rcu_read_lock(); /* still usable */
	assert_true(rcu_read_lock_held());
	rcu_read_unlock();
}

struct cfg {
	int value;
};

static struct cfg *current_cfg;

static void dereference_outside_a_reader_is_suspicious(void **state)
{
	struct cfg c = { 7 }, *p;

	rcu_assign_pointer(current_cfg, &c);
	kmm_report_capture_begin();
	rcu_read_lock();
	p = rcu_dereference(current_cfg); /* fine */
	rcu_read_unlock();
	assert_int_equal(p->value, 7);
	assert_int_equal(kmm_report_captured(NULL), 0);
	p = rcu_dereference(current_cfg);
	p = rcu_dereference_protected(current_cfg, 0);
	p = rcu_dereference_protected(current_cfg, 1); /* the caller says it is the updater */
	p = rcu_dereference_check(current_cfg, 1);
	rcu_read_lock_bh();
	p = rcu_dereference_bh(current_cfg);
	rcu_read_unlock_bh();
	rcu_read_lock_sched();
	p = rcu_dereference_sched(current_cfg);
	assert_true(rcu_read_lock_sched_held());
	rcu_read_unlock_sched();
	assert_int_equal(kmm_report_capture_end(), 2);
	assert_int_equal(kmm_report_captured("rcu_suspicious"), 2);
	assert_int_equal(kmm_report_captured_find("suspicious rcu_dereference_check() usage!"), 1);
	assert_int_equal(kmm_report_captured_find("suspicious rcu_dereference_protected() usage!"),
			 1);
	assert_ptr_equal(rcu_replace_pointer(current_cfg, NULL, 1), &c);
	assert_null(rcu_access_pointer(current_cfg));
}

static void bh_and_sched_readers_disable_what_the_kernel_does(void **state)
{
	rcu_read_lock_bh();
	assert_true(in_softirq());
	assert_true(rcu_read_lock_bh_held());
	rcu_read_unlock_bh();
	assert_int_equal(preempt_count(), 0);
	rcu_read_lock_sched();
	assert_int_equal(preempt_count(), PREEMPT_OFFSET);
	rcu_read_unlock_sched();
	rcu_read_lock(); /* PREEMPT_RCU: preemption stays on */
	assert_int_equal(preempt_count(), 0);
	rcu_read_unlock();
}

struct node {
	int key;
	struct list_head list;
	struct hlist_node hnode;
	struct rcu_head rcu;
};

static void rculists_are_walked_and_updated(void **state)
{
	LIST_HEAD(head);
	HLIST_HEAD(bucket);
	struct node *n, *pos;
	int sum = 0, count = 0;

	for (int i = 1; i <= 4; i++) {
		n = kzalloc(sizeof(*n), GFP_KERNEL);
		n->key = i;
		list_add_tail_rcu(&n->list, &head);
		hlist_add_head_rcu(&n->hnode, &bucket);
	}
	rcu_read_lock();
	list_for_each_entry_rcu (pos, &head, list)
		sum = sum * 10 + pos->key;
	hlist_for_each_entry_rcu (pos, &bucket, hnode)
		count++;
	rcu_read_unlock();
	assert_int_equal(sum, 1234);
	assert_int_equal(count, 4);
	while (!list_empty(&head)) {
		n = list_first_or_null_rcu(&head, struct node, list);
		list_del_rcu(&n->list);
		hlist_del_rcu(&n->hnode);
		kfree_rcu(n, rcu);
	}
	assert_true(hlist_empty(&bucket));
	rcu_barrier();
}

static void typesafe_by_rcu_slabs_outlive_the_readers(void **state)
{
	struct kmem_cache *cache =
		kmem_cache_create("rcu_typesafe", 512, 0, SLAB_TYPESAFE_BY_RCU | SLAB_POISON, NULL);
	struct reader r;
	struct page *page;
	unsigned int *obj;

	assert_non_null(cache);
	obj = kmem_cache_alloc(cache, GFP_KERNEL);
	*obj = 0x1234;
	page = virt_to_page(obj);
	reader_start(&r, 1);
	kmem_cache_free(cache, obj);
	assert_int_equal(*obj, 0x1234); /* type-safe: no poison over a freed object */
	kmem_cache_shrink(cache); /* the empty slab is discarded ... */
	msleep(50);
	assert_int_equal(page_ref_count(page), 1); /* ... but its page waits for the reader */
	reader_stop(&r);
	rcu_barrier();
	assert_int_equal(page_ref_count(page), 0);
	kmem_cache_destroy(cache);
}

static int leftover_ran;

static void leftover_fn(struct rcu_head *head)
{
	leftover_ran++;
}

static void shutdown_runs_queued_callbacks_and_reboot_starts_afresh(void **state)
{
	static struct rcu_head h1, h2;

	leftover_ran = 0;
	call_rcu(&h1, leftover_fn);
	kmm_shutdown();
	assert_int_equal(leftover_ran, 1);
	assert_int_equal(boot(NULL), 0);
	call_rcu(&h2, leftover_fn);
	rcu_barrier();
	assert_int_equal(leftover_ran, 2);
}

static void *enter_reader_and_exit(void *arg)
{
	rcu_read_lock();
	return arg;
}

static void a_thread_that_exits_inside_a_reader_does_not_block_grace_periods(void **state)
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, enter_reader_and_exit, NULL), 0);
	pthread_join(t, NULL);
	synchronize_rcu(); /* the exited thread is no reader any more */
}

static int boot_nonpreempt(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 2, .options = "preempt_rcu=0" };

	return kmm_boot(&cfg);
}

static void without_preempt_rcu_a_reader_is_atomic(void **state)
{
	const char *text;
	unsigned int total;

	rcu_read_lock();
	assert_int_equal(preempt_count(), PREEMPT_OFFSET);
	assert_true(in_atomic());
	kmm_report_capture_begin();
	might_sleep();
	total = kmm_report_capture_end();
	rcu_read_unlock();
	assert_int_equal(preempt_count(), 0);
	assert_int_equal(total, 2);
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	/* Without PREEMPT_RCU, PROVE_RCU calls a plain reader's context switch illegal too. */
	assert_int_equal(kmm_report_captured_find("Illegal context switch in RCU read-side "
						  "critical section!"),
			 1);
	text = captured_with(total, "sleeping function");
	assert_non_null(strstr(text, "in_atomic(): 1, irqs_disabled(): 0"));
	assert_null(strstr(text, "RCU nest depth")); /* printed only with PREEMPT_RCU */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(grace_period_waits_for_a_reader_on_another_thread,
						boot, shutdown),
		cmocka_unit_test_setup_teardown(grace_period_waits_for_atomic_sections_too, boot,
						shutdown),
		cmocka_unit_test_setup_teardown(nested_sections_end_at_the_last_unlock, boot,
						shutdown),
		cmocka_unit_test_setup_teardown(
			a_reader_that_starts_later_does_not_hold_up_the_grace_period, boot,
			shutdown),
		cmocka_unit_test_setup_teardown(
			call_rcu_runs_after_the_grace_period_in_softirq_context, boot, shutdown),
		cmocka_unit_test_setup_teardown(rcu_barrier_waits_for_every_queued_callback, boot,
						shutdown),
		cmocka_unit_test_setup_teardown(kfree_rcu_frees_only_after_the_readers, boot,
						shutdown),
		cmocka_unit_test_setup_teardown(kfree_rcu_with_one_argument_waits_in_place, boot,
						shutdown),
		cmocka_unit_test_setup_teardown(kfree_rcu_of_a_freed_object_is_caught, boot,
						shutdown),
		cmocka_unit_test_setup_teardown(sleeping_in_a_reader_is_reported, boot, shutdown),
		cmocka_unit_test_setup_teardown(
			gfp_kernel_in_a_reader_is_reported_and_served_atomically, boot, shutdown),
		cmocka_unit_test_setup_teardown(blocking_in_a_reader_is_a_voluntary_context_switch,
						boot, shutdown),
		cmocka_unit_test_setup_teardown(synchronize_rcu_in_a_reader_is_reported_and_refused,
						boot, shutdown),
		cmocka_unit_test_setup_teardown(unbalanced_unlock_is_reported_and_ignored, boot,
						shutdown),
		cmocka_unit_test_setup_teardown(dereference_outside_a_reader_is_suspicious, boot,
						shutdown),
		cmocka_unit_test_setup_teardown(bh_and_sched_readers_disable_what_the_kernel_does,
						boot, shutdown),
		cmocka_unit_test_setup_teardown(rculists_are_walked_and_updated, boot, shutdown),
		cmocka_unit_test_setup_teardown(typesafe_by_rcu_slabs_outlive_the_readers, boot,
						shutdown),
		cmocka_unit_test_setup_teardown(
			shutdown_runs_queued_callbacks_and_reboot_starts_afresh, boot, shutdown),
		cmocka_unit_test_setup_teardown(
			a_thread_that_exits_inside_a_reader_does_not_block_grace_periods, boot,
			shutdown),
		cmocka_unit_test_setup_teardown(without_preempt_rcu_a_reader_is_atomic,
						boot_nonpreempt, shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
