/*
 * remap.c - putting frames into a user VMA: remap_pfn_range and its I/O spellings,
 * vm_iomap_memory, vm_insert_page(s), vm_map_pages, remap_vmalloc_range, vmf_insert_pfn/page.
 *
 * Every frame is mapped from the memory file that backs it (physmem_lookup: the RAM file or a
 * device region's file), so the user's page and the kernel's view of the frame are the same
 * bytes. A run of frames contiguous in one file is mapped with one host call.
 *
 * Callers hold the VMA's mm->lock: for writing from a driver's mmap, for reading from a fault
 * handler. Process context (a fault handler counts as the faulting task's context).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <kmm/highmem.h>
#include <kmm/page_alloc.h>
#include <kmm/vmalloc.h>
#include "machine/physmem.h"
#include "user/process.h"

static struct kmm_pte *pte_of(struct vm_area_struct *vma, unsigned long addr)
{
	return &vma->kmm_ptes[(addr - vma->vm_start) >> PAGE_SHIFT];
}

static bool in_vma(const struct vm_area_struct *vma, unsigned long addr, unsigned long size)
{
	return addr >= vma->vm_start && addr < vma->vm_end && size <= vma->vm_end - addr;
}

/* Map @pages frames from @pfn at @addr; every pte there must be empty. */
static int map_run(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		   unsigned long pages, bool writable, struct page *ref)
{
	while (pages) {
		struct phys_backing b = physmem_lookup(PFN_PHYS(pfn));
		unsigned long n = pages;
		struct kmm_pte *pte = pte_of(vma, addr);
		int err, prot;

		if (b.kind == PHYS_NONE)
			return -EINVAL;
		if (n > b.len >> PAGE_SHIFT)
			n = b.len >> PAGE_SHIFT;
		if (!n)
			return -EINVAL;
		err = os_map_shared((void *)addr, n << PAGE_SHIFT, b.fd, b.offset);
		if (err)
			return err == -ENOMEM ? err : -ENOMEM;
		for (unsigned long i = 0; i < n; i++) {
			pte[i].pfn = pfn + i;
			pte[i].ref = ref;
			__atomic_store_n(&pte[i].flags, PTE_PRESENT | (writable ? PTE_WRITE : 0),
					 __ATOMIC_RELEASE);
		}
		prot = vma_host_prot(vma, pte);
		if (prot != (PROT_READ | PROT_WRITE))
			os_protect((void *)addr, n << PAGE_SHIFT, prot);
		addr += n << PAGE_SHIFT;
		pfn += n;
		pages -= n;
	}
	return 0;
}

int vma_map_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn, bool writable,
		struct page *ref)
{
	int err = -EBUSY;

	/* Two threads may fault the same page at once: the second finds it present. */
	pthread_mutex_lock(&vma->vm_mm->pte_lock);
	if (!(pte_flags(pte_of(vma, addr)) & PTE_PRESENT))
		err = map_run(vma, addr, pfn, 1, writable, ref);
	pthread_mutex_unlock(&vma->vm_mm->pte_lock);
	return err;
}

int vma_copy_on_write(struct vm_area_struct *vma, unsigned long addr, struct page *src)
{
	struct page *copy = alloc_page(GFP_HIGHUSER_MOVABLE), *old;
	struct kmm_pte *pte = pte_of(vma, addr & PAGE_MASK);
	void *to;
	int err;

	if (!copy)
		return -ENOMEM;
	if (src) {
		copy_highpage(copy, src);
	} else {
		to = kmap_local_page(copy);
		memcpy(to, (void *)(addr & PAGE_MASK), PAGE_SIZE); /* the page as mapped now */
		kunmap_local(to);
	}
	pthread_mutex_lock(&vma->vm_mm->pte_lock);
	old = pte->ref;
	memset(pte, 0, sizeof(*pte)); /* map_run() puts the copy in its place */
	err = map_run(vma, addr & PAGE_MASK, page_to_pfn(copy), 1, true, copy);
	if (!err) {
		__atomic_or_fetch(&pte->flags, PTE_ANON, __ATOMIC_RELEASE);
		os_protect((void *)(addr & PAGE_MASK), PAGE_SIZE, vma_host_prot(vma, pte));
	}
	pthread_mutex_unlock(&vma->vm_mm->pte_lock);
	if (old)
		put_page(old);
	if (err)
		put_page(copy);
	return err;
}

static bool frames_backed(unsigned long pfn, unsigned long pages)
{
	for (unsigned long i = 0; i < pages;) {
		struct phys_backing b = physmem_lookup(PFN_PHYS(pfn + i));

		if (b.kind == PHYS_NONE || b.len < PAGE_SIZE)
			return false;
		i += b.len >> PAGE_SHIFT;
	}
	return true;
}

