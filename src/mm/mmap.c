/*
 * mmap.c - a process's VMAs: kmm_mmap (handing the new VMA to the driver's mmap), munmap,
 * mprotect and mremap, splitting, and tearing everything down at exit.
 *
 * mm->mmap is a list of VMAs sorted by address, inside the user window, never overlapping.
 * New mappings go top-down from the window's end, as on Linux. Each VMA carries one kmm_pte
 * per page (user/process.h); a page is present exactly when its host range is mapped,
 * and its host protection is vma_host_prot() of the VMA flags and the pte.
 *
 * Order of a VMA's end, as in the kernel: its pages are unmapped (references dropped), then
 * vm_ops->close runs, then the file reference is put (which may call release).
 *
 * Locking: mm->lock held for writing across every change here, including the driver's mmap,
 * open and close callbacks. Process context.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <kmm/context.h>
#include <kmm/fault.h>
#include <kmm/highmem.h>
#include <kmm/page_alloc.h>
#include "user/process.h"

/* How a mapping holds its file: fs/file.c's reference counting, registered at boot. */
static const struct mm_file_ops *file_ops;

void mm_set_file_ops(const struct mm_file_ops *ops)
{
	file_ops = ops;
}

static struct vm_area_struct *vma_alloc(struct mm_struct *mm, unsigned long start,
					unsigned long end)
{
	struct vm_area_struct *vma = calloc(1, sizeof(*vma));

	if (!vma)
		return NULL;
	vma->kmm_ptes = calloc((end - start) >> PAGE_SHIFT, sizeof(struct kmm_pte));
	if (!vma->kmm_ptes) {
		free(vma);
		return NULL;
	}
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_mm = mm;
	return vma;
}

static void vma_free(struct vm_area_struct *vma)
{
	free(vma->kmm_ptes);
	free(vma);
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	for (struct vm_area_struct *vma = mm->mmap; vma && vma->vm_start <= addr;
	     vma = vma->vm_next)
		if (addr < vma->vm_end)
			return vma;
	return NULL;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	for (struct vm_area_struct *vma = mm->mmap; vma; vma = vma->vm_next)
		if (addr < vma->vm_end)
			return vma;
	return NULL;
}

static void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct **pp = &mm->mmap;

	while (*pp && (*pp)->vm_start < vma->vm_start)
		pp = &(*pp)->vm_next;
	vma->vm_next = *pp;
	*pp = vma;
	mm->map_count++;
}

static void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct **pp = &mm->mmap;

	while (*pp && *pp != vma)
		pp = &(*pp)->vm_next;
	if (*pp) {
		*pp = vma->vm_next;
		mm->map_count--;
	}
}

/* The highest free gap of @len bytes, or 0. */
static unsigned long unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long prev_end = mm->start, best = 0;

	for (struct vm_area_struct *vma = mm->mmap; vma; vma = vma->vm_next) {
		if (vma->vm_start - prev_end >= len)
			best = vma->vm_start - len;
		prev_end = vma->vm_end;
	}
	if (mm->end - prev_end >= len)
		best = mm->end - len;
	return best;
}

pgprot_t vm_get_page_prot(vm_flags_t vm_flags)
{
	unsigned long prot = _PAGE_ACCESSED;

	if (vm_flags & (VM_READ | VM_WRITE | VM_EXEC))
		prot |= _PAGE_PRESENT | _PAGE_USER;
	if (vm_flags & VM_WRITE)
		prot |= _PAGE_RW;
	return __pgprot(prot);
}

int vma_host_prot(const struct vm_area_struct *vma, const struct kmm_pte *pte)
{
	int prot = PROT_NONE;

	if (vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC))
		prot = PROT_READ;
	/* a private mapping's file page stays read-only: the first write copies it */
	if ((vma->vm_flags & VM_WRITE) && (pte->flags & PTE_WRITE) &&
	    (!vma_is_cow(vma) || (pte->flags & PTE_ANON)))
		prot |= PROT_WRITE;
	return prot;
}

