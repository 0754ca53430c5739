/*
 * delay.c - busy delays and plain sleeps.
 *
 * The busy forms poll CLOCK_MONOTONIC (they must not sleep: atomic callers use them); the
 * sleeps check might_sleep() at entry, then nanosleep() the whole interval.
 * Context: see kmm/delay.h.
 */
#include <errno.h>
#include <time.h>

#include <kmm/delay.h>
#include <kmm/context.h>
#include "internal/cpu.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void ndelay(unsigned long ns)
{
	long long end = now_ns() + (long long)ns;

	while (now_ns() < end)
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

static void sleep_us(unsigned long long us)
{
	struct timespec ts = { .tv_sec = (time_t)(us / 1000000),
			       .tv_nsec = (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void msleep(unsigned int ms)
{
	might_sleep();
	sleep_us((unsigned long long)ms * 1000);
}

unsigned long msleep_interruptible(unsigned int ms)
{
	msleep(ms);
	return 0;
}

void ssleep(unsigned int seconds)
{
	might_sleep();
	sleep_us((unsigned long long)seconds * 1000000);
}

void usleep_range(unsigned long min, unsigned long max)
{
	might_sleep();
	sleep_us(min);
}

void fsleep(unsigned long us)
{
	might_sleep();
	sleep_us(us);
}
