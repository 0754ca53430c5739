/*
 * process.h - simulated processes and their address spaces, shared by process.c, fs/file.c,
 * fs/chrdev.c, mm/mmap.c, mm/remap.c, mm/user_fault.c and mm/uaccess.c (grouped by the
 * defining file).
 *
 * A process owns a reserved user window; mm->mmap lists its VMAs sorted by address, never
 * overlapping, all inside [mm->start, mm->end). Each VMA's kmm_ptes[i] describes page i: what
 * frame is mapped there (present), whether the host mapping is writable, and the struct page
 * reference the mapping holds (vm_insert_page, fault handlers, anonymous memory), if any.
 *
 * Lock order: process_lock (the process list) -> mm->lock (mmap_lock; read for faults and
 * usercopy, write for mmap/munmap/mprotect/mremap and exit) -> mm->pte_lock (installing a pte
 * while mm->lock is only read-held, the page table lock's job) -> chrdev_lock ->
 * p->files_lock. A pte's flags are published last, with a release store, so a reader holding
 * mm->lock for reading may test PTE_PRESENT with pte_flags() and then use pfn and ref.
 * A driver's mmap runs under mm->lock held for writing, its fault handler under it held for
 * reading, as in the kernel.
 */
#ifndef KMM_INTERNAL_PROCESS_H
#define KMM_INTERNAL_PROCESS_H

#include <pthread.h>
#include <sys/resource.h>
#include <kmm/process.h>
#include <kmm/mm_user.h>
#include <kmm/fs.h>
#include "machine/machine.h"
#include "machine/os.h"

#define PROCESS_MAX_FILES 64
#define PROCESS_FIRST_FD 3

enum {
	PTE_PRESENT = 1, /* something is mapped in the host */
	PTE_WRITE = 2, /* the mapping the driver asked for allows writing */
	PTE_ANON = 4, /* in a private file mapping: the process's own copy of the page */
};

struct kmm_pte {
	unsigned long pfn;
	struct page *ref; /* the reference this mapping holds, or NULL (raw frame) */
	unsigned int flags; /* PTE_* */
};

static inline unsigned int pte_flags(const struct kmm_pte *pte)
{
	return __atomic_load_n(&pte->flags, __ATOMIC_ACQUIRE);
}

struct mm_struct {
	pthread_rwlock_t lock; /* mmap_lock */
	pthread_mutex_t pte_lock; /* serialises pte installs under a read-held lock */
	unsigned long start, end; /* the user window */
	struct vm_area_struct *mmap; /* VMAs by address */
	int map_count;
	struct kmm_process *owner;
};

struct kmm_process {
	int pid;
	char comm[16];
	unsigned int uid; /* 0 holds every capability (CAP_IPC_LOCK, CAP_SYS_RESOURCE) */
	struct rlimit memlock; /* RLIMIT_MEMLOCK, bytes */
	struct mm_struct mm;
	void *window;
	size_t window_len;
	int fault_handle; /* the window's range in the fault dispatcher, or -1 */
	unsigned long faults; /* relaxed atomic */
	pthread_mutex_t files_lock;
	struct file *files[PROCESS_MAX_FILES];
	struct kmm_process *next; /* process_list, under process_lock */
};

/* ---- process.c ---- */

/* ---- cred.c ---- */

/* A new process's identity and limits: root, with the kernel's default RLIMIT_MEMLOCK. */
KMM_HIDDEN void cred_init(struct kmm_process *p);
/* May @p lock memory at all (MAP_LOCKED)? The kernel's can_do_mlock(). */
KMM_HIDDEN bool cred_can_mlock(const struct kmm_process *p);
/* May @p have @pages more locked pages than the @locked it has? mlock_future_ok(). */
KMM_HIDDEN bool cred_mlock_ok(const struct kmm_process *p, unsigned long locked,
			      unsigned long pages);

/* ---- file.c ---- */

KMM_HIDDEN void file_get(struct file *file);
/* The file behind descriptor @fd of @p with a reference taken, or NULL. */
KMM_HIDDEN struct file *file_from_fd(struct kmm_process *p, int fd);
/* Drop a reference; the last one calls the driver's release and frees the file. */
KMM_HIDDEN void file_put(struct file *file);
/* Close every descriptor of @p (exit). */
KMM_HIDDEN void files_close_all(struct kmm_process *p);

/* ---- chrdev.c ---- */

/* Resolve @path to its inode and the operations serving it, with a driver-private pointer
 * to hand over (the miscdevice for misc devices, as misc_open does). */
KMM_HIDDEN int chrdev_lookup(const char *path, struct inode **inode,
			     const struct file_operations **fops, void **private_data);
/* The path of the node @inode belongs to. */
KMM_HIDDEN const char *chrdev_inode_path(const struct inode *inode);

/* ---- mmap.c ---- */

/* The file side of a file mapping, as fs/file.c provides it (registered at boot). */
struct mm_file_ops {
	struct file *(*from_fd)(struct kmm_process *p, int fd); /* with a reference, or NULL */
	void (*get)(struct file *file);
	void (*put)(struct file *file);
};

KMM_HIDDEN void mm_set_file_ops(const struct mm_file_ops *ops);

/* The VMA containing @addr, or NULL; mm->lock held. */
KMM_HIDDEN struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);
/* Unmap every VMA (exit); takes mm->lock. */
KMM_HIDDEN void mm_teardown(struct mm_struct *mm);
/* Give @child a copy of @parent's mappings, as fork does: 0 or -ENOMEM (then undo @child). */
KMM_HIDDEN int mm_dup(struct mm_struct *child, struct mm_struct *parent);
/* Host protection for a present page of @vma given its pte. */
KMM_HIDDEN int vma_host_prot(const struct vm_area_struct *vma, const struct kmm_pte *pte);

/* ---- remap.c ---- */

/* Map frame @pfn at user address @addr of @vma (host mapping + pte); @ref is a page
 * reference the mapping takes over, or NULL. 0, -EINVAL (nothing backs the frame),
 * -EBUSY (present already) or -ENOMEM. */
/*
 * Copy on write: give the present page at @addr of private file mapping @vma a copy of its own
 * (from @src when the page is not mapped yet: a write fault the driver's handler served),
 * mapped writable. 0 or -ENOMEM. mm->lock held for reading.
 */
KMM_HIDDEN int vma_copy_on_write(struct vm_area_struct *vma, unsigned long addr, struct page *src);
/* Does a write to @vma's pages make copies (a private mapping of a file)? */
static inline bool vma_is_cow(const struct vm_area_struct *vma)
{
	return vma->vm_file && !(vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE);
}
KMM_HIDDEN int vma_map_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
			   bool writable, struct page *ref);

/* ---- user_fault.c ---- */

/*
 * Make the page at @addr of @mm present for an access of kind @write, running the VMA's
 * fault handler if needed; mm->lock held for reading. 0 when the access may proceed, else
 * the signal the process gets (SIGSEGV, SIGBUS) with *@code its si_code.
 */
KMM_HIDDEN int user_fault_in(struct mm_struct *mm, unsigned long addr, bool write, int *code);
KMM_HIDDEN int user_fault_register(struct kmm_process *p);
KMM_HIDDEN void user_fault_unregister(struct kmm_process *p);

#endif /* KMM_INTERNAL_PROCESS_H */
