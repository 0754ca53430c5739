/*
 * Processes and their files: distinct windows and pids, the descriptor table (lowest free
 * descriptor, -EMFILE when full), a driver's open error leaving no descriptor behind,
 * misc_open's private_data, release only after the last mapping, /proc/devices, and what
 * stat() of a node says.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/fs.h>
#include <kmm/mm_user.h>
#include <kmm/process.h>
#include "user/process.h"

static int releases, refuse_open;
static void *seen_private;

static int p_open(struct inode *inode, struct file *file)
{
	seen_private = file->private_data;
	return refuse_open;
}

static int p_release(struct inode *inode, struct file *file)
{
	releases++;
	return 0;
}

static int p_mmap(struct file *file, struct vm_area_struct *vma)
{
	return 0; /* nothing mapped: every touch would be SIGBUS */
}

static const struct file_operations p_fops = {
	.open = p_open,
	.release = p_release,
	.mmap = p_mmap,
};
static struct miscdevice p_misc = { .minor = 42, .name = "pdev", .fops = &p_fops };

static int setup(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	releases = refuse_open = 0;
	seen_private = NULL;
	if (kmm_boot(&cfg))
		return -1;
	return misc_register(&p_misc);
}

static int teardown(void **state)
{
	misc_deregister(&p_misc);
	kmm_shutdown();
	return 0;
}

static void processes_have_their_own_windows_and_pids(void **state)
{
	struct kmm_process *a = kmm_process_create("a"),
			   *b = kmm_process_create("a-very-long-name");
	unsigned long a0, a1, b0, b1;

	kmm_process_window(a, &a0, &a1);
	kmm_process_window(b, &b0, &b1);
	assert_true(a1 <= b0 || b1 <= a0);
	assert_int_equal(kmm_process_pid(a), 1000);
	assert_int_equal(kmm_process_pid(b), 1001);
	assert_string_equal(kmm_process_name(b), "a-very-long-nam");
	kmm_process_destroy(a);
	kmm_process_destroy(b);
}

static void descriptors_are_the_lowest_free_and_run_out(void **state)
{
	struct kmm_process *p = kmm_process_create("fds");
	int fd, last = -1;

	for (int i = PROCESS_FIRST_FD; i < PROCESS_MAX_FILES; i++) {
		fd = kmm_open(p, "/dev/pdev", O_RDONLY);
		assert_int_equal(fd, i);
		last = fd;
	}
	assert_int_equal(kmm_open(p, "/dev/pdev", O_RDONLY), -EMFILE);
	assert_int_equal(kmm_close(p, 5), 0);
	assert_int_equal(kmm_open(p, "/dev/pdev", O_RDONLY), 5);
	assert_int_equal(kmm_close(p, last), 0);
	assert_int_equal(releases, 2);
	kmm_process_destroy(p);
	assert_int_equal(releases, PROCESS_MAX_FILES - PROCESS_FIRST_FD + 1); /* one reopened */
}

static void an_open_the_driver_refuses_leaves_no_descriptor(void **state)
{
	struct kmm_process *p = kmm_process_create("refused");

	refuse_open = -EBUSY;
	assert_int_equal(kmm_open(p, "/dev/pdev", O_RDWR), -EBUSY);
	assert_ptr_equal(seen_private, &p_misc); /* misc_open hands the miscdevice over */
	refuse_open = 0;
	assert_int_equal(kmm_open(p, "/dev/pdev", O_RDWR), PROCESS_FIRST_FD);
	assert_int_equal(kmm_open(p, "/dev/none", O_RDWR), -ENOENT);
	assert_int_equal(releases, 0);
	kmm_process_destroy(p);
	assert_int_equal(releases, 1);
}

static void release_waits_for_the_last_mapping(void **state)
{
	struct kmm_process *p = kmm_process_create("mapper");
	int fd = kmm_open(p, "/dev/pdev", O_RDWR);
	void *u = kmm_mmap(p, fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 0);

	assert_int_equal(kmm_mmap_err(u), 0);
	assert_int_equal(kmm_close(p, fd), 0);
	assert_int_equal(releases, 0);
	assert_int_equal(kmm_munmap(p, u, PAGE_SIZE), 0);
	assert_int_equal(releases, 1);
	kmm_process_destroy(p);
}

