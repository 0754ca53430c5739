/*
 * madvise.c - madvise(2) and mlock(2)/munlock(2) on a process's mappings, with the answers
 * Linux 6.1 gives on driver mappings (raw frames of remap_pfn_range, pages of a fault handler).
 *
 * The range is walked VMA by VMA; a hole makes the call end in -ENOMEM after the mapped parts
 * were treated, as the kernel's madvise_walk_vmas() and apply_vma_lock_flags() do. Populating
 * faults pages in as GUP does (ALLOW_RETRY|KILLABLE, no USER), through user_fault_in().
 *
 * Locking: mm->lock for writing around DONTNEED and the lock flags, for reading around
 * population (fault handlers run under it, as under mmap_lock).
 */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>

#include <kmm/context.h>
#include <kmm/process.h>
#include "user/process.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif

/* Mappings the driver owns page by page: never locked (mlock_fixup() skips them). */
#define VM_SPECIAL (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)

/* Is every page of [start, end) inside a VMA of @mm? mm->lock held. */
static bool fully_mapped(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (struct vm_area_struct *vma = mm->mmap; vma && start < end; vma = vma->vm_next) {
		if (vma->vm_end <= start)
			continue;
		if (vma->vm_start > start)
			return false;
		start = vma->vm_end;
	}
	return start >= end;
}

/* The errno of a failed population for the signal the access got (madvise_populate()). */
static int populate_errno(int code)
{
	return code == BUS_MCEERR_AR ? -EHWPOISON : -EFAULT;
}

/*
 * Fault [start, end) of @p in, as GUP does: 0 or an errno. @ignore (mlock): VM_IO/VM_PFNMAP
 * mappings are passed over, not refused, and a private writable one is written.
 */
static int populate(struct kmm_process *p, unsigned long start, unsigned long end, bool write,
		    bool ignore)
{
	struct mm_struct *mm = &p->mm;
	struct kmm_process *prev = process_enter(p);
	int err = 0, code;

	pthread_rwlock_rdlock(&mm->lock);
	for (unsigned long a = start; a < end && !err;) {
		struct vm_area_struct *vma = vma_lookup(mm, a);
		unsigned int flags = FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE;

		if (!vma) {
			err = ignore ? 0 : -ENOMEM;
			break;
		}
		if (vma->vm_flags & (VM_IO | VM_PFNMAP)) {
			/* __mm_populate() skips them; check_vma_flags() refuses them to madvise */
			err = ignore ? 0 : -EINVAL;
			a = vma->vm_end;
			continue;
		}
		if (write || (ignore && (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE))
			flags |= FAULT_FLAG_WRITE;
		if (write && !(vma->vm_flags & VM_WRITE)) {
			err = ignore ? 0 : -EINVAL;
			break;
		}
		for (; a < end && a < vma->vm_end; a += PAGE_SIZE) {
			if (user_fault_in(mm, a, flags, &code)) {
				err = populate_errno(code);
				break;
			}
		}
	}
	pthread_rwlock_unlock(&mm->lock);
	process_leave(prev);
	return err;
}

/* MADV_DONTNEED: drop the pages; a VM_PFNMAP or locked mapping refuses. mm->lock written. */
static int dontneed(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (struct vm_area_struct *vma = mm->mmap; vma && vma->vm_start < end;
	     vma = vma->vm_next) {
		unsigned long from, to;

		if (vma->vm_end <= start)
			continue;
		if (vma->vm_flags & (VM_LOCKED | VM_PFNMAP))
			return -EINVAL;
		from = (start > vma->vm_start ? start : vma->vm_start) - vma->vm_start;
		to = (end < vma->vm_end ? end : vma->vm_end) - vma->vm_start;
		vma_zap(vma, from >> PAGE_SHIFT, to >> PAGE_SHIFT);
	}
	return 0;
}

int kmm_madvise(struct kmm_process *p, void *addr, size_t len, int advice)
{
	unsigned long start = (unsigned long)addr, end;
	struct mm_struct *mm = &p->mm;
	struct kmm_process *prev;
	bool mapped;
	int err;

	if (!PAGE_ALIGNED(start))
		return -EINVAL;
	end = start + PAGE_ALIGN(len);
	if (end < start)
		return -EINVAL;
	if (advice != MADV_DONTNEED && advice != MADV_WILLNEED && advice != MADV_POPULATE_READ &&
	    advice != MADV_POPULATE_WRITE)
		return -EINVAL;
	if (end == start)
		return 0;
	might_sleep();
	pthread_rwlock_rdlock(&mm->lock);
	mapped = fully_mapped(mm, start, end);
	pthread_rwlock_unlock(&mm->lock);
	switch (advice) {
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		return populate(p, start, end, advice == MADV_POPULATE_WRITE, false);
	case MADV_DONTNEED:
		prev = process_enter(p); /* put_page of the driver's pages, in the process */
		pthread_rwlock_wrlock(&mm->lock);
		err = dontneed(mm, start, end);
		pthread_rwlock_unlock(&mm->lock);
		process_leave(prev);
		return err ? err : mapped ? 0 : -ENOMEM;
	default: /* MADV_WILLNEED: a device file has no page cache to read ahead */
		return mapped ? 0 : -ENOMEM;
	}
}

/* Set or clear VM_LOCKED on [start, end) of @mm; VM_SPECIAL mappings keep theirs. */
static void lock_flags(struct mm_struct *mm, unsigned long start, unsigned long end, bool on)
{
	for (struct vm_area_struct *vma = mm->mmap; vma && vma->vm_start < end;
	     vma = vma->vm_next) {
		if (vma->vm_end <= start || (vma->vm_flags & VM_SPECIAL))
			continue;
		/* kmm keeps VM_LOCKED per VMA: a partly covered one is locked whole */
		if (on)
			vma->vm_flags |= VM_LOCKED;
		else
			vma->vm_flags &= ~VM_LOCKED;
	}
}

static int do_mlock(struct kmm_process *p, void *addr, size_t len, bool on)
{
	unsigned long start = (unsigned long)addr & PAGE_MASK, end;
	struct mm_struct *mm = &p->mm;
	int err = 0;

	end = PAGE_ALIGN((unsigned long)addr + len);
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if (on && !cred_can_mlock(p))
		return -EPERM;
	pthread_rwlock_wrlock(&mm->lock);
	if (on && !cred_mlock_ok(p, locked_pages(mm), (end - start) >> PAGE_SHIFT))
		err = -ENOMEM;
	else if (!fully_mapped(mm, start, end))
		err = -ENOMEM;
	else
		lock_flags(mm, start, end, on);
	pthread_rwlock_unlock(&mm->lock);
	if (err || !on)
		return err;
	/* __mlock_posix_error_return(): a page that could not be faulted in is -ENOMEM */
	err = populate(p, start, end, false, true);
	return err == -EFAULT ? -ENOMEM : err == -ENOMEM ? -EAGAIN : err;
}

int kmm_mlock(struct kmm_process *p, void *addr, size_t len)
{
	might_sleep();
	return do_mlock(p, addr, len, true);
}

int kmm_munlock(struct kmm_process *p, void *addr, size_t len)
{
	might_sleep();
	return do_mlock(p, addr, len, false);
}
