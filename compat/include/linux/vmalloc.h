/* <linux/vmalloc.h> for driver code: vmalloc, vmap and the vmalloc area. */
#ifndef _KMM_COMPAT_LINUX_VMALLOC_H
#define _KMM_COMPAT_LINUX_VMALLOC_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <kmm/vmalloc.h>

/*
 * A kernel stack's size and the alignment vmalloc'd stacks get: 16 KiB for a 64-bit kernel and
 * 8 KiB for a 32-bit one, without KASAN (kmm itself is always a 64-bit program).
 */
#ifndef THREAD_SIZE
#define THREAD_SIZE (sizeof(long) == 8 ? 4 * PAGE_SIZE : 2 * PAGE_SIZE)
#endif
#ifndef THREAD_ALIGN
#define THREAD_ALIGN THREAD_SIZE
#endif

#endif
