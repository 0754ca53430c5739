/*
 * fault_inject.h - fault injection's boot hook (defined in fault_inject.c).
 *
 * Allocators ask kmm_should_fail() from <kmm/fault_inject.h>; only boot needs more.
 */
#ifndef KMM_INTERNAL_FAULT_INJECT_H
#define KMM_INTERNAL_FAULT_INJECT_H

#include "os.h"

/*
 * Read KMM_FAULT_SEED, KMM_FAIL_PAGE_ALLOC and KMM_FAILSLAB, once per process: later calls do
 * nothing. A value that does not parse is reported ("bad_option") and leaves its point off.
 */
KMM_HIDDEN void fault_inject_init_from_env(void);

#endif /* KMM_INTERNAL_FAULT_INJECT_H */
