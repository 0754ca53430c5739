/*
 * options.c - the table of run-time options, their parsing and printing.
 *
 * Options are plain longs in struct kmm_opts. They are set at boot and may be changed later by
 * kmm_option_set(); readers take a relaxed view (a changed option takes effect "soon").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include "machine/options.h"
#include "machine/settings.h"

struct option_desc {
	const char *name;
	long *value;
	long def;
	long min, max; /* the values allowed, bounds included */
	const char *description;
	const char *const *names; /* NULL, or a name for each value 0, 1, ... (NULL-ended) */
};

/* swiotlb=: index == enum kmm_swiotlb_mode. */
static const char *const swiotlb_names[] = { "auto", "off", "on", "force", NULL };

struct kmm_opts kmm_opts;

static const struct option_desc options[] = {
	{ "report_abort", &kmm_opts.report_abort, 0, 0, 1,
	  "abort the process after a report instead of repairing and continuing", NULL },
	{ "gfp_wait_ms", &kmm_opts.gfp_wait_ms, 1000, 0, 3600000,
	  "how long a GFP_KERNEL allocation waits for memory to be freed before it fails", NULL },
	{ "pcp_high", &kmm_opts.pcp_high, 96, 0, 1L << 20,
	  "free pages a thread keeps cached per zone and order (orders 0-3)", NULL },
	{ "pcp_batch", &kmm_opts.pcp_batch, 32, 1, 1L << 20,
	  "pages moved between a thread's cache and the zone in one go", NULL },
	{ "might_sleep_once", &kmm_opts.might_sleep_once, 1, 0, 1,
	  "report a sleeping call in atomic context once per call site", NULL },
	{ "reserve_low_mb", &kmm_opts.reserve_low_mb, 1, 0, 1024,
	  "MiB of RAM at physical address 0 kept reserved on x86, as firmware areas are", NULL },
	{ "vmalloc_debug", &kmm_opts.vmalloc_debug, 0, 0, 1,
	  "unmap vfree'd areas and kunmap'd highmem slots at once, so a use after free faults",
	  NULL },
	{ "slab_hardened", &kmm_opts.slab_hardened, 0, 0, 1,
	  "store slab free pointers xor-ed with a per-cache secret and their address", NULL },
	{ "slab_random", &kmm_opts.slab_random, 0, 0, 1,
	  "hand out the objects of a new slab in a random order", NULL },
	{ "debug_pagealloc", &kmm_opts.debug_pagealloc, 0, 0, 1,
	  "take free pages out of the linear map, so a use after free_pages() or a write into a "
	  "free neighbour page is an Oops at once (read at boot)",
	  NULL },
	{ "hardened_usercopy", &kmm_opts.hardened_usercopy, 1, 0, 1,
	  "CONFIG_HARDENED_USERCOPY, on as in Debian: a user copy must stay inside one slab object's "
	  "usercopy region (kmem_cache_create_usercopy; all of a kmalloc object) or vmalloc area",
	  NULL },
	{ "dma_debug", &kmm_opts.dma_debug, 0, 0, 1,
	  "track every DMA mapping and allocation and report DMA-API misuse", NULL },
	{ "swiotlb", &kmm_opts.swiotlb, SWIOTLB_AUTO, SWIOTLB_AUTO, SWIOTLB_FORCE,
	  "bounce pool at boot: auto (the profile's rule), off, on (iommu=soft), force",
	  swiotlb_names },
	{ "swiotlb_slots", &kmm_opts.swiotlb_slots, 1024, 0, 1L << 20,
	  "2 KiB bounce slots in the swiotlb pool (reserved at boot, top-down in low memory)",
	  NULL },
	{ "swiotlb_force", &kmm_opts.swiotlb_force, 0, 0, 1,
	  "bounce every streaming DMA mapping through swiotlb, reachable or not", NULL },
	{ "proc_socket", &kmm_opts.proc_socket, 0, 0, 1,
	  "serve the /proc views on a Unix socket, for kmm proc --pid and kmm top --pid", NULL },
	{ "preempt_rcu", &kmm_opts.preempt_rcu, 1, 0, 1,
	  "CONFIG_PREEMPT_RCU, as Debian's kernel: rcu_read_lock() counts a nesting depth; 0: it "
	  "disables preemption, as in a non-preemptible kernel",
	  NULL },
};

#define NR_OPTIONS (sizeof(options) / sizeof(options[0]))

static const struct option_desc *find(const char *name, size_t len)
{
	for (size_t i = 0; i < NR_OPTIONS; i++)
		if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
			return &options[i];
	return NULL;
}

static int parse_long(const char *text, size_t len, long *out)
{
	char buf[32];
	char *end;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtol(buf, &end, 0);
	return (errno || *end) ? -EINVAL : 0;
}

/* A value by name for options that have names, else a number in the option's range. */
static int parse_value(const struct option_desc *o, const char *text, size_t len, long *out)
{
	for (long i = 0; o->names && o->names[i]; i++) {
		if (strlen(o->names[i]) == len && strncmp(o->names[i], text, len) == 0) {
			*out = i;
			return 0;
		}
	}
	if (parse_long(text, len, out) || *out < o->min || *out > o->max)
		return -EINVAL;
	return 0;
}

