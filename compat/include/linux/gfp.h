/* <linux/gfp.h> for driver code: GFP flags and the page allocator. */
#ifndef _KMM_COMPAT_LINUX_GFP_H
#define _KMM_COMPAT_LINUX_GFP_H

#include <linux/types.h>
#include <kmm/gfp.h>
#include <kmm/page_alloc.h>

#endif
