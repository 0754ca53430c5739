/*
 * kernel/module.h - between the module loader (module.c) and its parameter parser (params.c).
 */
#ifndef KMM_INTERNAL_KERNEL_MODULE_H
#define KMM_INTERNAL_KERNEL_MODULE_H

/*
 * module_parse_params - bind a module's parameters from an insmod argument string
 * @modname: the module whose KMM_MODINFO_PARAM descriptors are searched
 * @args: "name=value" words separated by blanks (a value may be "double quoted"); NULL or ""
 *
 * An unknown name is ignored with a warning, as the kernel does for module parameters.
 * Context: process context.
 * Return: 0, or the first failing parameter's error (after its message in the log).
 */
int module_parse_params(const char *modname, const char *args);

#endif
