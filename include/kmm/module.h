/*
 * kmm/module.h - loadable modules: what module_init(), module_exit(), module_param() and the
 * MODULE_* tags leave behind in a program, and kmm's insmod and rmmod.
 *
 * There is no ELF loader: a module is code linked into the program, compiled with the module
 * flags (kmm_add_module() in CMake, or `pkg-config --cflags kmm-module`), which define
 * KBUILD_MODNAME as Kbuild does. Each of those macros in <linux/module.h> and
 * <linux/moduleparam.h> expands to one static descriptor, a struct kmm_module_info naming the
 * module (KBUILD_MODNAME) and what it contributes, plus a constructor that hands it to
 * kmm_module_info_add() before main() runs. A module is the set of descriptors sharing a name, so
 * a module may span several source files, and a program may hold several modules.
 *
 * The descriptor API, for code that builds its own module-level machinery on top (a test
 * runner that finds its suites per module, say): declare a static struct kmm_module_info with
 * .modname and .kind set and the matching union member, and pass it to kmm_module_info_add()
 * from a constructor (KMM_MODULE_INFO() does both). kmm_module_for_each_info() walks the
 * descriptors of one module, in the order they were added. The kinds are listed in
 * enum kmm_modinfo_kind; KMM_MODINFO_USER is free for such users (.data is theirs).
 *
 *   kmm_module_load("scull", "size=4096 debug=1")   insmod scull.ko size=4096 debug=1
 *   kmm_module_unload("scull")                        rmmod scull
 *
 * Loading binds the parameters, then calls the init function as insmod does: a non-zero
 * return is a failed load, reported with the kernel's words and the module left unloaded.
 * /proc/modules lists the loaded ones (kmm_proc_show("modules")).
 */
#ifndef KMM_MODULE_H
#define KMM_MODULE_H

#include <stdbool.h>
#include <stdio.h>
#include <kmm/types.h>

struct kernel_param;
struct module;

/* The operations behind one parameter type (param_ops_int ...), as the kernel's. */
struct kernel_param_ops {
	unsigned int flags;
	int (*set)(const char *val, const struct kernel_param *kp);
	int (*get)(char *buffer, const struct kernel_param *kp);
	void (*free)(void *arg);
};

/* set() accepts a missing value ("debug" alone, for a bool). */
#define KERNEL_PARAM_OPS_FL_NOARG (1 << 0)

/* module_param_string(): the buffer and its size. */
struct kparam_string {
	unsigned int maxlen;
	char *string;
};

/* module_param_array(): where the count goes, and each element's operations. */
struct kparam_array {
	unsigned int max;
	unsigned int elemsize;
	unsigned int *num;
	const struct kernel_param_ops *ops;
	void *elem;
};

/* One module parameter. perm is its sysfs mode (0: not visible there), kept for show. */
struct kernel_param {
	const char *name;
	struct module *mod;
	const struct kernel_param_ops *ops;
	const u16 perm;
	s8 level;
	u8 flags;
	union {
		void *arg;
		const struct kparam_string *str;
		const struct kparam_array *arr;
	};
};

/* The kernel's parameter types, and their set/get for a module_param_cb() of one's own. */
#define KMM_DECLARE_PARAM_TYPE(name)                                          \
	extern const struct kernel_param_ops param_ops_##name;                \
	int param_set_##name(const char *val, const struct kernel_param *kp); \
	int param_get_##name(char *buffer, const struct kernel_param *kp)
KMM_DECLARE_PARAM_TYPE(byte);
KMM_DECLARE_PARAM_TYPE(short);
KMM_DECLARE_PARAM_TYPE(ushort);
KMM_DECLARE_PARAM_TYPE(int);
KMM_DECLARE_PARAM_TYPE(uint);
KMM_DECLARE_PARAM_TYPE(long);
KMM_DECLARE_PARAM_TYPE(ulong);
KMM_DECLARE_PARAM_TYPE(ullong);
KMM_DECLARE_PARAM_TYPE(hexint);
KMM_DECLARE_PARAM_TYPE(charp);
KMM_DECLARE_PARAM_TYPE(bool);
KMM_DECLARE_PARAM_TYPE(invbool);
extern const struct kernel_param_ops param_ops_string;
extern const struct kernel_param_ops param_array_ops;
int param_set_copystring(const char *val, const struct kernel_param *kp);
int param_get_string(char *buffer, const struct kernel_param *kp);
void param_free_charp(void *arg);

