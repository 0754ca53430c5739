/*
 * kmm/atomic.h - atomic_t, atomic64_t and atomic_long_t with the kernel's operations.
 *
 * Each type wraps one integer accessed only through GCC's __atomic builtins. The kernel's
 * ordering rules are kept: operations that return a value (*_return, fetch_*, xchg, cmpxchg,
 * *_and_test, inc_not_zero) are fully ordered; the void ones (inc, add, ...) and
 * read/set are relaxed; the _relaxed, _acquire and _release variants say what they do.
 * Context: any.
 */
#ifndef KMM_ATOMIC_H
#define KMM_ATOMIC_H

#include "types.h"
#include "barrier.h"

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

typedef struct {
	long counter;
} atomic_long_t;

#define ATOMIC_INIT(i) \
	{              \
		(i)    \
	}
#define ATOMIC64_INIT(i) ATOMIC_INIT(i)
#define ATOMIC_LONG_INIT(i) ATOMIC_INIT(i)

#define KMM_SC __ATOMIC_SEQ_CST
#define KMM_RLX __ATOMIC_RELAXED

/*
 * One definition of every operation, stamped for each of the three types: @pfx is the name
 * prefix, @T the wrapper type and @I its integer type.
 */
#define KMM_ATOMIC_OPS(pfx, T, I)                                                               \
	static inline I pfx##_read(const T *v)                                                  \
	{                                                                                       \
		return __atomic_load_n(&v->counter, KMM_RLX);                                   \
	}                                                                                       \
	static inline I pfx##_read_acquire(const T *v)                                          \
	{                                                                                       \
		return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE);                          \
	}                                                                                       \
	static inline void pfx##_set(T *v, I i)                                                 \
	{                                                                                       \
		__atomic_store_n(&v->counter, i, KMM_RLX);                                      \
	}                                                                                       \
	static inline void pfx##_set_release(T *v, I i)                                         \
	{                                                                                       \
		__atomic_store_n(&v->counter, i, __ATOMIC_RELEASE);                             \
	}                                                                                       \
	static inline void pfx##_add(I i, T *v)                                                 \
	{                                                                                       \
		__atomic_fetch_add(&v->counter, i, KMM_RLX);                                    \
	}                                                                                       \
	static inline void pfx##_sub(I i, T *v)                                                 \
	{                                                                                       \
		__atomic_fetch_sub(&v->counter, i, KMM_RLX);                                    \
	}                                                                                       \
	static inline void pfx##_inc(T *v)                                                      \
	{                                                                                       \
		__atomic_fetch_add(&v->counter, 1, KMM_RLX);                                    \
	}                                                                                       \
	static inline void pfx##_dec(T *v)                                                      \
	{                                                                                       \
		__atomic_fetch_sub(&v->counter, 1, KMM_RLX);                                    \
	}                                                                                       \
	static inline void pfx##_and(I i, T *v)                                                 \
	{                                                                                       \
		__atomic_fetch_and(&v->counter, i, KMM_RLX);                                    \
	}                                                                                       \
	static inline void pfx##_or(I i, T *v)                                                  \
	{                                                                                       \
		__atomic_fetch_or(&v->counter, i, KMM_RLX);                                     \
	}                                                                                       \
	static inline void pfx##_xor(I i, T *v)                                                 \
	{                                                                                       \
		__atomic_fetch_xor(&v->counter, i, KMM_RLX);                                    \
	}                                                                                       \
	static inline void pfx##_andnot(I i, T *v)                                              \
	{                                                                                       \
		__atomic_fetch_and(&v->counter, ~i, KMM_RLX);                                   \
	}                                                                                       \
	static inline I pfx##_add_return(I i, T *v)                                             \
	{                                                                                       \
		return __atomic_add_fetch(&v->counter, i, KMM_SC);                              \
	}                                                                                       \
	static inline I pfx##_add_return_relaxed(I i, T *v)                                     \
	{                                                                                       \
		return __atomic_add_fetch(&v->counter, i, KMM_RLX);                             \
	}                                                                                       \
	static inline I pfx##_sub_return(I i, T *v)                                             \
	{                                                                                       \
		return __atomic_sub_fetch(&v->counter, i, KMM_SC);                              \
	}                                                                                       \
	static inline I pfx##_inc_return(T *v)                                                  \
	{                                                                                       \
		return __atomic_add_fetch(&v->counter, 1, KMM_SC);                              \
	}                                                                                       \
	static inline I pfx##_dec_return(T *v)                                                  \
	{                                                                                       \
		return __atomic_sub_fetch(&v->counter, 1, KMM_SC);                              \
	}                                                                                       \
	static inline I pfx##_fetch_add(I i, T *v)                                              \
	{                                                                                       \
		return __atomic_fetch_add(&v->counter, i, KMM_SC);                              \
	}                                                                                       \
	static inline I pfx##_fetch_add_relaxed(I i, T *v)                                      \
	{                                                                                       \
		return __atomic_fetch_add(&v->counter, i, KMM_RLX);                             \
	}                                                                                       \
	static inline I pfx##_fetch_sub(I i, T *v)                                              \
	{                                                                                       \
		return __atomic_fetch_sub(&v->counter, i, KMM_SC);                              \
	}                                                                                       \
	static inline I pfx##_fetch_sub_release(I i, T *v)                                      \
	{                                                                                       \
		return __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELEASE);                    \
	}                                                                                       \
	static inline I pfx##_fetch_inc(T *v)                                                   \
	{                                                                                       \
		return __atomic_fetch_add(&v->counter, 1, KMM_SC);                              \
	}                                                                                       \
	static inline I pfx##_fetch_dec(T *v)                                                   \
	{                                                                                       \
		return __atomic_fetch_sub(&v->counter, 1, KMM_SC);                              \
	}                                                                                       \
	static inline I pfx##_fetch_and(I i, T *v)                                              \
	{                                                                                       \
		return __atomic_fetch_and(&v->counter, i, KMM_SC);                              \
	}                                                                                       \
	static inline I pfx##_fetch_or(I i, T *v)                                               \
	{                                                                                       \
		return __atomic_fetch_or(&v->counter, i, KMM_SC);                               \
	}                                                                                       \
	static inline I pfx##_fetch_xor(I i, T *v)                                              \
	{                                                                                       \
		return __atomic_fetch_xor(&v->counter, i, KMM_SC);                              \
	}                                                                                       \
	static inline I pfx##_fetch_andnot(I i, T *v)                                           \
	{                                                                                       \
		return __atomic_fetch_and(&v->counter, ~i, KMM_SC);                             \
	}                                                                                       \
	static inline bool pfx##_sub_and_test(I i, T *v)                                        \
	{                                                                                       \
		return __atomic_sub_fetch(&v->counter, i, KMM_SC) == 0;                         \
	}                                                                                       \
	static inline bool pfx##_dec_and_test(T *v)                                             \
	{                                                                                       \
		return __atomic_sub_fetch(&v->counter, 1, KMM_SC) == 0;                         \
	}                                                                                       \
	static inline bool pfx##_inc_and_test(T *v)                                             \
	{                                                                                       \
		return __atomic_add_fetch(&v->counter, 1, KMM_SC) == 0;                         \
	}                                                                                       \
	static inline bool pfx##_add_negative(I i, T *v)                                        \
	{                                                                                       \
		return __atomic_add_fetch(&v->counter, i, KMM_SC) < 0;                          \
	}                                                                                       \
	static inline I pfx##_xchg(T *v, I n)                                                   \
	{                                                                                       \
		return __atomic_exchange_n(&v->counter, n, KMM_SC);                             \
	}                                                                                       \
	static inline I pfx##_cmpxchg(T *v, I old, I n)                                         \
	{                                                                                       \
		__atomic_compare_exchange_n(&v->counter, &old, n, false, KMM_SC, KMM_SC);       \
		return old;                                                                     \
	}                                                                                       \
	static inline bool pfx##_try_cmpxchg(T *v, I *old, I n)                                 \
	{                                                                                       \
		return __atomic_compare_exchange_n(&v->counter, old, n, false, KMM_SC, KMM_SC); \
	}                                                                                       \
	static inline I pfx##_fetch_add_unless(T *v, I a, I u)                                  \
	{                                                                                       \
		I c = pfx##_read(v);                                                            \
		while (c != u && !pfx##_try_cmpxchg(v, &c, c + a))                              \
			;                                                                       \
		return c;                                                                       \
	}                                                                                       \
	static inline bool pfx##_add_unless(T *v, I a, I u)                                     \
	{                                                                                       \
		return pfx##_fetch_add_unless(v, a, u) != u;                                    \
	}                                                                                       \
	static inline bool pfx##_inc_not_zero(T *v)                                             \
	{                                                                                       \
		return pfx##_add_unless(v, 1, 0);                                               \
	}                                                                                       \
	static inline I pfx##_dec_if_positive(T *v)                                             \
	{                                                                                       \
		I c = pfx##_read(v);                                                            \
		while (c > 0 && !pfx##_try_cmpxchg(v, &c, c - 1))                               \
			;                                                                       \
		return c - 1;                                                                   \
	}

KMM_ATOMIC_OPS(atomic, atomic_t, int)
KMM_ATOMIC_OPS(atomic64, atomic64_t, s64)
KMM_ATOMIC_OPS(atomic_long, atomic_long_t, long)

/* The untyped exchange helpers drivers also use on plain integers and pointers. */
#define xchg(ptr, v) __atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)
#define cmpxchg(ptr, o, n)                                                                   \
	({                                                                                   \
		__typeof__(*(ptr)) __kmm_old = (o);                                          \
		__atomic_compare_exchange_n((ptr), &__kmm_old, (n), false, __ATOMIC_SEQ_CST, \
					    __ATOMIC_SEQ_CST);                               \
		__kmm_old;                                                                   \
	})
#define try_cmpxchg(ptr, pold, n) \
	__atomic_compare_exchange_n((ptr), (pold), (n), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

#endif /* KMM_ATOMIC_H */
