/*
 * <linux/module.h> for driver code built into a kmm program.
 *
 * There is no module loader: module_init() and module_exit() name the driver's entry points
 * as kmm_module_init and kmm_module_exit, pointers the host program calls after kmm_boot()
 * and before kmm_shutdown(), where insmod and rmmod would. So one program holds one module.
 * The MODULE_* tags are accepted and dropped.
 */
#ifndef _KMM_COMPAT_LINUX_MODULE_H
#define _KMM_COMPAT_LINUX_MODULE_H

#include <linux/init.h>
#include <linux/kernel.h>

#define module_init(fn) int (*const kmm_module_init)(void) = fn;
#define module_exit(fn) void (*const kmm_module_exit)(void) = fn;

/* Each expands to a declaration, so the tag's trailing semicolon stays legal at file scope. */
#define MODULE_LICENSE(s) extern int kmm_module_tag
#define MODULE_DESCRIPTION(s) extern int kmm_module_tag
#define MODULE_AUTHOR(s) extern int kmm_module_tag
#define MODULE_VERSION(s) extern int kmm_module_tag
#define MODULE_ALIAS(s) extern int kmm_module_tag

#endif
