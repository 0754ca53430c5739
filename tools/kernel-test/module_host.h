/*
 * module_host.h - what the kernel test's guest does around a module, done on kmm for the host
 * programs that run the same module code (probe_kmm.c, ringdma_kmm.c): boot a machine shaped
 * by the environment (KMM_PROFILE, KMM_MEM, KMM_CPUS), call the module's init as insmod would
 * and later its exit as rmmod would, with kmm's reports in the log stream (stdout) between the
 * module's own lines, in the order they happened, as they share the kernel log in the guest.
 *
 * Context: a plain host program; one simulated process, one thread.
 */
#ifndef MODULE_HOST_H
#define MODULE_HOST_H

#include <stdio.h>
#include <string.h>

#include <kmm/context.h>
#include <kmm/kmm.h>
#include <kmm/module.h>
#include <kmm/report.h>

static inline void module_host_log_report(const struct kmm_report *report, void *arg)
{
	size_t n = strlen(report->text);

	fputs(report->text, stdout);
	if (!n || report->text[n - 1] != '\n')
		fputc('\n', stdout);
}

/*
 * Boot and load the module named @modname (its KBUILD_MODNAME): 0, or the exit status to give
 * up with (said on stderr).
 */
static inline int module_host_load(const char *program, const char *modname)
{
	int err = kmm_boot(NULL);

	if (err) {
		fprintf(stderr, "%s: kmm_boot: %d\n", program, err);
		return 2;
	}
	kmm_report_set_handler(module_host_log_report, NULL);
	kmm_set_current_comm("insmod"); /* the task that runs module_init in the guest */
	err = kmm_module_load(modname, NULL);
	fflush(stdout);
	if (err) {
		fprintf(stderr, "%s: init: %d\n", program, err);
		return 1;
	}
	return 0;
}

/* Unload the module and take the machine down. */
static inline void module_host_unload(const char *modname)
{
	kmm_set_current_comm("rmmod");
	kmm_module_unload(modname);
	fflush(stdout);
	kmm_shutdown();
}

#endif /* MODULE_HOST_H */
