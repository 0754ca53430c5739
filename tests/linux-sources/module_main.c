/*
 * module_main.c - the program a kernel test module (lib/test_*.c) is linked into: boot,
 * "insmod" (the module's init), "rmmod" (its exit), shut down. The module's init returning
 * an error is a failed test, as insmod failing is; its pr_* lines are its output.
 *
 * It uses <linux/module.h>'s minimal module_init() (one module per program, its entry
 * points as kmm_module_init and kmm_module_exit); the module host of the compat work,
 * which also sets module parameters, replaces it.
 */
#include <stdio.h>
#include <kmm/kmm.h>

extern int (*const kmm_module_init)(void);
extern void (*const kmm_module_exit)(void) __attribute__((weak));

int main(void)
{
	int err = kmm_boot(NULL);

	if (err) {
		fprintf(stderr, "module_main: kmm_boot failed: %d\n", err);
		return 2;
	}
	err = kmm_module_init();
	if (err)
		fprintf(stderr, "module_main: init failed: %d\n", err);
	else if (&kmm_module_exit && kmm_module_exit)
		kmm_module_exit();
	kmm_shutdown();
	return err ? 1 : 0;
}
