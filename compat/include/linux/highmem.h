/* <linux/highmem.h> for driver code: kmap, kmap_local_page, kmap_atomic and copy helpers. */
#ifndef _KMM_COMPAT_LINUX_HIGHMEM_H
#define _KMM_COMPAT_LINUX_HIGHMEM_H

#include <linux/types.h>
#include <linux/mm.h>
#include <kmm/highmem.h>

#endif
