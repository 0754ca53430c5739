/*
 * os.c - the one door to the host: address-space reservations, shared mappings of memory
 * files, protections, metadata memory, and the SIGSEGV/SIGBUS action behind fault.c. Everything
 * here is a thin, checked system call; no locking (the kernel serialises the calls) and
 * callable from any thread, except the fault-action calls, which fault.c makes at boot and
 * shutdown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "machine/os.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Reserve @len bytes aligned to @align (a power of two) by over-reserving and trimming. */
static void *reserve_aligned(size_t len, size_t align)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	char *p = mmap(NULL, len + align, PROT_NONE, flags, -1, 0);
	char *start;

	if (p == MAP_FAILED)
		return MAP_FAILED;
	start = (char *)(((unsigned long)p + align - 1) & ~(align - 1));
	if (start > p)
		munmap(p, (size_t)(start - p));
	if (start + len < p + len + align)
		munmap(start + len, (size_t)(p + len + align - (start + len)));
	return start;
}

void *os_reserve(size_t len, unsigned long hint, size_t align)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	void *p = MAP_FAILED;

	if (hint) {
		p = mmap((void *)hint, len, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
		/* Kernels before 4.17 ignore the flag and may place the mapping elsewhere. */
		if (p != MAP_FAILED && (unsigned long)p != hint) {
			munmap(p, len);
			p = MAP_FAILED;
		}
	}
	if (p == MAP_FAILED && align)
		p = reserve_aligned(len, align);
	return p == MAP_FAILED ? NULL : p;
}

void os_release(void *addr, size_t len)
{
	if (addr)
		munmap(addr, len);
}

int os_map_shared(void *addr, size_t len, int fd, off_t offset)
{
	void *p = mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, offset);

	return p == MAP_FAILED ? -errno : 0;
}

int os_unmap_to_reserved(void *addr, size_t len)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED;
	void *p = mmap(addr, len, PROT_NONE, flags, -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

int os_protect(void *addr, size_t len, int prot)
{
	return mprotect(addr, len, prot) ? -errno : 0;
}

void *os_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void os_free(void *addr, size_t len)
{
	if (addr)
		munmap(addr, len);
}

int os_memfd(const char *name, size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void os_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

int os_discard(int fd, off_t offset, size_t len)
{
	int mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;

	return fallocate(fd, mode, offset, (off_t)len) ? -errno : 0;
}

/* The SIGSEGV and SIGBUS actions found when kmm installed its own, to chain to. */
static struct sigaction prev_segv, prev_bus;
static bool fault_handler_installed;

int os_fault_handler_install(os_fault_handler_t handler)
{
	struct sigaction sa;

	if (fault_handler_installed)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &prev_segv))
		return -errno;
	if (sigaction(SIGBUS, &sa, &prev_bus)) {
		int err = -errno;

		sigaction(SIGSEGV, &prev_segv, NULL);
		return err;
	}
	fault_handler_installed = true;
	return 0;
}

int os_fault_handler_ensure(os_fault_handler_t handler)
{
	struct sigaction cur;

	if (!sigaction(SIGSEGV, NULL, &cur) && (cur.sa_flags & SA_SIGINFO) &&
	    cur.sa_sigaction == handler)
		return 0;
	fault_handler_installed = false;
	return os_fault_handler_install(handler);
}

void os_fault_handler_remove(void)
{
	if (!fault_handler_installed)
		return;
	sigaction(SIGSEGV, &prev_segv, NULL);
	sigaction(SIGBUS, &prev_bus, NULL);
	fault_handler_installed = false;
}

void os_fault_chain(int sig, siginfo_t *info, void *uctx)
{
	const struct sigaction *prev = sig == SIGBUS ? &prev_bus : &prev_segv;

	if ((prev->sa_flags & SA_SIGINFO) && prev->sa_sigaction) {
		prev->sa_sigaction(sig, info, uctx);
		return;
	}
	if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
		prev->sa_handler(sig);
		return;
	}
	/* Nobody else wants it: retrying the access with the default action ends the process
	 * with the signal, as if kmm had never been there. */
	os_fault_default(sig);
}

void os_fault_default(int sig)
{
	signal(sig, SIG_DFL);
}

void os_die_of_signal(int sig)
{
	sigset_t set;

	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	abort();
}

void os_fault_decode(const siginfo_t *info, const void *uctx, struct os_fault *out)
{
	memset(out, 0, sizeof(*out));
	out->addr = (unsigned long)info->si_addr;
#if defined(__x86_64__)
	{
		const ucontext_t *uc = uctx;

		out->ip = (unsigned long)uc->uc_mcontext.gregs[REG_RIP];
		out->error_code = (unsigned long)uc->uc_mcontext.gregs[REG_ERR];
		out->write = (out->error_code & 2) != 0;
		out->access_known = true;
	}
#elif defined(__aarch64__)
	{
		const ucontext_t *uc = uctx;

		out->ip = (unsigned long)uc->uc_mcontext.pc;
	}
#endif
}

void os_sleep_us(unsigned long us)
{
	struct timespec ts = { .tv_sec = (time_t)(us / 1000000),
			       .tv_nsec = (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

long long os_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
