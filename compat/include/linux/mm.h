/* <linux/mm.h> for driver code: pages, their flags and references, address conversions, and
 * user mappings (vm_area_struct, remap_pfn_range, fault handlers). */
#ifndef _KMM_COMPAT_LINUX_MM_H
#define _KMM_COMPAT_LINUX_MM_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/shrinker.h>
#include <asm/page.h>
#include <kmm/mm_user.h>

#endif
