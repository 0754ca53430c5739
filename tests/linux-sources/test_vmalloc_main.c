/*
 * test_vmalloc_main.c - lib/test_vmalloc.c with module parameters, until compat's module
 * host sets them: the kernel file is included unchanged (its parameters are static variables
 * of this translation unit), the parameters are read from "name=value" arguments as insmod
 * takes them, and the module's init runs on a booted machine. Its verdict is its "Summary:"
 * lines (its init always returns -EAGAIN so that it unloads itself).
 *
 *   test_vmalloc nr_threads=2 test_loop_count=10000 run_test_mask=7
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kmm/kmm.h>

#include "lib/test_vmalloc.c"

static void set_param(const char *arg)
{
	static const struct {
		const char *name;
		int *value;
	} params[] = {
		{ "nr_threads", &nr_threads },
		{ "test_repeat_count", &test_repeat_count },
		{ "test_loop_count", &test_loop_count },
		{ "nr_pages", &nr_pages },
		{ "run_test_mask", &run_test_mask },
	};
	const char *eq = strchr(arg, '=');

	for (size_t i = 0; eq && i < sizeof(params) / sizeof(params[0]); i++) {
		if (strlen(params[i].name) == (size_t)(eq - arg) &&
		    strncmp(params[i].name, arg, (size_t)(eq - arg)) == 0) {
			*params[i].value = (int)strtol(eq + 1, NULL, 0);
			return;
		}
	}
	if (eq && strncmp(arg, "sequential_test_order=", 22) == 0) {
		sequential_test_order = atoi(eq + 1) != 0;
		return;
	}
	fprintf(stderr, "test_vmalloc: unknown parameter %s\n", arg);
	exit(2);
}

int main(int argc, char **argv)
{
	int err;

	for (int i = 1; i < argc; i++)
		set_param(argv[i]);
	err = kmm_boot(NULL);
	if (err) {
		fprintf(stderr, "test_vmalloc: kmm_boot failed: %d\n", err);
		return 2;
	}
	vmalloc_test_init();
	vmalloc_test_exit();
	kmm_shutdown();
	return 0;
}