static void proc_devices_lists_misc_and_regions(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	dev_t dev;

	assert_int_equal(register_chrdev_region(MKDEV(240, 0), 4, "mydev"), 0);
	assert_int_equal(alloc_chrdev_region(&dev, 0, 1, "dyn"), 0);
	kmm_proc_devices(f);
	fclose(f);
	assert_string_equal(text,
			    "Character devices:\n 10 misc\n240 mydev\n254 dyn\n\nBlock devices:\n");
	free(text);
	unregister_chrdev_region(MKDEV(240, 0), 4);
	unregister_chrdev_region(dev, 1);
}

static void stat_of_a_node_gives_a_char_device_and_its_number(void **state)
{
	struct stat st;

	memset(&st, 0xa5, sizeof(st));
	assert_int_equal(kmm_stat("/dev/pdev", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(major(st.st_rdev), MISC_MAJOR);
	assert_int_equal(minor(st.st_rdev), 42);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_size, 0);
	/* a minor above 255 survives user space's split encoding */
	assert_int_equal(kmm_mknod("/dev/wide", MKDEV(240, 300)), 0);
	assert_int_equal(kmm_stat("/dev/wide", &st), 0);
	assert_int_equal(major(st.st_rdev), 240);
	assert_int_equal(minor(st.st_rdev), 300);
	assert_int_equal(kmm_unlink("/dev/wide"), 0);
	assert_int_equal(kmm_stat("/dev/wide", &st), -ENOENT);
	assert_int_equal(kmm_stat("/dev/nothing", &st), -ENOENT);
}

static void proc_pid_maps_lists_the_vmas_as_the_kernel_does(void **state)
{
	struct kmm_process *p = kmm_process_create("maps");
	int fd = kmm_open(p, "/dev/pdev", O_RDWR);
	char *f = kmm_mmap(p, fd, 2 * PAGE_SIZE, PROT_READ, MAP_SHARED, 3 * PAGE_SIZE);
	char *a =
		kmm_mmap(p, -1, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	char *text = NULL, first[128], prefix[128], *second;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	kmm_proc_pid_maps(p, out);
	fclose(out);
	/* mappings go top-down, so the anonymous one comes first; it has no name */
	snprintf(first, sizeof(first), "%08lx-%08lx rw-p 00000000 00:00 0 \n", (unsigned long)a,
		 (unsigned long)a + PAGE_SIZE);
	assert_memory_equal(text, first, strlen(first));
	second = text + strlen(first);
	snprintf(prefix, sizeof(prefix), "%08lx-%08lx r--s 00003000 00:00 0 ", (unsigned long)f,
		 (unsigned long)f + 2 * PAGE_SIZE);
	assert_memory_equal(second, prefix, strlen(prefix));
	/* the name starts in column 74, after padding to 72 and one space, as on 64-bit Linux */
	assert_int_equal(strstr(second, "/dev/pdev\n") - second, 73);
	assert_int_equal(strspn(second + strlen(prefix), " "), 73 - strlen(prefix));
	free(text);
	kmm_process_destroy(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(processes_have_their_own_windows_and_pids, setup,
						teardown),
		cmocka_unit_test_setup_teardown(descriptors_are_the_lowest_free_and_run_out, setup,
						teardown),
		cmocka_unit_test_setup_teardown(an_open_the_driver_refuses_leaves_no_descriptor,
						setup, teardown),
		cmocka_unit_test_setup_teardown(release_waits_for_the_last_mapping, setup,
						teardown),
		cmocka_unit_test_setup_teardown(proc_devices_lists_misc_and_regions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(proc_pid_maps_lists_the_vmas_as_the_kernel_does,
						setup, teardown),
		cmocka_unit_test_setup_teardown(stat_of_a_node_gives_a_char_device_and_its_number,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
