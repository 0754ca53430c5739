/*
 * settings.h - what a boot is built from, and how a refused setting is explained (settings.c).
 *
 * Every setting a user can get wrong is checked before anything is built, and a refusal names
 * the setting, the value and what is allowed, in one line: "kmm: KMM_MEM=4G: the arm32 profile
 * holds at most 2G of RAM". Settings read by a higher layer's boot step (KMM_DEBUG, read by the
 * slab allocator) use settings_reject(), which prints the same line and makes the boot fail
 * with -EINVAL without a second message.
 */
#ifndef KMM_MACHINE_SETTINGS_H
#define KMM_MACHINE_SETTINGS_H

#include <kmm/kmm.h>
#include "machine/os.h"

struct profile;

struct boot_settings {
	const struct profile *profile;
	unsigned long long mem; /* a multiple of MEM_GRANULE */
	unsigned int cpus;
	const char *options;
	const char *options_from; /* "KMM_OPTIONS" or "options": where @options came from */
};

/* The machine's CPUs and the RAM granule, on every profile. */
#define SETTINGS_MAX_CPUS 32
#define SETTINGS_MEM_GRANULE (4ULL << 20)

/*
 * Read @cfg's fields, the environment for the zero ones, then the defaults, into @s, and
 * check each (options included). Return: 0, or -EINVAL with @why filled.
 */
KMM_HIDDEN int settings_read(const struct kmm_config *cfg, struct boot_settings *s,
			     struct kmm_setting_error *why);

/* Fill @why (if not NULL) with @setting, @value and the formatted reason; return -EINVAL. */
KMM_HIDDEN int __attribute__((format(printf, 4, 5)))
setting_error(struct kmm_setting_error *why, const char *setting, const char *value,
	      const char *fmt, ...);

/* Print "kmm: SETTING=VALUE: reason" on stderr. */
KMM_HIDDEN void settings_explain(const struct kmm_setting_error *why);

/*
 * For a boot step refusing a setting it reads itself: explain it as kmm_boot() does and
 * return -EINVAL, which the step returns to fail the boot.
 */
KMM_HIDDEN int __attribute__((format(printf, 3, 4)))
settings_reject(const char *setting, const char *value, const char *fmt, ...);

/* Whether a refusal was explained since settings_begin(): the boot adds nothing to it. */
KMM_HIDDEN bool settings_rejected(void);
KMM_HIDDEN void settings_begin(void);

/* A size as a user writes it: "4G", "896M", "64K", else bytes. */
KMM_HIDDEN void settings_format_size(unsigned long long bytes, char *buf, size_t len);

#endif /* KMM_MACHINE_SETTINGS_H */
