/*
 * <linux/thread_info.h> for driver code: the size of a kernel stack, which vmalloc'd stacks
 * are aligned to (x86: 16 KiB on 64-bit, 8 KiB on 32-bit hosts).
 */
#ifndef _KMM_COMPAT_LINUX_THREAD_INFO_H
#define _KMM_COMPAT_LINUX_THREAD_INFO_H

#include <linux/types.h>

#define THREAD_SIZE (__SIZEOF_LONG__ == 8 ? 16384UL : 8192UL)
#define THREAD_ALIGN THREAD_SIZE

#endif