int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		    unsigned long size, pgprot_t prot)
{
	unsigned long pages;
	int err;

	size = PAGE_ALIGN(size);
	if (!PAGE_ALIGNED(addr) || !size || !in_vma(vma, addr, size))
		return -EINVAL;
	pages = size >> PAGE_SHIFT;
	/* A private writable mapping must be remapped whole: vm_pgoff then names the frame. */
	if (!(vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE)) {
		if (addr != vma->vm_start || addr + size != vma->vm_end)
			return -EINVAL;
		vma->vm_pgoff = pfn;
	}
	if (pfn + pages < pfn || !frames_backed(pfn, pages))
		return -EINVAL;
	for (unsigned long i = 0; i < pages; i++)
		if (pte_flags(pte_of(vma, addr + (i << PAGE_SHIFT))) & PTE_PRESENT)
			return -EBUSY;
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	err = map_run(vma, addr, pfn, pages, pgprot_val(prot) & _PAGE_RW, NULL);
	if (err) {
		for (unsigned long i = 0; i < pages; i++) {
			struct kmm_pte *pte = pte_of(vma, addr + (i << PAGE_SHIFT));

			pte->flags = 0;
		}
		os_unmap_to_reserved((void *)addr, size);
	}
	return err;
}

int io_remap_pfn_range(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn,
		       unsigned long size, pgprot_t prot)
{
	return remap_pfn_range(vma, addr, pfn, size, prot);
}

int vm_iomap_memory(struct vm_area_struct *vma, phys_addr_t start, unsigned long len)
{
	unsigned long pfn, pages, vm_len;

	if (start + len < start)
		return -EINVAL;
	pfn = (unsigned long)(start >> PAGE_SHIFT);
	/* whole pages the region spans, counting a partial first page */
	pages = (len + (unsigned long)(start & ~PAGE_MASK) + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (pfn + pages < pfn || vma->vm_pgoff > pages)
		return -EINVAL;
	pfn += vma->vm_pgoff;
	pages -= vma->vm_pgoff;
	vm_len = vma_pages(vma);
	if (vm_len > pages)
		return -EINVAL;
	return io_remap_pfn_range(vma, vma->vm_start, pfn, vm_len << PAGE_SHIFT, vma->vm_page_prot);
}

int vm_insert_page(struct vm_area_struct *vma, unsigned long addr, struct page *page)
{
	int err;

	if (!in_vma(vma, addr, PAGE_SIZE) || !PAGE_ALIGNED(addr))
		return -EFAULT;
	if (!page_count(page) || PageSlab(compound_head(page)) || (vma->vm_flags & VM_PFNMAP))
		return -EINVAL;
	vm_flags_set(vma, VM_MIXEDMAP);
	get_page(page);
	err = vma_map_pfn(vma, addr, page_to_pfn(page), true, page);
	if (err)
		put_page(page);
	return err;
}

int vm_insert_pages(struct vm_area_struct *vma, unsigned long addr, struct page **pages,
		    unsigned long *num)
{
	while (*num) {
		int err = vm_insert_page(vma, addr, *pages);

		if (err)
			return err;
		addr += PAGE_SIZE;
		pages++;
		(*num)--;
	}
	return 0;
}

static int map_pages_from(struct vm_area_struct *vma, struct page **pages, unsigned long num,
			  unsigned long offset)
{
	unsigned long count = vma_pages(vma);

	if (offset >= num || count > num - offset)
		return -ENXIO;
	for (unsigned long i = 0; i < count; i++) {
		int err = vm_insert_page(vma, vma->vm_start + (i << PAGE_SHIFT), pages[offset + i]);

		if (err)
			return err;
	}
	return 0;
}

int vm_map_pages(struct vm_area_struct *vma, struct page **pages, unsigned long num)
{
	return map_pages_from(vma, pages, num, vma->vm_pgoff);
}

int vm_map_pages_zero(struct vm_area_struct *vma, struct page **pages, unsigned long num)
{
	return map_pages_from(vma, pages, num, 0);
}

int remap_vmalloc_range(struct vm_area_struct *vma, void *addr, unsigned long pgoff)
{
	unsigned long size = vma->vm_end - vma->vm_start, uaddr = vma->vm_start;
	struct vm_struct *area;
	char *kaddr;

	if (pgoff > (~0UL >> PAGE_SHIFT))
		return -EINVAL;
	kaddr = (char *)addr + (pgoff << PAGE_SHIFT);
	area = find_vm_area(kaddr);
	if (!area || !(area->flags & (VM_USERMAP | VM_DMA_COHERENT)))
		return -EINVAL;
	if (kaddr < (char *)area->addr ||
	    size > get_vm_area_size(area) - (unsigned long)(kaddr - (char *)area->addr))
		return -EINVAL;
	for (; size; size -= PAGE_SIZE, uaddr += PAGE_SIZE, kaddr += PAGE_SIZE) {
		int err = vm_insert_page(vma, uaddr, vmalloc_to_page(kaddr));

		if (err)
			return err;
	}
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

static vm_fault_t fault_code(int err)
{
	if (!err || err == -EBUSY)
		return VM_FAULT_NOPAGE;
	return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
}

vm_fault_t vmf_insert_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn)
{
	if (!(vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)) || !in_vma(vma, addr, 1))
		return VM_FAULT_SIGBUS;
	return fault_code(vma_map_pfn(vma, addr & PAGE_MASK, pfn, true, NULL));
}

vm_fault_t vmf_insert_page(struct vm_area_struct *vma, unsigned long addr, struct page *page)
{
	int err;

	if (!in_vma(vma, addr, 1))
		return VM_FAULT_SIGBUS;
	get_page(page);
	err = vma_map_pfn(vma, addr & PAGE_MASK, page_to_pfn(page), true, page);
	if (err)
		put_page(page);
	return fault_code(err);
}
