/*
 * printk's formats where the kernel's vsprintf and C's printf differ: %px (as wide as the
 * booted machine's pointers), and %#x of zero.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/layout.h>
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

/* %px is as wide as the machine's pointers: the i386 kernel printed ZERO_SIZE_PTR as 00000010. */
static void px_has_the_width_of_the_machines_pointers(void **state)
{
	struct kmm_config x86_32 = { .profile = "x86_32", .mem_bytes = 64ULL << 20 };
	struct kmm_config x86_64 = { .profile = "x86_64", .mem_bytes = 64ULL << 20 };
	char buf[128];

	assert_int_equal(kmm_boot(&x86_32), 0);
	printed(buf, sizeof(buf), "%px\n", (void *)0x10);
	/* A window the host made kmm move above 4 GiB needs all 16 digits. */
	assert_string_equal(buf, kmm_layout.at_real_address ? "00000010\n" : "0000000000000010\n");
	kmm_shutdown();
	assert_int_equal(kmm_boot(&x86_64), 0);
	printed(buf, sizeof(buf), "%px\n", (void *)0x10);
	assert_string_equal(buf, "0000000000000010\n");
	kmm_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hex_zero_with_the_alternate_form_keeps_its_prefix),
		cmocka_unit_test(other_numbers_print_as_in_c),
		cmocka_unit_test(px_has_the_width_of_the_machines_pointers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
