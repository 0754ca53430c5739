/*
 * options.h - kmm's run-time options (defined in options.c).
 *
 * One table holds every option: name, default, description. Values are read once at boot from
 * KMM_OPTIONS ("name=value,...") and the config; hot paths read the fields of kmm_opts directly.
 */
#ifndef KMM_INTERNAL_OPTIONS_H
#define KMM_INTERNAL_OPTIONS_H

#include <kmm/kmm.h>
#include "machine/os.h"

struct kmm_opts {
	long report_abort; /* abort() after the first report */
	long gfp_wait_ms; /* how long a sleeping allocation waits for frees before failing */
	long pcp_high; /* pages a thread caches per zone and order before giving back */
	long pcp_batch; /* pages moved between a thread cache and its zone at once */
	long might_sleep_once; /* report each might_sleep call site only once */
	long reserve_low_mb; /* MiB at the bottom of RAM reserved for "firmware" (x86) */
	long vmalloc_debug; /* unmap vfree'd areas and kunmap'd slots at once */
	long slab_hardened; /* obfuscate slab free pointers (SLAB_FREELIST_HARDENED) */
	long slab_random; /* randomize the free order of new slabs (SLAB_FREELIST_RANDOM) */
	long debug_pagealloc; /* take free pages out of the linear map (the boot option) */
	long hardened_usercopy; /* check user copies against slab objects and their whitelists */
	long dma_debug; /* track every DMA mapping and report misuse (CONFIG_DMA_API_DEBUG) */
	long swiotlb; /* enum kmm_swiotlb_mode: whether boot sets up the bounce pool */
	long swiotlb_slots; /* bounce slots of IO_TLB_SIZE bytes in the swiotlb pool */
	long swiotlb_force; /* bounce every streaming mapping (swiotlb=force) */
	long preempt_rcu; /* CONFIG_PREEMPT_RCU: rcu_read_lock() leaves preemption on */
	long proc_socket; /* serve the /proc views to other processes (fs/proc_socket.c) */
};

/* Values of the swiotlb option. */
enum kmm_swiotlb_mode {
	SWIOTLB_AUTO, /* the profile's rule: RAM above 4 GiB (x86), above ZONE_DMA (arm32) */
	SWIOTLB_OFF, /* never (swiotlb=noforce) */
	SWIOTLB_ON, /* always set up, bounce what a device cannot reach (iommu=soft) */
	SWIOTLB_FORCE, /* always set up, bounce every streaming mapping (swiotlb=force) */
};

extern KMM_HIDDEN struct kmm_opts kmm_opts;

/*
 * Check @text ("name=value,...", from @setting: "KMM_OPTIONS" or "options") without applying
 * it. Return: 0, or -EINVAL with @why naming the wrong item and what it allows.
 */
KMM_HIDDEN int options_check(const char *setting, const char *text, struct kmm_setting_error *why);

/* Reset every option to its default, then apply @text; -EINVAL on error (check it first). */
KMM_HIDDEN int options_load(const char *setting, const char *text);

#endif /* KMM_INTERNAL_OPTIONS_H */
