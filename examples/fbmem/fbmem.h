/*
 * fbmem.h - the interface between the fbmem driver and its user programs (a uapi header):
 * the mmap offsets and the ioctls. Builds in a kernel module, in a user program against a
 * real kernel, and in kmm.
 *
 * Offset 0 maps the display's VRAM (remap_pfn_range: every page present at once).
 * Offset FBMEM_SHADOW_OFFSET maps the shadow buffer, page by page, from the fault handler; a
 * mapping may run past the buffer's end, and touching a page there raises SIGBUS.
 */
#ifndef FBMEM_H
#define FBMEM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define FBMEM_NAME "fbmem"
#define FBMEM_SHADOW_OFFSET (16UL << 20)

struct fbmem_info {
	__u32 width; /* pixels */
	__u32 height;
	__u32 bpp; /* bits per pixel: 32, 0x00RRGGBB */
	__u32 line_length; /* bytes per row */
	__u32 vram_size; /* bytes */
	__u32 shadow_size; /* bytes */
	__u64 shadow_faults; /* pages the fault handler has supplied */
};

#define FBMEM_IOC_MAGIC 'F'
#define FBMEM_IOC_GET_INFO _IOR(FBMEM_IOC_MAGIC, 0x80, struct fbmem_info)

#endif /* FBMEM_H */
