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

/*
 * Why a setting was refused. @setting names where the value came from: an environment
 * variable ("KMM_MEM", "KMM_OPTIONS", "KMM_DEBUG") or a field of struct kmm_config ("profile",
 * "mem_bytes", "cpus", "options"), so a program that took the field from its own flag can name
 * the flag instead. @value is the text refused (a size for mem_bytes: "4G"), @reason says what
 * is allowed ("the arm32 profile holds at most 2G of RAM").
 */
struct kmm_setting_error {
	char setting[32];
	char value[128];
	char reason[384];
};

/**
 * kmm_boot - build the simulated machine
 * @config: settings, or NULL for the environment's and the defaults
 *
 * A refused setting is explained once on stderr, "kmm: KMM_MEM=4G: the arm32 profile holds at
 * most 2G of RAM", and boots nothing. The valid ranges: 1 to 32 CPUs on every profile; RAM
 * from 8M, in steps of 4M, up to 4G on x86_32 and i386, 2G on arm32 and 64G on x86_64.
 *
 * Context: process context, with no machine booted.
 * Return: 0, or a negative errno: -EINVAL for a refused setting (and only for that), -EBUSY if
 * already booted, -ENOMEM if the host refuses the memory.
 */
int kmm_boot(const struct kmm_config *config);

/**
 * kmm_config_check - check the settings kmm_boot() would read, without booting
 * @config: settings, or NULL for the environment's and the defaults
 * @why: filled with the first refused setting; may be NULL
 *
 * Checks the profile, RAM, CPUs and options (KMM_PROFILE, KMM_MEM, KMM_CPUS, KMM_OPTIONS, or
 * their config fields) and prints nothing, so a tool can explain a refusal in its own terms.
 * KMM_DEBUG is checked by the boot itself, by the allocator it configures.
 *
 * Context: any.
 * Return: 0 if kmm_boot() would accept them, else -EINVAL.
 */
int kmm_config_check(const struct kmm_config *config, struct kmm_setting_error *why);

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
