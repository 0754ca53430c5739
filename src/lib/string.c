/*
 * string.c - the kernel's string helpers that libc lacks (kmm/string.h).
 *
 * Context: any; no locks, no allocation.
 */
#include <kmm/string.h>

void *memchr_inv(const void *start, int c, size_t bytes)
{
	const unsigned char *p = start;
	unsigned char want = (unsigned char)c;

	for (size_t i = 0; i < bytes; i++) {
		if (p[i] != want)
			return (void *)(p + i);
	}
	return NULL;
}
