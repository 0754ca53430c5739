/*
 * host.c - insmod and rmmod for one of the kernel's own modules compiled unchanged against kmm
 * (tests/linux-sources/run): boot a machine, load the module named on the command line with
 * its parameter string, say what init returned, unload it, shut down.
 *
 *   host MODNAME PARAMS EXPECTED   exit 0 when init returned EXPECTED (a module such as
 *                                  test_vmalloc returns -EAGAIN on purpose, to be unloaded)
 *
 * Context: a plain host program; one simulated process, one thread.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kmm/context.h>
#include <kmm/kmm.h>
#include <kmm/module.h>

int main(int argc, char **argv)
{
	int err, expected;

	if (argc != 4) {
		fprintf(stderr, "usage: %s MODNAME PARAMS EXPECTED\n", argv[0]);
		return 2;
	}
	expected = atoi(argv[3]);
	err = kmm_boot(NULL);
	if (err) {
		fprintf(stderr, "%s: kmm_boot: %d\n", argv[0], err);
		return 2;
	}
	kmm_set_current_comm("insmod");
	err = kmm_module_load(argv[1], argv[2]);
	fflush(stdout);
	printf("init returned %d\n", err);
	if (!err) {
		kmm_set_current_comm("rmmod");
		err = kmm_module_unload(argv[1]);
		if (err)
			printf("rmmod: %d\n", err);
		err = 0;
	}
	kmm_shutdown();
	return err == expected ? 0 : 1;
}
