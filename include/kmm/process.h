/*
 * kmm/process.h - simulated user processes and the system calls their programs make.
 *
 * A process has a pid, a name, a table of open files and its own window of user addresses
 * (reserved, inaccessible until something is mapped). Test and demo programs act as a process
 * through the kmm_* calls below, which reach the driver's file operations the way the system
 * calls do, and then use the pointers kmm_mmap() returns directly. Errors come back as the
 * system call would return them inside the kernel: a negative errno.
 *
 *	struct kmm_process *p = kmm_process_create("draw");
 *	int fd = kmm_open(p, "/dev/fb0", O_RDWR);
 *	u32 *fb = kmm_mmap(p, fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
 *	if (kmm_mmap_err(fb)) ...
 *	fb[0] = 0xff0000;          (a plain store; faults are served by the driver)
 *	kmm_process_destroy(p);    (exit: every VMA closed, every file released)
 *
 * An access the process may not make (no VMA there, a write to a read-only mapping, a fault
 * handler answering VM_FAULT_SIGBUS) is the program's own SIGSEGV or SIGBUS. A thread that
 * armed kmm_user_expect() gets control back there with the signal recorded, as a program
 * with a signal handler and siglongjmp would; otherwise the program dies of the signal.
 */
#ifndef KMM_PROCESS_H
#define KMM_PROCESS_H

#include <setjmp.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include "types.h"

struct kmm_process;
struct mm_struct;

/* Default size of a process's user window. */
#define KMM_USER_WINDOW (256UL << 20)

/**
 * kmm_process_create - start a simulated process
 * @name: its name (comm), truncated to 15 characters
 *
 * Context: process context; the machine must be booted.
 * Return: the process, or NULL (no address space or memory left, or the fault dispatcher's
 * table full: a few dozen processes may live at once).
 */
struct kmm_process *kmm_process_create(const char *name);

/**
 * kmm_process_destroy - the process exits
 * @p: the process; its mappings are unmapped (vm_ops->close called, page references
 *     dropped) and its files closed (release called)
 *
 * Context: process context.
 */
void kmm_process_destroy(struct kmm_process *p);

/** kmm_process_pid - the process's pid. @p: the process. Return: the pid. */
int kmm_process_pid(const struct kmm_process *p);

/** kmm_process_name - the process's name. @p: the process. Return: the name. */
const char *kmm_process_name(const struct kmm_process *p);

/** kmm_process_mm - the process's address space. @p: the process. Return: its mm. */
struct mm_struct *kmm_process_mm(struct kmm_process *p);

/**
 * kmm_process_window - the process's user window
 * @p: the process
 * @start: out: first address
 * @end: out: first address after
 *
 * Context: any.
 */
void kmm_process_window(const struct kmm_process *p, unsigned long *start, unsigned long *end);

/**
 * kmm_process_faults - user page faults the process has taken
 * @p: the process
 *
 * Counts faults served (a page supplied) and faults that became signals.
 * Context: any.
 * Return: the count.
 */
unsigned long kmm_process_faults(const struct kmm_process *p);

/**
 * kmm_user_faults - user page faults taken by every process since the program started
 *
 * Return: the count.
 */
unsigned long kmm_user_faults(void);

/**
 * kmm_proc_pid_maps - print /proc/PID/maps of a process, in the kernel's format
 * @p: the process
 * @out: where to print
 *
 * Device numbers and inode numbers print as 00:00 0 (kmm has no filesystem); file mappings
 * are named by their /dev node.
 * Context: process context.
 */
void kmm_proc_pid_maps(struct kmm_process *p, FILE *out);

/**
 * kmm_open - open a /dev node as process @p
 * @p: the process
 * @path: "/dev/NAME"
 * @flags: O_RDONLY, O_WRONLY or O_RDWR, with O_NONBLOCK etc. passed to the driver
 *
 * Context: process context, may sleep.
 * Return: a file descriptor (3 or more), or -ENOENT, -ENXIO (no driver), -EMFILE,
 * -ENOMEM, or the driver's open error.
 */
int kmm_open(struct kmm_process *p, const char *path, int flags);

/**
 * kmm_close - close a file descriptor
 * @p: the process
 * @fd: the descriptor; the driver's release runs when no VMA uses the file any more
 *
 * Return: 0 or -EBADF.
 */
int kmm_close(struct kmm_process *p, int fd);

