/*
 * kmm/refcount.h - refcount_t: a reference count that saturates instead of wrapping.
 *
 * A count that would overflow, underflow, or be incremented from zero (a use after free) is
 * pinned at REFCOUNT_SATURATED and reported (once per counter); from then on the object leaks
 * rather than being freed twice. The checks sit on the result of one fetch_add, as the
 * kernel's do, so the fast path is a single atomic instruction.
 * Context: any.
 */
#ifndef KMM_REFCOUNT_H
#define KMM_REFCOUNT_H

#include <limits.h>
#include "atomic.h"

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n)               \
	{                              \
		.refs = ATOMIC_INIT(n) \
	}
#define REFCOUNT_MAX INT_MAX
#define REFCOUNT_SATURATED (INT_MIN / 2)

enum refcount_saturation_type {
	REFCOUNT_ADD_NOT_ZERO_OVF,
	REFCOUNT_ADD_OVF,
	REFCOUNT_ADD_UAF,
	REFCOUNT_SUB_UAF,
	REFCOUNT_DEC_LEAK,
};

/**
 * refcount_warn_saturate - saturate @r and report what went wrong
 * @r: the counter
 * @t: which misuse was seen
 *
 * Context: any.
 */
void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t);

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return (unsigned int)atomic_read(&r->refs);
}

static inline bool refcount_add_not_zero(int i, refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (!old)
			break;
	} while (!atomic_try_cmpxchg(&r->refs, &old, (int)((unsigned int)old + (unsigned int)i)));
	if (old < 0 || (int)((unsigned int)old + (unsigned int)i) < 0)
		refcount_warn_saturate(r, REFCOUNT_ADD_NOT_ZERO_OVF);
	return old != 0;
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	return refcount_add_not_zero(1, r);
}

static inline void refcount_add(int i, refcount_t *r)
{
	int old = atomic_fetch_add_relaxed(i, &r->refs);

	if (!old)
		refcount_warn_saturate(r, REFCOUNT_ADD_UAF);
	else if (old < 0 || (int)((unsigned int)old + (unsigned int)i) < 0)
		refcount_warn_saturate(r, REFCOUNT_ADD_OVF);
}

static inline void refcount_inc(refcount_t *r)
{
	refcount_add(1, r);
}

static inline bool refcount_sub_and_test(int i, refcount_t *r)
{
	int old = atomic_fetch_sub_release(i, &r->refs);

	if (old == i) {
		(void)atomic_read_acquire(&r->refs); /* order the free after every put */
		return true;
	}
	if (old < 0 || (int)((unsigned int)old - (unsigned int)i) < 0)
		refcount_warn_saturate(r, REFCOUNT_SUB_UAF);
	return false;
}

static inline bool refcount_dec_and_test(refcount_t *r)
{
	return refcount_sub_and_test(1, r);
}

static inline void refcount_dec(refcount_t *r)
{
	if (atomic_fetch_sub_release(1, &r->refs) <= 1)
		refcount_warn_saturate(r, REFCOUNT_DEC_LEAK);
}

#endif /* KMM_REFCOUNT_H */
