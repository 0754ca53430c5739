/*
 * The kernel-internal error numbers at the system-call boundary (<linux/errno.h>): a driver's
 * -ERESTARTSYS reaches the program as EINTR and -ENOIOCTLCMD as ENOTTY, from open, read,
 * write and ioctl alike; ordinary errors pass unchanged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/cdev.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <kmm/kmm.h>
#include <kmm/process.h>

static int open_ret;

static int errdev_open(struct inode *inode, struct file *file)
{
	return open_ret;
}

/* Interrupted while waiting, as wait_event_interruptible() would report it. */
static ssize_t errdev_read(struct file *file, char *buf, size_t count, loff_t *pos)
{
	return -ERESTARTSYS;
}

static ssize_t errdev_write(struct file *file, const char *buf, size_t count, loff_t *pos)
{
	return -ENOSPC;
}

static long errdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return cmd == 1 ? -ENOIOCTLCMD : -ERESTARTNOINTR;
}

static const struct file_operations errdev_fops = {
	.owner = THIS_MODULE,
	.open = errdev_open,
	.read = errdev_read,
	.write = errdev_write,
	.unlocked_ioctl = errdev_ioctl,
};

static struct cdev errdev_cdev;
static dev_t devno;

static int setup(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	if (kmm_boot(&cfg) || alloc_chrdev_region(&devno, 0, 1, "errdev"))
		return -1;
	cdev_init(&errdev_cdev, &errdev_fops);
	if (cdev_add(&errdev_cdev, devno, 1))
		return -1;
	return kmm_mknod("/dev/errdev", devno);
}

static int teardown(void **state)
{
	kmm_unlink("/dev/errdev");
	cdev_del(&errdev_cdev);
	unregister_chrdev_region(devno, 1);
	kmm_shutdown();
	return 0;
}

static void internal_codes_become_what_a_program_sees(void **state)
{
	struct kmm_process *p = kmm_process_create("errdev-user");
	char buf[4];
	int fd;

	open_ret = -ERESTARTSYS;
	assert_int_equal(kmm_open(p, "/dev/errdev", O_RDWR), -EINTR);
	open_ret = 0;
	fd = kmm_open(p, "/dev/errdev", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(kmm_read(p, fd, buf, sizeof(buf)), -EINTR);
	assert_int_equal(kmm_write(p, fd, buf, sizeof(buf)), -ENOSPC);
	assert_int_equal(kmm_ioctl(p, fd, 1, 0), -ENOTTY);
	assert_int_equal(kmm_ioctl(p, fd, 2, 0), -EINTR);
	assert_int_equal(kmm_close(p, fd), 0);
	kmm_process_destroy(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(internal_codes_become_what_a_program_sees, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
