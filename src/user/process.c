/*
 * process.c - simulated user processes: pid, name, a reserved window of user addresses, the
 * open-file table. Which process the calling thread acts for is its context (machine/context.c).
 *
 * process_list holds every live process (under process_lock). A process's window is an
 * inaccessible host reservation of KMM_USER_WINDOW bytes registered with the fault dispatcher,
 * so that every touch of it comes to mm/user_fault.c. Pids start at 1000 so that they do not
 * look like the kernel threads' pids in reports.
 *
 * Lock order: process_lock -> mm->lock. Process context only.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include <kmm/context.h>
#include "machine/machine.h"
#include "user/process.h"
#include "machine/initcall.h"

#define FIRST_PID 1000

static pthread_mutex_t process_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kmm_process *process_list;
static int next_pid = FIRST_PID;
struct kmm_process *kmm_process_create(const char *name)
{
	struct kmm_process *p;

	if (!kmm_machine.booted)
		machine_not_booted(__func__);
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->window_len = KMM_USER_WINDOW;
	p->window = os_reserve(p->window_len, 0, PAGE_SIZE);
	if (!p->window) {
		free(p);
		return NULL;
	}
	strncpy(p->comm, name ? name : "user", sizeof(p->comm) - 1);
	cred_init(p);
	pthread_rwlock_init(&p->mm.lock, NULL);
	pthread_mutex_init(&p->mm.pte_lock, NULL);
	pthread_mutex_init(&p->files_lock, NULL);
	p->mm.start = (unsigned long)p->window;
	p->mm.end = p->mm.start + p->window_len;
	p->mm.owner = p;
	p->fault_handle = -1;
	if (user_fault_register(p)) {
		os_release(p->window, p->window_len);
		free(p);
		return NULL;
	}
	pthread_mutex_lock(&process_lock);
	p->pid = next_pid++;
	p->next = process_list;
	process_list = p;
	pthread_mutex_unlock(&process_lock);
	return p;
}

/* The child's descriptors: the parent's open files, each with a reference of its own. */
static void files_dup(struct kmm_process *child, struct kmm_process *parent)
{
	pthread_mutex_lock(&parent->files_lock);
	for (int fd = 0; fd < PROCESS_MAX_FILES; fd++) {
		child->files[fd] = parent->files[fd];
		if (child->files[fd])
			file_get(child->files[fd]);
	}
	pthread_mutex_unlock(&parent->files_lock);
}

struct kmm_process *kmm_fork(struct kmm_process *parent)
{
	struct kmm_process *child = kmm_process_create(parent->comm), *prev;
	int err;

	might_sleep();
	if (!child)
		return NULL;
	child->uid = parent->uid;
	child->memlock = parent->memlock;
	files_dup(child, parent);
	prev = process_enter(parent); /* the drivers' vm_ops->open run in the parent, as in fork */
	err = mm_dup(&child->mm, &parent->mm);
	process_leave(prev);
	if (err) {
		kmm_process_destroy(child);
		return NULL;
	}
	return child;
}

unsigned long kmm_process_user_base(const struct kmm_process *p)
{
	return p->mm.start;
}

static void process_free(struct kmm_process *p)
{
	struct kmm_process *prev = process_enter(p);

	files_close_all(p);
	mm_teardown(&p->mm);
	process_leave(prev);
	user_fault_unregister(p);
	os_release(p->window, p->window_len);
	pthread_rwlock_destroy(&p->mm.lock);
	pthread_mutex_destroy(&p->mm.pte_lock);
	pthread_mutex_destroy(&p->files_lock);
	free(p);
}

void kmm_process_destroy(struct kmm_process *p)
{
	struct kmm_process **pp;

	if (!p)
		return;
	pthread_mutex_lock(&process_lock);
	for (pp = &process_list; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	pthread_mutex_unlock(&process_lock);
	process_free(p);
}

static void process_exit_all(void)
{
	struct kmm_process *p;

	pthread_mutex_lock(&process_lock);
	p = process_list;
	process_list = NULL;
	next_pid = FIRST_PID;
	pthread_mutex_unlock(&process_lock);
	while (p) {
		struct kmm_process *next = p->next;

		process_free(p);
		p = next;
	}
}

int kmm_process_pid(const struct kmm_process *p)
{
	return p->pid;
}

const char *kmm_process_name(const struct kmm_process *p)
{
	return p->comm;
}

struct mm_struct *kmm_process_mm(struct kmm_process *p)
{
	return &p->mm;
}

void kmm_process_window(const struct kmm_process *p, unsigned long *start, unsigned long *end)
{
	*start = p->mm.start;
	*end = p->mm.end;
}

unsigned long kmm_process_faults(const struct kmm_process *p)
{
	return __atomic_load_n(&p->faults, __ATOMIC_RELAXED);
}

kmm_initcall(late, processes, NULL, process_exit_all);