/* Unmap the present pages among pages [from, to) of @vma, dropping their references. */
static void vma_zap(struct vm_area_struct *vma, unsigned long from, unsigned long to)
{
	unsigned long run = from;

	for (unsigned long i = from; i <= to; i++) {
		bool present = i < to && (vma->kmm_ptes[i].flags & PTE_PRESENT);

		if (present)
			continue;
		if (i > run)
			os_unmap_to_reserved((void *)(vma->vm_start + (run << PAGE_SHIFT)),
					     (i - run) << PAGE_SHIFT);
		run = i + 1;
	}
	for (unsigned long i = from; i < to; i++) {
		struct kmm_pte *pte = &vma->kmm_ptes[i];

		if (pte->ref)
			put_page(pte->ref);
		memset(pte, 0, sizeof(*pte));
	}
}

/* The end of a VMA already unlinked. */
static void vma_remove(struct vm_area_struct *vma)
{
	vma_zap(vma, 0, vma_pages(vma));
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	if (vma->vm_file)
		file_ops->put(vma->vm_file);
	vma_free(vma);
}

/* Give @to @from's identity: protections, flags, file offset, file (a reference), ops. */
static void vma_copy_identity(struct vm_area_struct *to, const struct vm_area_struct *from)
{
	to->vm_page_prot = from->vm_page_prot;
	to->vm_flags = from->vm_flags;
	to->vm_pgoff = from->vm_pgoff;
	to->vm_file = from->vm_file;
	to->vm_ops = from->vm_ops;
	to->vm_private_data = from->vm_private_data;
	if (to->vm_file)
		file_ops->get(to->vm_file);
}

/* Split @vma at @addr (strictly inside it): @vma keeps the front, a new VMA the back. */
static int vma_split(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long front = (addr - vma->vm_start) >> PAGE_SHIFT;
	struct vm_area_struct *back = vma_alloc(mm, addr, vma->vm_end);
	struct kmm_pte *ptes;

	if (!back)
		return -ENOMEM;
	ptes = calloc(front, sizeof(*ptes));
	if (!ptes) {
		vma_free(back);
		return -ENOMEM;
	}
	memcpy(ptes, vma->kmm_ptes, front * sizeof(*ptes));
	memcpy(back->kmm_ptes, vma->kmm_ptes + front, vma_pages(back) * sizeof(*ptes));
	free(vma->kmm_ptes);
	vma->kmm_ptes = ptes;
	vma_copy_identity(back, vma);
	back->vm_pgoff = vma->vm_pgoff + front;
	vma->vm_end = addr;
	vma_link(mm, back);
	if (back->vm_ops && back->vm_ops->open)
		back->vm_ops->open(back);
	return 0;
}

/* Split VMAs so that [start, end) begins and ends on VMA boundaries. */
static int split_edges(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = vma_lookup(mm, start);
	int err = 0;

	if (vma && vma->vm_start < start)
		err = vma_split(mm, vma, start);
	vma = end < mm->end ? vma_lookup(mm, end) : NULL;
	if (!err && vma && vma->vm_start < end)
		err = vma_split(mm, vma, end);
	return err;
}

static bool range_ok(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	return start >= mm->start && start < mm->end && len <= mm->end - start;
}

