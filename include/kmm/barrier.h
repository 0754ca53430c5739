/*
 * kmm/barrier.h - the kernel's memory barriers and single-access macros on C11 atomics.
 *
 * Every kmm CPU is a host thread, so the SMP barriers must be real fences; the mandatory
 * barriers (mb, rmb, wmb) and the DMA ones are the same fences, since a simulated device is
 * also a host thread. READ_ONCE/WRITE_ONCE are relaxed atomic accesses: one untorn access the
 * compiler may not merge or invent, and one that ThreadSanitizer understands.
 * Context: any.
 */
#ifndef KMM_BARRIER_H
#define KMM_BARRIER_H

#define barrier() __asm__ __volatile__("" ::: "memory")

#if defined(__SANITIZE_THREAD__)
/*
 * ThreadSanitizer does not model fences; a locked read-modify-write is a full barrier on the
 * hardware and one it understands.
 */
/* One word for the whole program (weak: every includer defines it and the linker keeps one),
 * so that a fence in one file orders against a fence in another. */
__attribute__((weak)) int kmm_tsan_fence_word;

static inline void kmm_tsan_fence(void)
{
	__atomic_fetch_add(&kmm_tsan_fence_word, 0, __ATOMIC_SEQ_CST);
}
#define mb() kmm_tsan_fence()
#define rmb() kmm_tsan_fence()
#define wmb() kmm_tsan_fence()
#else
#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#define dma_rmb() rmb()
#define dma_wmb() wmb()

#define smp_mb() mb()
#define smp_rmb() rmb()
#define smp_wmb() wmb()
#define smp_mb__before_atomic() smp_mb()
#define smp_mb__after_atomic() smp_mb()

/* A relaxed store followed by a full fence, as the kernel's smp_store_mb(). */
#define smp_store_mb(var, value)                                     \
	do {                                                         \
		__atomic_store_n(&(var), (value), __ATOMIC_RELAXED); \
		smp_mb();                                            \
	} while (0)

#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)

#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val) __atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

#endif /* KMM_BARRIER_H */
