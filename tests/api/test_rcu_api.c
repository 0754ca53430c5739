/*
 * RCU as a driver uses it, compat headers only: a device's configuration is an RCU-protected
 * pointer that readers (an interrupt handler and reader threads) use without a lock while the
 * control path swaps in new versions under a spinlock and frees the old ones with
 * kfree_rcu(), call_rcu() or synchronize_rcu() + kfree(). The configurations come from a
 * poisoning cache, so a reader that saw a freed version would see 0x6b bytes, or a later
 * generation in the same object if the cache had handed it out again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/types.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/rcupdate.h>
#include <linux/rculist.h>
#include <linux/interrupt.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <kmm/irq.h>
#include <kmm/report.h>

#define CFG_IRQ 9
#define READERS 3
#define UPDATES 2000

struct mydev_config {
	u32 generation;
	u32 check; /* ~generation: a torn or freed config breaks it */
	u32 rate;
	struct rcu_head rcu;
};

struct mydev {
	struct mydev_config __rcu *config;
	spinlock_t config_lock; /* serialises updaters */
	struct kmem_cache *config_cache;
	atomic_t irq_reads, bad_reads;
	int stop;
};

static struct mydev dev;

static bool config_ok(const struct mydev_config *c)
{
	return c && c->check == ~c->generation && c->rate == c->generation * 10;
}

static irqreturn_t mydev_irq(int irq, void *id)
{
	struct mydev *d = id;
	struct mydev_config *c;

	rcu_read_lock();
	c = rcu_dereference(d->config);
	if (!config_ok(c))
		atomic_inc(&d->bad_reads);
	rcu_read_unlock();
	atomic_inc(&d->irq_reads);
	return IRQ_HANDLED;
}

static void *reader_thread(void *arg)
{
	struct mydev *d = arg;
	u32 last = 0;

	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		struct mydev_config *c;

		rcu_read_lock();
		c = rcu_dereference(d->config);
		if (!config_ok(c) || c->generation < last)
			atomic_inc(&d->bad_reads);
		else
			last = c->generation;
		sched_yield(); /* use it a while: the updater moves on meanwhile */
		if (!config_ok(c) || c->generation != last) /* freed, or freed and reused */
			atomic_inc(&d->bad_reads);
		rcu_read_unlock();
	}
	return NULL;
}

static void config_free_cb(struct rcu_head *head)
{
	struct mydev_config *c = container_of(head, struct mydev_config, rcu);

	kmem_cache_free(dev.config_cache, c);
}

/* The control path: build a new config, publish it, retire the old one. */
static int mydev_set_rate(struct mydev *d, u32 generation)
{
	struct mydev_config *new = kmem_cache_alloc(d->config_cache, GFP_KERNEL), *old;

	if (!new)
		return -ENOMEM;
	new->generation = generation;
	new->check = ~generation;
	new->rate = generation * 10;
	spin_lock(&d->config_lock);
	old = rcu_replace_pointer(d->config, new, 1 /* under config_lock */);
	spin_unlock(&d->config_lock);
	switch (generation % 3) {
	case 0:
		kfree_rcu(old, rcu);
		break;
	case 1:
		call_rcu(&old->rcu, config_free_cb);
		break;
	default:
		synchronize_rcu();
		kmem_cache_free(d->config_cache, old);
	}
	return 0;
}

static void config_swapped_while_readers_run(void **state)
{
	pthread_t readers[READERS];
	struct mydev_config *first, *last;

	dev.config_cache = kmem_cache_create("mydev_config", sizeof(struct mydev_config), 0,
					     SLAB_POISON | SLAB_CONSISTENCY_CHECKS, NULL);
	assert_non_null(dev.config_cache);
	spin_lock_init(&dev.config_lock);
	first = kmem_cache_zalloc(dev.config_cache, GFP_KERNEL);
	first->check = ~0u;
	RCU_INIT_POINTER(dev.config, first);
	assert_int_equal(request_irq(CFG_IRQ, mydev_irq, 0, "mydev", &dev), 0);

	kmm_report_capture_begin();
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&readers[i], NULL, reader_thread, &dev), 0);
	for (u32 g = 1; g <= UPDATES; g++) {
		assert_int_equal(mydev_set_rate(&dev, g), 0);
		if (g % 8 == 0)
			kmm_raise_irq(CFG_IRQ);
	}
	for (int i = 0; i < 2000 && !atomic_read(&dev.irq_reads); i++)
		msleep(1); /* let a raised interrupt be handled before the line goes */
	__atomic_store_n(&dev.stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);
	free_irq(CFG_IRQ, &dev);
	rcu_barrier(); /* every call_rcu/kfree_rcu has run before the cache goes */
	assert_int_equal(kmm_report_capture_end(), 0);

	assert_int_equal(atomic_read(&dev.bad_reads), 0);
	assert_true(atomic_read(&dev.irq_reads) > 0);
	last = rcu_dereference_protected(dev.config, 1);
	assert_int_equal(last->generation, UPDATES);
	RCU_INIT_POINTER(dev.config, NULL);
	kmem_cache_free(dev.config_cache, last);
	assert_int_equal(kmm_slab_validate(dev.config_cache), 0);
	kmem_cache_destroy(dev.config_cache); /* would report objects still allocated */
}

static int boot(void **state)
{
	return kmm_test_boot("x86_32", 64ULL << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_swapped_while_readers_run),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
