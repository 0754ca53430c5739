/*
 * kthread.c - kernel threads (kmm/kthread.h) on host threads.
 *
 * Each kthread owns a struct task_struct (host heap): the function, its result, the stop
 * flag. The thread learns its own task through a thread-local pointer, so
 * kthread_should_stop() is a load. kthread_stop() sets the flag and joins the thread: the
 * function has returned then, and its result is read. A function that returns before being
 * stopped leaves its thread to be joined by the kthread_stop() the kernel's API demands.
 * Context: process context, except kthread_should_stop() (any).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <kmm/context.h>
#include <kmm/err.h>
#include <kmm/kthread.h>

struct task_struct {
	pthread_t thread;
	int (*fn)(void *data);
	void *data;
	int result;
	bool stop; /* written by kthread_stop(), read by the thread */
	char comm[16];
};

static __thread struct task_struct *self;

static void *kthread_main(void *arg)
{
	struct task_struct *k = arg;

	self = k;
	kmm_set_current_comm(k->comm);
	k->result = k->fn(k->data);
	return NULL;
}

struct task_struct *kmm_kthread_run(int (*fn)(void *data), void *data, const char *name)
{
	struct task_struct *k = calloc(1, sizeof(*k));
	int err;

	if (!k)
		return ERR_PTR(-ENOMEM);
	k->fn = fn;
	k->data = data;
	strncpy(k->comm, name, sizeof(k->comm) - 1);
	err = pthread_create(&k->thread, NULL, kthread_main, k);
	if (err) {
		free(k);
		return ERR_PTR(err == EAGAIN ? -EAGAIN : -ENOMEM);
	}
	return k;
}

bool kthread_should_stop(void)
{
	return self && __atomic_load_n(&self->stop, __ATOMIC_ACQUIRE);
}

int kthread_stop(struct task_struct *k)
{
	int result;

	__atomic_store_n(&k->stop, true, __ATOMIC_RELEASE);
	pthread_join(k->thread, NULL);
	result = k->result;
	free(k);
	return result;
}
