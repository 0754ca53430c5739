/*
 * <linux/init.h> for driver code: the section markers (a kmm program keeps its init code, so
 * they mean nothing) and the initcall levels, each of which a module runs as its module_init().
 */
#ifndef _KMM_COMPAT_LINUX_INIT_H
#define _KMM_COMPAT_LINUX_INIT_H

#include <linux/compiler.h>
#include <linux/types.h>

typedef int (*initcall_t)(void);
typedef void (*exitcall_t)(void);

#define __exit_p(x) x
#define __init_or_module
#define __meminit
#define __meminitdata
#define __devinit
#define __devexit

#endif
