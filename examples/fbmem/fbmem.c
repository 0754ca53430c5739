/*
 * fbmem.c - a framebuffer character device, written only against the kernel's headers.
 *
 * The display's VRAM is device memory at a physical address. User programs map it two ways:
 *	offset 0			the VRAM itself, all at once (vm_iomap_memory, which is
 *					remap_pfn_range with the bounds checks), write-combined;
 *	offset FBMEM_SHADOW_OFFSET	a shadow buffer from vmalloc_user(), mapped lazily: each
 *					page comes from the fault handler (vmalloc_to_page) the
 *					first time the program touches it. Like a file mapped past
 *					its end, a shadow mapping may run on past the buffer, and a
 *					touch there is the program's SIGBUS (VM_FAULT_SIGBUS);
 *	offset FBMEM_PROBE_OFFSET	the probe window, for the kernel test: each page gets one
 *					of a fault handler's answers (enum fbmem_probe_page), and
 *					the handler records the vmf->flags it is called with.
 * read() copies from the shadow buffer with copy_to_user; an ioctl reports the geometry and
 * how many pages the fault handler has supplied. Each open gets a small client record from
 * the driver's own slab cache.
 *
 * Locking: the counters are atomics; everything else is set at init and read-only after.
 * Context: all operations run in process context.
 */
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "fbmem.h"

#ifdef MODULE
#include <linux/version.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
/* vm_flags_set() arrived in Linux 6.3; before it, drivers set vm_flags directly. */
#define vm_flags_set(vma, flags) ((vma)->vm_flags |= (flags))
#endif
#endif

struct fbmem_client {
	unsigned long opened_by; /* pid, for a debugger's eyes */
	atomic_t reads;
};

static struct fbmem_dev {
	phys_addr_t vram_phys;
	unsigned long vram_size;
	unsigned int width, height;
	void *shadow;
	unsigned long shadow_size;
	atomic_t shadow_faults;
	atomic_t probe_faults, probe_flags, nopage_left;
	struct kmem_cache *clients;
} fb;

/*
 * Clients come from the cache zeroed by this constructor and go back zeroed. Having one also
 * keeps SLUB from merging the cache into another of the same size, so it has its own line in
 * /proc/slabinfo (the kernel test compares that line with kmm's).
 */
static void fbmem_client_ctor(void *obj)
{
	struct fbmem_client *c = obj;

	c->opened_by = 0;
	atomic_set(&c->reads, 0);
}

