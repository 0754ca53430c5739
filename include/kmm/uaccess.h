/*
 * kmm/uaccess.h - moving data between the kernel and the current process's user memory.
 *
 * The "current process" is the one whose kmm_read/kmm_write/kmm_ioctl/kmm_mmap call is
 * running the driver. A user address is good when it lies in that process's window and a VMA
 * there allows the access; pages not yet present are faulted in as the user's own touch would
 * (fault handlers run). A bad address never crashes: the copy stops at the first page it
 * cannot reach and says how many bytes it did not copy.
 *
 * With hardened usercopy (the hardened_usercopy option, on by default as in Debian), a copy
 * that would cross the end of a slab object, or (when its size is not known at build time)
 * leave the object's usercopy region (kmem_cache_create_usercopy(); all of a kmalloc object,
 * none of a kmem_cache_create() one), is refused and reported in the kernel's words
 * ("usercopy: Kernel memory exposure attempt detected from SLUB object 'kmalloc-64' (offset
 * 0, size 80)!").
 */
#ifndef KMM_UACCESS_H
#define KMM_UACCESS_H

#include "types.h"

/**
 * access_ok - is [addr, addr + size) inside the current process's user window?
 * @addr: user address
 * @size: bytes
 *
 * Says nothing about what is mapped there, as in the kernel.
 * Context: process context.
 * Return: true if the range is a user range.
 */
bool access_ok(const void *addr, unsigned long size);

/**
 * copy_to_user - copy kernel memory to user memory
 * @to: user destination
 * @from: kernel source
 * @n: bytes
 *
 * Context: process context, may sleep (fault handlers).
 * Return: bytes not copied (0 on success).
 */
unsigned long __must_check copy_to_user(void *to, const void *from, unsigned long n);

/**
 * copy_from_user - copy user memory to kernel memory
 * @to: kernel destination
 * @from: user source
 * @n: bytes
 *
 * The bytes not copied are zeroed at the destination, as the kernel does.
 * Context: process context, may sleep.
 * Return: bytes not copied.
 */
unsigned long __must_check copy_from_user(void *to, const void *from, unsigned long n);

/**
 * __copy_to_user_fixed - copy_to_user() of a size known at build time
 * @to: user destination
 * @from: kernel source
 * @n: bytes
 *
 * Hardened usercopy checks only that the copy stays inside its heap object, not that it
 * stays inside the object's usercopy region: the kernel leaves fixed-size copies to the
 * compiler. Called by the copy_to_user() macro; drivers need not name it.
 * Context: process context, may sleep.
 * Return: bytes not copied.
 */
unsigned long __must_check __copy_to_user_fixed(void *to, const void *from, unsigned long n);

/**
 * __copy_from_user_fixed - copy_from_user() of a size known at build time
 * @to: kernel destination
 * @from: user source
 * @n: bytes
 *
 * As __copy_to_user_fixed(), the other way.
 * Context: process context, may sleep.
 * Return: bytes not copied.
 */
unsigned long __must_check __copy_from_user_fixed(void *to, const void *from, unsigned long n);

#define copy_to_user(to, from, n) \
	(__builtin_constant_p(n) ? __copy_to_user_fixed(to, from, n) : (copy_to_user)(to, from, n))
#define copy_from_user(to, from, n)                                      \
	(__builtin_constant_p(n) ? __copy_from_user_fixed(to, from, n) : \
				   (copy_from_user)(to, from, n))

/**
 * clear_user - zero user memory
 * @to: user address
 * @n: bytes
 *
 * Context: process context, may sleep.
 * Return: bytes not zeroed.
 */
unsigned long clear_user(void *to, unsigned long n);

/**
 * strncpy_from_user - copy a NUL-terminated string from user memory
 * @dst: kernel buffer of @count bytes
 * @src: user string
 * @count: most bytes to copy
 *
 * Context: process context, may sleep.
 * Return: the string's length (not counting the NUL), @count if it did not fit (no NUL
 * written then), or -EFAULT.
 */
long strncpy_from_user(char *dst, const char *src, long count);

/**
 * strnlen_user - length of a user string including its NUL
 * @str: user string
 * @n: most bytes to look at
 *
 * Return: the length plus one, a value above @n when there is no NUL in range, or 0 on a bad
 * address.
 */
long strnlen_user(const char *str, long n);

/* Single values; the pointer's type gives the size. 0 or -EFAULT. */
int kmm_get_user_bytes(void *dst, const void *uptr, unsigned long size);
int kmm_put_user_bytes(const void *src, void *uptr, unsigned long size);

#define get_user(x, ptr)                                                             \
	({                                                                           \
		__typeof__(*(ptr)) __gu_val;                                         \
		int __gu_err = kmm_get_user_bytes(&__gu_val, (ptr), sizeof(*(ptr))); \
		(x) = __gu_err ? (__typeof__(*(ptr)))0 : __gu_val;                   \
		__gu_err;                                                            \
	})

#define put_user(x, ptr)                                              \
	({                                                            \
		__typeof__(*(ptr)) __pu_val = (x);                    \
		kmm_put_user_bytes(&__pu_val, (ptr), sizeof(*(ptr))); \
	})

#define __get_user(x, ptr) get_user(x, ptr)
#define __put_user(x, ptr) put_user(x, ptr)

/**
 * kmm_usercopy_reports - copies hardened usercopy has refused since boot
 *
 * Return: the count.
 */
unsigned long kmm_usercopy_reports(void);

#endif /* KMM_UACCESS_H */
