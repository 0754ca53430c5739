/* <linux/kernel.h> for driver code: might_sleep() and the usual helpers. */
#ifndef _KMM_COMPAT_LINUX_KERNEL_H
#define _KMM_COMPAT_LINUX_KERNEL_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/kconfig.h>
#include <linux/printk.h>
#include <linux/bug.h>
#include <linux/minmax.h>
#include <asm/div64.h>
#include <kmm/bitops.h>
#include <kmm/context.h>

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif
