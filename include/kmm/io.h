/*
 * kmm/io.h - memory-mapped I/O: simulated register blocks, ioremap() and the accessors.
 *
 * A simulated device puts a register block on the physical map with kmm_mmio_create(): reads
 * and writes of it become calls of its on_read/on_write callbacks. Device memory (kmm/devmem.h)
 * is plain memory at its own physical address. A driver maps either with ioremap(), which
 * returns a cookie in the vmalloc area (an "ioremap" area in /proc/vmallocinfo), and touches
 * it only through readl()/writel() and friends: for a register block they call the device,
 * for device memory they load and store. An access outside every live mapping (past the end,
 * or after iounmap()) is reported and reads as all ones, as a bus read that no device answers.
 * ioremap() of RAM is refused, as the kernel refuses it.
 */
#ifndef KMM_IO_H
#define KMM_IO_H

#include "types.h"
#include "resource.h"

struct device;
struct platform_device;

/* ------------------------------------------------------------------ register blocks */

struct kmm_mmio;

struct kmm_mmio_ops {
	/* A read of @width bytes (1, 2, 4, 8) at @offset into the block; returns the value. */
	u64 (*on_read)(void *priv, unsigned long offset, unsigned int width);
	/* A write of @width bytes of @value at @offset. */
	void (*on_write)(void *priv, unsigned long offset, unsigned int width, u64 value);
};

/**
 * kmm_mmio_create - put a register block on the physical map
 * @name: shown in /proc/iomem (kept by reference)
 * @phys: physical address, overlapping no RAM, device memory or other block
 * @size: bytes
 * @ops: the callbacks (kept by reference); a missing on_read reads zero
 * @priv: passed to the callbacks
 *
 * The callbacks run in the accessing thread, in its context (a driver's IRQ handler reading a
 * status register calls on_read in hardirq context), and must not sleep.
 * Context: process context.
 * Return: the block, or NULL (bad arguments, overlap).
 */
struct kmm_mmio *kmm_mmio_create(const char *name, phys_addr_t phys, size_t size,
				 const struct kmm_mmio_ops *ops, void *priv);

/**
 * kmm_mmio_destroy - take a register block off the physical map
 * @m: the block; no mapping of it may remain
 *
 * Context: process context.
 */
void kmm_mmio_destroy(struct kmm_mmio *m);

/**
 * kmm_mmio_phys - first physical address of a register block
 * @m: the block
 *
 * Return: the address.
 */
phys_addr_t kmm_mmio_phys(const struct kmm_mmio *m);

/* ------------------------------------------------------------------ ioremap */

/**
 * ioremap - map device registers or memory into kernel virtual space
 * @phys: physical address (need not be page-aligned)
 * @size: bytes
 *
 * Context: process context; may sleep.
 * Return: the cookie for the accessors, or NULL (RAM, a range straddling two regions, no
 * vmalloc space).
 */
void __iomem *ioremap(phys_addr_t phys, size_t size);

/* Caching variants: kmm's mappings are all the same. */
void __iomem *ioremap_wc(phys_addr_t phys, size_t size);
void __iomem *ioremap_cache(phys_addr_t phys, size_t size);
void __iomem *ioremap_uc(phys_addr_t phys, size_t size);
#define ioremap_wt ioremap_wc
#define ioremap_np ioremap

/**
 * iounmap - remove a mapping made by ioremap()
 * @addr: the cookie (NULL is ignored)
 *
 * Context: process context; may sleep.
 */
void iounmap(volatile void __iomem *addr);

/**
 * devm_ioremap - ioremap() undone when the driver detaches
 * @dev: the device
 * @phys: physical address
 * @size: bytes
 *
 * Context: process context.
 * Return: the cookie, or NULL.
 */
void __iomem *devm_ioremap(struct device *dev, resource_size_t phys, resource_size_t size);

/**
 * devm_iounmap - undo devm_ioremap() early
 * @dev: the device
 * @addr: the cookie
 *
 * Context: process context.
 */
