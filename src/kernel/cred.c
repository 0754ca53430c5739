/*
 * cred.c - who a simulated process is and what it may lock: its user ID (0 is root and holds
 * every capability, as a process of uid 0 does after exec) and its RLIMIT_MEMLOCK.
 *
 * Only what the memory API consults is kept: CAP_IPC_LOCK (lock without limit) and
 * CAP_SYS_RESOURCE (raise a hard limit) both come with uid 0. A root process that sets a
 * non-zero uid loses them for good, as setuid() from root does.
 * Context: process context; a process's fields are its own thread's to change.
 */
#include <errno.h>

#include <kmm/layout.h>
#include "user/process.h"

/* The kernel's default RLIMIT_MEMLOCK (MLOCK_LIMIT, 8 MiB since Linux 5.16). */
#define MLOCK_LIMIT (8UL << 20)

void cred_init(struct kmm_process *p)
{
	p->uid = 0;
	p->memlock.rlim_cur = MLOCK_LIMIT;
	p->memlock.rlim_max = MLOCK_LIMIT;
}

static bool capable(const struct kmm_process *p)
{
	return p->uid == 0;
}

bool cred_can_mlock(const struct kmm_process *p)
{
	return p->memlock.rlim_cur != 0 || capable(p);
}

bool cred_mlock_ok(const struct kmm_process *p, unsigned long locked, unsigned long pages)
{
	if (capable(p) || p->memlock.rlim_cur == RLIM_INFINITY)
		return true;
	return locked + pages <= p->memlock.rlim_cur >> PAGE_SHIFT;
}

int kmm_setuid(struct kmm_process *p, unsigned int uid)
{
	if (!capable(p) && uid != p->uid)
		return -EPERM;
	p->uid = uid;
	return 0;
}

int kmm_getrlimit(struct kmm_process *p, int resource, struct rlimit *rlim)
{
	if (resource != RLIMIT_MEMLOCK)
		return -EINVAL;
	*rlim = p->memlock;
	return 0;
}

int kmm_setrlimit(struct kmm_process *p, int resource, const struct rlimit *rlim)
{
	if (resource != RLIMIT_MEMLOCK || rlim->rlim_cur > rlim->rlim_max)
		return -EINVAL;
	if (rlim->rlim_max > p->memlock.rlim_max && !capable(p))
		return -EPERM;
	p->memlock = *rlim;
	return 0;
}
