/*
 * stats.h - kmm's event counters, declared once in KMM_STAT_LIST (defined in stats.c).
 *
 * Each thread counts into its own array with plain relaxed stores (no read-modify-write on a
 * hot path); readers sum the live threads' arrays and the totals left by threads that exited.
 * Names that exist in the kernel's /proc/vmstat keep the kernel's name.
 */
#ifndef KMM_INTERNAL_STATS_H
#define KMM_INTERNAL_STATS_H

#include <stdio.h>
#include "machine/os.h"

/*        id              name             in /proc/vmstat   meaning */
#define KMM_STAT_LIST(X)                                                                   \
	X(PGALLOC_DMA, "pgalloc_dma", true, "pages allocated from ZONE_DMA")               \
	X(PGALLOC_DMA32, "pgalloc_dma32", true, "pages allocated from ZONE_DMA32")         \
	X(PGALLOC_NORMAL, "pgalloc_normal", true, "pages allocated from ZONE_NORMAL")      \
	X(PGALLOC_HIGH, "pgalloc_high", true, "pages allocated from ZONE_HIGHMEM")         \
	X(PGFREE, "pgfree", true, "pages freed")                                           \
	X(ALLOCSTALL, "allocstall", true, "allocations that entered reclaim")              \
	X(PGALLOC_FAIL, "pgalloc_fail", false, "page allocations that failed")             \
	X(PGALLOC_WAIT, "pgalloc_wait", false, "allocations that slept waiting for frees") \
	X(PCP_REFILL, "pcp_refill", false, "thread page cache refills from a zone")        \
	X(PCP_SPILL, "pcp_spill", false, "thread page cache batches given back to a zone") \
	X(SHRINK_RUNS, "shrink_runs", false, "passes over the registered shrinkers")

enum kmm_stat {
#define KMM_STAT_ENUM(id, name, vmstat, desc) STAT_##id,
	KMM_STAT_LIST(KMM_STAT_ENUM)
#undef KMM_STAT_ENUM
		NR_KMM_STATS,
};

struct kmm_stats {
	unsigned long v[NR_KMM_STATS];
};

/* Add @n to the calling thread's counter @stat. */
KMM_HIDDEN void count_events(enum kmm_stat stat, unsigned long n);

/* Add @n to @stats (the owner's own array). */
static inline void stats_add(struct kmm_stats *stats, enum kmm_stat stat, unsigned long n)
{
	__atomic_store_n(&stats->v[stat], stats->v[stat] + n, __ATOMIC_RELAXED);
}

/* The machine-wide value of @stat. */
KMM_HIDDEN unsigned long stats_read(enum kmm_stat stat);

/* Every counter as "name value" lines; @vmstat_only limits them to the kernel's names. */
KMM_HIDDEN void stats_print(FILE *out, bool vmstat_only);

/* Every counter as one JSON object. */
KMM_HIDDEN void stats_print_json(FILE *out);

/* Thread bookkeeping (thread.c): a new thread's array joins the sum; a dying one is folded. */
KMM_HIDDEN void stats_thread_attach(struct kmm_stats *stats);
KMM_HIDDEN void stats_thread_detach(struct kmm_stats *stats);

/* Zero every counter (a new boot). */
KMM_HIDDEN void stats_reset(void);

#endif /* KMM_INTERNAL_STATS_H */
