/*
 * <linux/module.h> for driver code: a module linked into the kmm program.
 *
 * module_init(), module_exit() and the MODULE_* tags each leave a descriptor naming the module
 * KBUILD_MODNAME (kmm/module.h); kmm_module_load("name", "param=value ...") is insmod and
 * kmm_module_unload("name") rmmod. Like the kernel's, each macro ends in its own ';', so the
 * one the driver writes after it is an empty declaration. Code compiled without the module
 * flags (no KBUILD_MODNAME) belongs to a module named "kmm_builtin".
 */
#ifndef _KMM_COMPAT_LINUX_MODULE_H
#define _KMM_COMPAT_LINUX_MODULE_H

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/export.h>
#include <kmm/module.h>

#define module_init(fn)                                                                 \
	KMM_MODULE_INFO(__kmm_modinit_##fn, KBUILD_MODNAME, KMM_MODINFO_INIT, init, fn) \
	extern int __kmm_module_init_semicolon;
#define module_exit(fn)                                                                 \
	KMM_MODULE_INFO(__kmm_modexit_##fn, KBUILD_MODNAME, KMM_MODINFO_EXIT, exit, fn) \
	extern int __kmm_module_exit_semicolon;

#define __KMM_MODULE_TAG(tag_)                                                           \
	KMM_MODULE_INFO(__KMM_MODINFO_PASTE(__kmm_modtag_, __COUNTER__), KBUILD_MODNAME, \
			KMM_MODINFO_TAG, tag, tag_)                                      \
	extern int __kmm_module_tag_semicolon
#define MODULE_LICENSE(s) __KMM_MODULE_TAG("license=" s)
#define MODULE_DESCRIPTION(s) __KMM_MODULE_TAG("description=" s)
#define MODULE_AUTHOR(s) __KMM_MODULE_TAG("author=" s)
#define MODULE_VERSION(s) __KMM_MODULE_TAG("version=" s)
#define MODULE_ALIAS(s) __KMM_MODULE_TAG("alias=" s)
#define MODULE_SOFTDEP(s) __KMM_MODULE_TAG("softdep=" s)
#define MODULE_INFO(tag, info) __KMM_MODULE_TAG(#tag "=" info)
#define MODULE_FIRMWARE(s) __KMM_MODULE_TAG("firmware=" s)
#define MODULE_IMPORT_NS(ns) __KMM_MODULE_TAG("import_ns=" #ns)
#define MODULE_DEVICE_TABLE(type, name) extern int __kmm_module_device_table_semicolon

#endif
