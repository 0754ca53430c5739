/*
 * parmod.c - a test module with one parameter of each kind, whose init reports what it was
 * given (tests/api/test_module_api.c loads it as "parmod" with parameter strings).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "modules.h"

static int size = 1024;
module_param(size, int, 0444);
MODULE_PARM_DESC(size, "buffer size");
static unsigned long mask = 0xff;
module_param(mask, ulong, 0644);
static bool debug;
module_param(debug, bool, 0644);
static char *label = "none";
module_param(label, charp, 0444);
static char name[8] = "def";
module_param_string(name, name, sizeof(name), 0444);
static int ports[4];
static unsigned int nr_ports;
module_param_array(ports, int, &nr_ports, 0444);
static int init_ret;
module_param(init_ret, int, 0);

struct parmod_seen parmod_seen;

static int __init parmod_init(void)
{
	parmod_seen.size = size;
	parmod_seen.mask = mask;
	parmod_seen.debug = debug;
	parmod_seen.label = label;
	parmod_seen.name = name;
	parmod_seen.nr_ports = nr_ports;
	for (unsigned int i = 0; i < nr_ports; i++)
		parmod_seen.ports[i] = ports[i];
	parmod_seen.modname = KBUILD_MODNAME;
	parmod_seen.basename = KBUILD_BASENAME;
	parmod_seen.inits++;
	return init_ret;
}

static void __exit parmod_exit(void)
{
	parmod_seen.exits++;
}

module_init(parmod_init);
module_exit(parmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kmm's module parameter test");