/**
 * kmm_read - read from a file into user memory
 * @p: the process
 * @fd: the descriptor
 * @buf: a user address of @p (from kmm_mmap)
 * @count: bytes
 *
 * Return: bytes read or a negative errno (-EBADF, -EINVAL when the driver cannot read,
 * -EFAULT from the driver's copy_to_user).
 */
ssize_t kmm_read(struct kmm_process *p, int fd, void *buf, size_t count);

/**
 * kmm_write - write user memory to a file
 * @p: the process
 * @fd: the descriptor
 * @buf: a user address of @p
 * @count: bytes
 *
 * Return: bytes written or a negative errno.
 */
ssize_t kmm_write(struct kmm_process *p, int fd, const void *buf, size_t count);

/**
 * kmm_ioctl - call the driver's unlocked_ioctl
 * @p: the process
 * @fd: the descriptor
 * @cmd: the command
 * @arg: its argument (often a user address of @p)
 *
 * Return: the driver's result, -EBADF, or -ENOTTY when the driver has no ioctl.
 */
long kmm_ioctl(struct kmm_process *p, int fd, unsigned int cmd, unsigned long arg);

/**
 * kmm_lseek - move a file's position
 * @p: the process
 * @fd: the descriptor
 * @offset: the offset
 * @whence: SEEK_SET, SEEK_CUR or SEEK_END
 *
 * Return: the new position, -EBADF, -ESPIPE (not seekable) or the driver's error.
 */
long long kmm_lseek(struct kmm_process *p, int fd, long long offset, int whence);

/**
 * kmm_mmap - map a file (or, with MAP_ANONYMOUS and fd -1, zeroed memory) into @p
 * @p: the process
 * @fd: the descriptor
 * @len: bytes, rounded up to pages
 * @prot: PROT_READ / PROT_WRITE / PROT_EXEC, or PROT_NONE
 * @flags: MAP_SHARED or MAP_PRIVATE, optionally MAP_ANONYMOUS, MAP_POPULATE, MAP_NONBLOCK
 *         and MAP_LOCKED
 * @offset: offset in the file, page-aligned (becomes vm_pgoff)
 *
 * The driver's mmap sees the new VMA and fills it or leaves it to its fault handler. With
 * MAP_LOCKED, or MAP_POPULATE without MAP_NONBLOCK, every page is then faulted in at once, up
 * to the first that raises a signal (never an error of mmap's); VM_IO and VM_PFNMAP mappings
 * are left as the driver made them. A locked mapping counts against RLIMIT_MEMLOCK unless the
 * driver made it VM_IO, VM_PFNMAP, VM_MIXEDMAP or VM_DONTEXPAND, which lose VM_LOCKED.
 * Context: process context, may sleep.
 * Return: the user address, or a negative errno cast to a pointer (see kmm_mmap_err()):
 * -EBADF, -EACCES (shared writable mapping of a file not opened for writing), -ENODEV (no
 * mmap operation), -EINVAL, -ENOMEM (no room in the window), -EOVERFLOW, -EPERM
 * (MAP_LOCKED with RLIMIT_MEMLOCK 0 and no root), -EAGAIN (MAP_LOCKED beyond
 * RLIMIT_MEMLOCK), or the driver's.
 */
void *kmm_mmap(struct kmm_process *p, int fd, size_t len, int prot, int flags, off_t offset);

/* The errno kmm_mmap() returned (negative), or 0 for an address. */
static inline int kmm_mmap_err(const void *addr)
{
	return (unsigned long)addr >= (unsigned long)-4095 ? (int)(long)addr : 0;
}

/**
 * kmm_madvise - advice on [addr, addr + len) of @p, as madvise(2) takes it
 * @p: the process
 * @addr: page-aligned
 * @len: bytes, rounded up to pages
 * @advice: MADV_DONTNEED (drop the pages: the next touch faults them in again; -EINVAL on a
 *          VM_PFNMAP or locked mapping), MADV_WILLNEED (a hint: 0), MADV_POPULATE_READ and
 *          MADV_POPULATE_WRITE (fault every page in now, as a read or a write)
 *
 * Context: process context; fault handlers may run.
 * Return: 0; -EINVAL (bad address or advice, or a mapping that cannot take it: POPULATE of
 * VM_IO/VM_PFNMAP), -ENOMEM (part of the range is not mapped), -EFAULT (the fault handler
 * answered SIGBUS or SIGSEGV), -EHWPOISON (it answered VM_FAULT_HWPOISON).
 */
