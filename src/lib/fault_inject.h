/*
 * fault_inject.h - fault injection's boot hook (defined in fault_inject.c).
 *
 * kmm's allocators ask fault_should_fail(), the inline front of kmm_should_fail().
 */
#ifndef KMM_INTERNAL_FAULT_INJECT_H
#define KMM_INTERNAL_FAULT_INJECT_H

#include <kmm/fault_inject.h>
#include "machine/os.h"

extern KMM_HIDDEN __thread unsigned int fault_fail_nth __attribute__((tls_model("initial-exec")));
extern KMM_HIDDEN unsigned int fault_points_on;

/* Could kmm_should_fail(@point, ...) say yes? Not while the point is off and no fail-nth is
 * armed (the usual case): two loads and no call. */
static inline bool fault_may_fail(enum kmm_fault_point point)
{
	return __builtin_expect(
		fault_fail_nth ||
			(__atomic_load_n(&fault_points_on, __ATOMIC_RELAXED) & (1U << point)),
		0);
}

/* kmm_should_fail() for kmm's own allocators, with fault_may_fail() as its inline front. */
static inline bool fault_should_fail(enum kmm_fault_point point, gfp_t gfp, unsigned int order,
				     size_t size)
{
	if (!fault_may_fail(point))
		return false;
	return kmm_should_fail(point, gfp, order, size);
}

/*
 * Read KMM_FAULT_SEED, KMM_FAIL_PAGE_ALLOC and KMM_FAILSLAB, once per process (at the first
 * boot): later calls do nothing. A value that does not parse is reported ("bad_option") and
 * leaves its point off.
 */
KMM_HIDDEN void fault_inject_init_from_env(void);

#endif /* KMM_INTERNAL_FAULT_INJECT_H */
