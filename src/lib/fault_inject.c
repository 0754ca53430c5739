/*
 * fault_inject.c - failslab, fail_page_alloc and fail-nth: allocation failures on request.
 *
 * Each fault point keeps the kernel's knobs in a struct kmm_fault_attr, of which times and space
 * are live budgets that count down, plus an "enabled" flag (probability != 0) and the count of
 * eligible calls that the interval knob divides. A call is judged in the kernel's order:
 *
 *	1. the point's own filters: __GFP_NOFAIL, min_order, ignore-gfp-wait (ignore_gfp_wait or
 *	   ignore_gfp_reclaim, the kernel's two names for it), ignore-gfp-highmem. A call they
 *	   spare is invisible to everything below, fail-nth included;
 *	2. the thread's fail-nth, when armed, alone decides: it lets calls through while it counts
 *	   down and fails the one that brings it to zero, whatever the generic knobs say;
 *	3. the generic knobs: times, then space, then interval, then probability.
 *
 * The defaults differ from the kernel's boot values (times 1, verbose 2, min-order 1, both
 * ignore-gfp-* set): here every call is eligible, times is unlimited and failures are silent,
 * so that "probability=100" or fail-nth alone fails the calls a test expects.
 *
 * No locks. The hot path, with the point off and fail-nth disarmed, is two loads and two
 * predictable branches. Knobs are read and written field by field with relaxed atomics, so a
 * kmm_fault_set() racing with allocations takes effect knob by knob. times is claimed by
 * compare-and-swap, so times=N never yields more than N random failures.
 *
 * Context: kmm_should_fail() may be called in any context and never allocates; only a verbose
 * failure takes a lock, report.c's, to deliver its report.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/fault_inject.h>
#include "machine/assert.h"
#include "lib/fault_inject.h"
#include "machine/report.h"
#include "machine/initcall.h"

#define relaxed_load(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define relaxed_store(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define DEFAULT_SEED 0x6b6d6d2d6661756cull
#define GOLDEN_GAMMA 0x9e3779b97f4a7c15ull

struct fault_point {
	const char *name;
	bool enabled; /* == (attr.probability != 0) */
	unsigned long count; /* eligible calls since the last kmm_fault_set() */
	struct kmm_fault_attr attr;
};

#define DEFAULT_ATTR                       \
	{                                  \
		.interval = 1, .times = -1 \
	}

static struct fault_point points[KMM_FAIL_NR_POINTS] = {
	[KMM_FAIL_PAGE_ALLOC] = { .name = "fail_page_alloc", .attr = DEFAULT_ATTR },
	[KMM_FAILSLAB] = { .name = "failslab", .attr = DEFAULT_ATTR },
};

/* Calls left before the armed failure; 0 when disarmed. Initial-exec: no call to reach it. */
__thread unsigned int fault_fail_nth __attribute__((tls_model("initial-exec")));
#define fail_nth fault_fail_nth

/* Bit p set while point p is on; read by fault_should_fail() before any call. */
unsigned int fault_points_on;

static u64 rng_seed = DEFAULT_SEED;
static unsigned int rng_threads;
static __thread u64 rng_state;
static __thread bool rng_ready;

/*
 * A number in [0, 100) from the thread's splitmix64 stream. Thread k (in order of first use)
 * starts at seed + k * gamma, so a single-threaded run repeats exactly for a given seed.
 */
static unsigned int rng_below_100(void)
{
	u64 z;

	if (unlikely(!rng_ready)) {
		u64 k = __atomic_fetch_add(&rng_threads, 1, __ATOMIC_RELAXED);

		rng_state = relaxed_load(rng_seed) + k * GOLDEN_GAMMA;
		rng_ready = true;
	}
	z = (rng_state += GOLDEN_GAMMA);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (unsigned int)(((z >> 32) * 100) >> 32);
}

/* Take one failure from the times budget. Return: the budget before; 0 none left, -1 no limit. */
static long times_take(struct kmm_fault_attr *a)
{
	long t = relaxed_load(a->times);

	while (t > 0 && !__atomic_compare_exchange_n(&a->times, &t, t - 1, true, __ATOMIC_RELAXED,
						     __ATOMIC_RELAXED))
		;
	return t;
}

/* The kernel's two-line notice, with the task line and call trace at verbose 2. */
static void fault_report(struct fault_point *fp, gfp_t gfp, long times)
{
	struct kmm_fault_attr *a = &fp->attr;
	unsigned long verbose = relaxed_load(a->verbose);

	if (!verbose || (gfp & __GFP_NOWARN))
		return;
	report_start("fault_inject", "FAULT_INJECTION: forcing a failure.");
	report_add("name %s, interval %lu, probability %lu, space %ld, times %ld", fp->name,
		   relaxed_load(a->interval), relaxed_load(a->probability), relaxed_load(a->space),
		   times);
	if (verbose > 1) {
		report_add_task();
		report_add_stack();
	}
	report_finish();
}

