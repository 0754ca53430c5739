/*
 * kmm/kstrtox.h - the kernel's string-to-integer conversions (kstrto*, simple_strto*).
 *
 * kstrto*(): the whole string must be the number, with one trailing newline allowed; base 0
 * reads 0x.. as hex and 0.. as octal; a leading '+' is accepted, '-' only by the signed ones.
 * Return 0, -EINVAL for anything else in the string, -ERANGE when it does not fit.
 * Context: any.
 */
#ifndef KMM_KSTRTOX_H
#define KMM_KSTRTOX_H

#include <stdbool.h>
#include "types.h"

int __must_check kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int __must_check kstrtoll(const char *s, unsigned int base, long long *res);
int __must_check kstrtoul(const char *s, unsigned int base, unsigned long *res);
int __must_check kstrtol(const char *s, unsigned int base, long *res);
int __must_check kstrtouint(const char *s, unsigned int base, unsigned int *res);
int __must_check kstrtoint(const char *s, unsigned int base, int *res);
int __must_check kstrtou16(const char *s, unsigned int base, u16 *res);
int __must_check kstrtos16(const char *s, unsigned int base, s16 *res);
int __must_check kstrtou8(const char *s, unsigned int base, u8 *res);
int __must_check kstrtos8(const char *s, unsigned int base, s8 *res);
int __must_check kstrtobool(const char *s, bool *res);

/* The old ones: as much of the string as is a number; *endp past it. No range check. */
unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base);
unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base);
long simple_strtol(const char *cp, char **endp, unsigned int base);
long long simple_strtoll(const char *cp, char **endp, unsigned int base);

#endif /* KMM_KSTRTOX_H */
