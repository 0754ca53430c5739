/*
 * draw_kmm.c - examples/fbmem/draw.c run on kmm, printing the transcript the kernel test's
 * guest prints for the same program on the real module (tools/kernel-test/run diffs them).
 *
 * The guest's init prints the device line from /sys/class/misc/fbmem/dev, then runs draw and
 * prints its exit status; this program prints the same three parts: the device number of
 * /dev/fbmem, what fbmem_draw() and fbmem_errors() print, and the status draw's main() would
 * return. It looks the node up through kmm's chrdev table (an internal call, as a unit test
 * may make), since the user-side shim has no stat().
 *
 * Context: a plain host program; one simulated process, one thread.
 */
#include <stdio.h>

#include <kmm/kmm.h>
#include <kmm/process.h>

#include "internal/process.h"

#include "draw.h"
#include "fbmem.h"
#include "fbmem_board.h"

extern struct kmm_process *shim_process;

static int print_device(const char *path)
{
	const struct file_operations *fops;
	struct inode *inode;
	void *priv;
	int err = chrdev_lookup(path, &inode, &fops, &priv);

	if (err) {
		printf("fbmem: %s lookup failed: %d\n", path, err);
		return err;
	}
	printf("fbmem: %s is char %u:%u\n", path, MAJOR(inode->i_rdev), MINOR(inode->i_rdev));
	return 0;
}

int main(void)
{
	const char *dev = "/dev/" FBMEM_NAME;
	int err;

	err = kmm_boot(NULL);
	if (err) {
		fprintf(stderr, "draw_kmm: kmm_boot: %d\n", err);
		return 2;
	}
	err = fbmem_board_init();
	if (err) {
		fprintf(stderr, "draw_kmm: fbmem_board_init: %d\n", err);
		return 2;
	}
	shim_process = kmm_process_create("draw");
	if (!shim_process) {
		fprintf(stderr, "draw_kmm: kmm_process_create failed\n");
		return 2;
	}
	if (print_device(dev))
		return 2;
	err = fbmem_draw(dev, stdout);
	err |= fbmem_errors(dev, stdout);
	printf("draw: exit %d\n", err ? 1 : 0);
	fflush(stdout);
	kmm_process_destroy(shim_process);
	fbmem_board_exit();
	kmm_shutdown();
	return 0;
}
