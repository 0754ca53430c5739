/*
 * kmm/kthread.h - kernel threads: a function run on a thread of its own until it returns or
 * is told to stop, as the kernel's kthread_run()/kthread_stop() pair.
 *
 * A kthread is a host thread that enters kmm like any other (a simulated pid, a CPU, its
 * name). kthread_stop() asks it to stop (kthread_should_stop() turns true), waits for its
 * function to return and gives back what it returned, as the kernel's does.
 */
#ifndef KMM_KTHREAD_H
#define KMM_KTHREAD_H

#include <stdbool.h>

struct task_struct;

/**
 * kmm_kthread_run - start @fn(@data) on a new kernel thread named @name
 * @fn: the thread's function; its return value is what kthread_stop() returns
 * @data: its argument
 * @name: the thread's name (as comm; truncated to TASK_COMM_LEN - 1)
 *
 * Context: process context.
 * Return: the thread, or ERR_PTR(-ENOMEM) or ERR_PTR(-EAGAIN) when the host refuses one.
 */
struct task_struct *kmm_kthread_run(int (*fn)(void *data), void *data, const char *name);

/**
 * kthread_should_stop - has kthread_stop() been called on the calling kthread?
 *
 * Context: a kthread (false on any other thread).
 * Return: true once its stop was asked for.
 */
bool kthread_should_stop(void);

/**
 * kthread_stop - ask @k to stop and wait for it
 * @k: a thread from kmm_kthread_run(), not stopped before
 *
 * Context: process context; sleeps until @k's function returns.
 * Return: what @k's function returned.
 */
int kthread_stop(struct task_struct *k);

#endif
