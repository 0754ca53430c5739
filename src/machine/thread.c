/*
 * thread.c - birth and death of kmm's per-thread state.
 *
 * The first call into kmm from a thread allocates its struct kmm_thread, binds it round-robin
 * to a simulated CPU, gives it a simulated pid and runs the subsystems' thread hooks; a
 * pthread key destructor runs their exits when the thread exits. Callable from any thread; next_pid/next_cpu are atomics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include "machine/assert.h"
#include "machine/cpu.h"
#include "machine/thread.h"

__thread struct kmm_thread *kmm_thread_self;

static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static int next_pid = 1;
static unsigned int next_cpu;

#define MAX_THREAD_HOOKS 16

extern const struct thread_hook *const __start_kmm_thread_hooks[];
extern const struct thread_hook *const __stop_kmm_thread_hooks[];

/* The registered hooks by level, sorted once per process (the table never changes). */
static const struct thread_hook *hooks[MAX_THREAD_HOOKS];
static unsigned int nr_hooks;

static void sort_hooks(void)
{
	for (const struct thread_hook *const *h = __start_kmm_thread_hooks;
	     h < __stop_kmm_thread_hooks; h++) {
		unsigned int i = nr_hooks++;

		kmm_assert(i < MAX_THREAD_HOOKS);
		while (i > 0 && hooks[i - 1]->level > (*h)->level) {
			hooks[i] = hooks[i - 1];
			i--;
		}
		hooks[i] = *h;
	}
}

static void thread_destroy(void *arg)
{
	struct kmm_thread *t = arg;

	cpu_thread_exit(t);
	for (unsigned int i = nr_hooks; i-- > 0;)
		if (hooks[i]->exit)
			hooks[i]->exit(t);
	stats_thread_detach(&t->stats);
	kmm_thread_self = NULL;
	free(t);
}

static void make_key(void)
{
	sort_hooks();
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
	for (unsigned int i = 0; i < nr_hooks; i++)
		if (hooks[i]->init)
			hooks[i]->init(t);
	kmm_thread_self = t;
	pthread_setspecific(thread_key, t);
	return t;
}