static bool __attribute__((noinline))
should_fail_slow(struct fault_point *fp, gfp_t gfp, unsigned int order, size_t size)
{
	struct kmm_fault_attr *a = &fp->attr;
	unsigned long interval;
	long times;

	if (gfp & __GFP_NOFAIL)
		return false;
	if (order < relaxed_load(a->min_order))
		return false;
	if (gfpflags_allow_blocking(gfp) &&
	    (relaxed_load(a->ignore_gfp_wait) || relaxed_load(a->ignore_gfp_reclaim)))
		return false;
	if ((gfp & __GFP_HIGHMEM) && relaxed_load(a->ignore_gfp_highmem))
		return false;

	if (fail_nth) {
		if (--fail_nth)
			return false;
		times = times_take(a);
		goto fail;
	}

	if (!relaxed_load(fp->enabled) || relaxed_load(a->times) == 0)
		return false;
	if (relaxed_load(a->space) > (long)size) {
		__atomic_fetch_sub(&a->space, (long)size, __ATOMIC_RELAXED);
		return false;
	}
	interval = relaxed_load(a->interval);
	if (interval > 1 && __atomic_add_fetch(&fp->count, 1, __ATOMIC_RELAXED) % interval)
		return false;
	if (relaxed_load(a->probability) <= rng_below_100())
		return false;
	times = times_take(a);
	if (!times)
		return false;
fail:
	fault_report(fp, gfp, times);
	return true;
}

bool kmm_should_fail(enum kmm_fault_point point, gfp_t gfp, unsigned int order, size_t size)
{
	struct fault_point *fp = &points[point];

	if (likely(!fail_nth && !relaxed_load(fp->enabled)))
		return false;
	return should_fail_slow(fp, gfp, order, size);
}

void kmm_fail_nth(unsigned int nth)
{
	fail_nth = nth;
}

unsigned int kmm_fail_nth_pending(void)
{
	return fail_nth;
}

int kmm_fault_set(enum kmm_fault_point point, const struct kmm_fault_attr *attr)
{
	struct fault_point *fp;

	if ((unsigned int)point >= KMM_FAIL_NR_POINTS || !attr || attr->probability > 100 ||
	    attr->times < -1 || attr->space < 0)
		return -EINVAL;
	if (point != KMM_FAIL_PAGE_ALLOC && (attr->min_order || attr->ignore_gfp_highmem))
		return -EINVAL;
	fp = &points[point];
	relaxed_store(fp->attr.probability, attr->probability);
	relaxed_store(fp->attr.interval, attr->interval ? attr->interval : 1);
	relaxed_store(fp->attr.times, attr->times);
	relaxed_store(fp->attr.space, attr->space);
	relaxed_store(fp->attr.verbose, attr->verbose);
	relaxed_store(fp->attr.min_order, attr->min_order);
	relaxed_store(fp->attr.ignore_gfp_wait, attr->ignore_gfp_wait);
	relaxed_store(fp->attr.ignore_gfp_highmem, attr->ignore_gfp_highmem);
	relaxed_store(fp->attr.ignore_gfp_reclaim, attr->ignore_gfp_reclaim);
	relaxed_store(fp->count, 0);
	relaxed_store(fp->enabled, attr->probability != 0);
	if (attr->probability)
		__atomic_fetch_or(&fault_points_on, 1U << point, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&fault_points_on, ~(1U << point), __ATOMIC_RELAXED);
	return 0;
}

void kmm_fault_get(enum kmm_fault_point point, struct kmm_fault_attr *attr)
{
	struct kmm_fault_attr *a;

	kmm_assert((unsigned int)point < KMM_FAIL_NR_POINTS);
	a = &points[point].attr;
	attr->probability = relaxed_load(a->probability);
	attr->interval = relaxed_load(a->interval);
	attr->times = relaxed_load(a->times);
	attr->space = relaxed_load(a->space);
	attr->verbose = relaxed_load(a->verbose);
	attr->min_order = relaxed_load(a->min_order);
	attr->ignore_gfp_wait = relaxed_load(a->ignore_gfp_wait);
	attr->ignore_gfp_highmem = relaxed_load(a->ignore_gfp_highmem);
	attr->ignore_gfp_reclaim = relaxed_load(a->ignore_gfp_reclaim);
}

enum knob_type { KNOB_ULONG, KNOB_LONG, KNOB_UINT, KNOB_BOOL };

