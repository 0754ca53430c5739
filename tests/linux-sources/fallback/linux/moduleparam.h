/*
 * A fallback <linux/moduleparam.h> for the harness, searched after compat/include
 * (-idirafter): while kmm's own module parameters are not in compat/include, a test module's
 * parameters keep their initial values, as a module loaded with no arguments has them. Once
 * compat/include has its moduleparam.h, that one is found first and this is unused.
 */
#ifndef _KMM_FALLBACK_LINUX_MODULEPARAM_H
#define _KMM_FALLBACK_LINUX_MODULEPARAM_H

#define module_param(name, type, perm) extern int kmm_module_param_unused
#define module_param_named(name, value, type, perm) extern int kmm_module_param_unused
#define MODULE_PARM_DESC(name, desc) extern int kmm_module_param_unused

#endif
