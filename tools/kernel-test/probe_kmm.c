/*
 * probe_kmm.c - tests/kernel/probe/kmmprobe.c run on kmm, where the kernel test's guest loads
 * it as a module (tools/kernel-test/run diffs the two "kmmprobe:" transcripts).
 *
 * The probe is compiled unchanged against compat/include with the module flags, as module
 * "kmmprobe"; this program loads and unloads it (kmm_module_load/unload) the way insmod and
 * rmmod would, on a machine booted from the environment (the harness sets
 * KMM_PROFILE=x86_64, KMM_MEM=512M, KMM_CPUS=1 to match the x86_64 guest, and KMM_PROFILE=x86_32,
 * KMM_MEM=1G, KMM_CPUS=1 for the i386 one). stderr says whether the kernel window sits at the
 * real addresses, which decides whether the harness may compare the probe's addresses. The probe's lines and
 * kmm's reports both go to stdout, in the order they happened, as they share the kernel log in
 * the guest, so the harness can cut the reports out by the probe's expect brackets.
 *
 * Context: a plain host program; one simulated process, one thread.
 */
#include <stdio.h>

#include <kmm/layout.h>

#include "module_host.h"

int main(void)
{
	int err = module_host_load("probe_kmm", "kmmprobe");

	if (err)
		return err;
	/* The harness masks the layout's addresses when the host made kmm move its window. */
	fprintf(stderr, "probe_kmm: kernel window %s\n",
		kmm_layout.at_real_address ? "at the real addresses" : "moved by the host");
	module_host_unload("kmmprobe");
	return 0;
}
