/* twofile_param.c - the parameter half of the "twofile" module. */
#include <linux/module.h>

int twofile_count = 1;
module_param_named(count, twofile_count, int, 0444);