int kmm_madvise(struct kmm_process *p, void *addr, size_t len, int advice);

/**
 * kmm_mlock - lock [addr, addr + len) of @p in memory, as mlock(2)
 * @p: the process
 * @addr: any address (rounded down to its page)
 * @len: bytes
 *
 * Mappings the driver owns page by page (VM_IO, VM_PFNMAP, VM_DONTEXPAND, VM_MIXEDMAP) are
 * not marked locked, as in the kernel; the others are faulted in.
 * Context: process context.
 * Return: 0, -ENOMEM (part of the range is not mapped, beyond RLIMIT_MEMLOCK, or a page the
 * fault handler refused: its VMA stays locked), -EHWPOISON, -EPERM
 * (RLIMIT_MEMLOCK 0 and no CAP_IPC_LOCK).
 */
int kmm_mlock(struct kmm_process *p, void *addr, size_t len);

/**
 * kmm_munlock - undo kmm_mlock() on [addr, addr + len) of @p, as munlock(2)
 * @p: the process
 * @addr: any address (rounded down to its page)
 * @len: bytes
 *
 * Return: 0 or -ENOMEM (part of the range is not mapped).
 */
int kmm_munlock(struct kmm_process *p, void *addr, size_t len);

/**
 * kmm_munmap - unmap [addr, addr + len) of @p
 * @p: the process
 * @addr: page-aligned
 * @len: bytes, rounded up to pages; VMAs partly covered are split (vm_ops->open on the new
 *       part), wholly covered ones closed (vm_ops->close)
 *
 * Return: 0 or -EINVAL.
 */
int kmm_munmap(struct kmm_process *p, void *addr, size_t len);

/**
 * kmm_mprotect - change the access allowed to [addr, addr + len)
 * @p: the process
 * @addr: page-aligned
 * @len: bytes
 * @prot: PROT_* bits
 *
 * Return: 0, -EINVAL, -ENOMEM (part of the range is not mapped) or -EACCES (the driver
 * cleared VM_MAYWRITE and @prot asks for writing).
 */
int kmm_mprotect(struct kmm_process *p, void *addr, size_t len, int prot);

/**
 * kmm_mremap - shrink or grow a mapping, in place or (MREMAP_MAYMOVE) elsewhere
 * @p: the process
 * @addr: page-aligned, inside a VMA
 * @old_len: bytes of that VMA from @addr
 * @new_len: the length wanted
 * @flags: 0 or MREMAP_MAYMOVE (a moved VMA is opened anew and the old one closed); for
 *         MREMAP_FIXED see kmm_mremap_to()
 *
 * Return: the mapping's address, or a negative errno as a pointer: -EFAULT (growing a
 * VM_DONTEXPAND or VM_PFNMAP mapping, or no VMA at @addr), -EINVAL (MREMAP_FIXED, bad
 * arguments), -ENOMEM (no room to grow in place and no MREMAP_MAYMOVE, or no room at all),
 * -EAGAIN (growing a locked mapping beyond RLIMIT_MEMLOCK).
 */
void *kmm_mremap(struct kmm_process *p, void *addr, size_t old_len, size_t new_len, int flags);

/**
 * kmm_fork - a child of @parent, as fork() makes one
 * @parent: the process
 *
 * The child gets the parent's name, user ID and limits, its open files (shared, as after
 * fork) and a copy of its mappings at the same offsets in the child's own window (see
 * kmm_process_user_base()): VM_DONTCOPY ones are left out; each copy is opened by its driver
 * (vm_ops->open, in the parent's context); private anonymous pages are copied; raw-frame
 * (VM_PFNMAP) and mixed (VM_MIXEDMAP) mappings keep their frames; a driver's fault-handled
 * mapping starts empty, so the child's first touches run the fault handler again;
 * VM_WIPEONFORK ranges start empty; VM_LOCKED is not inherited. No code runs in the child:
 * the caller acts for it with the kmm_* calls, and ends it with kmm_process_destroy().
 *
 * Context: process context, may sleep.
 * Return: the child, or NULL when memory ran out.
 */
struct kmm_process *kmm_fork(struct kmm_process *parent);

/**
 * kmm_process_user_base - where @p's user window starts
 * @p: the process
 *
 * A child's mappings lie at the parent's addresses moved by the difference of their bases
 * (on a real kernel the difference is 0).
 *
 * Context: any.
 * Return: the lowest user address of @p.
 */
unsigned long kmm_process_user_base(const struct kmm_process *p);

