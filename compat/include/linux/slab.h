/* <linux/slab.h> for driver code: kmem_cache, kmalloc and their relatives. */
#ifndef _KMM_COMPAT_LINUX_SLAB_H
#define _KMM_COMPAT_LINUX_SLAB_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <kmm/slab.h>

#endif
