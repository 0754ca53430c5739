/*
 * kmm/kmm.h - booting and configuring the simulated machine.
 *
 * One machine per process: kmm_boot() builds it (RAM, kernel address window, zones, CPUs),
 * kmm_shutdown() tears it down, after which kmm_boot() may build another.
 */
#ifndef KMM_KMM_H
#define KMM_KMM_H

#include <stdio.h>
#include "types.h"
#include "layout.h"

/*
 * What to build. A zero or NULL field takes the environment's value (KMM_PROFILE, KMM_MEM,
 * KMM_CPUS, KMM_OPTIONS), else the default: x86_32 with 1 GiB of RAM and 2 CPUs.
 */
struct kmm_config {
	const char *profile; /* "x86_32" (the default), "i386", "arm32" or "x86_64" */
	unsigned long long mem_bytes; /* RAM size; rounded down to a multiple of 4 MiB */
	unsigned int cpus; /* simulated CPUs, 1..32 */
	const char *options; /* "name=value,name=value", see kmm_options_print() */
};

/**
 * kmm_boot - build the simulated machine
 * @config: settings, or NULL for the environment's and the defaults
 *
 * Context: process context, with no machine booted.
 * Return: 0, or a negative errno (-EINVAL for a bad setting, -EBUSY if already booted,
 * -ENOMEM if the host refuses the memory).
 */
int kmm_boot(const struct kmm_config *config);

/**
 * kmm_shutdown - tear the machine down and give its memory back to the host
 *
 * Every kernel address handed out becomes invalid.
 * Context: process context, with no other thread inside kmm.
 */
void kmm_shutdown(void);

/**
 * kmm_booted - is a machine up?
 *
 * Return: true between kmm_boot() and kmm_shutdown().
 */
bool kmm_booted(void);

/**
 * kmm_option - current value of a numeric option
 * @name: option name, as in the options table
 *
 * Return: its value; 0 for an unknown name.
 */
long kmm_option(const char *name);

/**
 * kmm_option_set - change an option of the running machine
 * @name: option name
 * @value: its new value, as text
 *
 * Context: any.
 * Return: 0, or -EINVAL for an unknown name or bad value.
 */
int kmm_option_set(const char *name, const char *value);

/**
 * kmm_options_print - list every option with its value, default and description
 * @out: where to print
 */
void kmm_options_print(FILE *out);

/**
 * kmm_parse_size - parse "1G", "512M", "64k", "4096" into bytes
 * @text: the size
 * @bytes: the result
 *
 * Return: 0, or -EINVAL.
 */
int kmm_parse_size(const char *text, unsigned long long *bytes);

#endif /* KMM_KMM_H */
