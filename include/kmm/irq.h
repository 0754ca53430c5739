/*
 * kmm/irq.h - interrupt lines: handlers, threaded handlers, masking, and raising a line.
 *
 * Lines 0..NR_IRQS-1. A line is raised by a simulated device or a test (kmm_raise_irq());
 * its handler then runs on the line's CPU, on that CPU's interrupt thread, in hardirq
 * context (in_irq() true, interrupts disabled) and never while that CPU has interrupts
 * disabled: a line raised meanwhile stays pending until they are enabled. A handler that
 * returns IRQ_WAKE_THREAD has its thread function run in process context on the line's
 * own thread ("irq/N-name"), where it may sleep.
 * Context: request/free/disable_irq/synchronize_irq in process context; the rest: any.
 */
#ifndef KMM_IRQ_H
#define KMM_IRQ_H

#include "types.h"

#define NR_IRQS 64

typedef enum irqreturn {
	IRQ_NONE = 0,
	IRQ_HANDLED = 1,
	IRQ_WAKE_THREAD = 2,
} irqreturn_t;

#define IRQ_RETVAL(x) ((x) ? IRQ_HANDLED : IRQ_NONE)

typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#define IRQF_SHARED 0x00000080
#define IRQF_PROBE_SHARED 0x00000100
#define IRQF_TIMER 0x00000200
#define IRQF_NO_SUSPEND 0x00004000
#define IRQF_ONESHOT 0x00002000
#define IRQF_TRIGGER_NONE 0x00000000
#define IRQF_TRIGGER_RISING 0x00000001
#define IRQF_TRIGGER_FALLING 0x00000002
#define IRQF_TRIGGER_HIGH 0x00000004
#define IRQF_TRIGGER_LOW 0x00000008

/**
 * request_threaded_irq - install a handler (and optionally a thread function) on a line
 * @irq: the line
 * @handler: runs in hardirq context; NULL means "wake the thread"
 * @thread_fn: runs in process context when @handler returns IRQ_WAKE_THREAD, or NULL
 * @flags: IRQF_*; IRQF_SHARED lines take several handlers told apart by @dev_id
 * @name: shown in reports and the thread's name
 * @dev_id: passed back to the handlers; identifies the handler to free_irq()
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL (bad line or no handler), -EBUSY (line taken and not shared), -ENOMEM.
 */
int request_threaded_irq(unsigned int irq, irq_handler_t handler, irq_handler_t thread_fn,
			 unsigned long flags, const char *name, void *dev_id);

static inline int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
			      const char *name, void *dev_id)
{
	return request_threaded_irq(irq, handler, NULL, flags, name, dev_id);
}

/**
 * free_irq - remove the handler installed with @dev_id, after it has finished running
 * @irq: the line
 * @dev_id: as given to request_irq()
 *
 * Context: process context; may sleep.
 * Return: the @name given at request time, or NULL if there was no such handler.
 */
const void *free_irq(unsigned int irq, void *dev_id);

/**
 * disable_irq - mask a line and wait for its running handler to finish
 * @irq: the line
 *
 * Masks nest; raises while masked are replayed by the enable_irq() that unmasks.
 * Context: process context (it waits).
 */
void disable_irq(unsigned int irq);

/**
 * disable_irq_nosync - mask a line without waiting for a running handler
 * @irq: the line
 *
 * Context: any, including the line's own handler.
 */
void disable_irq_nosync(unsigned int irq);

/**
 * enable_irq - undo one disable_irq(); the last one replays a raise that came meanwhile
 * @irq: the line
 *
 * Context: any. An enable without a disable is reported ("Unbalanced enable for IRQ").
 */
void enable_irq(unsigned int irq);

/**
 * synchronize_irq - wait until no handler of @irq is running
 * @irq: the line
 *
 * Context: process context.
 */
void synchronize_irq(unsigned int irq);

/**
 * kmm_raise_irq - a device asserts @irq
 * @irq: the line
 *
 * The handler runs soon on the line's CPU (asynchronously; the caller does not wait).
 * Context: any.
 * Return: 0, -EINVAL for a bad line, -ENODEV when no handler is installed.
 */
int kmm_raise_irq(unsigned int irq);

/**
 * kmm_irq_set_cpu - choose the CPU whose interrupt thread runs @irq's handler
 * @irq: the line
 * @cpu: 0..nr_cpus-1 (default: irq % nr_cpus)
 *
 * Context: any.
 * Return: 0, or -EINVAL.
 */
int kmm_irq_set_cpu(unsigned int irq, unsigned int cpu);

/**
 * kmm_irq_count - how many times @irq's handlers have run since boot
 * @irq: the line
 *
 * Return: the count (as /proc/interrupts would show).
 */
unsigned long kmm_irq_count(unsigned int irq);

#endif /* KMM_IRQ_H */
