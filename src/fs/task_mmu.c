/*
 * task_mmu.c - /proc/PID/maps: one line per VMA of a simulated process, in the kernel's format
 * (the kernel keeps it in fs/proc/task_mmu.c).
 *
 * Reads the VMA list under mm->lock held for reading. Process context.
 */
#include <stdio.h>

#include <kmm/process.h>
#include "user/process.h"

/* The kernel pads the fixed fields to this width, then a space, then a mapping's name. */
#define MAPS_NAME_COLUMN (25 + 8 * 6 - 1)

void kmm_proc_pid_maps(struct kmm_process *p, FILE *out)
{
	struct mm_struct *mm = &p->mm;

	pthread_rwlock_rdlock(&mm->lock);
	for (struct vm_area_struct *vma = mm->mmap; vma; vma = vma->vm_next) {
		vm_flags_t f = vma->vm_flags;
		unsigned long long offset =
			vma->vm_file ? (unsigned long long)vma->vm_pgoff << PAGE_SHIFT : 0;
		int len = fprintf(out, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", vma->vm_start,
				  vma->vm_end, f & VM_READ ? 'r' : '-', f & VM_WRITE ? 'w' : '-',
				  f & VM_EXEC ? 'x' : '-', f & VM_MAYSHARE ? 's' : 'p', offset, 0,
				  0, 0UL);

		if (vma->vm_file)
			fprintf(out, "%*s%s",
				len < MAPS_NAME_COLUMN ? MAPS_NAME_COLUMN - len + 1 : 1, " ",
				chrdev_inode_path(vma->vm_file->f_inode));
		fputc('\n', out);
	}
	pthread_rwlock_unlock(&mm->lock);
}
