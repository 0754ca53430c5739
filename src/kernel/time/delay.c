/*
 * delay.c - busy delays and plain sleeps.
 *
 * The busy forms poll the host's monotonic clock (they must not sleep: atomic callers use
 * them); the sleeps sleep the whole interval on the host. Like the kernel's, the sleeps have no might_sleep():
 * they always block, so what checks them is the scheduler's own "scheduling while atomic"
 * (context_schedule()), which also resets the preempt count as the kernel's scheduler does.
 * Context: see kmm/delay.h.
 */

#include <kmm/delay.h>
#include "machine/cpu.h"
#include "machine/os.h"
#include "machine/thread.h"

void ndelay(unsigned long ns)
{
	long long end = os_now_ns() + (long long)ns;

	while (os_now_ns() < end)
		cpu_relax();
}

void udelay(unsigned long us)
{
	ndelay(us * 1000);
}

void mdelay(unsigned long ms)
{
	ndelay(ms * 1000000);
}

/* A task's sleep: the scheduler's check (and its CPU given up), then the host's sleep. */
static void sleep_us(unsigned long long us)
{
	context_schedule();
	os_sleep_us((unsigned long)us);
}

void msleep(unsigned int ms)
{
	sleep_us((unsigned long long)ms * 1000);
}

unsigned long msleep_interruptible(unsigned int ms)
{
	msleep(ms);
	return 0;
}

void ssleep(unsigned int seconds)
{
	sleep_us((unsigned long long)seconds * 1000000);
}

void usleep_range(unsigned long min, unsigned long max)
{
	sleep_us(min);
}

/* The kernel's choice: spin for the shortest waits, sleep for the others. */
void fsleep(unsigned long us)
{
	if (us <= 10)
		udelay(us);
	else if (us <= 20000)
		usleep_range(us, 2 * us);
	else
		msleep((unsigned int)((us + 999) / 1000));
}
