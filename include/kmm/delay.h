/*
 * kmm/delay.h - waiting for a while: busy delays and sleeps.
 *
 * udelay/ndelay/mdelay spin on the host clock and are allowed in atomic context, as in the
 * kernel. msleep, ssleep and usleep_range put the thread to sleep; as in the kernel they have
 * no might_sleep(), and a call in atomic context gets the scheduler's "BUG: scheduling while
 * atomic" instead, after which the preempt count is 0 (the kernel's scheduler resets it) and
 * interrupts are on. fsleep spins up to 10 us, as the kernel's does.
 * Context: the *delay forms: any; the sleeps: process context.
 */
#ifndef KMM_DELAY_H
#define KMM_DELAY_H

/**
 * ndelay - busy-wait for @ns nanoseconds
 * @ns: nanoseconds
 *
 * Context: any.
 */
void ndelay(unsigned long ns);
void udelay(unsigned long us);
void mdelay(unsigned long ms);

/**
 * msleep - sleep for at least @ms milliseconds
 * @ms: milliseconds
 *
 * Context: process context; sleeps.
 */
void msleep(unsigned int ms);

/**
 * msleep_interruptible - msleep() a signal could cut short (none does in kmm)
 * @ms: milliseconds
 *
 * Context: process context; sleeps.
 * Return: 0, the milliseconds left.
 */
unsigned long msleep_interruptible(unsigned int ms);
void ssleep(unsigned int seconds);
void usleep_range(unsigned long min, unsigned long max);
void fsleep(unsigned long us);

#endif /* KMM_DELAY_H */
