/*
 * user_shim.h - the system calls a user program makes, for two worlds: a real Linux kernel
 * (the libc calls themselves) or kmm (the calls of the simulated process shim_process, built
 * with -DKMM_USER). Either way they return what libc returns: -1 with errno set on failure,
 * MAP_FAILED for a failed mmap; u_touch() reports the signal a read raised instead of dying
 * of it. The program itself is the same source in both.
 */
#ifndef USER_SHIM_H
#define USER_SHIM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mremap */
#endif
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>

/* What u_touch() saw: the signal, its si_code, si_addr and (memory errors) si_addr_lsb. */
struct u_signal {
	int sig;
	int code;
	unsigned long addr;
	int addr_lsb;
};

#ifdef KMM_USER
#include <kmm/process.h>

/* The process the program runs as; the caller sets it before running the program. */
extern struct kmm_process *shim_process;

static inline long shim_result(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

static inline int u_open(const char *path, int flags)
{
	return (int)shim_result(kmm_open(shim_process, path, flags));
}

static inline int u_close(int fd)
{
	return (int)shim_result(kmm_close(shim_process, fd));
}

static inline ssize_t u_read(int fd, void *buf, size_t count)
{
	return shim_result(kmm_read(shim_process, fd, buf, count));
}

static inline int u_ioctl(int fd, unsigned long cmd, void *arg)
{
	return (int)shim_result(kmm_ioctl(shim_process, fd, (unsigned int)cmd, (unsigned long)arg));
}

static inline void *u_mmap(size_t len, int prot, int flags, int fd, off_t offset)
{
	void *p = kmm_mmap(shim_process, fd, len, prot, flags, offset);

	if (kmm_mmap_err(p)) {
		errno = -kmm_mmap_err(p);
		return MAP_FAILED;
	}
	return p;
}

static inline int u_munmap(void *addr, size_t len)
{
	return (int)shim_result(kmm_munmap(shim_process, addr, len));
}

static inline void *u_mmap_at(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	void *p = kmm_mmap_at(shim_process, addr, len, prot, flags, fd, offset);

	if (kmm_mmap_err(p)) {
		errno = -kmm_mmap_err(p);
		return MAP_FAILED;
	}
	return p;
}

static inline void *u_mremap_to(void *addr, size_t old_len, size_t new_len, int flags, void *to)
{
	void *p = kmm_mremap_to(shim_process, addr, old_len, new_len, flags, to);

	if (kmm_mmap_err(p)) {
		errno = -kmm_mmap_err(p);
		return MAP_FAILED;
	}
	return p;
}

static inline int u_setrlimit(int resource, const struct rlimit *rlim)
{
	return (int)shim_result(kmm_setrlimit(shim_process, resource, rlim));
}

/*
 * Fork, run @fn(@arg, @delta) as the child and wait for it: its return value, the child's exit
 * status. In the child the parent's mappings lie @delta bytes from where the parent has them
 * (kmm gives each process its own window; a real kernel keeps the addresses: 0).
 */
static inline int u_fork_run(int (*fn)(void *arg, long delta), void *arg)
{
	struct kmm_process *parent = shim_process, *child = kmm_fork(parent);
	int status;

	if (!child)
		return -1;
	shim_process = child;
	status = fn(arg, (long)(kmm_process_user_base(child) - kmm_process_user_base(parent)));
	shim_process = parent;
	kmm_process_destroy(child);
	return status;
}

static inline int u_setuid(unsigned int uid)
{
	return (int)shim_result(kmm_setuid(shim_process, uid));
}

static inline int u_madvise(void *addr, size_t len, int advice)
{
	return (int)shim_result(kmm_madvise(shim_process, addr, len, advice));
}

static inline int u_mlock(const void *addr, size_t len)
{
	return (int)shim_result(kmm_mlock(shim_process, (void *)addr, len));
}

static inline int u_munlock(const void *addr, size_t len)
{
	return (int)shim_result(kmm_munlock(shim_process, (void *)addr, len));
}

static inline void *u_mremap(void *addr, size_t old_len, size_t new_len, int flags)
{
	void *p = kmm_mremap(shim_process, addr, old_len, new_len, flags);

	if (kmm_mmap_err(p)) {
		errno = -kmm_mmap_err(p);
		return MAP_FAILED;
	}
	return p;
}

/*
 * Read the byte at @p. Returns 0, or the signal the read raised (SIGSEGV, SIGBUS) with its
 * details in @s: kmm hands the signal back to the recovery point armed here.
 */
static inline int u_touch(const volatile char *p, struct u_signal *s)
{
	struct kmm_user_catch c;

	if (kmm_user_expect(&c) == 0) {
		(void)*p;
		kmm_user_done(&c);
		return 0;
	}
	s->sig = c.sig;
	s->code = c.code;
	s->addr = c.addr;
	s->addr_lsb = c.addr_lsb;
	return c.sig;
}

#else /* a real kernel */
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf u_touch_env;
static struct u_signal u_touch_got;

static void u_touch_handler(int sig, siginfo_t *info, void *uctx)
{
	(void)uctx;
	u_touch_got.sig = sig;
	u_touch_got.code = info->si_code;
	u_touch_got.addr = (unsigned long)info->si_addr;
	u_touch_got.addr_lsb = 0;
	if (sig == SIGBUS && (info->si_code == BUS_MCEERR_AR || info->si_code == BUS_MCEERR_AO))
		u_touch_got.addr_lsb = info->si_addr_lsb;
	siglongjmp(u_touch_env, 1);
}

static inline int u_open(const char *path, int flags)
{
	return open(path, flags);
}

static inline int u_close(int fd)
{
	return close(fd);
}

static inline ssize_t u_read(int fd, void *buf, size_t count)
{
	return read(fd, buf, count);
}

static inline int u_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg);
}