static vm_flags_t prot_to_flags(int prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* Take SIGSEGV back from a test framework that replaced kmm's handler since boot. */
static void fault_handler_take_back(void)
{
	struct kmm_fault_catch c;

	kmm_fault_arm(&c);
	kmm_fault_done(&c);
}

static void *mmap_error(int err)
{
	return (void *)(long)err;
}

/* Pages of @mm's locked mappings: the kernel's mm->locked_vm, counted. mm->lock held. */
static unsigned long locked_pages(struct mm_struct *mm)
{
	unsigned long n = 0;

	for (struct vm_area_struct *vma = mm->mmap; vma; vma = vma->vm_next)
		if (vma->vm_flags & VM_LOCKED)
			n += vma_pages(vma);
	return n;
}

/* Mappings the driver owns page by page: never locked, never populated behind its back. */
#define VM_SPECIAL (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)

/* What the mmap flags ask for: populate at once (MAP_LOCKED, or MAP_POPULATE alone)? */
static bool wants_populate(int flags)
{
	return (flags & MAP_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE;
}

/*
 * Fault in [start, end) of @p as a first touch would, up to the first page that raises a
 * signal: mmap with MAP_POPULATE or MAP_LOCKED. Writable private mappings are written (their
 * own copy); VM_IO and VM_PFNMAP ones are the driver's business and left alone.
 */
static void populate(struct kmm_process *p, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = &p->mm;
	struct vm_area_struct *vma;
	struct kmm_process *prev = process_enter(p);
	int code;

	pthread_rwlock_rdlock(&mm->lock);
	vma = vma_lookup(mm, start);
	if (vma && !(vma->vm_flags & (VM_IO | VM_PFNMAP))) {
		bool write = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;

		for (unsigned long a = start; a < end && a < vma->vm_end; a += PAGE_SIZE)
			if (user_fault_in(mm, a, write, &code))
				break;
	}
	pthread_rwlock_unlock(&mm->lock);
	process_leave(prev);
}

/* Flags the file and the request allow, or a negative errno. */
static long mmap_flags(struct file *file, int prot, int flags)
{
	vm_flags_t vm_flags = prot_to_flags(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	int type = flags & MAP_TYPE;

	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (!file)
		return (long)(vm_flags | (type == MAP_PRIVATE ? 0 : VM_SHARED | VM_MAYSHARE));
	if (!(file->f_mode & FMODE_READ))
		return -EACCES;
	if (type != MAP_PRIVATE) {
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (!(file->f_mode & FMODE_WRITE))
			vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
	}
	return (long)vm_flags;
}

/* Unmap [start, end): VMAs split at the edges, those inside closed. mm->lock held for writing. */
static int unmap_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma, *next;
	int err = split_edges(mm, start, end);

	for (vma = err ? NULL : mm->mmap; vma; vma = next) {
		next = vma->vm_next;
		if (vma->vm_start >= end)
			break;
		if (vma->vm_start < start)
			continue;
		vma_unlink(mm, vma);
		vma_remove(vma);
	}
	return err;
}

/* Does a VMA of @mm overlap [start, end)? mm->lock held. */
static bool overlaps(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (struct vm_area_struct *vma = mm->mmap; vma && vma->vm_start < end; vma = vma->vm_next)
		if (vma->vm_end > start)
			return true;
	return false;
}

/*
 * Where a mapping of @len bytes goes, as get_unmapped_area() and do_mmap() decide: a fixed
 * address as asked (existing mappings there unmapped, or -EEXIST with MAP_FIXED_NOREPLACE);
 * a hint where it is free; otherwise the highest hole. A negative errno when none.
 * mm->lock held for writing.
 */
static long place(struct mm_struct *mm, unsigned long want, unsigned long len, int flags)
{
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (want < mm->start || want > mm->end || len > mm->end - want)
			return -ENOMEM;
		if (!PAGE_ALIGNED(want))
			return -EINVAL;
		if (flags & MAP_FIXED_NOREPLACE)
			return overlaps(mm, want, want + len) ? -EEXIST : (long)want;
		return unmap_range(mm, want, want + len) ? -ENOMEM : (long)want;
	}
	want = PAGE_ALIGN(want);
	if (want >= mm->start && want <= mm->end && len <= mm->end - want &&
	    !overlaps(mm, want, want + len))
		return (long)want;
	want = unmapped_area(mm, len);
	return want ? (long)want : -ENOMEM;
}

void *kmm_mmap(struct kmm_process *p, int fd, size_t len, int prot, int flags, off_t offset)
{
	return kmm_mmap_at(p, NULL, len, prot, flags, fd, offset);
}

void *kmm_mmap_at(struct kmm_process *p, void *hint, size_t len, int prot, int flags, int fd,
		  off_t offset)
{
	struct mm_struct *mm = &p->mm;
	struct file *file = NULL;
	struct vm_area_struct *vma;
	struct kmm_process *prev;
	unsigned long addr;
	long vm_flags, where;
	int err;

	might_sleep();
	if (!len || offset < 0 || !PAGE_ALIGNED(offset))
		return mmap_error(-EINVAL);
	len = PAGE_ALIGN(len);
	if (!len || len > mm->end - mm->start)
		return mmap_error(-ENOMEM);
	if ((unsigned long)(offset >> PAGE_SHIFT) + (len >> PAGE_SHIFT) <
	    (unsigned long)(offset >> PAGE_SHIFT))
		return mmap_error(-EOVERFLOW);
	if (!(flags & MAP_ANONYMOUS)) {
		file = file_ops ? file_ops->from_fd(p, fd) : NULL;
		if (!file)
			return mmap_error(-EBADF);
		if (!file->f_op->mmap) {
			file_ops->put(file);
			return mmap_error(-ENODEV);
		}
	}
	vm_flags = mmap_flags(file, prot, flags);
	if (vm_flags >= 0 && (flags & MAP_LOCKED))
		vm_flags = cred_can_mlock(p) ? vm_flags | (long)VM_LOCKED : -EPERM;
	if (vm_flags < 0) {
		if (file)
			file_ops->put(file);
		return mmap_error((int)vm_flags);
	}
	fault_handler_take_back();

	pthread_rwlock_wrlock(&mm->lock);
	err = -EAGAIN;
	if ((vm_flags & VM_LOCKED) && !cred_mlock_ok(p, locked_pages(mm), len >> PAGE_SHIFT))
		goto fail;
	prev = process_enter(p); /* a MAP_FIXED mapping's predecessors are closed */
	where = place(mm, (unsigned long)hint, len, flags);
	process_leave(prev);
	err = (int)where;
	if (where < 0)
		goto fail;
	addr = (unsigned long)where;
	err = -ENOMEM;
	vma = vma_alloc(mm, addr, addr + len);
	if (!vma)
		goto fail;
	vma->vm_flags = (vm_flags_t)vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_pgoff = (unsigned long)offset >> PAGE_SHIFT;
	vma->vm_file = file;
	if (file) {
		prev = process_enter(p);
		err = file->f_op->mmap(file, vma);
		process_leave(prev);
		if (err) {
			vma_zap(vma, 0, vma_pages(vma));
			vma_free(vma);
			goto fail;
		}
	}
	if (vma->vm_flags & VM_SPECIAL)
		vma->vm_flags &= ~VM_LOCKED;
	vma_link(mm, vma);
	pthread_rwlock_unlock(&mm->lock);
	if (wants_populate(flags))
		populate(p, addr, addr + len);
	return (void *)addr;
fail:
	pthread_rwlock_unlock(&mm->lock);
	if (file)
		file_ops->put(file);
	return mmap_error(err);
}

int kmm_munmap(struct kmm_process *p, void *addr, size_t len)
{
	unsigned long start = (unsigned long)addr, end;
	struct mm_struct *mm = &p->mm;
	struct kmm_process *prev;
	int err;

	if (!PAGE_ALIGNED(start) || !len)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || !range_ok(mm, start, len))
		return -EINVAL;
	end = start + len;
	prev = process_enter(p);
	pthread_rwlock_wrlock(&mm->lock);
	err = unmap_range(mm, start, end);
	pthread_rwlock_unlock(&mm->lock);
	process_leave(prev);
	return err;
}