/* What @o accepts, to finish "X takes ...": "a number from 0 to 1", "auto, off, on or force". */
static void print_allowed(const struct option_desc *o, char *buf, size_t size)
{
	size_t n = 0;

	if (!o->names) {
		snprintf(buf, size, "a number from %ld to %ld", o->min, o->max);
		return;
	}
	for (long i = 0; o->names[i]; i++)
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s",
				      i == 0	      ? "" :
				      o->names[i + 1] ? ", " :
							" or ",
				      o->names[i]);
}

/* Every option's name, for a reason that says which exist. */
static void print_names(char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < NR_OPTIONS && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", options[i].name);
}

/* Is @word one of KMM_DEBUG's blank-separated words? */
static bool debug_word(const char *word)
{
	const char *env = getenv("KMM_DEBUG");
	size_t n = strlen(word);

	while (env && *env) {
		size_t len;

		env += strspn(env, " \t");
		len = strcspn(env, " \t");
		if (len == n && !strncmp(env, word, n))
			return true;
		env += len;
	}
	return false;
}

/* KMM_DEBUG=all: every checker on for a test run (slab_debug's share is in slab_debug.c). */
static void all_checkers_on(void)
{
	kmm_opts.slab_hardened = 1;
	kmm_opts.slab_random = 1;
	kmm_opts.hardened_usercopy = 1;
	kmm_opts.dma_debug = 1;
	kmm_opts.vmalloc_debug = 1;
	kmm_opts.debug_pagealloc = 1;
}

/*
 * Walk "name=value,..." of @setting, checking every item, and store the values when @store.
 * Return: 0, or -EINVAL with @why saying which item is wrong and what is allowed.
 */
static int options_walk(const char *setting, const char *text, bool store,
			struct kmm_setting_error *why)
{
	const char *all = text;
	char names[320], allowed[128];

	while (text && *text) {
		const char *comma = strchr(text, ',');
		int len = comma ? (int)(comma - text) : (int)strlen(text);
		const char *eq = memchr(text, '=', (size_t)len);
		int name_len = eq ? (int)(eq - text) : len;
		const struct option_desc *o = find(text, (size_t)name_len);
		long v;

		if (len && !eq) {
			print_names(names, sizeof(names));
			return setting_error(why, setting, all,
					     "'%.*s' is not name=value; the options are %s", len,
					     text, names);
		}
		if (len && !o) {
			print_names(names, sizeof(names));
			return setting_error(why, setting, all,
					     "no option named '%.*s'; the options are %s", name_len,
					     text, names);
		}
		if (len && parse_value(o, eq + 1, (size_t)(len - name_len - 1), &v)) {
			print_allowed(o, allowed, sizeof(allowed));
			return setting_error(why, setting, all, "%s takes %s, not '%.*s'", o->name,
					     allowed, len - name_len - 1, eq + 1);
		}
		if (len && store)
			__atomic_store_n(o->value, v, __ATOMIC_RELAXED);
		text = comma ? comma + 1 : text + len;
	}
	return 0;
}

int options_check(const char *setting, const char *text, struct kmm_setting_error *why)
{
	return options_walk(setting, text, false, why);
}

int options_load(const char *setting, const char *text)
{
	for (size_t i = 0; i < NR_OPTIONS; i++)
		*options[i].value = options[i].def;
	/* An explicit option still wins: KMM_OPTIONS is applied after. */
	if (debug_word("all"))
		all_checkers_on();
	return options_walk(setting, text, true, NULL);
}

long kmm_option(const char *name)
{
	const struct option_desc *o = find(name, strlen(name));

	return o ? __atomic_load_n(o->value, __ATOMIC_RELAXED) : 0;
}

int kmm_option_set(const char *name, const char *value)
{
	const struct option_desc *o = find(name, strlen(name));
	long v;

	if (!o || parse_value(o, value, strlen(value), &v))
		return -EINVAL;
	__atomic_store_n(o->value, v, __ATOMIC_RELAXED);
	return 0;
}

void kmm_options_print(FILE *out)
{
	for (size_t i = 0; i < NR_OPTIONS; i++) {
		const struct option_desc *o = &options[i];
		long v = kmm_option(o->name);

		if (o->names)
			fprintf(out, "%-18s %8s  (default %s)  %s\n", o->name, o->names[v],
				o->names[o->def], o->description);
		else
			fprintf(out, "%-18s %8ld  (default %ld)  %s\n", o->name, v, o->def,
				o->description);
	}
}

int kmm_parse_size(const char *text, unsigned long long *bytes)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (!text || !*text)
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno || end == text)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case '\0':
		break;
	default:
		return -EINVAL;
	}
	if ((*end == 'B' || *end == 'b') && shift)
		end++;
	if (*end || (shift && v > (~0ULL >> shift)))
		return -EINVAL;
	*bytes = v << shift;
	return 0;
}
