/* <linux/mm.h> for driver code: pages, their flags and references, address conversions, and
 * user mappings (vm_area_struct, remap_pfn_range, fault handlers). */
#ifndef _KMM_COMPAT_LINUX_MM_H
#define _KMM_COMPAT_LINUX_MM_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/shrinker.h>
#include <linux/string.h>
#include <asm/page.h>
#include <kmm/kmm.h>
#include <kmm/mm_user.h>

/*
 * The kernel's struct zone is kmm's own business; drivers only read a page's zone name. Each
 * page_zone() is a small value holding that name, from kmm_zone_name().
 */
struct kmm_compat_zone {
	const char *name;
};

#define page_zone(page) (&(const struct kmm_compat_zone){ kmm_zone_name(page_zonenum(page)) })

/* init_on_alloc= and init_on_free=: kmm's options of those names, read at boot. */
#define want_init_on_alloc(flags) (kmm_option("init_on_alloc") > 0 || ((flags)&__GFP_ZERO))
#define want_init_on_free() (kmm_option("init_on_free") > 0)

/* The struct page array: kmm's counterpart of the kernel's virtual memmap. */
#define VMEMMAP_START ((unsigned long)mem_map)

#endif
