/*
 * kstrtox.c - string to integer, with the kernel's rules (kmm/kstrtox.h): the digits are read
 * here rather than by strtoull(), which would also skip leading blanks and take a '-' for an
 * unsigned number.
 */
#include <errno.h>
#include <ctype.h>
#include <limits.h>

#include <kmm/kstrtox.h>

/* Base 0 resolved from the prefix; a "0x" prefix is skipped for base 16. */
static const char *parse_base(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2]))
			*base = 16;
		else if (s[0] == '0')
			*base = 8;
		else
			*base = 10;
	}
	if (*base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	return s;
}

static int digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Digits from @s: how many were read (0: none), *res the value, *overflow if it did not fit. */
static unsigned int parse_digits(const char *s, unsigned int base, unsigned long long *res,
				 bool *overflow)
{
	unsigned long long v = 0;
	unsigned int n = 0;
	int d;

	*overflow = false;
	for (; (d = digit(s[n])) < (int)base; n++) {
		if (v > (ULLONG_MAX - (unsigned int)d) / base)
			*overflow = true;
		v = v * base + (unsigned int)d;
	}
	*res = v;
	return n;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long v;
	bool overflow;
	unsigned int n;

	if (s[0] == '+')
		s++;
	s = parse_base(s, &base);
	n = parse_digits(s, base, &v, &overflow);
	if (!n)
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	s += n;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long v;
	int err;

	if (s[0] == '-') {
		err = kstrtoull(s + 1, base, &v);
		if (err)
			return err;
		if (s[1] == '+')
			return -EINVAL;
		if (v > (unsigned long long)LLONG_MAX + 1)
			return -ERANGE;
		*res = (long long)(0 - v);
		return 0;
	}
	err = kstrtoull(s, base, &v);
	if (err)
		return err;
	if (v > LLONG_MAX)
		return -ERANGE;
	*res = (long long)v;
	return 0;
}

#define KSTRTO_UNSIGNED(name, type, max)                      \
	int name(const char *s, unsigned int base, type *res) \
	{                                                     \
		unsigned long long v;                         \
		int err = kstrtoull(s, base, &v);             \
                                                              \
		if (err)                                      \
			return err;                           \
		if (v > (max))                                \
			return -ERANGE;                       \
		*res = (type)v;                               \
		return 0;                                     \
	}
#define KSTRTO_SIGNED(name, type, min, max)                   \
	int name(const char *s, unsigned int base, type *res) \
	{                                                     \
		long long v;                                  \
		int err = kstrtoll(s, base, &v);              \
                                                              \
		if (err)                                      \
			return err;                           \
		if (v < (min) || v > (max))                   \
			return -ERANGE;                       \
		*res = (type)v;                               \
		return 0;                                     \
	}

KSTRTO_UNSIGNED(kstrtoul, unsigned long, ULONG_MAX)
KSTRTO_UNSIGNED(kstrtouint, unsigned int, UINT_MAX)
KSTRTO_UNSIGNED(kstrtou16, u16, USHRT_MAX)
KSTRTO_UNSIGNED(kstrtou8, u8, UCHAR_MAX)
KSTRTO_SIGNED(kstrtol, long, LONG_MIN, LONG_MAX)
KSTRTO_SIGNED(kstrtoint, int, INT_MIN, INT_MAX)
KSTRTO_SIGNED(kstrtos16, s16, SHRT_MIN, SHRT_MAX)
KSTRTO_SIGNED(kstrtos8, s8, SCHAR_MIN, SCHAR_MAX)

int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y':
	case 'Y':
	case 't':
	case 'T':
	case '1':
		*res = true;
		return 0;
	case 'n':
	case 'N':
	case 'f':
	case 'F':
	case '0':
		*res = false;
		return 0;
	case 'o':
	case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*res = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base)
{
	unsigned long long v;
	bool overflow;
	const char *s = parse_base(cp, &base);
	unsigned int n = parse_digits(s, base, &v, &overflow);

	if (endp)
		*endp = (char *)(n ? s + n : cp);
	return v;
}

unsigned long simple_strtoul(const char *cp, char **endp, unsigned int base)
{
	return (unsigned long)simple_strtoull(cp, endp, base);
}

long long simple_strtoll(const char *cp, char **endp, unsigned int base)
{
	if (*cp == '-')
		return -(long long)simple_strtoull(cp + 1, endp, base);
	return (long long)simple_strtoull(cp, endp, base);
}

long simple_strtol(const char *cp, char **endp, unsigned int base)
{
	return (long)simple_strtoll(cp, endp, base);
}
