/*
 * probe_kmm.c - tests/kernel/probe/kmmprobe.c run on kmm, where the kernel test's guest loads
 * it as a module (tools/kernel-test/run diffs the two "kmmprobe:" transcripts).
 *
 * The probe is compiled unchanged against compat/include; its module_init() and module_exit()
 * leave the entry points in kmm_module_init and kmm_module_exit, which this program calls the
 * way insmod and rmmod would, on a machine booted from the environment (the harness sets
 * KMM_PROFILE=x86_64, KMM_MEM=512M, KMM_CPUS=1 to match the QEMU guest). The probe's lines and
 * kmm's reports both go to stdout, in the order they happened, as they share the kernel log in
 * the guest, so the harness can cut the reports out by the probe's expect brackets.
 *
 * Context: a plain host program; one simulated process, one thread.
 */
#include <stdio.h>
#include <string.h>

#include <kmm/context.h>
#include <kmm/kmm.h>
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
	unsigned int left;
	int err = kmm_boot(NULL);

	if (err) {
		fprintf(stderr, "probe_kmm: kmm_boot: %d\n", err);
		return 2;
	}
	kmm_report_set_handler(log_report, NULL);
	err = kmm_module_init();
	fflush(stdout);
	if (err) {
		fprintf(stderr, "probe_kmm: init: %d\n", err);
		return 1;
	}
	/*
	 * The probe leaves preemption disabled on purpose: it slept in atomic context, after which
	 * the kernel's scheduler resets the count. kmm's msleep reports the sleep but does not repair
	 * the count, so do it here, before the exit function, as the kernel would have by then.
	 */
	left = preempt_count();
	if (left) {
		fprintf(stderr,
			"probe_kmm: preempt_count %#x after init, reset as the kernel does\n",
			left);
		preempt_count_sub(left);
	}
	kmm_module_exit();
	fflush(stdout);
	kmm_shutdown();
	return 0;
}
