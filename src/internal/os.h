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

#endif /* KMM_INTERNAL_OS_H */
