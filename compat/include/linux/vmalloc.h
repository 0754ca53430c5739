/* <linux/vmalloc.h> for driver code: vmalloc, vmap and the vmalloc area. */
#ifndef _KMM_COMPAT_LINUX_VMALLOC_H
#define _KMM_COMPAT_LINUX_VMALLOC_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <kmm/vmalloc.h>

#include <linux/thread_info.h> /* THREAD_SIZE, THREAD_ALIGN for vmalloc'd stacks */

#endif
