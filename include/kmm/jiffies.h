/*
 * kmm/jiffies.h - the tick counter and its conversions.
 *
 * jiffies counts ticks of HZ per second. By default it follows the host's monotonic clock
 * from boot, starting five minutes before the 32-bit wrap as the kernel's does (so driver
 * code that compares jiffies without time_after() is caught early). Tests can stop the clock
 * and move it by hand (kmm_jiffies_set_manual(), kmm_jiffies_advance()); timers then fire
 * exactly when the test says. Sleeps (msleep, schedule_timeout, wait_event_timeout) always
 * take real time.
 * Context: any, except kmm_jiffies_advance() (process context).
 */
#ifndef KMM_JIFFIES_H
#define KMM_JIFFIES_H

#include "types.h"

#define HZ 250
#define MAX_JIFFY_OFFSET ((long)(~0UL >> 2) - 1)
#define MAX_SCHEDULE_TIMEOUT ((long)(~0UL >> 1))
#define INITIAL_JIFFIES ((unsigned long)(unsigned int)(-300 * HZ))

/**
 * kmm_jiffies - the current tick count
 *
 * Context: any.
 * Return: jiffies.
 */
unsigned long kmm_jiffies(void);

#define jiffies kmm_jiffies()
#define get_jiffies_64() ((u64)kmm_jiffies())

/**
 * kmm_jiffies_set_manual - stop (or restart) the tick clock
 * @manual: true to freeze jiffies at its current value until kmm_jiffies_advance()
 *
 * Going back to real time continues from the manual value. Context: process context.
 */
void kmm_jiffies_set_manual(bool manual);

/**
 * kmm_jiffies_advance - move the manual clock forward and run the timers that expire
 * @ticks: how many jiffies
 *
 * Returns after every timer due by the new time has run on its CPU's softirq thread.
 * Context: process context, not atomic; the clock must be manual.
 */
void kmm_jiffies_advance(unsigned long ticks);

#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
#define time_in_range(a, b, c) (time_after_eq(a, b) && time_before_eq(a, c))
#define time_is_before_jiffies(a) time_after(jiffies, a)
#define time_is_after_jiffies(a) time_before(jiffies, a)
#define time_is_before_eq_jiffies(a) time_after_eq(jiffies, a)
#define time_is_after_eq_jiffies(a) time_before_eq(jiffies, a)

static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return (unsigned int)(j * (1000 / HZ));
}

static inline unsigned int jiffies_to_usecs(unsigned long j)
{
	return (unsigned int)(j * (1000000 / HZ));
}

static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return ((unsigned long)m + (1000 / HZ) - 1) / (1000 / HZ);
}

static inline unsigned long usecs_to_jiffies(unsigned int u)
{
	return ((unsigned long)u + (1000000 / HZ) - 1) / (1000000 / HZ);
}

#define round_jiffies(j) (j)
#define round_jiffies_relative(j) (j)

#endif /* KMM_JIFFIES_H */
