/*
 * printk's formats where the kernel's vsprintf and C's printf differ: %px, and %#x of zero.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <kmm/printk.h>

/* What kmm_printk(@fmt, ...) writes to stdout, in @buf. */
static void printed(char *buf, size_t size, const char *fmt, ...)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDOUT_FILENO);
	va_list ap;
	size_t n;

	assert_non_null(tmp);
	fflush(stdout);
	dup2(fileno(tmp), STDOUT_FILENO);
	va_start(ap, fmt);
	kmm_vprintk(fmt, ap);
	va_end(ap);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

static void hex_zero_with_the_alternate_form_keeps_its_prefix(void **state)
{
	char buf[128];

	printed(buf, sizeof(buf), "count=%#x\n", 0u);
	assert_string_equal(buf, "count=0x0\n");
	printed(buf, sizeof(buf), "%#lx %#X %#hhx\n", 0ul, 0u, 0x100u);
	assert_string_equal(buf, "0x0 0X0 0x0\n");
	printed(buf, sizeof(buf), "[%#6x][%-#6x][%#06x][%#.3x]\n", 0u, 0u, 0u, 0u);
	assert_string_equal(buf, "[   0x0][0x0   ][0x0000][0x000]\n");
}

static void other_numbers_print_as_in_c(void **state)
{
	char buf[128];

	printed(buf, sizeof(buf), "%#x %#010lx %x %d %s\n", 255u, 0x1234ul, 0u, -3, "ok");
	assert_string_equal(buf, "0xff 0x00001234 0 -3 ok\n");
	printed(buf, sizeof(buf), "%px\n", (void *)0x1000);
	assert_string_equal(buf, "0000000000001000\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hex_zero_with_the_alternate_form_keeps_its_prefix),
		cmocka_unit_test(other_numbers_print_as_in_c),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
