/*
 * settings.c - reading a boot's settings (profile, RAM, CPUs, options) and explaining a refusal.
 *
 * A field of struct kmm_config wins over its environment variable, which wins over the default;
 * an empty variable counts as unset. A value that is set and wrong is refused with the reason,
 * never replaced by the default: a user who asked for KMM_CPUS=0 and silently got 2 CPUs would
 * measure the wrong machine.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/profile.h"
#include "machine/options.h"
#include "machine/settings.h"

#define DEFAULT_PROFILE "x86_32"
#define DEFAULT_MEM (1ULL << 30)
#define DEFAULT_CPUS 2

static bool rejected;

int setting_error(struct kmm_setting_error *why, const char *setting, const char *value,
		  const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return -EINVAL;
	snprintf(why->setting, sizeof(why->setting), "%s", setting);
	/* A long KMM_OPTIONS string is cut, with an ellipsis to say so. */
	if (snprintf(why->value, sizeof(why->value), "%s", value) >= (int)sizeof(why->value))
		memcpy(why->value + sizeof(why->value) - 4, "...", 4);
	va_start(ap, fmt);
	vsnprintf(why->reason, sizeof(why->reason), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void settings_explain(const struct kmm_setting_error *why)
{
	fprintf(stderr, "kmm: %s=%s: %s\n", why->setting, why->value, why->reason);
	rejected = true;
}

int settings_reject(const char *setting, const char *value, const char *fmt, ...)
{
	struct kmm_setting_error why;
	va_list ap;

	setting_error(&why, setting, value, "%s", "");
	va_start(ap, fmt);
	vsnprintf(why.reason, sizeof(why.reason), fmt, ap);
	va_end(ap);
	settings_explain(&why);
	return -EINVAL;
}

bool settings_rejected(void)
{
	return rejected;
}

void settings_begin(void)
{
	rejected = false;
}

void settings_format_size(unsigned long long bytes, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (bytes && !(bytes & 1023) && u < 3) {
		bytes >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", bytes);
	else
		snprintf(buf, len, "%llu%c", bytes, units[u]);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static int read_profile(const struct kmm_config *cfg, struct boot_settings *s,
			struct kmm_setting_error *why)
{
	const char *from = cfg->profile ? "profile" : "KMM_PROFILE";
	const char *name = cfg->profile ? cfg->profile : env("KMM_PROFILE");
	char names[64] = "";

	s->profile = profile_find(name ? name : DEFAULT_PROFILE);
	if (s->profile)
		return 0;
	for (unsigned int i = 0; profile_at(i); i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? (profile_at(i + 1) ? ", " : " or ") : "", profile_at(i)->name);
	return setting_error(why, from, name, "no such profile; the profiles are %s", names);
}

static int read_mem(const struct kmm_config *cfg, struct boot_settings *s,
		    struct kmm_setting_error *why)
{
	const struct profile *p = s->profile;
	const char *from = cfg->mem_bytes ? "mem_bytes" : "KMM_MEM";
	const char *text = env("KMM_MEM");
	char value[32], max[32], granule[32], least[32];

	settings_format_size(p->max_mem, max, sizeof(max));
	settings_format_size(SETTINGS_MEM_GRANULE, granule, sizeof(granule));
	settings_format_size(2 * SETTINGS_MEM_GRANULE, least, sizeof(least));
	s->mem = DEFAULT_MEM;
	if (cfg->mem_bytes) {
		s->mem = cfg->mem_bytes;
		settings_format_size(s->mem, value, sizeof(value));
		text = value;
	} else if (text && kmm_parse_size(text, &s->mem)) {
		return setting_error(why, from, text,
				     "not a size; write bytes or a number with K, M or G "
				     "(the %s profile holds %s to %s of RAM)",
				     p->name, least, max);
	}
	if (s->mem > p->max_mem)
		return setting_error(
			why, from, text,
			"the %s profile holds at most %s of RAM (%s to %s, in steps of "
			"%s)",
			p->name, max, least, max, granule);
	/* RAM comes in whole granules: the size rounds down, silently when nothing is lost. */
	s->mem &= ~(SETTINGS_MEM_GRANULE - 1);
	if (s->mem < 2 * SETTINGS_MEM_GRANULE)
		return setting_error(
			why, from, text,
			"a machine needs at least %s of RAM (%s to %s on the %s profile, "
			"in steps of %s)",
			least, least, max, p->name, granule);
	return 0;
}

static int read_cpus(const struct kmm_config *cfg, struct boot_settings *s,
		     struct kmm_setting_error *why)
{
	const char *text = env("KMM_CPUS");
	char value[32];
	unsigned long n;
	char *end;

	s->cpus = DEFAULT_CPUS;
	if (cfg->cpus) {
		s->cpus = cfg->cpus;
		snprintf(value, sizeof(value), "%u", cfg->cpus);
		if (s->cpus > SETTINGS_MAX_CPUS)
			return setting_error(why, "cpus", value, "a machine has 1 to %d CPUs",
					     SETTINGS_MAX_CPUS);
		return 0;
	}
	if (!text)
		return 0;
	errno = 0;
	n = strtoul(text, &end, 10);
	if (*text < '0' || *text > '9' || *end)
		return setting_error(why, "KMM_CPUS", text,
				     "not a number of CPUs; a machine has 1 to %d",
				     SETTINGS_MAX_CPUS);
	if (errno || n < 1 || n > SETTINGS_MAX_CPUS)
		return setting_error(why, "KMM_CPUS", text, "a machine has 1 to %d CPUs",
				     SETTINGS_MAX_CPUS);
	s->cpus = (unsigned int)n;
	return 0;
}

int settings_read(const struct kmm_config *cfg, struct boot_settings *s,
		  struct kmm_setting_error *why)
{
	static const struct kmm_config none;
	int err;

	if (!cfg)
		cfg = &none;
	err = read_profile(cfg, s, why);
	if (!err)
		err = read_mem(cfg, s, why);
	if (!err)
		err = read_cpus(cfg, s, why);
	if (err)
		return err;
	s->options_from = cfg->options ? "options" : "KMM_OPTIONS";
	s->options = cfg->options ? cfg->options : env("KMM_OPTIONS");
	return options_check(s->options_from, s->options, why);
}

int kmm_config_check(const struct kmm_config *config, struct kmm_setting_error *why)
{
	struct boot_settings s;

	return settings_read(config, &s, why);
}
