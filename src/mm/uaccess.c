/*
 * uaccess.c - copy_to_user and friends: kernel <-> user memory of the current process.
 *
 * A copy walks the user range a page at a time. For each page it asks user_fault_in() for
 * the access (running the VMA's fault handler if the page is not there yet), then copies with
 * memcpy; the first page that cannot be reached ends the copy, and the bytes left are the
 * return value. So a bad pointer costs a short count, never a crash.
 *
 * Hardened usercopy (the hardened_usercopy option, on as in Debian): the kernel side of a copy
 * must not run off the end of a vmalloc area, and must stay inside one slab object's usercopy
 * region (all of a kmalloc object; none of a kmem_cache_create() object), else it is reported
 * in the kernel's words and refused (the kernel stops the task there). The kernel checks only
 * copies whose size the compiler does not know; the compat header's copy_to_user() sends
 * the known ones to __copy_to_user_fixed(), where only the object's end is checked, as
 * FORTIFY_SOURCE's object-size check would.
 *
 * Locking: mm->lock held for reading while a page is reached and copied. Process context:
 * fault handlers may sleep.
 */
#include <errno.h>
#include <string.h>

#include <kmm/context.h>
#include <kmm/uaccess.h>
#include "user/process.h"
#include "machine/report.h"
#include "mm/slab.h"
#include <kmm/vmalloc.h>
#include "machine/options.h"

/* The header's macros pick between the checks; these are the functions behind them. */
#undef copy_to_user
#undef copy_from_user

static unsigned long usercopy_reports;

bool access_ok(const void *addr, unsigned long size)
{
	struct kmm_process *p = process_current();
	unsigned long a = (unsigned long)addr;

	if (!p)
		return false;
	return a >= p->mm.start && a <= p->mm.end && size <= p->mm.end - a;
}

static void usercopy_report(const char *name, const char *type, bool to_user, unsigned long offset,
			    unsigned long n)
{
	__atomic_add_fetch(&usercopy_reports, 1, __ATOMIC_RELAXED);
	report_start(
		"usercopy",
		"usercopy: Kernel memory %s attempt detected %s %s%s%s%s (offset %lu, size %lu)!",
		to_user ? "exposure" : "overwrite", to_user ? "from" : "to", name, type ? " '" : "",
		type ? type : "", type ? "'" : "", offset, n);
	report_add_task();
	report_add_stack();
	report_add("kmm: the copy was refused");
	report_finish();
}

/* A vmalloc area's copy must end inside it (its guard page counted, as the kernel counts). */
static bool check_vmalloc_object(const void *ptr, unsigned long n, bool to_user)
{
	struct vm_struct *area = find_vm_area(ptr);
	unsigned long offset;

	if (!area) {
		usercopy_report("vmalloc", "no area", to_user, 0, n);
		return false;
	}
	offset = (unsigned long)ptr - (unsigned long)area->addr;
	if (n <= area->size - offset)
		return true;
	usercopy_report("vmalloc", NULL, to_user, offset, n);
	return false;
}

/*
 * The kernel object touched from @ptr for @n bytes must contain them, inside its usercopy
 * region when @whitelist (a copy of a size not known at build time). Reports and returns false.
 */
static bool check_heap_object(const void *ptr, unsigned long n, bool to_user, bool whitelist)
{
	const struct kmem_cache *s;
	struct page *page;
	unsigned long offset, start = 0, size;

	if (!n || !kmm_opts.hardened_usercopy)
		return true;
	if (is_vmalloc_addr(ptr))
		return check_vmalloc_object(ptr, n, to_user);
	if (!virt_addr_valid(ptr))
		return true;
	page = virt_to_head_page(ptr);
	if (!PageSlab(page) || !page->slab_cache)
		return true;
	s = page->slab_cache;
	offset = ((unsigned long)ptr - (unsigned long)slab_address(page)) % s->size;
	if (offset < s->red_left_pad) {
		usercopy_report("SLUB object in left red zone", s->name, to_user, offset, n);
		return false;
	}
	offset -= s->red_left_pad;
	size = s->object_size;
	if (whitelist) {
		start = s->useroffset;
		size = s->usersize;
	}
	if (offset >= start && offset - start <= size && n <= start - offset + size)
		return true;
	usercopy_report("SLUB object", s->name, to_user, offset, n);
	return false;
}

