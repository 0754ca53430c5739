/*
 * module_main.c - the program a kernel test module (lib/test_*.c) is linked into: boot,
 * "insmod" (the module's init), "rmmod" (its exit), shut down. The module's init returning
 * an error is a failed test, as insmod failing is; its pr_* lines are its output.
 *
 * The module is the one named MODNAME (its KBUILD_MODNAME, given by kunit.sh), loaded and
 * unloaded with kmm_module_load()/kmm_module_unload() as insmod and rmmod would.
 */
#include <stdio.h>
#include <kmm/kmm.h>
#include <kmm/module.h>

int main(void)
{
	int err = kmm_boot(NULL);

	if (err) {
		fprintf(stderr, "module_main: kmm_boot failed: %d\n", err);
		return 2;
	}
	err = kmm_module_load(MODNAME, NULL);
	if (err)
		fprintf(stderr, "module_main: init failed: %d\n", err);
	else
		kmm_module_unload(MODNAME);
	kmm_shutdown();
	return err ? 1 : 0;
}
