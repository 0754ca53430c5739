/*
 * The calls a driver's mmap makes: vm_insert_page(s) take page references the mapping drops
 * at munmap, remap_vmalloc_range maps a vmalloc_user buffer and refuses anything else,
 * remap_pfn_range refuses frames nothing backs and ranges outside the VMA.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/fs.h>
#include <kmm/gfp.h>
#include <kmm/mm_user.h>
#include <kmm/page_alloc.h>
#include <kmm/process.h>
#include <kmm/slab.h>
#include <kmm/vmalloc.h>
#include "user/process.h"

static int (*mmap_body)(struct vm_area_struct *vma);
static struct page *pages[2];
static void *vbuf;
static int result;

static int t_mmap(struct file *file, struct vm_area_struct *vma)
{
	result = mmap_body(vma);
	return result;
}

static const struct file_operations t_fops = { .mmap = t_mmap };
static struct miscdevice t_misc = { .minor = MISC_DYNAMIC_MINOR, .name = "remap", .fops = &t_fops };
static struct kmm_process *proc;
static int fd;

static int setup(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	if (kmm_boot(&cfg))
		return -1;
	t_misc.minor = MISC_DYNAMIC_MINOR;
	if (misc_register(&t_misc))
		return -1;
	proc = kmm_process_create("remapper");
	fd = kmm_open(proc, "/dev/remap", O_RDWR);
	return fd >= 0 ? 0 : -1;
}

static int teardown(void **state)
{
	kmm_process_destroy(proc);
	misc_deregister(&t_misc);
	kmm_shutdown();
	return 0;
}

static void *map(size_t len, int (*body)(struct vm_area_struct *vma))
{
	mmap_body = body;
	return kmm_mmap(proc, fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
}

static int insert_two(struct vm_area_struct *vma)
{
	unsigned long num = 2;
	int err = vm_insert_pages(vma, vma->vm_start, pages, &num);

	return err ?: (int)num;
}

static void vm_insert_pages_holds_references_until_munmap(void **state)
{
	char *u;

	pages[0] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	pages[1] = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	u = map(2 * PAGE_SIZE, insert_two);
	assert_int_equal(kmm_mmap_err(u), 0);
	assert_int_equal(page_count(pages[0]), 2);
	assert_int_equal(page_count(pages[1]), 2);
	assert_true(kmm_process_mm(proc)->mmap->vm_flags & VM_MIXEDMAP);
	u[5] = 'p';
	assert_int_equal(((char *)page_address(pages[0]))[5], 'p');
	assert_int_equal(kmm_munmap(proc, u, 2 * PAGE_SIZE), 0);
	assert_int_equal(page_count(pages[0]), 1);
	assert_int_equal(page_count(pages[1]), 1);
	__free_page(pages[0]);
	__free_page(pages[1]);
}

static int map_the_array(struct vm_area_struct *vma)
{
	return vm_map_pages(vma, pages, 2);
}

static void vm_map_pages_maps_from_vm_pgoff_and_refuses_overruns(void **state)
{
	char *u;

	pages[0] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	pages[1] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	mmap_body = map_the_array;
	u = kmm_mmap(proc, fd, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, PAGE_SIZE);
	assert_int_equal(kmm_mmap_err(u), 0);
	u[1] = 'm';
	assert_int_equal(((char *)page_address(pages[1]))[1], 'm');
	assert_int_equal(
		kmm_mmap_err(kmm_mmap(proc, fd, 2 * PAGE_SIZE, PROT_READ, MAP_SHARED, PAGE_SIZE)),
		-ENXIO);
	assert_int_equal(kmm_munmap(proc, u, PAGE_SIZE), 0);
	assert_int_equal(page_count(pages[1]), 1);
	__free_page(pages[0]);
	__free_page(pages[1]);
}

static int insert_slab_page(struct vm_area_struct *vma)
{
	void *obj = kmalloc(64, GFP_KERNEL);
	int err = vm_insert_page(vma, vma->vm_start, virt_to_page(obj));
	int outside = vm_insert_page(vma, vma->vm_end, pages[0]);

	kfree(obj);
	return err == -EINVAL && outside == -EFAULT ? -EINVAL : -EIO;
}

static void vm_insert_page_refuses_slab_pages_and_outside_addresses(void **state)
{
	pages[0] = alloc_page(GFP_KERNEL);
	assert_int_equal(kmm_mmap_err(map(PAGE_SIZE, insert_slab_page)), -EINVAL);
	assert_null(kmm_process_mm(proc)->mmap);
	__free_page(pages[0]);
}

static int remap_vbuf(struct vm_area_struct *vma)
{
	return remap_vmalloc_range(vma, vbuf, 0);
}

static void remap_vmalloc_range_maps_only_user_buffers_that_fit(void **state)
{
	char *u;

	vbuf = vmalloc_user(3 * PAGE_SIZE);
	u = map(3 * PAGE_SIZE, remap_vbuf);
	assert_int_equal(kmm_mmap_err(u), 0);
	assert_int_equal(u[2 * PAGE_SIZE], 0); /* vmalloc_user memory is zeroed */
	u[2 * PAGE_SIZE] = 'v';
	assert_int_equal(((char *)vbuf)[2 * PAGE_SIZE], 'v');
	assert_int_equal(kmm_process_mm(proc)->mmap->vm_flags & VM_DONTEXPAND, VM_DONTEXPAND);
	assert_int_equal(kmm_mmap_err(map(4 * PAGE_SIZE, remap_vbuf)), -EINVAL);
	assert_int_equal(kmm_munmap(proc, u, 3 * PAGE_SIZE), 0);
	vfree(vbuf);
	vbuf = vmalloc(PAGE_SIZE);
	assert_int_equal(kmm_mmap_err(map(PAGE_SIZE, remap_vbuf)), -EINVAL);
	vfree(vbuf);
}

