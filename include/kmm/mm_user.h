/*
 * kmm/mm_user.h - user mappings as a driver sees them: vm_area_struct, vm_operations_struct,
 * struct vm_fault, the VM_* and VM_FAULT_* codes, and the calls a driver's mmap or fault handler
 * makes to put frames into a user process (remap_pfn_range, vm_insert_page, vmf_insert_pfn).
 *
 * A VMA covers [vm_start, vm_end) of one simulated process's user window. Pages appear in it
 * either at once (remap_pfn_range and friends, called from the driver's mmap) or one at a time
 * when the user program first touches them and the VMA's fault handler supplies them.
 */
#ifndef KMM_MM_USER_H
#define KMM_MM_USER_H

#include "types.h"
#include "page.h"
#include "vmalloc.h"

typedef unsigned long vm_flags_t;
typedef unsigned int vm_fault_t;

/* vm_area_struct flags, with the kernel's values (Linux 6.1). */
#define VM_NONE 0x00000000UL
#define VM_READ 0x00000001UL
#define VM_WRITE 0x00000002UL
#define VM_EXEC 0x00000004UL
#define VM_SHARED 0x00000008UL
#define VM_MAYREAD 0x00000010UL
#define VM_MAYWRITE 0x00000020UL
#define VM_MAYEXEC 0x00000040UL
#define VM_MAYSHARE 0x00000080UL
#define VM_GROWSDOWN 0x00000100UL
#define VM_PFNMAP 0x00000400UL /* raw frames, no struct page references */
#define VM_LOCKED 0x00002000UL
#define VM_IO 0x00004000UL /* device memory: never dumped, never followed by get_user_pages */
#define VM_SEQ_READ 0x00008000UL
#define VM_RAND_READ 0x00010000UL
#define VM_DONTCOPY 0x00020000UL
#define VM_DONTEXPAND 0x00040000UL /* mremap may not grow it */
#define VM_ACCOUNT 0x00100000UL
#define VM_NORESERVE 0x00200000UL
#define VM_WIPEONFORK 0x02000000UL /* a child gets this range empty (MADV_WIPEONFORK) */
#define VM_DONTDUMP 0x04000000UL
#define VM_MIXEDMAP 0x10000000UL /* pages and raw frames may both appear */
/* Removed in Linux 3.7; drivers of that age meant "leave this mapping alone". */
#define VM_RESERVED (VM_DONTEXPAND | VM_DONTDUMP)

/* Fault handler results (Linux 6.1 values). */
#define VM_FAULT_OOM 0x000001u
#define VM_FAULT_SIGBUS 0x000002u
#define VM_FAULT_MAJOR 0x000004u
#define VM_FAULT_HWPOISON 0x000010u
#define VM_FAULT_HWPOISON_LARGE 0x000020u
#define VM_FAULT_SIGSEGV 0x000040u
#define VM_FAULT_NOPAGE 0x000100u /* the handler installed the entry itself */
#define VM_FAULT_LOCKED 0x000200u
#define VM_FAULT_RETRY 0x000400u
#define VM_FAULT_FALLBACK 0x000800u
#define VM_FAULT_ERROR                                                           \
	(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON | \
	 VM_FAULT_HWPOISON_LARGE | VM_FAULT_FALLBACK)

/* struct vm_fault flags (Linux 6.1's enum fault_flag, every one). */
#define FAULT_FLAG_WRITE 0x001u /* the access writes */
#define FAULT_FLAG_MKWRITE 0x002u /* a present read-only page made writable */
#define FAULT_FLAG_ALLOW_RETRY 0x004u /* the handler may drop mmap_lock and ask for a retry */
#define FAULT_FLAG_RETRY_NOWAIT 0x008u /* ... but must not wait when it does */
#define FAULT_FLAG_KILLABLE 0x010u /* a fatal signal may end the wait */
#define FAULT_FLAG_TRIED 0x020u /* this is the retry */
#define FAULT_FLAG_USER 0x040u /* the access came from user mode */
#define FAULT_FLAG_REMOTE 0x080u /* on behalf of another process (GUP of a foreign mm) */
#define FAULT_FLAG_INSTRUCTION 0x100u /* an instruction fetch */
#define FAULT_FLAG_INTERRUPTIBLE 0x200u /* any signal may end the wait */
#define FAULT_FLAG_UNSHARE 0x400u /* break COW of a shared anonymous page, no write */
#define FAULT_FLAG_ORIG_PTE_VALID 0x800u /* the page table exists: orig_pte was read */
/* What a page fault from the CPU starts with (the architecture adds USER, WRITE ...). */
#define FAULT_FLAG_DEFAULT (FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE | FAULT_FLAG_INTERRUPTIBLE)

