/* <linux/mm_types.h> for driver code: struct page. */
#ifndef _KMM_COMPAT_LINUX_MM_TYPES_H
#define _KMM_COMPAT_LINUX_MM_TYPES_H

#include <linux/types.h>
#include <kmm/page.h>

#endif
