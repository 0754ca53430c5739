/*
 * os.h - the one door to the host operating system (defined in os.c).
 *
 * Only os.c calls mmap, munmap, mprotect, madvise, memfd_create, fallocate and sigaction.
 * Unless stated otherwise, addresses are page-aligned and lengths multiples of the host page.
 */
#ifndef KMM_INTERNAL_OS_H
#define KMM_INTERNAL_OS_H

#include <stddef.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/types.h>

#define KMM_HIDDEN __attribute__((visibility("hidden")))

/* Reserve @len bytes of address space, inaccessible, at exactly @hint if that range is free
 * (never replacing a mapping), else (if @align is nonzero) anywhere aligned to @align, a power
 * of two. Returns NULL on failure. */
KMM_HIDDEN void *os_reserve(size_t len, unsigned long hint, size_t align);

/* Give a reservation or mapping back to the host. */
KMM_HIDDEN void os_release(void *addr, size_t len);

/* Map @len bytes of @fd at @offset over [addr, addr+len), shared, readable and writable. */
KMM_HIDDEN int os_map_shared(void *addr, size_t len, int fd, off_t offset);

/* Make [addr, addr+len) inaccessible again (still reserved). */
KMM_HIDDEN int os_unmap_to_reserved(void *addr, size_t len);

/* Change the protection of a mapped range: @prot is PROT_* from <sys/mman.h>. */
KMM_HIDDEN int os_protect(void *addr, size_t len, int prot);

/* Anonymous zero-filled memory for kmm's own metadata, or NULL. */
KMM_HIDDEN void *os_alloc(size_t len);
KMM_HIDDEN void os_free(void *addr, size_t len);

/* A sparse memory file of @size bytes (pages cost nothing until touched); returns fd or -errno. */
KMM_HIDDEN int os_memfd(const char *name, size_t size);
KMM_HIDDEN void os_close(int fd);

/* Give the host back the pages of [offset, offset+len) of a memory file; they read as zero. */
KMM_HIDDEN int os_discard(int fd, off_t offset, size_t len);

/* What the host tells a SIGSEGV/SIGBUS handler about the faulting access. */
struct os_fault {
	unsigned long addr; /* the address touched */
	unsigned long ip; /* the faulting instruction, 0 if the host does not say */
	unsigned long error_code; /* x86 page-fault error code (bit 1: write), else 0 */
	bool write;
	bool access_known; /* write is meaningful */
};

typedef void (*os_fault_handler_t)(int sig, siginfo_t *info, void *uctx);

/* Install @handler for SIGSEGV and SIGBUS, keeping the previous actions for chaining.
 * Process context, while no fault can be in flight. */
KMM_HIDDEN int os_fault_handler_install(os_fault_handler_t handler);

/* Install @handler again if something (a test framework) has replaced it since; what
 * replaced it becomes the action faults kmm does not own are chained to. */
KMM_HIDDEN int os_fault_handler_ensure(os_fault_handler_t handler);

/* Put back the actions os_fault_handler_install() found. */
KMM_HIDDEN void os_fault_handler_remove(void);

/* Hand a fault kmm does not own to the previous action; when that was the default, restore
 * it so that returning retries the access and the process dies of the signal. Called from
 * the signal handler. */
KMM_HIDDEN void os_fault_chain(int sig, siginfo_t *info, void *uctx);
/* The host's monotonic clock, in nanoseconds. */
KMM_HIDDEN long long os_now_ns(void);

/* Sleep @us microseconds of host time (EINTR resumed). */
KMM_HIDDEN void os_sleep_us(unsigned long us);
/* Give @sig its default action back: a fault retried then ends the process with it. */
KMM_HIDDEN void os_fault_default(int sig);

/* End the process with @sig's default action (a simulated program's unhandled SIGBUS), even
 * from inside a handler of another signal. */
KMM_HIDDEN void os_die_of_signal(int sig) __attribute__((noreturn));

/* Decode the faulting address, instruction and access kind. Called from the signal handler. */
KMM_HIDDEN void os_fault_decode(const siginfo_t *info, const void *uctx, struct os_fault *out);

#endif /* KMM_INTERNAL_OS_H */