/* x86 page-table bits as pgprot_t carries them; kmm honours present, write and user. */
#define _PAGE_PRESENT 0x001UL
#define _PAGE_RW 0x002UL
#define _PAGE_USER 0x004UL
#define _PAGE_PWT 0x008UL
#define _PAGE_PCD 0x010UL
#define _PAGE_ACCESSED 0x020UL
#define PAGE_NONE __pgprot(_PAGE_ACCESSED)
#define PAGE_SHARED __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_READONLY __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)

/* Caching attributes: recorded in the protection, no effect on host memory. */
static inline pgprot_t pgprot_noncached(pgprot_t prot)
{
	return __pgprot(pgprot_val(prot) | _PAGE_PCD);
}

static inline pgprot_t pgprot_writecombine(pgprot_t prot)
{
	return __pgprot((pgprot_val(prot) & ~_PAGE_PCD) | _PAGE_PWT);
}

#define pgprot_device(prot) pgprot_noncached(prot)

struct file;
struct mm_struct;
struct vm_area_struct;

struct vm_fault {
	struct vm_area_struct *vma;
	unsigned int flags; /* FAULT_FLAG_* */
	pgoff_t pgoff; /* vma->vm_pgoff + page index of address in the VMA */
	unsigned long address; /* the faulting user address, rounded down to its page */
	unsigned long real_address; /* the address exactly as touched */
	struct page *page; /* set by the handler, holding a reference for the mapping */
};

struct vm_operations_struct {
	void (*open)(struct vm_area_struct *vma); /* a new VMA shares the mapping (split) */
	void (*close)(struct vm_area_struct *vma); /* the VMA goes away */
	vm_fault_t (*fault)(struct vm_fault *vmf);
	const char *(*name)(struct vm_area_struct *vma);
};

/*
 * One mapping of a user process. vm_flags changes only through vm_flags_set/clear (and the
 * mm code). kmm_ptes has (vm_end - vm_start) >> PAGE_SHIFT entries, one per page.
 */
struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end; /* first byte after */
	struct vm_area_struct *vm_next; /* the process's next VMA by address */
	struct mm_struct *vm_mm;
	pgprot_t vm_page_prot;
	vm_flags_t vm_flags;
	pgoff_t vm_pgoff; /* offset in the file, in pages */
	struct file *vm_file;
	const struct vm_operations_struct *vm_ops;
	void *vm_private_data;
	struct kmm_pte *kmm_ptes; /* kmm: what each page maps, managed by the mm code */
};

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}

/**
 * vm_get_page_prot - the page protection VMA flags call for
 * @vm_flags: VM_READ/VM_WRITE/VM_EXEC/VM_SHARED
 *
 * Context: any.
 * Return: the protection.
 */
pgprot_t vm_get_page_prot(vm_flags_t vm_flags);

/**
 * remap_pfn_range - map a run of physical frames into a user VMA at once
 * @vma: the VMA being set up (from the driver's mmap)
 * @addr: first user address, page-aligned, inside @vma
 * @pfn: first frame: RAM or device memory
 * @size: bytes, rounded up to pages; [addr, addr + size) must lie inside @vma
 * @prot: protection; without _PAGE_RW the pages are read-only
 *
 * The user sees the very bytes the kernel sees at those frames. Marks the VMA
 * VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP. Takes no page references.
 * Context: process context (the driver's mmap).
 * Return: 0, -EINVAL (range outside the VMA, or a frame nothing backs) or -ENOMEM.
 */
int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		    unsigned long size, pgprot_t prot);

/**
 * io_remap_pfn_range - remap_pfn_range for I/O memory
 * @vma: the VMA
 * @addr: first user address
 * @pfn: first frame
 * @size: bytes
 * @prot: protection
 *
 * Context: process context.
 * Return: as remap_pfn_range().
 */
int io_remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		       unsigned long size, pgprot_t prot);