/* Is [start, end) covered by VMAs with no hole? mm->lock held. */
static bool range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	unsigned long at = start;

	for (struct vm_area_struct *vma = mm->mmap; vma && at < end; vma = vma->vm_next) {
		if (vma->vm_end <= at)
			continue;
		if (vma->vm_start > at)
			return false;
		at = vma->vm_end;
	}
	return at >= end;
}

static void vma_reprotect(struct vm_area_struct *vma)
{
	for (unsigned long i = 0; i < vma_pages(vma); i++) {
		struct kmm_pte *pte = &vma->kmm_ptes[i];

		if (pte->flags & PTE_PRESENT)
			os_protect((void *)(vma->vm_start + (i << PAGE_SHIFT)), PAGE_SIZE,
				   vma_host_prot(vma, pte));
	}
}

int kmm_mprotect(struct kmm_process *p, void *addr, size_t len, int prot)
{
	unsigned long start = (unsigned long)addr, end;
	vm_flags_t want = prot_to_flags(prot);
	struct mm_struct *mm = &p->mm;
	struct vm_area_struct *vma;
	struct kmm_process *prev;
	int err = 0;

	if (!PAGE_ALIGNED(start) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	if (!len || !range_ok(mm, start, len))
		return -ENOMEM;
	end = start + len;
	prev = process_enter(p);
	pthread_rwlock_wrlock(&mm->lock);
	if (!range_mapped(mm, start, end)) {
		err = -ENOMEM;
		goto out;
	}
	for (vma = mm->mmap; vma && vma->vm_start < end; vma = vma->vm_next) {
		if (vma->vm_end <= start)
			continue;
		if ((want & VM_WRITE && !(vma->vm_flags & VM_MAYWRITE)) ||
		    (want & VM_READ && !(vma->vm_flags & VM_MAYREAD)) ||
		    (want & VM_EXEC && !(vma->vm_flags & VM_MAYEXEC))) {
			err = -EACCES;
			goto out;
		}
	}
	err = split_edges(mm, start, end);
	for (vma = err ? NULL : mm->mmap; vma && vma->vm_start < end; vma = vma->vm_next) {
		if (vma->vm_start < start)
			continue;
		vma->vm_flags = (vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | want;
		vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
		vma_reprotect(vma);
	}
out:
	pthread_rwlock_unlock(&mm->lock);
	process_leave(prev);
	return err;
}

static int vma_grow(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long new_end)
{
	unsigned long old = vma_pages(vma), pages = (new_end - vma->vm_start) >> PAGE_SHIFT;
	struct kmm_pte *ptes = calloc(pages, sizeof(*ptes));

	if (!ptes)
		return -ENOMEM;
	memcpy(ptes, vma->kmm_ptes, old * sizeof(*ptes));
	free(vma->kmm_ptes);
	vma->kmm_ptes = ptes;
	vma->vm_end = new_end;
	return 0;
}

/*
 * Move @vma (already split to the range being remapped) to a free range of @new_len bytes:
 * the pages go along with their references, the new VMA is opened and the old one closed, as
 * the kernel's move does. Returns the new address or 0 (no room, no memory).
 */
static unsigned long vma_move(struct mm_struct *mm, struct vm_area_struct *vma,
			      unsigned long new_len, unsigned long to)
{
	if (!to)
		to = unmapped_area(mm, new_len);
	struct vm_area_struct *moved = to ? vma_alloc(mm, to, to + new_len) : NULL;

	if (!moved)
		return 0;
	vma_copy_identity(moved, vma);
	if (moved->vm_ops && moved->vm_ops->open)
		moved->vm_ops->open(moved);
	for (unsigned long i = 0; i < vma_pages(vma); i++) {
		struct kmm_pte *pte = &vma->kmm_ptes[i];

		if (!(pte->flags & PTE_PRESENT))
			continue;
		/* a page that cannot follow is left for a fault to bring back */
		if (vma_map_pfn(moved, to + (i << PAGE_SHIFT), pte->pfn, pte->flags & PTE_WRITE,
				pte->ref))
			continue;
		pte->ref = NULL;
		if (pte->flags & PTE_ANON) { /* still the process's own copy, writable */
			struct kmm_pte *dst = &moved->kmm_ptes[i];

			__atomic_or_fetch(&dst->flags, PTE_ANON, __ATOMIC_RELEASE);
			os_protect((void *)(to + (i << PAGE_SHIFT)), PAGE_SIZE,
				   vma_host_prot(moved, dst));
		}
	}
	vma_unlink(mm, vma);
	vma_remove(vma);
	vma_link(mm, moved);
	return to;
}

void *kmm_mremap(struct kmm_process *p, void *addr, size_t old_len, size_t new_len, int flags)
{
	unsigned long start = (unsigned long)addr;
	struct mm_struct *mm = &p->mm;
	struct vm_area_struct *vma;
	struct kmm_process *prev;
	int err = 0;

	if (!PAGE_ALIGNED(start) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
	    (flags & MREMAP_FIXED))
		return mmap_error(-EINVAL);
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len)
		return mmap_error(-EINVAL);
	if (new_len < old_len) {
		err = kmm_munmap(p, (void *)(start + new_len), old_len - new_len);
		return err ? mmap_error(err) : addr;
	}
	prev = process_enter(p);
	pthread_rwlock_wrlock(&mm->lock);
	vma = vma_lookup(mm, start);
	if (!vma || old_len > vma->vm_end - start) {
		err = -EFAULT;
	} else if (new_len > old_len) {
		if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
			err = -EFAULT;
		else if ((vma->vm_flags & VM_LOCKED) &&
			 !cred_mlock_ok(p, locked_pages(mm), (new_len - old_len) >> PAGE_SHIFT))
			err = -EAGAIN;
		else if (start + old_len == vma->vm_end && new_len <= mm->end - start &&
			 (!vma->vm_next || vma->vm_next->vm_start >= start + new_len))
			err = vma_grow(mm, vma, start + new_len);
		else if (!(flags & MREMAP_MAYMOVE))
			err = -ENOMEM;
		else if (!(err = split_edges(mm, start, start + old_len)))
			start = vma_move(mm, vma_lookup(mm, start), new_len, 0);
		if (!err && !start)
			err = -ENOMEM;
	}
	pthread_rwlock_unlock(&mm->lock);
	process_leave(prev);
	return err ? mmap_error(err) : (void *)start;
}

/* The checks mremap_to() makes of a fixed destination: 0 or a negative errno. */
static int fixed_target_ok(struct mm_struct *mm, unsigned long old, size_t old_len,
			   unsigned long to, size_t new_len, int flags)
{
	if (!(flags & MREMAP_MAYMOVE) || !PAGE_ALIGNED(to))
		return -EINVAL;
	if (to < mm->start || to > mm->end || new_len > mm->end - to)
		return -EINVAL;
	if (to < old + old_len && old < to + new_len) /* the two ranges overlap */
		return -EINVAL;
	return 0;
}

void *kmm_mremap_to(struct kmm_process *p, void *addr, size_t old_len, size_t new_len, int flags,
		    void *new_addr)
{
	unsigned long start = (unsigned long)addr, to = (unsigned long)new_addr;
	struct mm_struct *mm = &p->mm;
	struct vm_area_struct *vma;
	struct kmm_process *prev;
	int err;

	if (!(flags & MREMAP_FIXED))
		return kmm_mremap(p, addr, old_len, new_len, flags);
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!PAGE_ALIGNED(start) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || !new_len)
		return mmap_error(-EINVAL);
	err = fixed_target_ok(mm, start, old_len, to, new_len, flags);
	if (err)
		return mmap_error(err);
	prev = process_enter(p);
	pthread_rwlock_wrlock(&mm->lock);
	err = unmap_range(mm, to, to + new_len); /* whatever was there goes first */
	if (!err && new_len < old_len)
		err = unmap_range(mm, start + new_len, start + old_len);
	if (!err) {
		size_t keep = new_len < old_len ? new_len : old_len;

		vma = vma_lookup(mm, start);
		if (!vma || keep > vma->vm_end - start)
			err = -EFAULT;
		else if (new_len > old_len && (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
			err = -EFAULT;
		else if (!(err = split_edges(mm, start, start + keep)) &&
			 !vma_move(mm, vma_lookup(mm, start), new_len, to))
			err = -ENOMEM;
	}
	pthread_rwlock_unlock(&mm->lock);
	process_leave(prev);
	return err ? mmap_error(err) : (void *)to;
}

void mm_teardown(struct mm_struct *mm)
{
	pthread_rwlock_wrlock(&mm->lock);
	while (mm->mmap) {
		struct vm_area_struct *vma = mm->mmap;

		vma_unlink(mm, vma);
		vma_remove(vma);
	}
	pthread_rwlock_unlock(&mm->lock);
}

/* ------------------------------------------------------------------ fork */

/*
 * A child's copy of one present page of @from: private anonymous memory gets a copy of its
 * own (copied at once: the parent's later writes must not show, nor the child's in the
 * parent); raw frames and mixed maps share the frame, with a reference of their own.
 */
static int copy_pte(struct vm_area_struct *to, struct vm_area_struct *from, unsigned long i)
{
	const struct kmm_pte *pte = &from->kmm_ptes[i];
	unsigned long addr = to->vm_start + (i << PAGE_SHIFT);
	struct page *page = pte->ref;
	int err;

	if (from->vm_file && (pte->flags & PTE_ANON))
		return vma_copy_on_write(to, addr, pte->ref);
	if (!from->vm_file) {
		page = alloc_page(GFP_HIGHUSER_MOVABLE);
		if (!page)
			return -ENOMEM;
		copy_highpage(page, pte->ref);
		err = vma_map_pfn(to, addr, page_to_pfn(page), pte->flags & PTE_WRITE, page);
	} else {
		if (page)
			get_page(page);
		err = vma_map_pfn(to, addr, pte->pfn, pte->flags & PTE_WRITE, page);
	}
	if (err && page)
		put_page(page);
	return err;
}

/*
 * Which of @vma's pages a child gets mapped at fork: raw-frame and mixed maps and anonymous
 * memory keep theirs; a driver's fault-handled mapping is faulted in anew by the child.
 */
static bool copies_ptes(const struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_WIPEONFORK)
		return false;
	return !vma->vm_file || vma_is_cow(vma) || (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP));
}

