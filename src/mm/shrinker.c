/*
 * shrinker.c - the registry of shrinkers, and one reclaim pass over them.
 *
 * Locks: shrinker_lock guards the list and is held across calls into shrinkers, so
 * unregister_shrinker() returns only once no call is running. Shrinkers therefore must not
 * register or unregister shrinkers themselves.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include <kmm/shrinker.h>
#include "lib/list.h"
#include "machine/os.h"
#include "machine/stats.h"

#define DEFAULT_BATCH 128

static pthread_mutex_t shrinker_lock = PTHREAD_MUTEX_INITIALIZER;
static struct list_head shrinkers = { &shrinkers, &shrinkers };

int register_shrinker(struct shrinker *shrinker, const char *fmt, ...)
{
	static char names[64][32];
	static unsigned int next_name;
	va_list ap;

	pthread_mutex_lock(&shrinker_lock);
	shrinker->name = names[next_name++ % 64];
	va_start(ap, fmt);
	vsnprintf((char *)shrinker->name, 32, fmt, ap);
	va_end(ap);
	list_add_tail(&shrinker->list, &shrinkers);
	pthread_mutex_unlock(&shrinker_lock);
	return 0;
}

void unregister_shrinker(struct shrinker *shrinker)
{
	pthread_mutex_lock(&shrinker_lock);
	if (shrinker->list.next)
		list_del(&shrinker->list);
	pthread_mutex_unlock(&shrinker_lock);
}

static unsigned long shrink_one(struct shrinker *s, gfp_t gfp)
{
	struct shrink_control sc = { .gfp_mask = gfp, .nid = 0 };
	unsigned long batch = s->batch > 0 ? (unsigned long)s->batch : DEFAULT_BATCH;
	unsigned long count = s->count_objects(s, &sc), freed = 0;

	if (count == 0 || count == SHRINK_EMPTY)
		return 0;
	while (count) {
		unsigned long got;

		sc.nr_to_scan = count < batch ? count : batch;
		sc.nr_scanned = sc.nr_to_scan;
		got = s->scan_objects(s, &sc);
		if (got == SHRINK_STOP)
			break;
		freed += got;
		count -= sc.nr_scanned < count ? sc.nr_scanned : count;
	}
	return freed;
}

unsigned long kmm_shrink_all(gfp_t gfp)
{
	struct shrinker *s;
	unsigned long freed = 0;

	pthread_mutex_lock(&shrinker_lock);
	list_for_each_entry (s, &shrinkers, list)
		freed += shrink_one(s, gfp);
	pthread_mutex_unlock(&shrinker_lock);
	return freed;
}
