/*
 * fbmem.h - the interface between the fbmem driver and its user programs (a uapi header):
 * the mmap offsets and the ioctls. Builds in a kernel module, in a user program against a
 * real kernel, and in kmm.
 *
 * Offset 0 maps the display's VRAM (remap_pfn_range: every page present at once).
 * Offset FBMEM_SHADOW_OFFSET maps the shadow buffer, page by page, from the fault handler; a
 * mapping may run past the buffer's end, and touching a page there raises SIGBUS.
 * Offset FBMEM_PROBE_OFFSET maps the probe window, FBMEM_PROBE_PAGES pages whose fault handler
 * gives each of a fault handler's answers (below) and records the vmf->flags it was called
 * with: the kernel test's user program shows there what the mm does with each answer.
 */
#ifndef FBMEM_H
#define FBMEM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define FBMEM_NAME "fbmem"
#define FBMEM_SHADOW_OFFSET (16UL << 20)
#define FBMEM_PROBE_OFFSET (32UL << 20)

/* The probe window's pages: what its fault handler answers for each. */
enum fbmem_probe_page {
	FBMEM_PROBE_PAGE0, /* 0-2: a page (the shadow's page of that index) */
	FBMEM_PROBE_SIGSEGV = 3, /* VM_FAULT_SIGSEGV */
	FBMEM_PROBE_HWPOISON, /* VM_FAULT_HWPOISON, as for a page with a memory error */
	FBMEM_PROBE_NOPAGE, /* VM_FAULT_NOPAGE with nothing installed, FBMEM_PROBE_RETRIES
			     * times in a row, then a page */
	FBMEM_PROBE_COPY, /* 6-7: a page, as 0-2 */
	FBMEM_PROBE_PAGES = 8,
};

#define FBMEM_PROBE_RETRIES 2

struct fbmem_info {
	__u32 width; /* pixels */
	__u32 height;
	__u32 bpp; /* bits per pixel: 32, 0x00RRGGBB */
	__u32 line_length; /* bytes per row */
	__u32 vram_size; /* bytes */
	__u32 shadow_size; /* bytes */
	__u64 shadow_faults; /* pages the fault handler has supplied */
	__u32 probe_faults; /* calls of the probe window's fault handler */
	__u32 probe_flags; /* the vmf->flags of its last call (FAULT_FLAG_*) */
};

#define FBMEM_IOC_MAGIC 'F'
#define FBMEM_IOC_GET_INFO _IOR(FBMEM_IOC_MAGIC, 0x80, struct fbmem_info)

#endif /* FBMEM_H */