static int remap_nowhere(struct vm_area_struct *vma)
{
	int outside = remap_pfn_range(vma, vma->vm_start, PHYS_PFN(page_to_phys(mem_map)),
				      2 * PAGE_SIZE, vma->vm_page_prot);

	if (outside != -EINVAL)
		return -EIO;
	/* 0x7ff00000000: far above RAM and every device region */
	return remap_pfn_range(vma, vma->vm_start, 0x7ff00000UL, PAGE_SIZE, vma->vm_page_prot);
}

static void remap_pfn_range_refuses_frames_nothing_backs(void **state)
{
	assert_int_equal(kmm_mmap_err(map(PAGE_SIZE, remap_nowhere)), -EINVAL);
	assert_null(kmm_process_mm(proc)->mmap);
}

static int remap_read_only(struct vm_area_struct *vma)
{
	return remap_pfn_range(vma, vma->vm_start, page_to_pfn(pages[0]), PAGE_SIZE, PAGE_READONLY);
}

static void a_read_only_protection_makes_writes_fault(void **state)
{
	struct kmm_user_catch c;
	volatile char *u;

	pages[0] = alloc_page(GFP_KERNEL | __GFP_ZERO);
	u = map(PAGE_SIZE, remap_read_only);
	assert_int_equal(kmm_mmap_err((void *)u), 0);
	if (kmm_user_expect(&c) == 0) {
		(void)u[0];
		u[0] = 1;
		kmm_user_done(&c);
	}
	assert_int_equal(c.sig, SIGSEGV);
	assert_int_equal(((char *)page_address(pages[0]))[0], 0);
	kmm_munmap(proc, (void *)u, PAGE_SIZE);
	__free_page(pages[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(vm_insert_pages_holds_references_until_munmap,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			vm_insert_page_refuses_slab_pages_and_outside_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(
			vm_map_pages_maps_from_vm_pgoff_and_refuses_overruns, setup, teardown),
		cmocka_unit_test_setup_teardown(remap_vmalloc_range_maps_only_user_buffers_that_fit,
						setup, teardown),
		cmocka_unit_test_setup_teardown(remap_pfn_range_refuses_frames_nothing_backs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_read_only_protection_makes_writes_fault, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