/**
 * kmm_setuid - change @p's user ID, as setuid() does
 * @p: the process (new processes run as root, uid 0)
 * @uid: the new ID; leaving 0 gives up root's capabilities (CAP_IPC_LOCK: lock memory past
 *       RLIMIT_MEMLOCK; CAP_SYS_RESOURCE: raise a hard limit) for good
 *
 * Context: process context.
 * Return: 0, or -EPERM (not root, and @uid is not the current one).
 */
int kmm_setuid(struct kmm_process *p, unsigned int uid);

/**
 * kmm_setrlimit - set one of @p's resource limits, as setrlimit() does
 * @p: the process
 * @resource: RLIMIT_MEMLOCK, the one kmm keeps (the kernel's default: 8 MiB soft and hard)
 * @rlim: soft limit (checked by mmap with MAP_LOCKED and by mremap growing a locked mapping)
 *        and hard limit
 *
 * Context: process context.
 * Return: 0, -EINVAL (another resource, or soft above hard) or -EPERM (raising the hard
 * limit without root).
 */
int kmm_setrlimit(struct kmm_process *p, int resource, const struct rlimit *rlim);

/**
 * kmm_getrlimit - read one of @p's resource limits
 * @p: the process
 * @resource: RLIMIT_MEMLOCK
 * @rlim: receives it
 *
 * Context: process context.
 * Return: 0 or -EINVAL.
 */
int kmm_getrlimit(struct kmm_process *p, int resource, struct rlimit *rlim);

/**
 * kmm_mmap_at - kmm_mmap() with an address, as mmap(2) takes one
 * @p: the process
 * @addr: with MAP_FIXED, where the mapping must go (page-aligned; whatever is mapped there is
 *        unmapped first); with MAP_FIXED_NOREPLACE, the same unless something is mapped
 *        there (-EEXIST); otherwise a hint, taken when the range is free
 * @len, @prot, @flags, @fd, @offset: as kmm_mmap()
 *
 * Context: process context, may sleep.
 * Return: the user address, or a negative errno as a pointer: kmm_mmap()'s, -EEXIST, and
 * -EINVAL for an unaligned fixed address, -ENOMEM for one outside the window.
 */
void *kmm_mmap_at(struct kmm_process *p, void *addr, size_t len, int prot, int flags, int fd,
		  off_t offset);

/**
 * kmm_mremap_to - kmm_mremap() with MREMAP_FIXED: move to @new_addr
 * @p: the process
 * @addr, @old_len, @new_len: as kmm_mremap()
 * @flags: MREMAP_MAYMOVE | MREMAP_FIXED (without MREMAP_FIXED this is kmm_mremap())
 * @new_addr: page-aligned destination; whatever is mapped there is unmapped first
 *
 * Context: process context, may sleep.
 * Return: @new_addr, or a negative errno as a pointer: -EINVAL (no MREMAP_MAYMOVE, an
 * unaligned or out-of-window destination, or one overlapping the source), -EFAULT (no VMA at
 * @addr, or growing a VM_DONTEXPAND or VM_PFNMAP mapping), -ENOMEM.
 */
void *kmm_mremap_to(struct kmm_process *p, void *addr, size_t old_len, size_t new_len, int flags,
		    void *new_addr);

/* A thread's recovery point for signals its user accesses raise. */
struct kmm_user_catch {
	sigjmp_buf env;
	int sig; /* SIGSEGV or SIGBUS once a signal came back here */
	int code; /* si_code: SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR, BUS_MCEERR_AR */
	unsigned long addr; /* the address touched */
	int addr_lsb; /* si_addr_lsb: PAGE_SHIFT for BUS_MCEERR_AR (a poisoned page), else 0 */
	struct kmm_user_catch *prev;
};

/**
 * kmm_user_arm - push a recovery point (use kmm_user_expect())
 * @c: the point, alive in the caller's frame until kmm_user_done()
 *
 * Also takes SIGSEGV back from whatever replaced kmm's handler since boot.
 * Context: any.
 */
void kmm_user_arm(struct kmm_user_catch *c);

/**
 * kmm_user_done - pop a recovery point no signal used
 * @c: the point
 */
void kmm_user_done(struct kmm_user_catch *c);

/* 0 after arming; 1 when a user access raised a signal (then c->sig says which). */
#define kmm_user_expect(c) (kmm_user_arm(c), sigsetjmp((c)->env, 1))

#endif /* KMM_PROCESS_H */
