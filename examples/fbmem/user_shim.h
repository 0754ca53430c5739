/*
 * user_shim.h - the system calls a user program makes, for two worlds: a real Linux kernel
 * (the libc calls themselves) or kmm (the calls of the simulated process shim_process, built
 * with -DKMM_USER). Either way they return what libc returns: -1 with errno set on failure,
 * MAP_FAILED for a failed mmap. The program itself is the same source in both.
 */
#ifndef USER_SHIM_H
#define USER_SHIM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mremap */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/types.h>

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

static inline void *u_mremap(void *addr, size_t old_len, size_t new_len, int flags)
{
	void *p = kmm_mremap(shim_process, addr, old_len, new_len, flags);

	if (kmm_mmap_err(p)) {
		errno = -kmm_mmap_err(p);
		return MAP_FAILED;
	}
	return p;
}

#else /* a real kernel */
#include <sys/ioctl.h>
#include <unistd.h>

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
#endif /* KMM_USER */

#endif /* USER_SHIM_H */
