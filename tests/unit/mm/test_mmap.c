/*
 * Processes, misc/cdev registration, file operations and VMAs: kmm_mmap reaches the driver's
 * mmap, remap_pfn_range shows the user the same bytes the kernel sees (RAM and device
 * memory), munmap/close/exit call vm_ops->close, and bad requests get the kernel's errnos.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/devmem.h>
#include <kmm/fs.h>
#include <kmm/gfp.h>
#include <kmm/mm_user.h>
#include <kmm/page_alloc.h>
#include <kmm/process.h>
#include "user/process.h"

#define DEV_PHYS 0xe0000000ULL
#define DEV_PAGES 4

static struct kmm_devmem *vram;
static struct page *ram;
static int opens, releases, vm_opens, vm_closes;
static bool use_vram, forbid_write;

static void vm_open(struct vm_area_struct *vma)
{
	vm_opens++;
}

static void vm_close(struct vm_area_struct *vma)
{
	vm_closes++;
}

static const struct vm_operations_struct counted_ops = {
	.open = vm_open,
	.close = vm_close,
};

static int t_open(struct inode *inode, struct file *file)
{
	opens++;
	return 0;
}

static int t_release(struct inode *inode, struct file *file)
{
	releases++;
	return 0;
}

static int t_mmap(struct file *file, struct vm_area_struct *vma)
{
	phys_addr_t base = use_vram ? DEV_PHYS : page_to_phys(ram);

	if (forbid_write) {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		vm_flags_clear(vma, VM_MAYWRITE);
	}
	vma->vm_ops = &counted_ops;
	return vm_iomap_memory(vma, base, DEV_PAGES * PAGE_SIZE);
}

static const struct file_operations t_fops = {
	.open = t_open,
	.release = t_release,
	.mmap = t_mmap,
};

static struct miscdevice t_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tdev",
	.fops = &t_fops,
};

static int setup(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	if (kmm_boot(&cfg))
		return -1;
	vram = kmm_devmem_create("test-vram", DEV_PHYS, DEV_PAGES * PAGE_SIZE);
	ram = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	opens = releases = vm_opens = vm_closes = 0;
	use_vram = forbid_write = false;
	t_misc.minor = MISC_DYNAMIC_MINOR;
	return vram && ram && !misc_register(&t_misc) ? 0 : -1;
}

static int teardown(void **state)
{
	misc_deregister(&t_misc);
	__free_pages(ram, 2);
	kmm_shutdown();
	return 0;
}

static void a_process_has_a_pid_a_name_and_an_empty_window(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	struct kmm_process *q = kmm_process_create("other");
	unsigned long start, end;

	assert_non_null(p);
	assert_string_equal(kmm_process_name(p), "prog");
	assert_int_equal(kmm_process_pid(q), kmm_process_pid(p) + 1);
	kmm_process_window(p, &start, &end);
	assert_int_equal(end - start, KMM_USER_WINDOW);
	assert_null(kmm_process_mm(p)->mmap);
	kmm_process_destroy(p);
	kmm_process_destroy(q);
}

static void misc_register_picks_minors_from_127_down_and_makes_the_node(void **state)
{
	struct miscdevice second = { .minor = MISC_DYNAMIC_MINOR,
				     .name = "tdev2",
				     .fops = &t_fops };
	struct miscdevice clash = { .minor = 127, .name = "tdev3", .fops = &t_fops };
	struct kmm_process *p = kmm_process_create("prog");
	int fd;

	assert_int_equal(t_misc.minor, 127);
	assert_int_equal(misc_register(&second), 0);
	assert_int_equal(second.minor, 126);
	assert_int_equal(misc_register(&clash), -EBUSY);
	fd = kmm_open(p, "/dev/tdev2", O_RDWR);
	assert_true(fd >= 3);
	assert_int_equal(opens, 1);
	misc_deregister(&second);
	assert_int_equal(kmm_open(p, "/dev/tdev2", O_RDWR), -ENOENT);
	assert_int_equal(kmm_close(p, fd), 0);
	assert_int_equal(releases, 1);
	assert_int_equal(kmm_close(p, fd), -EBADF);
	kmm_process_destroy(p);
}

static void cdevs_serve_their_numbers_through_a_node(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	struct cdev cdev;
	dev_t dev, dev2;
	int fd;

	assert_int_equal(alloc_chrdev_region(&dev, 0, 2, "tchr"), 0);
	assert_int_equal(MAJOR(dev), 254);
	assert_int_equal(alloc_chrdev_region(&dev2, 0, 1, "tchr2"), 0);
	assert_int_equal(MAJOR(dev2), 253);
	assert_int_equal(register_chrdev_region(MKDEV(254, 1), 1, "x"), -EBUSY);
	cdev_init(&cdev, &t_fops);
	assert_int_equal(cdev_add(&cdev, dev, 2), 0);
	assert_int_equal(kmm_mknod("/dev/tchr1", MKDEV(MAJOR(dev), 1)), 0);
	assert_int_equal(kmm_mknod("/dev/tchr1", dev), -EEXIST);
	assert_int_equal(kmm_mknod("/dev/nothing", dev2), 0);
	assert_int_equal(kmm_open(p, "/dev/nothing", O_RDWR), -ENXIO);
	fd = kmm_open(p, "/dev/tchr1", O_RDONLY);
	assert_true(fd >= 3);
	assert_int_equal(opens, 1);
	assert_int_equal(kmm_read(p, fd, NULL, 1), -EINVAL);
	assert_int_equal(kmm_write(p, fd, NULL, 1), -EBADF);
	assert_int_equal(kmm_ioctl(p, fd, 1, 0), -ENOTTY);
	assert_int_equal(kmm_lseek(p, fd, 10, SEEK_SET), 10);
	kmm_process_destroy(p);
	assert_int_equal(releases, 1);
	cdev_del(&cdev);
	unregister_chrdev_region(dev, 2);
	unregister_chrdev_region(dev2, 1);
	assert_int_equal(alloc_chrdev_region(&dev, 0, 1, "again"), 0);
	assert_int_equal(MAJOR(dev), 254);
	unregister_chrdev_region(dev, 1);
}

static void check_same_bytes(unsigned char *user, unsigned char *kernel, size_t len)
{
	user[0] = 0x5a;
	user[len - 1] = 0xa5;
	assert_int_equal(kernel[0], 0x5a);
	assert_int_equal(kernel[len - 1], 0xa5);
	kernel[PAGE_SIZE + 7] = 0x77;
	assert_int_equal(user[PAGE_SIZE + 7], 0x77);
}

static void remap_pfn_range_over_ram_shows_the_kernel_bytes(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	int fd = kmm_open(p, "/dev/tdev", O_RDWR);
	size_t len = DEV_PAGES * PAGE_SIZE;
	unsigned char *u = kmm_mmap(p, fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	struct vm_area_struct *vma;

	assert_int_equal(kmm_mmap_err(u), 0);
	vma = kmm_process_mm(p)->mmap;
	assert_ptr_equal((void *)vma->vm_start, u);
	assert_int_equal(vma->vm_flags & (VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP),
			 VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	check_same_bytes(u, page_address(ram), len);
	assert_int_equal(kmm_munmap(p, u, len), 0);
	assert_int_equal(vm_closes, 1);
	assert_int_equal(releases, 0); /* the descriptor still holds the file */
	kmm_process_destroy(p);
	assert_int_equal(releases, 1);
}