/* Copy @n bytes between kernel @k and user @u; returns bytes not copied. */
static unsigned long user_copy(void *u, void *k, unsigned long n, bool to_user, bool zero)
{
	struct kmm_process *p = process_current();
	unsigned long addr = (unsigned long)u;
	int code;

	if (!n)
		return 0;
	if (!access_ok(u, n))
		return n;
	pthread_rwlock_rdlock(&p->mm.lock);
	while (n) {
		unsigned long chunk = PAGE_SIZE - (addr & ~PAGE_MASK);

		if (chunk > n)
			chunk = n;
		if (user_fault_in(&p->mm, addr, to_user, &code))
			break;
		if (zero)
			memset((void *)addr, 0, chunk);
		else if (to_user)
			memcpy((void *)addr, k, chunk);
		else
			memcpy(k, (void *)addr, chunk);
		addr += chunk;
		if (!zero) /* clear_user has no kernel buffer */
			k = (char *)k + chunk;
		n -= chunk;
	}
	pthread_rwlock_unlock(&p->mm.lock);
	return n;
}

static unsigned long to_user(void *to, const void *from, unsigned long n, bool whitelist)
{
	might_sleep();
	if (!check_heap_object(from, n, true, whitelist))
		return n;
	return user_copy(to, (void *)from, n, true, false);
}

static unsigned long from_user(void *to, const void *from, unsigned long n, bool whitelist)
{
	unsigned long left;

	might_sleep();
	if (!check_heap_object(to, n, false, whitelist))
		return n;
	left = user_copy((void *)from, to, n, false, false);
	if (left)
		memset((char *)to + (n - left), 0, left);
	return left;
}

unsigned long copy_to_user(void *to, const void *from, unsigned long n)
{
	return to_user(to, from, n, true);
}

unsigned long copy_from_user(void *to, const void *from, unsigned long n)
{
	return from_user(to, from, n, true);
}

unsigned long __copy_to_user_fixed(void *to, const void *from, unsigned long n)
{
	return to_user(to, from, n, false);
}

unsigned long __copy_from_user_fixed(void *to, const void *from, unsigned long n)
{
	return from_user(to, from, n, false);
}

unsigned long clear_user(void *to, unsigned long n)
{
	might_sleep();
	return user_copy(to, NULL, n, true, true);
}

long strnlen_user(const char *str, long n)
{
	struct kmm_process *p = process_current();
	unsigned long addr = (unsigned long)str;
	long len = 0;
	int code;

	might_sleep();
	if (n <= 0 || !access_ok(str, 1))
		return 0;
	pthread_rwlock_rdlock(&p->mm.lock);
	while (len < n) {
		if (!access_ok((void *)addr, 1) || user_fault_in(&p->mm, addr, false, &code)) {
			len = -1;
			break;
		}
		len++;
		if (!*(const char *)addr++)
			break;
		if (len == n)
			len++;
	}
	pthread_rwlock_unlock(&p->mm.lock);
	return len < 0 ? 0 : len;
}

long strncpy_from_user(char *dst, const char *src, long count)
{
	struct kmm_process *p = process_current();
	unsigned long addr = (unsigned long)src;
	long len = 0;
	int code;

	might_sleep();
	if (count <= 0)
		return 0;
	if (!access_ok(src, 1))
		return -EFAULT;
	pthread_rwlock_rdlock(&p->mm.lock);
	while (len < count) {
		char c;

		if (!access_ok((void *)addr, 1) || user_fault_in(&p->mm, addr, false, &code)) {
			len = -EFAULT;
			break;
		}
		c = *(const char *)addr++;
		dst[len] = c;
		if (!c)
			break;
		len++;
	}
	pthread_rwlock_unlock(&p->mm.lock);
	return len;
}

int kmm_get_user_bytes(void *dst, const void *uptr, unsigned long size)
{
	if (copy_from_user(dst, uptr, size))
		return -EFAULT;
	return 0;
}

int kmm_put_user_bytes(const void *src, void *uptr, unsigned long size)
{
	might_sleep();
	return user_copy(uptr, (void *)src, size, true, false) ? -EFAULT : 0;
}

unsigned long kmm_usercopy_reports(void)
{
	return __atomic_load_n(&usercopy_reports, __ATOMIC_RELAXED);
}
