/*
 * kmm/vmalloc.h - virtually contiguous kernel memory: vmalloc, vmap and the vmalloc area.
 *
 * vmalloc() takes single pages from the buddy allocator, from any zone the gfp allows (high
 * memory included), and maps those same frames at consecutive addresses inside
 * VMALLOC_START..VMALLOC_END: virtually contiguous, physically scattered, followed by an
 * unmapped guard page, exactly as in the kernel.
 */
#ifndef KMM_VMALLOC_H
#define KMM_VMALLOC_H

#include <stdio.h>
#include "types.h"
#include "gfp.h"
#include "page.h"

/* vm_struct flags, with the kernel's values (Linux 6.1). */
#define VM_IOREMAP 0x00000001UL /* ioremap() and friends */
#define VM_ALLOC 0x00000002UL /* vmalloc() */
#define VM_MAP 0x00000004UL /* vmap()ed pages */
#define VM_USERMAP 0x00000008UL /* suitable for remap_vmalloc_range */
#define VM_DMA_COHERENT 0x00000010UL /* dma_alloc_coherent */
#define VM_UNINITIALIZED 0x00000020UL /* being set up: not shown, not found */
#define VM_NO_GUARD 0x00000040UL /* no guard page after the area */
#define VM_KASAN 0x00000080UL
#define VM_FLUSH_RESET_PERMS 0x00000100UL
#define VM_MAP_PUT_PAGES 0x00000200UL /* vfree() puts the vmap()ed pages */
#define VM_ALLOW_HUGE_VMAP 0x00000400UL

/* Page protections for vmap() and __vmalloc_node_range(); kmm honours read-only. */
typedef struct {
	unsigned long pgprot;
} pgprot_t;

#define pgprot_val(x) ((x).pgprot)
#define __pgprot(x) ((pgprot_t){ (x) })
#define KMM_PGPROT_WRITE 0x2UL
#define PAGE_KERNEL __pgprot(0x63UL)
#define PAGE_KERNEL_RO __pgprot(0x61UL)
#define PAGE_KERNEL_EXEC PAGE_KERNEL

/*
 * One area of the vmalloc space. size includes the guard page (as /proc/vmallocinfo shows);
 * pages[] lists the frames mapped at addr, addr + PAGE_SIZE, ...; nr_pages counts those the
 * area owns (vmalloc, or vmap with VM_MAP_PUT_PAGES) and vfree() gives back.
 */
struct vm_struct {
	struct vm_struct *next;
	void *addr;
	unsigned long size;
	unsigned long flags;
	struct page **pages;
	unsigned int nr_pages;
	phys_addr_t phys_addr; /* ioremap areas: the physical address mapped */
	const void *caller;
};

/**
 * get_vm_area_size - usable bytes of an area (its size without the guard page)
 * @area: the area
 *
 * Return: the size in bytes.
 */
static inline size_t get_vm_area_size(const struct vm_struct *area)
{
	return area->flags & VM_NO_GUARD ? area->size : area->size - PAGE_SIZE;
}

/**
 * vmalloc - allocate virtually contiguous memory
 * @size: bytes; rounded up to whole pages
 *
 * Context: process context; may sleep (reported by might_sleep when atomic).
 * Return: the address, or NULL (size 0 warns once; a size beyond RAM is refused).
 */
void *vmalloc(unsigned long size);

/**
 * vzalloc - vmalloc() and zero the memory
 * @size: bytes
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *vzalloc(unsigned long size);

/**
 * vmalloc_node - vmalloc() on a NUMA node (kmm has one; @node is ignored)
 * @size: bytes
 * @node: node id or NUMA_NO_NODE
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *vmalloc_node(unsigned long size, int node);

/**
 * vzalloc_node - vzalloc() on a NUMA node
 * @size: bytes
 * @node: node id or NUMA_NO_NODE
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *vzalloc_node(unsigned long size, int node);

/**
 * vmalloc_32 - vmalloc() from pages a 32-bit device can address (low memory; DMA32 on x86_64)
 * @size: bytes
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *vmalloc_32(unsigned long size);

/**
 * vmalloc_user - zeroed vmalloc() memory that may later be mapped into a user process
 * @size: bytes
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *vmalloc_user(unsigned long size);

/**
 * vmalloc_32_user - vmalloc_32() memory, zeroed and mappable into a user process
 * @size: bytes
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *vmalloc_32_user(unsigned long size);

/**
 * __vmalloc - vmalloc() with explicit GFP flags
 * @size: bytes
 * @gfp: GFP flags for the pages (__GFP_ZERO, __GFP_NOWARN, zone modifiers, ...)
 *
 * Context: may sleep if @gfp allows blocking.
 * Return: the address, or NULL.
 */
void *__vmalloc(unsigned long size, gfp_t gfp);

/**
 * __vmalloc_node - __vmalloc() with an alignment and a caller for /proc/vmallocinfo
 * @size: bytes
 * @align: alignment of the address, a power of two >= PAGE_SIZE (smaller is PAGE_SIZE)
 * @gfp: GFP flags
 * @node: node id (ignored)
 * @caller: the code address /proc/vmallocinfo shows
 *
 * Context: may sleep if @gfp allows blocking.
 * Return: the address, or NULL.
 */
void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp, int node,
		     const void *caller);

/**
 * vfree - free memory from vmalloc() and friends
 * @addr: the address vmalloc() returned; NULL is ignored
 *
 * The pages go back to the buddy allocator at once; the addresses are unmapped lazily, in
 * batches, unless the vmalloc_debug option is set, which makes them inaccessible at once. From
 * interrupt or atomic context the free is deferred to the next process-context call.
 * Context: any. An address that starts no area is reported ("Trying to vfree() nonexistent vm
 * area") and ignored, a double vfree included.
 */