/* The knobs by their debugfs file names; page_alloc_only ones have no failslab file. */
static const struct knob {
	const char *name;
	size_t offset;
	enum knob_type type;
	bool page_alloc_only;
} knobs[] = {
	{ "probability", offsetof(struct kmm_fault_attr, probability), KNOB_ULONG, false },
	{ "interval", offsetof(struct kmm_fault_attr, interval), KNOB_ULONG, false },
	{ "times", offsetof(struct kmm_fault_attr, times), KNOB_LONG, false },
	{ "space", offsetof(struct kmm_fault_attr, space), KNOB_LONG, false },
	{ "verbose", offsetof(struct kmm_fault_attr, verbose), KNOB_ULONG, false },
	{ "min-order", offsetof(struct kmm_fault_attr, min_order), KNOB_UINT, true },
	{ "ignore-gfp-wait", offsetof(struct kmm_fault_attr, ignore_gfp_wait), KNOB_BOOL, false },
	{ "ignore-gfp-highmem", offsetof(struct kmm_fault_attr, ignore_gfp_highmem), KNOB_BOOL,
	  true },
};

/* Set one knob from the text [value, end): numbers in C notation, booleans as Y/N/1/0. */
static int knob_apply(const struct knob *k, struct kmm_fault_attr *attr, const char *value,
		      const char *end)
{
	void *field = (char *)attr + k->offset;
	char *stop;
	long v;

	if (k->type == KNOB_BOOL) {
		if (end - value != 1 || !strchr("YyNn10", *value))
			return -EINVAL;
		*(bool *)field = strchr("Yy1", *value) != NULL;
		return 0;
	}
	errno = 0;
	v = strtol(value, &stop, 0);
	if (stop == value || stop != end || errno || (k->type != KNOB_LONG && v < 0))
		return -EINVAL;
	if (k->type == KNOB_ULONG)
		*(unsigned long *)field = (unsigned long)v;
	else if (k->type == KNOB_LONG)
		*(long *)field = v;
	else if (v <= UINT_MAX)
		*(unsigned int *)field = (unsigned int)v;
	else
		return -EINVAL;
	return 0;
}

int kmm_fault_parse(enum kmm_fault_point point, const char *text)
{
	struct kmm_fault_attr attr = DEFAULT_ATTR;

	while (text && *text) {
		size_t len = strcspn(text, ",");
		const char *eq = memchr(text, '=', len);
		const struct knob *k = NULL;

		for (size_t i = 0; eq && !k && i < sizeof(knobs) / sizeof(knobs[0]); i++)
			if (strlen(knobs[i].name) == (size_t)(eq - text) &&
			    !strncmp(knobs[i].name, text, (size_t)(eq - text)))
				k = &knobs[i];
		if (!k || (k->page_alloc_only && point != KMM_FAIL_PAGE_ALLOC) ||
		    knob_apply(k, &attr, eq + 1, text + len))
			return -EINVAL;
		text += len + (text[len] == ',');
	}
	return kmm_fault_set(point, &attr);
}

static void bad_env(const char *var, const char *text, const char *consequence)
{
	report_start("bad_option", "kmm: %s=\"%s\" not understood; %s", var, text, consequence);
	report_finish();
}

/*
 * Read KMM_FAULT_SEED, KMM_FAIL_PAGE_ALLOC and KMM_FAILSLAB, once per process: later boots do
 * nothing. A value that does not parse is reported ("bad_option") and leaves its point off.
 */
void fault_inject_init_from_env(void)
{
	static const char *const vars[KMM_FAIL_NR_POINTS] = {
		[KMM_FAIL_PAGE_ALLOC] = "KMM_FAIL_PAGE_ALLOC",
		[KMM_FAILSLAB] = "KMM_FAILSLAB",
	};
	static bool done;
	const char *text;
	char *end;
	u64 seed;

	if (__atomic_exchange_n(&done, true, __ATOMIC_RELAXED))
		return;
	text = getenv("KMM_FAULT_SEED");
	if (text) {
		errno = 0;
		seed = strtoull(text, &end, 0);
		if (end == text || *end || errno)
			bad_env("KMM_FAULT_SEED", text, "the default seed stays");
		else
			relaxed_store(rng_seed, seed);
	}
	for (int p = 0; p < KMM_FAIL_NR_POINTS; p++) {
		text = getenv(vars[p]);
		if (text && kmm_fault_parse(p, text))
			bad_env(vars[p], text, "the fault point stays off");
	}
}

static int fault_inject_boot(void)
{
	fault_inject_init_from_env();
	return 0;
}

kmm_initcall(core, fault_inject, fault_inject_boot, NULL);