/* The child's copy of @vma, linked into @mm, pages copied, opened by its driver. */
static int vma_dup(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long delta)
{
	struct vm_area_struct *copy = vma_alloc(mm, vma->vm_start + delta, vma->vm_end + delta);

	if (!copy)
		return -ENOMEM;
	vma_copy_identity(copy, vma);
	copy->vm_flags &= ~VM_LOCKED; /* locks are not inherited */
	vma_link(mm, copy);
	for (unsigned long i = 0; copies_ptes(vma) && i < vma_pages(vma); i++)
		if ((pte_flags(&vma->kmm_ptes[i]) & PTE_PRESENT) &&
		    copy_pte(copy, vma, i) == -ENOMEM)
			return -ENOMEM;
	if (copy->vm_ops && copy->vm_ops->open)
		copy->vm_ops->open(copy);
	return 0;
}

int mm_dup(struct mm_struct *child, struct mm_struct *parent)
{
	unsigned long delta = child->start - parent->start;
	int err = 0;

	pthread_rwlock_rdlock(&parent->lock);
	pthread_rwlock_wrlock(&child->lock);
	for (struct vm_area_struct *vma = parent->mmap; vma && !err; vma = vma->vm_next)
		if (!(vma->vm_flags & VM_DONTCOPY))
			err = vma_dup(child, vma, delta);
	pthread_rwlock_unlock(&child->lock);
	pthread_rwlock_unlock(&parent->lock);
	return err;
}
