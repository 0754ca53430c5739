/*
 * kmm/string.h - the kernel's string helpers that libc does not have.
 *
 * Context: any.
 */
#ifndef KMM_STRING_H
#define KMM_STRING_H

#include <stddef.h>

/**
 * memchr_inv - find the first byte that differs from @c
 * @start: the memory to scan
 * @c: the expected byte value
 * @bytes: how many bytes to scan
 *
 * Context: any.
 * Return: the address of the first byte not equal to @c, or NULL when all @bytes equal it.
 */
void *memchr_inv(const void *start, int c, size_t bytes);

#endif