void devm_iounmap(struct device *dev, void __iomem *addr);

/**
 * devm_request_mem_region - request_mem_region() released when the driver detaches
 * @dev: the device
 * @start: first physical address
 * @n: bytes
 * @name: shown in /proc/iomem
 *
 * Context: process context.
 * Return: the busy range, or NULL.
 */
struct resource *devm_request_mem_region(struct device *dev, resource_size_t start,
					 resource_size_t n, const char *name);

/**
 * devm_ioremap_resource - claim a memory resource for @dev and map it, both undone at detach
 * @dev: the device
 * @res: an IORESOURCE_MEM resource
 *
 * Context: process context.
 * Return: the cookie, or ERR_PTR(-EINVAL) (not memory), ERR_PTR(-EBUSY) (already claimed),
 * ERR_PTR(-ENOMEM).
 */
void __iomem *devm_ioremap_resource(struct device *dev, const struct resource *res);

/**
 * devm_platform_ioremap_resource - devm_ioremap_resource() of a platform device's
 * @index-th memory resource
 * @pdev: the device
 * @index: 0-based among IORESOURCE_MEM resources
 *
 * Context: process context.
 * Return: the cookie or an ERR_PTR.
 */
void __iomem *devm_platform_ioremap_resource(struct platform_device *pdev, unsigned int index);

/* ------------------------------------------------------------------ accessors */

/* The two doors every accessor goes through: @width is 1, 2, 4 or 8. Any context. */
u64 kmm_io_read(const volatile void __iomem *addr, unsigned int width);
void kmm_io_write(volatile void __iomem *addr, unsigned int width, u64 value);

static inline u8 readb(const volatile void __iomem *addr)
{
	return (u8)kmm_io_read(addr, 1);
}

static inline u16 readw(const volatile void __iomem *addr)
{
	return (u16)kmm_io_read(addr, 2);
}

static inline u32 readl(const volatile void __iomem *addr)
{
	return (u32)kmm_io_read(addr, 4);
}

static inline u64 readq(const volatile void __iomem *addr)
{
	return kmm_io_read(addr, 8);
}

static inline void writeb(u8 value, volatile void __iomem *addr)
{
	kmm_io_write(addr, 1, value);
}

static inline void writew(u16 value, volatile void __iomem *addr)
{
	kmm_io_write(addr, 2, value);
}

static inline void writel(u32 value, volatile void __iomem *addr)
{
	kmm_io_write(addr, 4, value);
}

static inline void writeq(u64 value, volatile void __iomem *addr)
{
	kmm_io_write(addr, 8, value);
}

/* kmm's accesses are ordered already: the relaxed forms are the same calls. */
#define readb_relaxed readb
#define readw_relaxed readw
#define readl_relaxed readl
#define readq_relaxed readq
#define writeb_relaxed writeb
#define writew_relaxed writew
#define writel_relaxed writel
#define writeq_relaxed writeq

#define ioread8 readb
#define ioread16 readw
#define ioread32 readl
#define ioread64 readq
#define iowrite8 writeb
#define iowrite16 writew
#define iowrite32 writel
#define iowrite64 writeq

/**
 * memcpy_fromio - copy from a mapping to normal memory
 * @to: destination
 * @from: cookie + offset
 * @count: bytes
 *
 * Context: any.
 */
void memcpy_fromio(void *to, const volatile void __iomem *from, size_t count);

/**
 * memcpy_toio - copy from normal memory into a mapping
 * @to: cookie + offset
 * @from: source
 * @count: bytes
 *
 * Context: any.
 */
void memcpy_toio(volatile void __iomem *to, const void *from, size_t count);

/**
 * memset_io - fill part of a mapping
 * @addr: cookie + offset
 * @value: byte value
 * @count: bytes
 *
 * Context: any.
 */
void memset_io(volatile void __iomem *addr, int value, size_t count);

#endif /* KMM_IO_H */
