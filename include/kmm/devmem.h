/*
 * kmm/devmem.h - device memory: memory that lives on a simulated device (a framebuffer's VRAM,
 * a NIC's on-board buffer) at its own physical address, outside RAM.
 *
 * Each region is its own sparse memory file, listed in /proc/iomem under its name. It has no
 * struct page (pfn_valid() is false for it, as for real device memory); drivers reach it
 * through ioremap() or hand it to user space with remap_pfn_range().
 */
#ifndef KMM_DEVMEM_H
#define KMM_DEVMEM_H

#include "types.h"

struct kmm_devmem;

/**
 * kmm_devmem_create - put device memory on the machine's physical map
 * @name: the name /proc/iomem shows (kept by reference: use a string that lives on)
 * @phys: physical address, page-aligned, overlapping no RAM and no other region
 * @size: bytes, a multiple of PAGE_SIZE
 *
 * Context: process context.
 * Return: the region, or NULL (bad arguments, overlap, or no memory).
 */
struct kmm_devmem *kmm_devmem_create(const char *name, phys_addr_t phys, size_t size);

/**
 * kmm_devmem_destroy - take device memory off the physical map
 * @dm: the region; every mapping of it must be gone
 *
 * Context: process context.
 */
void kmm_devmem_destroy(struct kmm_devmem *dm);

/**
 * kmm_devmem_phys - physical address of a region
 * @dm: the region
 *
 * Return: its first physical address.
 */
phys_addr_t kmm_devmem_phys(const struct kmm_devmem *dm);

/**
 * kmm_devmem_size - size of a region in bytes
 * @dm: the region
 *
 * Return: the size.
 */
size_t kmm_devmem_size(const struct kmm_devmem *dm);

/**
 * kmm_devmem_ptr - the device's own view of its memory (what the hardware sees)
 * @dm: the region
 *
 * For the simulated device itself (its engine, a test checking what the driver wrote), never
 * for driver code, which must ioremap() or map it to user space.
 * Return: a pointer to the region's first byte.
 */
void *kmm_devmem_ptr(const struct kmm_devmem *dm);

#endif /* KMM_DEVMEM_H */