static inline void *u_mmap(size_t len, int prot, int flags, int fd, off_t offset)
{
	return mmap(NULL, len, prot, flags, fd, offset);
}

static inline int u_munmap(void *addr, size_t len)
{
	return munmap(addr, len);
}

static inline void *u_mremap(void *addr, size_t old_len, size_t new_len, int flags)
{
	return mremap(addr, old_len, new_len, flags);
}

static inline void *u_mmap_at(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	return mmap(addr, len, prot, flags, fd, offset);
}

static inline void *u_mremap_to(void *addr, size_t old_len, size_t new_len, int flags, void *to)
{
	return mremap(addr, old_len, new_len, flags, to);
}

static inline int u_setrlimit(int resource, const struct rlimit *rlim)
{
	return setrlimit(resource, rlim);
}

static inline int u_fork_run(int (*fn)(void *arg, long delta), void *arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		status = fn(arg, 0);
		fflush(NULL);
		_exit(status);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static inline int u_setuid(unsigned int uid)
{
	return setuid(uid);
}

static inline int u_madvise(void *addr, size_t len, int advice)
{
	return madvise(addr, len, advice);
}

static inline int u_mlock(const void *addr, size_t len)
{
	return mlock(addr, len);
}

static inline int u_munlock(const void *addr, size_t len)
{
	return munlock(addr, len);
}

/*
 * Read the byte at @p. Returns 0, or the signal the read raised (SIGSEGV, SIGBUS) with its
 * details in @s: a handler for both signals jumps back here, as kmm's recovery point does.
 */
static inline int u_touch(const volatile char *p, struct u_signal *s)
{
	struct sigaction sa = { .sa_sigaction = u_touch_handler, .sa_flags = SA_SIGINFO };
	struct sigaction old_segv, old_bus;
	int sig = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	if (sigsetjmp(u_touch_env, 1) == 0) {
		(void)*p;
	} else {
		*s = u_touch_got;
		sig = s->sig;
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}
#endif /* KMM_USER */

#endif /* USER_SHIM_H */
