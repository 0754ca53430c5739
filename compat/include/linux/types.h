/*
 * <linux/types.h> for driver code: the uapi types (__u8 ... __le64, the __kernel_* posix
 * types, through the host's header, as libc includes it), the kernel's u8 ... s64 and its
 * other basic types, as 6.1's header gives them. The libc types of the same names (pid_t,
 * off_t, size_t ...) come from <sys/types.h>, so libc headers mixed in agree with them.
 */
#ifndef _KMM_COMPAT_LINUX_TYPES_H
#define _KMM_COMPAT_LINUX_TYPES_H

#include_next <linux/types.h>
#include <linux/posix_types.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <kmm/types.h>

typedef unsigned short umode_t;
typedef unsigned int fmode_t;
typedef unsigned int slab_flags_t;
/* u_int64_t, blkcnt_t, loff_t: libc's <sys/types.h> has them, as long where the kernel says long long. */
typedef unsigned long irq_hw_number_t;
typedef u64 sector_t;
typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef unsigned long u_long;
typedef unsigned char unchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef unsigned long ulong;
typedef __kernel_uid32_t kuid_val_t;
typedef u32 __kernel_dev_t;

/* The comparison and swap callbacks of sort() and list_sort(). */
typedef int (*cmp_func_t)(const void *a, const void *b);
typedef void (*swap_func_t)(void *a, void *b, int size);
typedef int (*cmp_r_func_t)(const void *a, const void *b, const void *priv);

#endif
