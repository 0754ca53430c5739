/*
 * jiffies.c - the tick clock: real time since boot, or a manual clock for tests.
 *
 * Real mode computes jiffies from CLOCK_MONOTONIC on each read (no ticking thread). Manual
 * mode returns manual_jiffies, moved only by kmm_jiffies_advance(), which then asks every
 * CPU's softirq thread to run its due timers and waits for them (timer.c).
 * clock_base and manual are set in process context; readers use relaxed atomics.
 * Context: any.
 */

#include <kmm/jiffies.h>
#include <kmm/context.h>
#include "kernel/deferred.h"
#include "machine/os.h"
#include "machine/initcall.h"

static long long clock_base_ns;
static bool manual;
static unsigned long manual_jiffies;
static bool base_set;

static int jiffies_boot(void)
{
	__atomic_store_n(&clock_base_ns, os_now_ns(), __ATOMIC_RELAXED);
	__atomic_store_n(&manual, false, __ATOMIC_RELAXED);
	__atomic_store_n(&base_set, true, __ATOMIC_RELEASE);
	return 0;
}

static unsigned long real_jiffies(void)
{
	if (!__atomic_load_n(&base_set, __ATOMIC_ACQUIRE))
		jiffies_boot();
	return INITIAL_JIFFIES +
	       (unsigned long)((os_now_ns() - __atomic_load_n(&clock_base_ns, __ATOMIC_RELAXED)) /
			       (1000000000LL / HZ));
}

unsigned long kmm_jiffies(void)
{
	if (__atomic_load_n(&manual, __ATOMIC_ACQUIRE))
		return __atomic_load_n(&manual_jiffies, __ATOMIC_RELAXED);
	return real_jiffies();
}

void kmm_jiffies_set_manual(bool on)
{
	if (on == __atomic_load_n(&manual, __ATOMIC_RELAXED))
		return;
	if (on) {
		__atomic_store_n(&manual_jiffies, real_jiffies(), __ATOMIC_RELAXED);
		__atomic_store_n(&manual, true, __ATOMIC_RELEASE);
	} else {
		long long ticks = (long long)(__atomic_load_n(&manual_jiffies, __ATOMIC_RELAXED) -
					      INITIAL_JIFFIES);

		__atomic_store_n(&clock_base_ns, os_now_ns() - ticks * (1000000000LL / HZ),
				 __ATOMIC_RELAXED);
		__atomic_store_n(&manual, false, __ATOMIC_RELEASE);
	}
	timer_kick_all();
}

void kmm_jiffies_advance(unsigned long ticks)
{
	might_sleep();
	__atomic_fetch_add(&manual_jiffies, ticks, __ATOMIC_SEQ_CST);
	timer_run_due_all();
}

kmm_initcall(core, jiffies, jiffies_boot, NULL);
