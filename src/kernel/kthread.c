/*
 * kthread.c - kernel threads as host threads (kmm/kthread.h).
 *
 * A task holds the thread's function, its state and a mutex/condvar pair: the thread waits on
 * it until woken (created held, as the kernel's), and kthread_stop() waits on it for the
 * function to return. The thread's own task is found through a thread-local pointer, which is
 * what kthread_should_stop() reads. Lock order: a task's lock alone.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <kmm/context.h>
#include <kmm/err.h>
#include <kmm/kthread.h>

struct task_struct {
	int (*threadfn)(void *data);
	void *data;
	char comm[16];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool woken, should_stop, exited;
	int result;
};

static __thread struct task_struct *current_kthread;

static void *kthread_main(void *arg)
{
	struct task_struct *k = arg;
	int result = -EINTR;
	bool run;

	pthread_mutex_lock(&k->lock);
	while (!k->woken && !k->should_stop)
		pthread_cond_wait(&k->cond, &k->lock);
	run = k->woken && !k->should_stop;
	pthread_mutex_unlock(&k->lock);

	if (run) {
		current_kthread = k;
		kmm_set_current_comm(k->comm);
		result = k->threadfn(k->data);
		current_kthread = NULL;
	}
	pthread_mutex_lock(&k->lock);
	k->result = result;
	k->exited = true;
	pthread_cond_broadcast(&k->cond);
	pthread_mutex_unlock(&k->lock);
	return NULL;
}

struct task_struct *kthread_create(int (*threadfn)(void *data), void *data, const char *namefmt,
				   ...)
{
	struct task_struct *k = calloc(1, sizeof(*k));
	va_list ap;
	int err;

	if (!k)
		return ERR_PTR(-ENOMEM);
	k->threadfn = threadfn;
	k->data = data;
	va_start(ap, namefmt);
	vsnprintf(k->comm, sizeof(k->comm), namefmt, ap);
	va_end(ap);
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->cond, NULL);
	err = pthread_create(&k->thread, NULL, kthread_main, k);
	if (err) {
		pthread_cond_destroy(&k->cond);
		pthread_mutex_destroy(&k->lock);
		free(k);
		return ERR_PTR(err == EAGAIN ? -EAGAIN : -ENOMEM);
	}
	return k;
}

int wake_up_process(struct task_struct *p)
{
	int was_held;

	pthread_mutex_lock(&p->lock);
	was_held = !p->woken;
	p->woken = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return was_held;
}

int kthread_stop(struct task_struct *k)
{
	int result;

	might_sleep();
	pthread_mutex_lock(&k->lock);
	k->should_stop = true;
	pthread_cond_broadcast(&k->cond);
	pthread_mutex_unlock(&k->lock);
	pthread_join(k->thread, NULL);
	result = k->result;
	pthread_cond_destroy(&k->cond);
	pthread_mutex_destroy(&k->lock);
	free(k);
	return result;
}

bool kthread_should_stop(void)
{
	struct task_struct *k = current_kthread;
	bool stop;

	if (!k)
		return false;
	pthread_mutex_lock(&k->lock);
	stop = k->should_stop;
	pthread_mutex_unlock(&k->lock);
	return stop;
}

const char *kthread_comm(const struct task_struct *k)
{
	return k->comm;
}