static int fbmem_open(struct inode *inode, struct file *file)
{
	struct fbmem_client *c = kmem_cache_alloc(fb.clients, GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	file->private_data = c;
	return 0;
}

static int fbmem_release(struct inode *inode, struct file *file)
{
	fbmem_client_ctor(file->private_data);
	kmem_cache_free(fb.clients, file->private_data);
	return 0;
}

static vm_fault_t fbmem_shadow_fault(struct vm_fault *vmf)
{
	unsigned long index = vmf->pgoff - (FBMEM_SHADOW_OFFSET >> PAGE_SHIFT);
	struct page *page;

	if (index >= fb.shadow_size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	page = vmalloc_to_page((char *)fb.shadow + (index << PAGE_SHIFT));
	get_page(page);
	vmf->page = page;
	atomic_inc(&fb.shadow_faults);
	return 0;
}

static const struct vm_operations_struct fbmem_shadow_ops = {
	.fault = fbmem_shadow_fault,
};

static vm_fault_t fbmem_probe_fault(struct vm_fault *vmf)
{
	unsigned long index = vmf->pgoff - (FBMEM_PROBE_OFFSET >> PAGE_SHIFT);
	struct page *page;

	atomic_inc(&fb.probe_faults);
	atomic_set(&fb.probe_flags, vmf->flags);
	switch (index) {
	case FBMEM_PROBE_SIGSEGV:
		return VM_FAULT_SIGSEGV;
	case FBMEM_PROBE_HWPOISON:
		return VM_FAULT_HWPOISON;
	case FBMEM_PROBE_NOPAGE:
		/* "installed it myself", though nothing was: the access must come again */
		if (atomic_dec_return(&fb.nopage_left) >= 0)
			return VM_FAULT_NOPAGE;
		atomic_set(&fb.nopage_left, FBMEM_PROBE_RETRIES);
		break;
	}
	page = vmalloc_to_page((char *)fb.shadow + (index << PAGE_SHIFT));
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct fbmem_probe_ops = {
	.fault = fbmem_probe_fault,
};

static int fbmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long shadow_pgoff = FBMEM_SHADOW_OFFSET >> PAGE_SHIFT;
	unsigned long probe_pgoff = FBMEM_PROBE_OFFSET >> PAGE_SHIFT;

	if (vma->vm_pgoff >= probe_pgoff) {
		if (vma->vm_pgoff - probe_pgoff + vma_pages(vma) > FBMEM_PROBE_PAGES)
			return -EINVAL;
		vma->vm_ops = &fbmem_probe_ops;
		return 0;
	}
	if (vma->vm_pgoff < shadow_pgoff) {
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
		return vm_iomap_memory(vma, fb.vram_phys, fb.vram_size);
	}
	/*
	 * A shadow mapping must start inside the buffer but may end past it: the fault handler
	 * refuses the pages beyond, so the program learns of them only if it touches one.
	 */
	if (vma->vm_pgoff - shadow_pgoff >= fb.shadow_size >> PAGE_SHIFT)
		return -EINVAL;
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &fbmem_shadow_ops;
	return 0;
}

static ssize_t fbmem_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
{
	struct fbmem_client *c = file->private_data;
	unsigned long left;

	if (*pos >= (loff_t)fb.shadow_size)
		return 0;
	if (count > fb.shadow_size - *pos)
		count = fb.shadow_size - *pos;
	left = copy_to_user(buf, (char *)fb.shadow + *pos, count);
	if (left == count)
		return -EFAULT;
	atomic_inc(&c->reads);
	*pos += count - left;
	return count - left;
}

static long fbmem_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct fbmem_info info = {
		.width = fb.width,
		.height = fb.height,
		.bpp = 32,
		.line_length = fb.width * 4,
		.vram_size = fb.vram_size,
		.shadow_size = fb.shadow_size,
		.shadow_faults = atomic_read(&fb.shadow_faults),
		.probe_faults = atomic_read(&fb.probe_faults),
		.probe_flags = atomic_read(&fb.probe_flags),
	};

	if (cmd != FBMEM_IOC_GET_INFO)
		return -ENOTTY;
	if (copy_to_user((void __user *)arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static const struct file_operations fbmem_fops = {
	.owner = THIS_MODULE,
	.open = fbmem_open,
	.release = fbmem_release,
	.read = fbmem_read,
	.unlocked_ioctl = fbmem_ioctl,
	.mmap = fbmem_mmap,
	.llseek = default_llseek,
};

static struct miscdevice fbmem_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = FBMEM_NAME,
	.fops = &fbmem_fops,
	.mode = 0666, /* any user may draw, as on a desktop's framebuffer */
};

int fbmem_init(unsigned long long vram_phys, unsigned long vram_size, unsigned int width,
	       unsigned int height)
{
	int err;

	if ((unsigned long)width * height * 4 > vram_size)
		return -EINVAL;
	fb.vram_phys = vram_phys;
	fb.vram_size = vram_size;
	fb.width = width;
	fb.height = height;
	fb.shadow_size = PAGE_ALIGN(vram_size);
	atomic_set(&fb.shadow_faults, 0);
	atomic_set(&fb.probe_faults, 0);
	atomic_set(&fb.probe_flags, 0);
	atomic_set(&fb.nopage_left, FBMEM_PROBE_RETRIES);
	fb.clients = kmem_cache_create("fbmem_client", sizeof(struct fbmem_client), 0, 0,
				       fbmem_client_ctor);
	if (!fb.clients)
		return -ENOMEM;
	fb.shadow = vmalloc_user(fb.shadow_size);
	if (!fb.shadow) {
		kmem_cache_destroy(fb.clients);
		return -ENOMEM;
	}
	fbmem_misc.minor = MISC_DYNAMIC_MINOR;
	err = misc_register(&fbmem_misc);
	if (err) {
		vfree(fb.shadow);
		kmem_cache_destroy(fb.clients);
	}
	return err;
}

void fbmem_exit(void)
{
	misc_deregister(&fbmem_misc);
	vfree(fb.shadow);
	kmem_cache_destroy(fb.clients);
}

#ifdef MODULE
/*
 * Built as a real kernel module there is no simulated board: a block of RAM stands in for the
 * VRAM, which remap_pfn_range maps just the same.
 */
#include <linux/io.h>
#include <linux/module.h>

#define FBMEM_MODULE_WIDTH 320
#define FBMEM_MODULE_HEIGHT 200
#define FBMEM_MODULE_SIZE PAGE_ALIGN(FBMEM_MODULE_WIDTH *FBMEM_MODULE_HEIGHT * 4)

static struct page *fbmem_ram;

static int __init fbmem_module_init(void)
{
	int err;

	fbmem_ram = alloc_pages(GFP_KERNEL | __GFP_ZERO, get_order(FBMEM_MODULE_SIZE));
	if (!fbmem_ram)
		return -ENOMEM;
	err = fbmem_init(page_to_phys(fbmem_ram), FBMEM_MODULE_SIZE, FBMEM_MODULE_WIDTH,
			 FBMEM_MODULE_HEIGHT);
	if (err)
		__free_pages(fbmem_ram, get_order(FBMEM_MODULE_SIZE));
	return err;
}

static void __exit fbmem_module_exit(void)
{
	fbmem_exit();
	__free_pages(fbmem_ram, get_order(FBMEM_MODULE_SIZE));
}

module_init(fbmem_module_init);
module_exit(fbmem_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kmm example: a framebuffer mapped into user space");
#endif /* MODULE */
