/*
 * draw.h - the fbmem user program as a function, so that kmm's demo and tests can run it as
 * a simulated process (a real-kernel build gets a main() that calls it).
 */
#ifndef DRAW_H
#define DRAW_H

#include <stdio.h>

#define DRAW_SHADOW_PAGES 16

/*
 * Open @dev, draw a picture into its VRAM through mmap, touch DRAW_SHADOW_PAGES pages of the
 * shadow mapping and check them back through read(), printing one structured line per fact
 * to @out. Returns 0, or -1 with a line saying what failed.
 */
int fbmem_draw(const char *dev, FILE *out);

/*
 * Make the requests the driver and the mm must refuse (a mapping longer than the VRAM, an
 * offset beyond it, growing a remapped mapping, a touch of a shadow page past the buffer, a
 * read() into a half-mapped buffer) and print the errno, signal or count each one got.
 * Returns 0 when every answer is the kernel's.
 */
int fbmem_errors(const char *dev, FILE *out);

/*
 * Map at addresses of the program's choosing (MAP_FIXED over a mapping, MAP_FIXED_NOREPLACE,
 * an unaligned fixed address, a hint, mremap with MREMAP_FIXED) and print what each did.
 * Returns 0 when every errno is the kernel's.
 */
int fbmem_placement(const char *dev, FILE *out);

/*
 * Map the VRAM and the shadow privately and writably, write, and print what the mappings, the
 * VRAM and read() of the shadow show: copy on write. Returns 0 unless a call failed.
 */
int fbmem_private(const char *dev, FILE *out);

/*
 * Map the VRAM, the shadow and private memory, write to each, fork, and print what the child
 * sees (the same VRAM and shadow bytes, its own copy of the private byte, the fault handler
 * running again for its shadow pages) and what the parent keeps. Returns 0 when all is as the
 * kernel has it.
 */
int fbmem_fork(const char *dev, FILE *out);

/*
 * Map the probe window and print what the mm does with each answer of its fault handler:
 * the vmf->flags of user, copy_to_user and MAP_POPULATE faults, the signals for
 * VM_FAULT_SIGSEGV and VM_FAULT_HWPOISON, the retries of VM_FAULT_NOPAGE with nothing
 * installed; the errno of mmap at a negative offset; and what madvise (DONTNEED, WILLNEED,
 * POPULATE_READ/WRITE) and mlock/munlock answer on handler pages and on the VRAM (VM_PFNMAP).
 * Returns 0 unless a call failed.
 */
int fbmem_faults(const char *dev, FILE *out);

/*
 * Map the shadow with MAP_POPULATE and MAP_LOCKED and print how many pages mmap faulted in;
 * then, as an ordinary user (setuid) with one page of RLIMIT_MEMLOCK, print the answers to
 * locked mappings of the VRAM. Drops root for good: the caller's last call. Returns 0 when
 * every errno is the kernel's.
 */
int fbmem_locked(const char *dev, FILE *out);

#endif /* DRAW_H */