static void remap_pfn_range_over_device_memory_shows_the_device_bytes(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	int fd = kmm_open(p, "/dev/tdev", O_RDWR);
	size_t len = DEV_PAGES * PAGE_SIZE;
	unsigned char *u, *u2;

	use_vram = true;
	u = kmm_mmap(p, fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	assert_int_equal(kmm_mmap_err(u), 0);
	check_same_bytes(u, kmm_devmem_ptr(vram), len);
	/* a second mapping at an offset sees the same frames */
	u2 = kmm_mmap(p, fd, PAGE_SIZE, PROT_READ, MAP_SHARED, PAGE_SIZE);
	assert_int_equal(kmm_mmap_err(u2), 0);
	assert_int_equal(u2[7], 0x77);
	kmm_close(p, fd);
	assert_int_equal(releases, 0);
	kmm_process_destroy(p); /* exit closes both VMAs, then the file */
	assert_int_equal(vm_closes, 2);
	assert_int_equal(releases, 1);
}

static void bad_mmap_requests_get_the_kernel_errnos(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	int fd = kmm_open(p, "/dev/tdev", O_RDWR);
	int rd = kmm_open(p, "/dev/tdev", O_RDONLY);
	size_t len = DEV_PAGES * PAGE_SIZE;
	void *u;

	assert_int_equal(kmm_mmap_err(kmm_mmap(p, fd, len + PAGE_SIZE, PROT_READ, MAP_SHARED, 0)),
			 -EINVAL);
	assert_int_equal(kmm_mmap_err(kmm_mmap(p, fd, PAGE_SIZE, PROT_READ, MAP_SHARED, len)),
			 -EINVAL);
	assert_int_equal(kmm_mmap_err(kmm_mmap(p, fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 5)),
			 -EINVAL);
	assert_int_equal(kmm_mmap_err(kmm_mmap(p, fd, 0, PROT_READ, MAP_SHARED, 0)), -EINVAL);
	assert_int_equal(kmm_mmap_err(kmm_mmap(p, 40, PAGE_SIZE, PROT_READ, MAP_SHARED, 0)),
			 -EBADF);
	assert_int_equal(kmm_mmap_err(kmm_mmap(p, fd, PAGE_SIZE, PROT_READ, 0, 0)), -EINVAL);
	assert_int_equal(kmm_mmap_err(kmm_mmap(p, rd, PAGE_SIZE, PROT_WRITE, MAP_SHARED, 0)),
			 -EACCES);
	assert_int_equal(
		kmm_mmap_err(kmm_mmap(p, fd, KMM_USER_WINDOW * 2, PROT_READ, MAP_SHARED, 0)),
		-ENOMEM);

	forbid_write = true;
	assert_int_equal(kmm_mmap_err(kmm_mmap(p, fd, PAGE_SIZE, PROT_WRITE, MAP_SHARED, 0)),
			 -EPERM);
	u = kmm_mmap(p, fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	assert_int_equal(kmm_mmap_err(u), 0);
	assert_int_equal(kmm_mprotect(p, u, PAGE_SIZE, PROT_READ | PROT_WRITE), -EACCES);
	assert_null(kmm_process_mm(p)->mmap->vm_next);
	assert_int_equal(vm_closes, 0);
	kmm_process_destroy(p);
	assert_int_equal(releases, 2);
}

static void mremap_cannot_grow_a_dontexpand_mapping(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	int fd = kmm_open(p, "/dev/tdev", O_RDWR);
	char *u = kmm_mmap(p, fd, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	char *a =
		kmm_mmap(p, -1, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);

	assert_int_equal(kmm_mmap_err(u), 0);
	assert_int_equal(kmm_mmap_err(kmm_mremap(p, u, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0)), -EFAULT);
	assert_int_equal(kmm_mmap_err(kmm_mremap(p, u + PAGE_SIZE * 8, PAGE_SIZE, PAGE_SIZE, 0)),
			 -EFAULT);
	assert_ptr_equal(kmm_mremap(p, u, 2 * PAGE_SIZE, PAGE_SIZE, 0), u);
	assert_int_equal(vm_closes, 1); /* shrinking split off the tail: open, then close it */
	assert_int_equal(vm_opens, 1);
	/* anonymous memory may grow when nothing is in the way */
	assert_int_equal(kmm_mmap_err(a), 0);
	a[0] = 1;
	kmm_process_destroy(p);
	assert_int_equal(vm_closes, 2);
}

static void mremap_grows_in_place_or_moves_when_allowed(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	int flags = MAP_PRIVATE | MAP_ANONYMOUS, prot = PROT_READ | PROT_WRITE;
	char *top = kmm_mmap(p, -1, PAGE_SIZE, prot, flags, 0);
	char *a = kmm_mmap(p, -1, PAGE_SIZE, prot, flags, 0);
	char *b;

	assert_ptr_equal(a + PAGE_SIZE, top); /* top-down: a sits right below top */
	a[5] = 'a';
	assert_int_equal(kmm_mmap_err(kmm_mremap(p, a, PAGE_SIZE, 2 * PAGE_SIZE, 0)), -ENOMEM);
	b = kmm_mremap(p, a, PAGE_SIZE, 3 * PAGE_SIZE, MREMAP_MAYMOVE);
	assert_int_equal(kmm_mmap_err(b), 0);
	assert_ptr_not_equal(b, a);
	assert_int_equal(b[5], 'a'); /* the page came along */
	b[2 * PAGE_SIZE] = 'b';
	assert_int_equal(kmm_process_mm(p)->map_count, 2);
	/* the hole a left behind is free again: the next mapping takes it */
	assert_ptr_equal(kmm_mmap(p, -1, PAGE_SIZE, prot, flags, 0), a);
	kmm_process_destroy(p);
}

static void munmap_of_part_of_a_vma_splits_it(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	int fd = kmm_open(p, "/dev/tdev", O_RDWR);
	unsigned char *u = kmm_mmap(p, fd, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	struct vm_area_struct *vma;

	assert_int_equal(kmm_munmap(p, u + 1, PAGE_SIZE), -EINVAL);
	assert_int_equal(kmm_munmap(p, u + PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(vm_opens, 2); /* the two splits */
	assert_int_equal(vm_closes, 1);
	vma = kmm_process_mm(p)->mmap;
	assert_int_equal(kmm_process_mm(p)->map_count, 2);
	assert_int_equal(vma->vm_end - vma->vm_start, PAGE_SIZE);
	assert_int_equal(vma->vm_next->vm_pgoff, 2);
	u[0] = 3;
	u[3 * PAGE_SIZE] = 4;
	assert_int_equal(((unsigned char *)page_address(ram))[3 * PAGE_SIZE], 4);
	kmm_process_destroy(p);
	assert_int_equal(vm_closes, 3);
}

static unsigned long faults_of(struct kmm_process *p)
{
	return __atomic_load_n(&p->faults, __ATOMIC_RELAXED);
}

static void map_populate_faults_every_page_in_at_mmap(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	int anon = MAP_PRIVATE | MAP_ANONYMOUS, prot = PROT_READ | PROT_WRITE;
	unsigned long before = faults_of(p);
	char *a = kmm_mmap(p, -1, 4 * PAGE_SIZE, prot, anon | MAP_POPULATE, 0);

	assert_int_equal(kmm_mmap_err(a), 0);
	assert_int_equal(faults_of(p) - before, 4);
	a[3 * PAGE_SIZE] = 1; /* present and writable already: no fault */
	assert_int_equal(faults_of(p) - before, 4);
	before = faults_of(p);
	a = kmm_mmap(p, -1, 4 * PAGE_SIZE, prot, anon | MAP_POPULATE | MAP_NONBLOCK, 0);
	assert_int_equal(kmm_mmap_err(a), 0);
	assert_int_equal(faults_of(p) - before, 0);
	/* remap_pfn_range mappings are the driver's: nothing to populate */
	before = faults_of(p);
	a = kmm_mmap(p, kmm_open(p, "/dev/tdev", O_RDWR), PAGE_SIZE, PROT_READ,
		     MAP_SHARED | MAP_POPULATE, 0);
	assert_int_equal(kmm_mmap_err(a), 0);
	assert_int_equal(faults_of(p) - before, 0);
	kmm_process_destroy(p);
}

static void locked_mappings_count_against_rlimit_memlock_without_root(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	int anon = MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, prot = PROT_READ | PROT_WRITE;
	struct rlimit two = { 2 * PAGE_SIZE, 2 * PAGE_SIZE }, got;
	unsigned long before;
	char *a, *b;

	/* root locks past any limit */
	assert_int_equal(kmm_setrlimit(p, RLIMIT_MEMLOCK, &two), 0);
	a = kmm_mmap(p, -1, 4 * PAGE_SIZE, prot, anon, 0);
	assert_int_equal(kmm_mmap_err(a), 0);
	assert_int_equal(kmm_munmap(p, a, 4 * PAGE_SIZE), 0);
	assert_int_equal(kmm_setuid(p, 1000), 0);
	assert_int_equal(kmm_setuid(p, 0), -EPERM);
	before = faults_of(p);
	a = kmm_mmap(p, -1, PAGE_SIZE, prot, anon, 0);
	assert_int_equal(kmm_mmap_err(a), 0);
	assert_int_equal(faults_of(p) - before, 1); /* locked memory is faulted in at once */
	assert_int_equal(kmm_mmap_err(kmm_mmap(p, -1, 2 * PAGE_SIZE, prot, anon, 0)), -EAGAIN);
	b = kmm_mmap(p, -1, PAGE_SIZE, prot, anon, 0);
	assert_int_equal(kmm_mmap_err(b), 0);
	/* growing a locked mapping is checked too; unmapping gives the room back */
	assert_int_equal(kmm_mmap_err(kmm_mremap(p, b, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE)),
			 -EAGAIN);
	assert_int_equal(kmm_munmap(p, a, PAGE_SIZE), 0);
	assert_int_equal(kmm_mmap_err(kmm_mremap(p, b, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE)),
			 0);
	/* limits: lowering is free, raising the hard one takes root, 0 forbids locking */
	two.rlim_max = 4 * PAGE_SIZE;
	assert_int_equal(kmm_setrlimit(p, RLIMIT_MEMLOCK, &two), -EPERM);
	two.rlim_cur = 4 * PAGE_SIZE;
	two.rlim_max = 2 * PAGE_SIZE;
	assert_int_equal(kmm_setrlimit(p, RLIMIT_MEMLOCK, &two), -EINVAL);
	assert_int_equal(kmm_setrlimit(p, RLIMIT_NOFILE, &two), -EINVAL);
	got.rlim_cur = got.rlim_max = 0;
	assert_int_equal(kmm_setrlimit(p, RLIMIT_MEMLOCK, &got), 0);
	assert_int_equal(kmm_mmap_err(kmm_mmap(p, -1, PAGE_SIZE, prot, anon, 0)), -EPERM);
	assert_int_equal(kmm_getrlimit(p, RLIMIT_MEMLOCK, &got), 0);
	assert_int_equal(got.rlim_max, 0);
	kmm_process_destroy(p);
}

static void a_new_process_is_root_with_the_kernels_memlock_limit(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	struct rlimit got;

	assert_int_equal(kmm_getrlimit(p, RLIMIT_MEMLOCK, &got), 0);
	assert_int_equal(got.rlim_cur, 8 << 20);
	assert_int_equal(got.rlim_max, 8 << 20);
	assert_int_equal(kmm_setuid(p, 0), 0);
	kmm_process_destroy(p);
}

/* @addr of @parent as the same place in @child's window. */
static char *in_child(struct kmm_process *child, struct kmm_process *parent, char *addr)
{
	return addr + (long)(kmm_process_user_base(child) - kmm_process_user_base(parent));
}

static void fork_copies_mappings_opens_them_and_copies_private_memory(void **state)
{
	struct kmm_process *p = kmm_process_create("parent"), *c;
	int anon = MAP_PRIVATE | MAP_ANONYMOUS, prot = PROT_READ | PROT_WRITE;
	int fd = kmm_open(p, "/dev/tdev", O_RDWR);
	char *dev = kmm_mmap(p, fd, DEV_PAGES * PAGE_SIZE, prot, MAP_SHARED, 0);
	char *mine = kmm_mmap(p, -1, 2 * PAGE_SIZE, prot, anon, 0);
	char *gone = kmm_mmap(p, -1, PAGE_SIZE, prot, anon, 0);
	unsigned long faults;

	assert_int_equal(kmm_mmap_err(dev) | kmm_mmap_err(mine) | kmm_mmap_err(gone), 0);
	dev[5] = 42;
	mine[0] = 7;
	kmm_process_mm(p)->mmap->vm_flags |= VM_DONTCOPY; /* the lowest VMA: gone, as madvise */
	assert_ptr_equal(kmm_process_mm(p)->mmap->vm_start, (unsigned long)gone);
	c = kmm_fork(p);
	assert_non_null(c);
	assert_int_equal(vm_opens, 1); /* the device mapping, opened for the child */
	assert_int_equal(opens, 1); /* the file is shared, not opened again */
	faults = faults_of(c);
	/* the frames come along: the child sees the device's bytes without a fault */
	assert_int_equal(in_child(c, p, dev)[5], 42);
	assert_int_equal(faults_of(c), faults);
	/* private memory is the child's own copy from now on */
	assert_int_equal(in_child(c, p, mine)[0], 7);
	in_child(c, p, mine)[0] = 8;
	mine[1] = 9;
	assert_int_equal(mine[0], 7);
	assert_int_equal(in_child(c, p, mine)[1], 0);
	/* VM_DONTCOPY left the child a hole there */
	assert_null(vma_lookup(kmm_process_mm(c), (unsigned long)in_child(c, p, gone)));
	kmm_process_destroy(c);
	assert_int_equal(vm_closes, 1);
	assert_int_equal(releases, 0); /* the parent still has it open */
	kmm_process_destroy(p);
	assert_int_equal(vm_closes, 2);
	assert_int_equal(releases, 1);
}

static void a_child_does_not_inherit_locks_or_wiped_ranges(void **state)
{
	struct kmm_process *p = kmm_process_create("parent"), *c;
	int anon = MAP_PRIVATE | MAP_ANONYMOUS, prot = PROT_READ | PROT_WRITE;
	char *locked = kmm_mmap(p, -1, PAGE_SIZE, prot, anon | MAP_LOCKED, 0);
	char *wiped = kmm_mmap(p, -1, PAGE_SIZE, prot, anon, 0);
	struct vm_area_struct *vma;

	wiped[0] = 1;
	vma_lookup(kmm_process_mm(p), (unsigned long)wiped)->vm_flags |= VM_WIPEONFORK;
	c = kmm_fork(p);
	assert_non_null(c);
	vma = vma_lookup(kmm_process_mm(c), (unsigned long)in_child(c, p, locked));
	assert_non_null(vma);
	assert_false(vma->vm_flags & VM_LOCKED);
	assert_int_equal(in_child(c, p, wiped)[0], 0); /* zero-filled anew on the child's touch */
	assert_int_equal(wiped[0], 1);
	kmm_process_destroy(c);
	kmm_process_destroy(p);
}

static void a_write_to_a_private_mapping_copies_the_page(void **state)
{
	struct kmm_process *p = kmm_process_create("prog"), *c;
	int fd = kmm_open(p, "/dev/tdev", O_RDWR);
	size_t len = DEV_PAGES * PAGE_SIZE;
	char *priv = kmm_mmap(p, fd, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	char *kernel = page_address(ram);
	unsigned long free_before;

	assert_int_equal(kmm_mmap_err(priv), 0);
	kernel[100] = 1;
	assert_int_equal(priv[100], 1); /* before a write: the device's own page */
	kmm_drain_all_pages();
	free_before = nr_free_pages();
	priv[100] = 2;
	assert_int_equal(priv[100], 2);
	assert_int_equal(kernel[100], 1); /* the driver's memory never sees it */
	kernel[100] = 3;
	assert_int_equal(priv[100], 2); /* nor the program the driver's, once it has a copy */
	assert_int_equal(priv[PAGE_SIZE + 7], kernel[PAGE_SIZE + 7]); /* other pages: shared */
	kmm_drain_all_pages();
	assert_true(nr_free_pages() < free_before);
	/* a child gets a copy of the copy; the uncopied pages stay shared and copy on write */
	c = kmm_fork(p);
	assert_non_null(c);
	assert_int_equal(in_child(c, p, priv)[100], 2);
	in_child(c, p, priv)[100] = 4;
	in_child(c, p, priv)[PAGE_SIZE] = 5;
	assert_int_equal(priv[100], 2);
	assert_int_equal(kernel[PAGE_SIZE], 0);
	kmm_process_destroy(c);
	/* moved by mremap, the copy stays the program's own and writable */
	assert_int_equal(kmm_munmap(p, priv + PAGE_SIZE, len - PAGE_SIZE), 0);
	kmm_process_destroy(p);
	kmm_drain_all_pages();
	assert_int_equal(nr_free_pages(), free_before); /* the copies went back */
}

static void fixed_addresses_replace_refuse_or_hint_as_mmap_does(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	int anon = MAP_PRIVATE | MAP_ANONYMOUS, rw = PROT_READ | PROT_WRITE;
	int fd = kmm_open(p, "/dev/tdev", O_RDWR);
	char *r = kmm_mmap(p, -1, 3 * PAGE_SIZE, rw, anon, 0), *v, *m;

	r[PAGE_SIZE] = 1;
	/* MAP_FIXED replaces what is there: the device's page in the middle, a split around it */
	v = kmm_mmap_at(p, r + PAGE_SIZE, PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	assert_ptr_equal(v, r + PAGE_SIZE);
	assert_int_equal(vm_opens, 0);
	assert_int_equal(v[0], ((char *)page_address(ram))[0]);
	assert_int_equal(
		kmm_mmap_err(kmm_mmap_at(p, r, PAGE_SIZE, rw, anon | MAP_FIXED_NOREPLACE, -1, 0)),
		-EEXIST);
	assert_int_equal(
		kmm_mmap_err(kmm_mmap_at(p, r + 1, PAGE_SIZE, rw, anon | MAP_FIXED, -1, 0)),
		-EINVAL);
	assert_int_equal(kmm_mmap_err(kmm_mmap_at(p, (void *)(kmm_process_user_base(p) - PAGE_SIZE),
						  PAGE_SIZE, rw, anon | MAP_FIXED, -1, 0)),
			 -ENOMEM);
	/* a hint is taken when free, ignored when not */
	assert_int_equal(kmm_munmap(p, r, PAGE_SIZE), 0);
	assert_ptr_equal(kmm_mmap_at(p, r, PAGE_SIZE, rw, anon, -1, 0), r);
	m = kmm_mmap_at(p, r, PAGE_SIZE, rw, anon, -1, 0);
	assert_int_equal(kmm_mmap_err(m), 0);
	assert_ptr_not_equal(m, r);
	/* MREMAP_FIXED moves onto the destination, replacing it; it needs MREMAP_MAYMOVE and no
	 * overlap, and a driver's mapping moves with its vm_ops (open, then close) */
	m[0] = 9;
	assert_int_equal(kmm_mmap_err(kmm_mremap_to(p, m, PAGE_SIZE, PAGE_SIZE, MREMAP_FIXED, r)),
			 -EINVAL);
	assert_int_equal(kmm_mmap_err(kmm_mremap_to(p, r, 2 * PAGE_SIZE, PAGE_SIZE,
						    MREMAP_MAYMOVE | MREMAP_FIXED, r + PAGE_SIZE)),
			 -EINVAL);
	assert_ptr_equal(kmm_mremap_to(p, m, PAGE_SIZE, PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
				       r + 2 * PAGE_SIZE),
			 r + 2 * PAGE_SIZE);
	assert_int_equal(r[2 * PAGE_SIZE], 9);
	assert_null(vma_lookup(kmm_process_mm(p), (unsigned long)m));
	assert_ptr_equal(
		kmm_mremap_to(p, v, PAGE_SIZE, PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, m), m);
	assert_int_equal(vm_opens, 1);
	assert_int_equal(vm_closes, 1);
	kmm_process_destroy(p);
}

static void shutdown_tears_down_live_processes(void **state)
{
	struct kmm_process *p = kmm_process_create("prog");
	int fd = kmm_open(p, "/dev/tdev", O_RDWR);

	assert_int_equal(kmm_mmap_err(kmm_mmap(p, fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 0)), 0);
	misc_deregister(&t_misc);
	__free_pages(ram, 2);
	kmm_shutdown();
	assert_int_equal(vm_closes, 1);
	assert_int_equal(releases, 1);
	setup(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_process_has_a_pid_a_name_and_an_empty_window,
						setup, teardown),
		cmocka_unit_test_setup_teardown(map_populate_faults_every_page_in_at_mmap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			fork_copies_mappings_opens_them_and_copies_private_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(a_child_does_not_inherit_locks_or_wiped_ranges,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_write_to_a_private_mapping_copies_the_page, setup,
						teardown),
		cmocka_unit_test_setup_teardown(fixed_addresses_replace_refuse_or_hint_as_mmap_does,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			locked_mappings_count_against_rlimit_memlock_without_root, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_new_process_is_root_with_the_kernels_memlock_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(
			misc_register_picks_minors_from_127_down_and_makes_the_node, setup,
			teardown),
		cmocka_unit_test_setup_teardown(cdevs_serve_their_numbers_through_a_node, setup,
						teardown),
		cmocka_unit_test_setup_teardown(remap_pfn_range_over_ram_shows_the_kernel_bytes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			remap_pfn_range_over_device_memory_shows_the_device_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_mmap_requests_get_the_kernel_errnos, setup,
						teardown),
		cmocka_unit_test_setup_teardown(mremap_cannot_grow_a_dontexpand_mapping, setup,
						teardown),
		cmocka_unit_test_setup_teardown(munmap_of_part_of_a_vma_splits_it, setup, teardown),
		cmocka_unit_test_setup_teardown(mremap_grows_in_place_or_moves_when_allowed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(shutdown_tears_down_live_processes, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
