/*
 * draw_kmm.c - examples/fbmem/draw.c run on kmm, printing the transcript the kernel test's
 * guest prints for the same program on the real module (tools/kernel-test/run diffs them).
 *
 * The guest's init prints the device line from /sys/class/misc/fbmem/dev, runs draw, prints
 * its exit status and then the driver's cache line of /proc/slabinfo; this program prints the
 * same five parts: the device number of /dev/fbmem, what fbmem_draw() and the other parts of
 * draw print, the status draw's main() would return, the kernel's "MCE: Killing" line (kmm's
 * memory_failure report, as the guest greps it from dmesg), and kmm's slabinfo line. It stats the node with kmm_stat(), as a program on the real system would, and so
 * needs only kmm's public headers.
 *
 * Context: a plain host program; one simulated process, one thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <kmm/fs.h>
#include <kmm/kmm.h>
#include <kmm/process.h>
#include <kmm/report.h>
#include <kmm/slab.h>

#include "draw.h"
#include "fbmem.h"
#include "fbmem_board.h"
#include "../view_text.h"

extern struct kmm_process *shim_process;

/* The titles of kmm's memory_failure reports, printed after draw as the guest's dmesg grep. */
static char mce_lines[4][160];
static unsigned int nr_mce_lines;

static void on_report(const struct kmm_report *report, void *arg)
{
	(void)arg;
	if (!strcmp(report->id, "memory_failure") && nr_mce_lines < 4)
		snprintf(mce_lines[nr_mce_lines++], sizeof(mce_lines[0]), "%s", report->title);
	fputs(report->text, stderr); /* where kmm prints reports by default */
}

static int print_device(const char *path)
{
	struct stat st;
	int err = kmm_stat(path, &st);

	if (err || !S_ISCHR(st.st_mode)) {
		printf("fbmem: %s is no character device: %d\n", path, err);
		return err ? err : -1;
	}
	printf("fbmem: %s is char %u:%u mode %o\n", path, major(st.st_rdev), minor(st.st_rdev),
	       st.st_mode & 07777);
	return 0;
}

/* The driver's cache line of /proc/slabinfo, as the guest greps it after draw exited. */
static void print_slabinfo_line(const char *cache)
{
	char *text = view_text(kmm_proc_slabinfo), *line, *save = NULL;
	size_t n = strlen(cache);

	if (!text)
		return;
	printf("slabinfo: ");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, cache, n) && line[n] == ' ') {
			printf("%s", line);
			break;
		}
	}
	printf("\n");
	free(text);
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
	kmm_report_set_handler(on_report, NULL);
	shim_process = kmm_process_create("draw");
	if (!shim_process) {
		fprintf(stderr, "draw_kmm: kmm_process_create failed\n");
		return 2;
	}
	if (print_device(dev))
		return 2;
	err = fbmem_draw(dev, stdout);
	err |= fbmem_errors(dev, stdout);
	err |= fbmem_placement(dev, stdout);
	err |= fbmem_private(dev, stdout);
	err |= fbmem_fork(dev, stdout);
	err |= fbmem_faults(dev, stdout);
	err |= fbmem_locked(dev, stdout);
	printf("draw: exit %d\n", err ? 1 : 0);
	for (unsigned int i = 0; i < nr_mce_lines; i++)
		printf("dmesg: %s\n", mce_lines[i]);
	kmm_process_destroy(shim_process);
	print_slabinfo_line("fbmem_client");
	fflush(stdout);
	fbmem_board_exit();
	kmm_shutdown();
	return 0;
}
