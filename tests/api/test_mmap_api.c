/*
 * A classic character driver written only against the compat headers, the way the books
 * write one: numbers from alloc_chrdev_region, a cdev, read/write with copy_to_user and
 * copy_from_user, an llseek, and an mmap of a __get_free_pages buffer with remap_pfn_range
 * (old spelling VM_RESERVED included), with vm_ops open/close counting the mappings.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <kmm/kmm.h>
#include <kmm/process.h>

#define BUF_ORDER 1
#define BUF_SIZE (PAGE_SIZE << BUF_ORDER)

static dev_t devno;
static struct cdev scull_cdev;
static unsigned long scull_buf;
static int vmas;

static void scull_vma_open(struct vm_area_struct *vma)
{
	vmas++;
}

static void scull_vma_close(struct vm_area_struct *vma)
{
	vmas--;
}

static const struct vm_operations_struct scull_vm_ops = {
	.open = scull_vma_open,
	.close = scull_vma_close,
};

static ssize_t scull_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
{
	if (*pos >= (loff_t)BUF_SIZE)
		return 0;
	if (count > BUF_SIZE - *pos)
		count = BUF_SIZE - *pos;
	if (copy_to_user(buf, (char *)scull_buf + *pos, count))
		return -EFAULT;
	*pos += count;
	return count;
}

static ssize_t scull_write(struct file *file, const char __user *buf, size_t count, loff_t *pos)
{
	if (*pos >= (loff_t)BUF_SIZE)
		return -ENOSPC;
	if (count > BUF_SIZE - *pos)
		count = BUF_SIZE - *pos;
	if (copy_from_user((char *)scull_buf + *pos, buf, count))
		return -EFAULT;
	*pos += count;
	return count;
}

static int scull_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;

	if (size + (vma->vm_pgoff << PAGE_SHIFT) > BUF_SIZE)
		return -EINVAL;
	vm_flags_set(vma, VM_RESERVED);
	vma->vm_ops = &scull_vm_ops;
	if (remap_pfn_range(vma, vma->vm_start,
			    (virt_to_phys((void *)scull_buf) >> PAGE_SHIFT) + vma->vm_pgoff, size,
			    vma->vm_page_prot))
		return -EAGAIN;
	scull_vma_open(vma);
	return 0;
}

static const struct file_operations scull_fops = {
	.owner = THIS_MODULE,
	.read = scull_read,
	.write = scull_write,
	.mmap = scull_mmap,
	.llseek = default_llseek,
};

static int setup(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	if (kmm_boot(&cfg))
		return -1;
	scull_buf = __get_free_pages(GFP_KERNEL | __GFP_ZERO, BUF_ORDER);
	if (!scull_buf || alloc_chrdev_region(&devno, 0, 1, "scull"))
		return -1;
	cdev_init(&scull_cdev, &scull_fops);
	scull_cdev.owner = THIS_MODULE;
	if (cdev_add(&scull_cdev, devno, 1))
		return -1;
	vmas = 0;
	return kmm_mknod("/dev/scull0", devno);
}

static int teardown(void **state)
{
	kmm_unlink("/dev/scull0");
	cdev_del(&scull_cdev);
	unregister_chrdev_region(devno, 1);
	free_pages(scull_buf, BUF_ORDER);
	kmm_shutdown();
	return 0;
}

static void write_read_and_mmap_see_one_buffer(void **state)
{
	struct kmm_process *p = kmm_process_create("scull-user");
	int fd = kmm_open(p, "/dev/scull0", O_RDWR);
	char *mem =
		kmm_mmap(p, -1, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	char *map;

	assert_true(fd >= 0);
	assert_int_equal(kmm_mmap_err(mem), 0);
	memcpy(mem, "through write()", 16);
	assert_int_equal(kmm_write(p, fd, mem, 16), 16);
	assert_int_equal(kmm_lseek(p, fd, 0, SEEK_CUR), 16);
	assert_int_equal(kmm_lseek(p, fd, 0, SEEK_SET), 0);
	memset(mem, 0, 16);
	assert_int_equal(kmm_read(p, fd, mem, 16), 16);
	assert_string_equal(mem, "through write()");

	map = kmm_mmap(p, fd, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	assert_int_equal(kmm_mmap_err(map), 0);
	assert_int_equal(vmas, 1);
	assert_string_equal(map, "through write()");
	strcpy(map + PAGE_SIZE, "through mmap");
	assert_int_equal(kmm_lseek(p, fd, PAGE_SIZE, SEEK_SET), PAGE_SIZE);
	assert_int_equal(kmm_read(p, fd, mem, 13), 13);
	assert_string_equal(mem, "through mmap");
	/* a bad buffer: -EFAULT, nothing moved */
	assert_int_equal(kmm_read(p, fd, (void *)8, 4), -EFAULT);
	assert_int_equal(kmm_mmap_err(kmm_mmap(p, fd, BUF_SIZE, PROT_READ, MAP_SHARED, PAGE_SIZE)),
			 -EINVAL);
	assert_int_equal(kmm_munmap(p, map + PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(vmas, 1); /* split (open) then the tail closed */
	kmm_process_destroy(p);
	assert_int_equal(vmas, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(write_read_and_mmap_see_one_buffer, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
