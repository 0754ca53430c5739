/*
 * <linux/kernel.h> for driver code: what 6.1's header gives a driver, directly or through its
 * includes (min/max, the rounding and alignment helpers, ARRAY_SIZE, container_of, WARN via
 * bug.h as drivers expect from it, kstrto*, the limits), plus might_sleep().
 */
#ifndef _KMM_COMPAT_LINUX_KERNEL_H
#define _KMM_COMPAT_LINUX_KERNEL_H

#include <stdarg.h>
#include <linux/align.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/errno.h>
#include <linux/kconfig.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/printk.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/div64.h>
#include <kmm/bitops.h>
#include <kmm/context.h>

#undef ARRAY_SIZE
/* The number of elements of an array; a pointer instead is a compile error. */
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))

#define REPEAT_BYTE(x) ((~0ul / 0xff) * (x))
#define typeof_member(T, m) typeof(((T *)0)->m)
#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n) ((u32)((n)&0xffffffff))
#define upper_16_bits(n) ((u16)((n) >> 16))
#define lower_16_bits(n) ((u16)((n)&0xffff))

#define STACK_MAGIC 0xdeadbeef
#define _RET_IP_ ((unsigned long)__builtin_return_address(0))
#define _THIS_IP_                        \
	({                               \
		__label__ __here;        \
__here:                                  \
		(unsigned long)&&__here; \
	})

#define TAINT_WARN 9
#define LOCKDEP_STILL_OK 0
#define add_taint(flag, lockdep_ok) ((void)0)

#endif
