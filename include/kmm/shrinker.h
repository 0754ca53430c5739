/*
 * kmm/shrinker.h - callbacks through which caches give memory back under pressure.
 */
#ifndef KMM_SHRINKER_H
#define KMM_SHRINKER_H

#include "types.h"
#include "gfp.h"

struct shrink_control {
	gfp_t gfp_mask;
	int nid;
	unsigned long nr_to_scan; /* objects to scan in this call */
	unsigned long nr_scanned; /* set by scan_objects if it scanned a different number */
};

#define SHRINK_STOP (~0UL)
#define SHRINK_EMPTY (~0UL - 1)
#define DEFAULT_SEEKS 2

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *, struct shrink_control *sc);
	unsigned long (*scan_objects)(struct shrinker *, struct shrink_control *sc);
	long batch; /* objects per scan_objects call; 0 means 128 */
	int seeks;
	unsigned int flags;
	struct list_head list; /* private to kmm */
	const char *name; /* private to kmm */
};

/**
 * register_shrinker - make a cache's memory reclaimable
 * @shrinker: filled-in shrinker, lives until unregister_shrinker()
 * @fmt: printf-style name, shown in reports
 *
 * Context: process context.
 * Return: 0.
 */
int register_shrinker(struct shrinker *shrinker, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * unregister_shrinker - stop calling a shrinker; waits for a running call to finish
 * @shrinker: a registered shrinker
 *
 * Context: process context.
 */
void unregister_shrinker(struct shrinker *shrinker);

/**
 * kmm_shrink_all - run every registered shrinker once, as reclaim would
 * @gfp: the allocation's flags that triggered reclaim
 *
 * Context: process context.
 * Return: the number of objects freed.
 */
unsigned long kmm_shrink_all(gfp_t gfp);

#endif /* KMM_SHRINKER_H */
