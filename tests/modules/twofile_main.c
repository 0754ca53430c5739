/* twofile_main.c - the init half of a module built from two files ("twofile"). */
#include <linux/module.h>

#include "modules.h"

extern int twofile_count;

int twofile_inits;

static int __init twofile_init(void)
{
	twofile_inits += twofile_count;
	return 0;
}
module_init(twofile_init)

	/* No module_exit(): such a module can never be unloaded, as in the kernel. */
	MODULE_LICENSE("GPL");
