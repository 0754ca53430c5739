/*
 * thread.c - birth and death of kmm's per-thread state.
 *
 * The first call into kmm from a thread allocates its struct kmm_thread, binds it round-robin
 * to a simulated CPU and gives it a simulated pid; a pthread key destructor gives its cached
 * pages back when the thread exits. Callable from any thread; next_pid/next_cpu are atomics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include "machine/thread.h"
#include "kernel/rcu/rcu.h"
#include "machine/assert.h"
#include "mm/slab.h"
#include "machine/cpu.h"

__thread struct kmm_thread *kmm_thread_self;

static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static int next_pid = 1;
static unsigned int next_cpu;

static void thread_destroy(void *arg)
{
	struct kmm_thread *t = arg;

	cpu_thread_exit(t);
	rcu_thread_exit(t);
	slab_thread_exit(t);
	page_alloc_thread_exit(&t->pcp);
	stats_thread_detach(&t->stats);
	kmm_thread_self = NULL;
	free(t);
}

static void make_key(void)
{
	if (pthread_key_create(&thread_key, thread_destroy))
		abort();
}

static void name_thread(struct kmm_thread *t)
{
	if (pthread_getname_np(pthread_self(), t->comm, sizeof(t->comm)) || !t->comm[0])
		strncpy(t->comm, program_invocation_short_name, sizeof(t->comm) - 1);
}

struct kmm_thread *thread_create(void)
{
	struct kmm_thread *t = calloc(1, sizeof(*t));
	unsigned int cpus = kmm_layout.nr_cpus ? kmm_layout.nr_cpus : 1;

	if (!t)
		abort();
	pthread_once(&thread_key_once, make_key);
	t->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	t->cpu = __atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) % cpus;
	name_thread(t);
	stats_thread_attach(&t->stats);
	rcu_thread_init(t);
	kmm_thread_self = t;
	pthread_setspecific(thread_key, t);
	return t;
}
