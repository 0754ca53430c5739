/*
 * printk.c - the kernel log as driver code sees it: printk's format with the kernel's pointer
 * extensions, written to stdout.
 *
 * The message is formatted into a memory stream one conversion at a time: plain text is copied,
 * each ordinary conversion is handed to fprintf with exactly the argument type its length
 * modifier names, and the %p extensions (%px, %pGg) are expanded here. The finished line is
 * then written with a single fwrite, so concurrent lines stay whole.
 *
 * Context: any; allocates only through libc's memory stream, never from the simulated machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/gfp.h>
#include <kmm/printk.h>
#include "machine/machine.h"
#include "mm/internal.h"

/*
 * A zero printed with '#' and x or X: the kernel keeps the prefix ("0x0") where C drops it.
 * @f is the whole conversion ("%#010lx"); flags, width and precision are honoured.
 */
static void put_hex_zero(FILE *out, const char *f, char conv)
{
	const char *s = f + 1;
	bool left = false, zeros = false, has_prec = false;
	int width = 0, prec = 1, len, pad;

	for (; *s && strchr("-+ #0", *s); s++) {
		left |= *s == '-';
		zeros |= *s == '0';
	}
	width = atoi(s);
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		has_prec = true;
		prec = atoi(s + 1);
	}
	len = 2 + prec;
	pad = width > len ? width - len : 0;
	if (!left && !(zeros && !has_prec))
		fprintf(out, "%*s", pad, "");
	fputs(conv == 'X' ? "0X" : "0x", out);
	if (!left && zeros && !has_prec)
		prec += pad;
	fprintf(out, "%0*d", prec, 0);
	if (left)
		fprintf(out, "%*s", pad, "");
}

/* Take an unsigned integer argument of length modifier @lmod (as put_conversion() names it). */
static unsigned long long hex_arg(va_list *args, int lmod)
{
	switch (lmod) {
	case 'l':
	case 'z':
	case 't':
		return va_arg(*args, unsigned long);
	case 'L':
	case 'j':
		return va_arg(*args, unsigned long long);
	case 'H':
		return (unsigned char)va_arg(*args, unsigned int);
	case 'h':
		return (unsigned short)va_arg(*args, unsigned int);
	default:
		return va_arg(*args, unsigned int);
	}
}

/* Print one ordinary conversion @spec (from '%' to the conversion letter) consuming its argument. */
static void put_conversion(FILE *out, const char *spec, size_t len, va_list *args)
{
	char f[32];
	char conv = spec[len - 1];
	int lmod = 0; /* 'H' hh, 'h', 'l', 'L' ll/L, 'z', 't', 'j' */

	if (len >= sizeof(f))
		len = sizeof(f) - 1;
	memcpy(f, spec, len);
	f[len] = '\0';
	for (size_t i = 1; i < len - 1; i++) {
		switch (spec[i]) {
		case 'h':
			lmod = lmod == 'h' ? 'H' : 'h';
			break;
		case 'l':
			lmod = lmod == 'l' ? 'L' : 'l';
			break;
		case 'L':
		case 'q':
			lmod = 'L';
			break;
		case 'z':
		case 't':
		case 'j':
			lmod = spec[i];
			break;
		}
	}
	if ((conv == 'x' || conv == 'X') && strchr(f, '#')) {
		va_list peek;
		bool zero;

		va_copy(peek, *args);
		zero = hex_arg(&peek, lmod) == 0;
		va_end(peek);
		if (zero) {
			hex_arg(args, lmod);
			put_hex_zero(out, f, conv);
			return;
		}
	}
	switch (conv) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		if (lmod == 'l')
			fprintf(out, f, va_arg(*args, long));
		else if (lmod == 'L')
			fprintf(out, f, va_arg(*args, long long));
		else if (lmod == 'z')
			fprintf(out, f, va_arg(*args, size_t));
		else if (lmod == 't')
			fprintf(out, f, va_arg(*args, ptrdiff_t));
		else if (lmod == 'j')
			fprintf(out, f, va_arg(*args, intmax_t));
		else
			fprintf(out, f, va_arg(*args, int));
		break;
	case 'c':
		fprintf(out, f, va_arg(*args, int));
		break;
	case 's':
		fprintf(out, f, va_arg(*args, const char *));
		break;
	case 'p':
		fprintf(out, f, va_arg(*args, void *));
		break;
	case 'e':
	case 'f':
	case 'g':
	case 'E':
	case 'G':
		fprintf(out, f, va_arg(*args, double));
		break;
	case '%':
		fputc('%', out);
		break;
	default: /* unknown: print the text, consume nothing */
		fputs(f, out);
		break;
	}
}

int kmm_vprintk(const char *fmt, va_list args)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	va_list ap;

	if (!out)
		return 0;
	if (fmt[0] == '\001' && fmt[1])
		fmt += 2;
	va_copy(ap, args);
	while (*fmt) {
		const char *spec;
		size_t n;

		if (*fmt != '%') {
			fputc(*fmt++, out);
			continue;
		}
		spec = fmt++;
		/* Width and precision given as '*' are not supported: drivers do not use them here. */
		while (*fmt && strchr("-+ #0123456789.hlLqztj", *fmt))
			fmt++;
		if (!*fmt)
			break;
		n = (size_t)(++fmt - spec);
		if (spec[n - 1] == 'p' && *fmt == 'x') {
			fprintf(out, "%0*lx", machine_addr_width(),
				(unsigned long)va_arg(ap, void *));
			fmt++;
		} else if (spec[n - 1] == 'p' && fmt[0] == 'G' && fmt[1] == 'g') {
			char buf[256];

			fputs(gfp_format(*va_arg(ap, gfp_t *), buf, sizeof(buf)), out);
			fmt += 2;
		} else {
			put_conversion(out, spec, n, &ap);
		}
	}
	va_end(ap);
	fclose(out);
	fwrite(text, 1, len, stdout);
	free(text);
	return (int)len;
}

int kmm_printk(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = kmm_vprintk(fmt, args);
	va_end(args);
	return n;
}
