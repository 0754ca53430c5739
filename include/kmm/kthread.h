/*
 * kmm/kthread.h - kernel threads: each is a host thread that runs its function as a kmm task
 * (it joins the simulated machine on its first call into kmm, as any thread does).
 *
 * kthread_create() makes the thread but holds it until wake_up_process(), as the kernel's
 * does; kthread_run() does both. kthread_stop() sets the stop flag the thread polls with
 * kthread_should_stop(), waits for its function to return and gives back its return value;
 * the task is freed then. A thread that returns by itself is waited for by kthread_stop()
 * too (the caller must stop every thread it created before kmm_shutdown()).
 * Context: process context; may sleep.
 */
#ifndef KMM_KTHREAD_H
#define KMM_KTHREAD_H

#include <stdbool.h>
#include "types.h"

struct task_struct;

/**
 * kthread_create - make a kernel thread, not yet running
 * @threadfn: what it runs; its return value is kthread_stop()'s
 * @data: passed to @threadfn
 * @namefmt: printf format of its name (comm), truncated to 15 characters
 *
 * Context: process context; may sleep.
 * Return: the task, or ERR_PTR(-ENOMEM) / ERR_PTR(-EAGAIN) when no thread can be made.
 */
struct task_struct *kthread_create(int (*threadfn)(void *data), void *data, const char *namefmt,
				   ...) __attribute__((format(printf, 3, 4)));

/**
 * wake_up_process - let a thread made by kthread_create() run
 * @p: the task
 *
 * Return: 1 if it was held and now runs, 0 if it was already running.
 */
int wake_up_process(struct task_struct *p);

/**
 * kthread_stop - ask a kernel thread to stop and wait until it has
 * @k: the task; freed before this returns
 *
 * Context: process context; sleeps.
 * Return: the thread function's return value, or -EINTR if it never ran (never woken).
 */
int kthread_stop(struct task_struct *k);

/**
 * kthread_should_stop - has kthread_stop() been called for the current thread?
 *
 * Context: a kernel thread; false in any other thread.
 */
bool kthread_should_stop(void);

/**
 * kthread_comm - a kernel thread's name
 * @k: the task
 */
const char *kthread_comm(const struct task_struct *k);

#endif /* KMM_KTHREAD_H */