/**
 * vm_iomap_memory - map a physical region into a whole VMA, honouring its offset
 * @vma: the VMA; vm_pgoff pages into the region are mapped at vm_start
 * @start: physical address of the region
 * @len: its length
 *
 * The usual body of a framebuffer's mmap: it refuses a VMA that reaches past the region.
 * Context: process context.
 * Return: 0, or -EINVAL (offset beyond the region, VMA longer than what remains).
 */
int vm_iomap_memory(struct vm_area_struct *vma, phys_addr_t start, unsigned long len);

/**
 * vm_insert_page - put one page (with a struct page) into a VMA
 * @vma: the VMA, not VM_PFNMAP
 * @addr: user address, page-aligned, inside @vma
 * @page: the page; the mapping takes its own reference
 *
 * Marks the VMA VM_MIXEDMAP.
 * Context: process context.
 * Return: 0, -EFAULT (address outside), -EINVAL (slab page, or a VM_PFNMAP VMA), -EBUSY
 * (something already mapped there) or -ENOMEM.
 */
int vm_insert_page(struct vm_area_struct *vma, unsigned long addr, struct page *page);

/**
 * vm_insert_pages - vm_insert_page() for consecutive addresses
 * @vma: the VMA
 * @addr: first user address
 * @pages: the pages
 * @num: in: how many; out: how many were not inserted
 *
 * Context: process context.
 * Return: 0, or the first error (with *@num counting what remains).
 */
int vm_insert_pages(struct vm_area_struct *vma, unsigned long addr, struct page **pages,
		    unsigned long *num);

/**
 * vm_map_pages - map an array of pages into a whole VMA, starting vm_pgoff pages in
 * @vma: the VMA
 * @pages: the pages
 * @num: how many there are
 *
 * Context: process context (the driver's mmap).
 * Return: 0, -ENXIO (the VMA reaches past the array) or vm_insert_page()'s error.
 */
int vm_map_pages(struct vm_area_struct *vma, struct page **pages, unsigned long num);

/**
 * vm_map_pages_zero - vm_map_pages() ignoring vm_pgoff
 * @vma: the VMA
 * @pages: the pages
 * @num: how many there are
 *
 * Context: process context.
 * Return: as vm_map_pages().
 */
int vm_map_pages_zero(struct vm_area_struct *vma, struct page **pages, unsigned long num);

/**
 * remap_vmalloc_range - map a vmalloc_user() buffer into a whole VMA
 * @vma: the VMA
 * @addr: the buffer (it must have VM_USERMAP)
 * @pgoff: pages into the buffer to start at
 *
 * Marks the VMA VM_DONTEXPAND | VM_DONTDUMP.
 * Context: process context.
 * Return: 0, or -EINVAL (not a vmalloc_user buffer, or the VMA reaches past it).
 */
int remap_vmalloc_range(struct vm_area_struct *vma, void *addr, unsigned long pgoff);

/**
 * vmf_insert_pfn - map one raw frame from a fault handler
 * @vma: a VM_PFNMAP or VM_MIXEDMAP VMA
 * @addr: the user address
 * @pfn: the frame
 *
 * Context: a fault handler.
 * Return: VM_FAULT_NOPAGE, VM_FAULT_SIGBUS (bad address or frame) or VM_FAULT_OOM.
 */
vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn);

/**
 * vmf_insert_page - vm_insert_page() from a fault handler
 * @vma: the VMA
 * @addr: the user address
 * @page: the page
 *
 * Context: a fault handler.
 * Return: VM_FAULT_NOPAGE, VM_FAULT_SIGBUS or VM_FAULT_OOM.
 */
vm_fault_t vmf_insert_page(struct vm_area_struct *vma, unsigned long addr, struct page *page);

/**
 * vmf_error - the fault code an errno calls for
 * @err: a negative errno
 *
 * Return: VM_FAULT_OOM for -ENOMEM, else VM_FAULT_SIGBUS.
 */
static inline vm_fault_t vmf_error(int err)
{
	return err == -12 ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
}

/**
 * find_vma - the first VMA of @mm ending above @addr
 * @mm: the address space
 * @addr: a user address
 *
 * Context: process context, with the mapping unchanged meanwhile.
 * Return: the VMA or NULL.
 */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);

#endif /* KMM_MM_USER_H */
