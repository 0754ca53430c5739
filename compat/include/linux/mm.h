/* <linux/mm.h> for driver code: pages, their flags and references, address conversions. */
#ifndef _KMM_COMPAT_LINUX_MM_H
#define _KMM_COMPAT_LINUX_MM_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/shrinker.h>
#include <asm/page.h>

#endif