/* A module's state in /proc/modules. */
enum module_state {
	MODULE_STATE_LIVE,
	MODULE_STATE_COMING,
	MODULE_STATE_GOING,
	MODULE_STATE_UNFORMED,
};

/* THIS_MODULE for a module compiled with __KBUILD_MODNAME; its state once loaded. */
struct module {
	enum module_state state;
	char name[56];
	void *kmm_priv; /* kmm: the loaded module's record */
};

enum kmm_modinfo_kind {
	KMM_MODINFO_INIT, /* .init: module_init() */
	KMM_MODINFO_EXIT, /* .exit: module_exit() */
	KMM_MODINFO_PARAM, /* .param: module_param() and friends */
	KMM_MODINFO_TAG, /* .tag: "license=GPL", "description=...", "author=..." */
	KMM_MODINFO_THIS, /* .this: the module's THIS_MODULE */
	KMM_MODINFO_USER, /* .data: someone else's, found with kmm_module_for_each_info() */
};

/* One thing a module contributes; static, lives as long as the program. */
struct kmm_module_info {
	const char *modname; /* KBUILD_MODNAME */
	enum kmm_modinfo_kind kind;
	union {
		int (*init)(void);
		void (*exit)(void);
		const struct kernel_param *param;
		const char *tag;
		struct module *this;
		void *data;
	};
	struct kmm_module_info *next; /* kmm's: the list of every descriptor */
};

/**
 * kmm_module_info_add - record one descriptor of a module
 * @info: static descriptor, .modname and .kind set
 *
 * Context: any, normally a constructor before main(); needs no boot and never allocates.
 */
void kmm_module_info_add(struct kmm_module_info *info);

/**
 * kmm_module_for_each_info - walk the descriptors of one module
 * @modname: the module's name
 * @fn: called for each descriptor of @modname, in the order they were added; non-zero stops
 * @arg: passed to @fn
 *
 * Context: any.
 * Return: what @fn returned last (0 when every call returned 0, or there were none).
 */
int kmm_module_for_each_info(const char *modname,
			     int (*fn)(const struct kmm_module_info *info, void *arg), void *arg);

/**
 * kmm_module_load - insmod: bind a module's parameters and call its init
 * @name: the module's KBUILD_MODNAME ("scull")
 * @params: "name=value" words separated by blanks, as insmod's arguments; NULL for none
 *
 * An unknown parameter, or a value its type refuses, fails the load as the kernel's
 * parse_args() does, with its message in the log. Parameters keep the values they were given
 * until the program ends, as a module's static data would if it were loaded again.
 *
 * Context: process context, after kmm_boot(); may sleep.
 * Return: 0; -ENOENT for no such module in the program; -EEXIST when already loaded; -EINVAL
 * (or the parameter's error) for a bad parameter; the init function's non-zero return.
 */
int kmm_module_load(const char *name, const char *params);

/**
 * kmm_module_unload - rmmod: call the module's exit and forget it was loaded
 * @name: the module's name
 *
 * Context: process context; may sleep.
 * Return: 0; -ENOENT when not loaded; -EBUSY when it has an init but no exit (the kernel
 * refuses to unload such a module).
 */
int kmm_module_unload(const char *name);

/**
 * kmm_module_is_loaded - whether a module is loaded (live)
 * @name: the module's name
 *
 * Context: any.
 */
bool kmm_module_is_loaded(const char *name);

/**
 * kmm_proc_modules - print /proc/modules
 * @out: where to print
 */
void kmm_proc_modules(FILE *out);

/* Expands, at file scope, to one descriptor and the constructor that records it. */
#define __KMM_MODINFO_PASTE2(a, b) a##b
#define __KMM_MODINFO_PASTE(a, b) __KMM_MODINFO_PASTE2(a, b)
#define KMM_MODULE_INFO(id, modname_, kind_, member, value)                          \
	static struct kmm_module_info id = { .modname = modname_,                    \
					     .kind = kind_,                          \
					     .member = value };                      \
	static void __attribute__((constructor)) __KMM_MODINFO_PASTE(id, _add)(void) \
	{                                                                            \
		kmm_module_info_add(&id);                                            \
	}

#endif /* KMM_MODULE_H */
