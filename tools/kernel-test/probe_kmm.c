/*
 * probe_kmm.c - tests/kernel/probe/kmmprobe.c run on kmm, where the kernel test's guest loads
 * it as a module (tools/kernel-test/run diffs the two "kmmprobe:" transcripts).
 *
 * The probe is compiled unchanged against compat/include; its module_init() and module_exit()
 * leave the entry points in kmm_module_init and kmm_module_exit, which this program calls the
 * way insmod and rmmod would, on a machine booted from the environment (the harness sets
 * KMM_PROFILE=x86_64, KMM_MEM=512M, KMM_CPUS=1 to match the x86_64 guest, and KMM_PROFILE=x86_32,
 * KMM_MEM=1G, KMM_CPUS=1 for the i386 one). stderr says whether the kernel window sits at the
 * real addresses, which decides whether the harness may compare the probe's addresses. The probe's lines and
 * kmm's reports both go to stdout, in the order they happened, as they share the kernel log in
 * the guest, so the harness can cut the reports out by the probe's expect brackets.
 *
 * Context: a plain host program; one simulated process, one thread.
 */
#include <stdio.h>
#include <string.h>

#include <kmm/context.h>
#include <kmm/kmm.h>
#include <kmm/layout.h>
#include <kmm/report.h>

extern int (*const kmm_module_init)(void);
extern void (*const kmm_module_exit)(void);

/* A report goes into the log stream between the probe's lines, as the kernel's would. */
static void log_report(const struct kmm_report *report, void *arg)
{
	size_t n = strlen(report->text);

	fputs(report->text, stdout);
	if (!n || report->text[n - 1] != '\n')
		fputc('\n', stdout);
}

int main(void)
{
	int err = kmm_boot(NULL);

	if (err) {
		fprintf(stderr, "probe_kmm: kmm_boot: %d\n", err);
		return 2;
	}
	/* The harness masks the layout's addresses when the host made kmm move its window. */
	fprintf(stderr, "probe_kmm: kernel window %s\n",
		kmm_layout.at_real_address ? "at the real addresses" : "moved by the host");
	kmm_report_set_handler(log_report, NULL);
	kmm_set_current_comm("insmod"); /* the task that runs module_init in the guest */
	err = kmm_module_init();
	fflush(stdout);
	if (err) {
		fprintf(stderr, "probe_kmm: init: %d\n", err);
		return 1;
	}
	kmm_set_current_comm("rmmod");
	kmm_module_exit();
	fflush(stdout);
	kmm_shutdown();
	return 0;
}
