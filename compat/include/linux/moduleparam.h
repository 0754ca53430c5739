/*
 * <linux/moduleparam.h> for driver code: module parameters, bound at kmm_module_load() from
 * its "name=value" string. Each macro leaves a struct kernel_param and a descriptor naming the
 * module (kmm/module.h); the parameter types are the kernel's (param_ops_int ...).
 */
#ifndef _KMM_COMPAT_LINUX_MODULEPARAM_H
#define _KMM_COMPAT_LINUX_MODULEPARAM_H

#include <linux/init.h>
#include <linux/stringify.h>
#include <linux/kernel.h>
#include <kmm/module.h>

#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "kmm_builtin"
#endif

#define MODULE_PARAM_PREFIX KBUILD_MODNAME "."
#define MODULE_PARM_DESC(_parm, desc) __KMM_MODULE_TAG_PARM("parm=" #_parm ":" desc)
#define __KMM_MODULE_TAG_PARM(tag_)                                                      \
	KMM_MODULE_INFO(__KMM_MODINFO_PASTE(__kmm_modtag_, __COUNTER__), KBUILD_MODNAME, \
			KMM_MODINFO_TAG, tag, tag_)                                      \
	extern int __kmm_module_tag_semicolon

/* The kernel's compile-time check that the variable's type is the parameter type's. */
#define __param_check(name, p, type)                             \
	static inline type __always_unused *__check_##name(void) \
	{                                                        \
		return (p);                                      \
	}
#define param_check_byte(name, p) __param_check(name, p, unsigned char)
#define param_check_short(name, p) __param_check(name, p, short)
#define param_check_ushort(name, p) __param_check(name, p, unsigned short)
#define param_check_int(name, p) __param_check(name, p, int)
#define param_check_uint(name, p) __param_check(name, p, unsigned int)
#define param_check_long(name, p) __param_check(name, p, long)
#define param_check_ulong(name, p) __param_check(name, p, unsigned long)
#define param_check_ullong(name, p) __param_check(name, p, unsigned long long)
#define param_check_hexint(name, p) __param_check(name, p, unsigned int)
#define param_check_charp(name, p) __param_check(name, p, char *)
#define param_check_bool(name, p) __param_check(name, p, bool)
#define param_check_invbool(name, p) __param_check(name, p, bool)

/* <stdbool.h>'s bool is a macro, which the type argument has expanded by the time it is pasted. */
#define param_ops__Bool param_ops_bool
#define param_check__Bool param_check_bool

#define module_param_cb(name, ops, arg, perm) \
	__module_param_call(MODULE_PARAM_PREFIX, name, ops, arg, perm, -1, 0)
#define __module_param_call(prefix, name, ops_, arg_, perm_, level_, flags_)                       \
	static const struct kernel_param __param_##name = { #name,  NULL,   ops_,	    perm_, \
							    level_, flags_, { .arg = arg_ } };     \
	KMM_MODULE_INFO(__kmm_modparam_##name, KBUILD_MODNAME, KMM_MODINFO_PARAM, param,           \
			&__param_##name)                                                           \
	extern int __kmm_module_param_semicolon

#define module_param_named(name, value, type, perm) \
	param_check_##type(name, &(value));         \
	module_param_cb(name, &param_ops_##type, &value, perm)
#define module_param(name, type, perm) module_param_named(name, name, type, perm)
#define module_param_unsafe(name, type, perm) module_param(name, type, perm)

#define module_param_string(name, string, len, perm_)                                           \
	static const struct kparam_string __param_string_##name = { len, string };              \
	static const struct kernel_param __param_##name = {                                     \
		#name, NULL, &param_ops_string, perm_, -1, 0, { .str = &__param_string_##name } \
	};                                                                                      \
	KMM_MODULE_INFO(__kmm_modparam_##name, KBUILD_MODNAME, KMM_MODINFO_PARAM, param,        \
			&__param_##name)                                                        \
	extern int __kmm_module_param_semicolon

#define module_param_array_named(name, array, type, nump, perm_)                              \
	param_check_##type(name, &(array)[0]);                                                \
	static const struct kparam_array __param_arr_##name = { .max = ARRAY_SIZE(array),     \
								.num = nump,                  \
								.ops = &param_ops_##type,     \
								.elemsize = sizeof(array[0]), \
								.elem = array };              \
	static const struct kernel_param __param_##name = {                                   \
		#name, NULL, &param_array_ops, perm_, -1, 0, { .arr = &__param_arr_##name }   \
	};                                                                                    \
	KMM_MODULE_INFO(__kmm_modparam_##name, KBUILD_MODNAME, KMM_MODINFO_PARAM, param,      \
			&__param_##name)                                                      \
	extern int __kmm_module_param_semicolon
#define module_param_array(name, type, nump, perm) \
	module_param_array_named(name, name, type, nump, perm)

/* A hardware parameter (an irq, an io port): the same to kmm, which has no lockdown. */
#define module_param_hw_named(name, value, type, hwtype, perm) \
	module_param_named(name, value, type, perm)
#define module_param_hw(name, type, hwtype, perm) \
	module_param_hw_named(name, name, type, hwtype, perm)
#define module_param_hw_array(name, type, hwtype, nump, perm) \
	module_param_array(name, type, nump, perm)

#define core_param(name, var, type, perm) module_param(name, type, perm)

#endif
