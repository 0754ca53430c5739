/*
 * kmm/tasklet.h - tasklets: short deferred functions run in softirq context.
 *
 * tasklet_schedule() queues a tasklet on the calling thread's CPU (typically from an
 * interrupt handler); that CPU's softirq thread runs it soon, in softirq context, once even
 * if scheduled several times meanwhile, and never on two CPUs at once.
 * Context: schedule/enable/disable_nosync: any; tasklet_kill and tasklet_disable wait, so
 * process context.
 */
#ifndef KMM_TASKLET_H
#define KMM_TASKLET_H

#include "types.h"
#include "atomic.h"

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#endif

enum {
	TASKLET_STATE_SCHED, /* queued, not yet started */
	TASKLET_STATE_RUN, /* running on some CPU */
};

struct tasklet_struct {
	struct tasklet_struct *next;
	unsigned long state;
	atomic_t count; /* > 0: disabled */
	bool use_callback;
	union {
		void (*func)(unsigned long data);
		void (*callback)(struct tasklet_struct *t);
	};
	unsigned long data;
};

#define DECLARE_TASKLET(name, _callback)                        \
	struct tasklet_struct name = { .count = ATOMIC_INIT(0), \
				       .use_callback = true,    \
				       .callback = (_callback) }
#define DECLARE_TASKLET_DISABLED(name, _callback)               \
	struct tasklet_struct name = { .count = ATOMIC_INIT(1), \
				       .use_callback = true,    \
				       .callback = (_callback) }
#define from_tasklet(var, callback_tasklet, tasklet_fieldname) \
	container_of(callback_tasklet, __typeof__(*var), tasklet_fieldname)

/**
 * tasklet_setup - initialise @t to call @callback(t)
 * @t: the tasklet
 * @callback: its function
 *
 * Context: any.
 */
void tasklet_setup(struct tasklet_struct *t, void (*callback)(struct tasklet_struct *));

/**
 * tasklet_init - initialise @t to call @func(@data) (the older form of tasklet_setup())
 * @t: the tasklet
 * @func: its function
 * @data: its argument
 *
 * Context: any.
 */
void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long), unsigned long data);

/**
 * tasklet_schedule - run @t soon on this CPU in softirq context
 * @t: the tasklet
 *
 * Context: any.
 */
void tasklet_schedule(struct tasklet_struct *t);

/**
 * tasklet_hi_schedule - tasklet_schedule() at high priority (the same queue in kmm)
 * @t: the tasklet
 *
 * Context: any.
 */
void tasklet_hi_schedule(struct tasklet_struct *t);

/**
 * tasklet_kill - wait until @t is neither queued nor running
 * @t: the tasklet
 *
 * Context: process context; may sleep.
 */
void tasklet_kill(struct tasklet_struct *t);

/* Disabling nests; a disabled tasklet stays queued until enabled. */
void tasklet_disable_nosync(struct tasklet_struct *t);
void tasklet_disable(struct tasklet_struct *t);

/**
 * tasklet_enable - undo one tasklet_disable()
 * @t: the tasklet
 *
 * Context: any.
 */
void tasklet_enable(struct tasklet_struct *t);

#endif /* KMM_TASKLET_H */