void vfree(const void *addr);

/**
 * vfree_atomic - vfree() that never sleeps: the free is deferred to process context
 * @addr: the address vmalloc() returned; NULL is ignored
 *
 * Context: any.
 */
void vfree_atomic(const void *addr);

/**
 * kmm_kvmalloc - kvmalloc(): kmalloc memory if it comes easily, else vmalloc memory
 * @size: bytes
 * @gfp: GFP flags; without __GFP_DIRECT_RECLAIM there is no vmalloc fallback
 *
 * Above a page the kmalloc attempt is made once and quietly (__GFP_NORETRY, __GFP_NOWARN)
 * and vmalloc takes over, as the kernel's kvmalloc_node() does. <linux/slab.h>'s kvmalloc
 * family calls this.
 * Context: as kmalloc() and vmalloc() with @gfp.
 * Return: the address, or NULL.
 */
void *kmm_kvmalloc(size_t size, gfp_t gfp);

/**
 * kmm_kvfree - kvfree(): free memory from kmm_kvmalloc(), whichever allocator gave it
 * @addr: the address, or NULL
 *
 * Context: as kfree() for kmalloc memory, vfree() for vmalloc memory.
 */
void kmm_kvfree(const void *addr);

/**
 * vmap - map an array of pages at consecutive kernel addresses
 * @pages: the pages, in the order they should appear
 * @count: number of pages
 * @flags: VM_MAP, plus VM_MAP_PUT_PAGES to make vfree() put the pages
 * @prot: PAGE_KERNEL or PAGE_KERNEL_RO
 *
 * Context: process context; may sleep.
 * Return: the address, or NULL.
 */
void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);

/**
 * vunmap - remove a vmap() mapping; the pages are not freed
 * @addr: the address vmap() returned
 *
 * Context: process context, never in interrupt (reported).
 */
void vunmap(const void *addr);

/**
 * vmalloc_to_page - the page mapped at a vmalloc or vmap address
 * @addr: any address inside an area
 *
 * Context: any.
 * Return: the page, or NULL if nothing is mapped there (a guard page, a freed area).
 */
struct page *vmalloc_to_page(const void *addr);

/**
 * vmalloc_to_pfn - the page frame number mapped at a vmalloc address
 * @addr: any address inside an area
 *
 * Context: any.
 * Return: the pfn, or 0 if nothing is mapped there.
 */
unsigned long vmalloc_to_pfn(const void *addr);

/**
 * is_vmalloc_addr - is this address inside the vmalloc area?
 * @addr: any address
 *
 * Context: any.
 * Return: true for VMALLOC_START <= addr < VMALLOC_END.
 */
bool is_vmalloc_addr(const void *addr);

/**
 * is_vmalloc_or_module_addr - is this address in the vmalloc or the modules area?
 * @addr: any address
 *
 * Context: any.
 * Return: true if so.
 */
bool is_vmalloc_or_module_addr(const void *addr);

/**
 * find_vm_area - the area containing an address
 * @addr: an address inside a live area
 *
 * Context: any.
 * Return: the area, or NULL.
 */
struct vm_struct *find_vm_area(const void *addr);

/**
 * get_vm_area - reserve a range of the vmalloc area, with nothing mapped in it
 * @size: bytes (the guard page is added unless @flags has VM_NO_GUARD)
 * @flags: VM_* flags
 *
 * Context: process context; may sleep.
 * Return: the area, or NULL.
 */
struct vm_struct *get_vm_area(unsigned long size, unsigned long flags);

/**
 * get_vm_area_caller - get_vm_area() naming the caller /proc/vmallocinfo shows
 * @size: bytes
 * @flags: VM_* flags
 * @caller: code address
 *
 * Context: process context; may sleep.
 * Return: the area, or NULL.
 */
struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags, const void *caller);

/**
 * remove_vm_area - unmap an area and give its addresses back; the caller frees the result
 * @addr: the area's address
 *
 * Context: process context.
 * Return: the area (now unlinked; free it with free_vm_area()), or NULL.
 */
struct vm_struct *remove_vm_area(const void *addr);

/**
 * free_vm_area - remove and free an area from get_vm_area()
 * @area: the area
 *
 * Context: process context.
 */
void free_vm_area(struct vm_struct *area);

/**
 * vm_unmap_aliases - unmap every lazily freed area now, and run deferred vfree()s
 *
 * Context: process context.
 */
void vm_unmap_aliases(void);

/**
 * vmalloc_nr_pages - pages currently allocated by vmalloc (VmallocUsed in /proc/meminfo)
 *
 * Context: any.
 * Return: the count.
 */
unsigned long vmalloc_nr_pages(void);

/* What the vmalloc area holds now, for kmm info. */
struct kmm_vmalloc_usage {
	unsigned long areas; /* live areas */
	unsigned long busy_bytes; /* their address space, guard pages included */
	unsigned long vmalloc_pages; /* pages allocated by vmalloc */
	unsigned long lazy_bytes; /* freed, waiting to be unmapped */
	unsigned long free_bytes; /* holes */
	unsigned long largest_free; /* the largest hole */
};

/**
 * kmm_vmalloc_usage - a snapshot of the vmalloc area's use
 * @usage: filled in
 *
 * Context: process context.
 */
void kmm_vmalloc_usage(struct kmm_vmalloc_usage *usage);

/**
 * kmm_proc_vmallocinfo - /proc/vmallocinfo in the kernel's format
 * @out: where to print
 *
 * Context: process context.
 */
void kmm_proc_vmallocinfo(FILE *out);

#endif /* KMM_VMALLOC_H */
