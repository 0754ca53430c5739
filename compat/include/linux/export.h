/*
 * <linux/export.h> for driver code: every symbol of a kmm program is already visible to every
 * module in it, so the export macros only check that the symbol is declared.
 */
#ifndef _KMM_COMPAT_LINUX_EXPORT_H
#define _KMM_COMPAT_LINUX_EXPORT_H

#define EXPORT_SYMBOL(sym) extern typeof(sym) sym
#define EXPORT_SYMBOL_GPL(sym) extern typeof(sym) sym
#define EXPORT_SYMBOL_NS(sym, ns) extern typeof(sym) sym
#define EXPORT_SYMBOL_NS_GPL(sym, ns) extern typeof(sym) sym

#endif
