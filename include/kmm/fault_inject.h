/*
 * kmm/fault_inject.h - deterministic and random allocation failures, with the kernel's
 * fault-injection knobs (Documentation/fault-injection): one attribute set per fault point,
 * plus the per-thread fail-nth counter.
 */
#ifndef KMM_FAULT_INJECT_H
#define KMM_FAULT_INJECT_H

#include "types.h"
#include "gfp.h"

enum kmm_fault_point {
	KMM_FAIL_PAGE_ALLOC, /* fail_page_alloc: the buddy allocator */
	KMM_FAILSLAB, /* failslab: slab and kmalloc */
	KMM_FAIL_NR_POINTS,
};

/* The kernel's knobs. probability is in percent; times < 0 means no limit. */
struct kmm_fault_attr {
	unsigned long probability;
	unsigned long interval; /* fail only every interval-th eligible call (0 or 1: each) */
	long times; /* failures left; -1 for unlimited */
	long space; /* bytes to let through before failing starts */
	unsigned long verbose; /* 0 silent, 1 one line, 2 with stack trace */
	unsigned int min_order; /* fail_page_alloc: ignore smaller orders */
	bool ignore_gfp_wait; /* do not fail allocations that may sleep */
	bool ignore_gfp_highmem; /* fail_page_alloc: do not fail __GFP_HIGHMEM */
	bool ignore_gfp_reclaim; /* failslab: do not fail allocations that may reclaim */
};

/**
 * kmm_fault_set - configure a fault point
 * @point: which one
 * @attr: the knobs; probability 0 turns the point off
 *
 * Context: any.
 * Return: 0 or -EINVAL.
 */
int kmm_fault_set(enum kmm_fault_point point, const struct kmm_fault_attr *attr);

/**
 * kmm_fault_parse - configure a fault point from text
 * @point: which one
 * @text: "probability=100,interval=1,times=-1,space=0,verbose=1,min-order=0,
 *        ignore-gfp-wait=0,ignore-gfp-highmem=0" (any subset, other knobs reset to default)
 *
 * The KMM_FAIL_PAGE_ALLOC and KMM_FAILSLAB environment variables are read this way at boot.
 * Context: any.
 * Return: 0 or -EINVAL.
 */
int kmm_fault_parse(enum kmm_fault_point point, const char *text);

/**
 * kmm_fault_get - current knobs of a fault point
 * @point: which one
 * @attr: receives them
 */
void kmm_fault_get(enum kmm_fault_point point, struct kmm_fault_attr *attr);

/**
 * kmm_fail_nth - fail the calling thread's @nth fault-injectable call from now
 * @nth: 1 fails the very next call; 0 disarms
 *
 * The kernel's /proc/self/fail-nth: every fault point counts, whichever is reached.
 * Context: any.
 */
void kmm_fail_nth(unsigned int nth);

/**
 * kmm_fail_nth_pending - calls left before the armed fail-nth fires
 *
 * Return: 0 once it has fired (or was never armed).
 */
unsigned int kmm_fail_nth_pending(void);

/**
 * kmm_should_fail - the fault point's decision; allocators call this first
 * @point: which one
 * @gfp: the request's flags
 * @order: page order (fail_page_alloc) or 0
 * @size: request size in bytes, for the space knob
 *
 * Context: any.
 * Return: true if this call must fail.
 */
bool kmm_should_fail(enum kmm_fault_point point, gfp_t gfp, unsigned int order, size_t size);

#endif /* KMM_FAULT_INJECT_H */
