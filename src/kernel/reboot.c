/*
 * reboot.c - the kernel's own activity stopped, in order, when the machine shuts down.
 *
 * Work items may queue RCU callbacks, callbacks run on the per-CPU softirq threads, and those
 * threads run timers and tasklets: so the workqueues drain first, then RCU's callbacks, then
 * the per-CPU threads stop, and only then are the tasklet, interrupt and timer tables cleared.
 * This runs once no device needs interrupts any more and before any allocator is torn down
 * (the fs level: see machine/initcall.h). Process context, no other thread inside kmm.
 */
#include "kernel/deferred.h"
#include "kernel/rcu/rcu.h"
#include "machine/cpu.h"
#include "machine/initcall.h"

static void kernel_quiesce(void)
{
	workqueue_shutdown();
	rcu_shutdown();
	cpu_shutdown();
	tasklets_shutdown();
	irq_shutdown();
	timers_shutdown();
}

kmm_initcall(fs, kernel_threads, NULL, kernel_quiesce);
