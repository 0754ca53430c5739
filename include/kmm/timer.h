/*
 * kmm/timer.h - timer_list: a function to call in softirq context when jiffies reaches a time.
 *
 * A timer is queued on the CPU that arms it and runs there, in softirq context, on that
 * CPU's softirq thread. The kernel's rules hold: the callback may not sleep; a timer may
 * re-arm itself from its callback; del_timer_sync() waits for a running callback and must
 * not be called from it.
 * Context: any (del_timer_sync: not from the timer's own callback).
 */
#ifndef KMM_TIMER_H
#define KMM_TIMER_H

#include <time.h>

#include "types.h"
#include "jiffies.h"

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#endif

struct timer_list {
	struct list_head entry;
	unsigned long expires;
	void (*function)(struct timer_list *);
	u32 flags;
	int kmm_cpu; /* CPU whose list holds it, -1 when not pending */
	unsigned long kmm_seq; /* arming order: a pass runs only timers armed before it */
};

#define TIMER_DEFERRABLE 0x00080000
#define TIMER_PINNED 0x00100000
#define TIMER_IRQSAFE 0x00200000

#define __TIMER_INITIALIZER(_function, _flags)                            \
	{                                                                 \
		.function = (_function), .flags = (_flags), .kmm_cpu = -1 \
	}
#define DEFINE_TIMER(_name, _function) struct timer_list _name = __TIMER_INITIALIZER(_function, 0)

#define from_timer(var, callback_timer, timer_fieldname) \
	container_of(callback_timer, __typeof__(*var), timer_fieldname)

/**
 * timer_setup - initialise @timer to call @callback(timer)
 * @timer: the timer
 * @callback: its function
 * @flags: TIMER_* flags (accepted, not otherwise used)
 *
 * Context: any.
 */
void timer_setup(struct timer_list *timer, void (*callback)(struct timer_list *),
		 unsigned int flags);

/**
 * mod_timer - (re)arm @timer to expire at @expires
 * @timer: the timer
 * @expires: absolute time in jiffies
 *
 * Context: any.
 * Return: 1 if the timer was pending (now re-armed), 0 if it was not.
 */
int mod_timer(struct timer_list *timer, unsigned long expires);

/**
 * add_timer - arm @timer, which is not pending, at timer->expires on this CPU
 * @timer: the timer
 *
 * Context: any.
 */
void add_timer(struct timer_list *timer);

/**
 * add_timer_on - add_timer() on a chosen CPU
 * @timer: the timer
 * @cpu: the CPU whose softirq thread runs it
 *
 * Context: any.
 */
void add_timer_on(struct timer_list *timer, int cpu);

/**
 * del_timer - disarm @timer without waiting for a running callback
 * @timer: the timer
 *
 * Context: any.
 * Return: 1 if it was pending, 0 if not.
 */
int del_timer(struct timer_list *timer);

/**
 * del_timer_sync - disarm @timer and wait until its callback is not running anywhere
 * @timer: the timer
 *
 * Context: any but the timer's own callback (reported).
 * Return: 1 if it was pending, 0 if not.
 */
int del_timer_sync(struct timer_list *timer);

/**
 * timer_pending - is @timer armed?
 * @timer: the timer
 *
 * Return: true if armed and not yet run.
 */
bool timer_pending(const struct timer_list *timer);

/*
 * The kernel's timer_delete() shares its name with POSIX's timer_delete(timer_t) in <time.h>.
 * <time.h> is included above, so glibc has declared its function before the macro exists (and
 * its include guard keeps a later <time.h> or <pthread.h> from declaring it through the
 * macro); the macro then calls the kernel's for a timer_list and POSIX's for a timer_t.
 */
#ifdef __USE_POSIX199309
#define timer_delete(t) _Generic((t), timer_t : timer_delete, default : del_timer)(t)
#else
#define timer_delete(t) del_timer(t)
#endif
#define timer_delete_sync(t) del_timer_sync(t)
#define timer_shutdown_sync(t) del_timer_sync(t)
#define try_to_del_timer_sync(t) del_timer(t)

#endif /* KMM_TIMER_H */
