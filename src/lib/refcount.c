/*
 * refcount.c - the slow path of refcount_t: saturate the counter and say what went wrong.
 *
 * The inline operations (kmm/refcount.h) call here only after a misuse; the counter is
 * pinned at REFCOUNT_SATURATED so the object leaks instead of being freed twice, and the
 * report uses the kernel's sentences; a counter already saturated is not reported again.
 * Context: any.
 */
#include <kmm/refcount.h>
#include <kmm/context.h>
#include "machine/report.h"

static const char *const what[] = {
	[REFCOUNT_ADD_NOT_ZERO_OVF] = "saturated; leaking memory.",
	[REFCOUNT_ADD_OVF] = "saturated; leaking memory.",
	[REFCOUNT_ADD_UAF] = "addition on 0; use-after-free.",
	[REFCOUNT_SUB_UAF] = "underflow; use-after-free.",
	[REFCOUNT_DEC_LEAK] = "decrement hit 0; leaking memory.",
};

void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t)
{
	/* Already saturated (near INT_MIN / 2): it was reported when that happened. */
	int v = atomic_read(&r->refs);
	bool was_saturated =
		v > REFCOUNT_SATURATED - (1 << 28) && v < REFCOUNT_SATURATED + (1 << 28);

	refcount_set(r, REFCOUNT_SATURATED);
	if (was_saturated)
		return;
	report_start("refcount",
		     "WARNING: CPU: %u PID: %d at lib/refcount.c refcount_warn_saturate",
		     smp_processor_id(), kmm_current_pid());
	report_add("refcount_t: %s", what[t]);
	report_add_task();
	report_add_stack();
	report_finish();
}
