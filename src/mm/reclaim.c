/*
 * reclaim.c - what an allocation does when the fast attempt fails: use the reserves its GFP
 * flags entitle it to, run the shrinkers, wait for other threads to free memory, and finally
 * fail with the kernel's "page allocation failure" warning.
 *
 *   GFP_ATOMIC / GFP_NOWAIT   never sleep; __GFP_HIGH and __GFP_ATOMIC lower the min watermark
 *   __GFP_NORETRY             one round of reclaim, then fail
 *   GFP_KERNEL                reclaim, then wait up to gfp_wait_ms for frees
 *   __GFP_NOFAIL              wait for as long as it takes
 *
 * Locks: wait_lock guards free_seq and is the innermost lock; waiters sleep on freed_cond.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include <kmm/context.h>
#include <kmm/page_alloc.h>
#include <kmm/ratelimit.h>
#include <kmm/shrinker.h>
#include "machine/machine.h"
#include "machine/options.h"
#include "machine/report.h"
#include "machine/stats.h"
#include "mm/internal.h"

#define WAIT_SLICE_MS 10

static pthread_mutex_t wait_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t freed_cond = PTHREAD_COND_INITIALIZER;
static unsigned long free_seq;

void page_alloc_wake_waiters(void)
{
	if (!__atomic_load_n(&alloc_waiters, __ATOMIC_SEQ_CST))
		return;
	pthread_mutex_lock(&wait_lock);
	free_seq++;
	pthread_cond_broadcast(&freed_cond);
	pthread_mutex_unlock(&wait_lock);
}

static unsigned int slow_alloc_flags(gfp_t gfp)
{
	unsigned int flags = ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		flags |= ALLOC_HIGH;
	if ((gfp & __GFP_ATOMIC) && !(gfp & __GFP_NOMEMALLOC))
		flags |= ALLOC_HARDER;
	return flags;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep until some memory is freed after @seen, or @ms pass. */
static void wait_for_frees(unsigned long seen, long ms)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += ms * 1000000L;
	deadline.tv_sec += deadline.tv_nsec / 1000000000L;
	deadline.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&wait_lock);
	while (free_seq == seen) {
		if (pthread_cond_timedwait(&freed_cond, &wait_lock, &deadline) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&wait_lock);
}

static unsigned long current_free_seq(void)
{
	unsigned long seq;

	pthread_mutex_lock(&wait_lock);
	seq = free_seq;
	pthread_mutex_unlock(&wait_lock);
	return seq;
}

/* Wait for frees, retrying, until the allocation succeeds or the time is up. */
static struct page *wait_and_retry(gfp_t gfp, unsigned int order, enum zone_type high,
				   unsigned int alloc_flags)
{
	long long deadline = now_ms() + kmm_opts.gfp_wait_ms;
	struct page *page = NULL;

	count_events(STAT_PGALLOC_WAIT, 1);
	__atomic_add_fetch(&alloc_waiters, 1, __ATOMIC_SEQ_CST);
	kmm_drain_all_pages();
	for (;;) {
		unsigned long seen = current_free_seq();

		page = get_page_from_freelist(order, high, alloc_flags);
		if (page || (!(gfp & __GFP_NOFAIL) && now_ms() >= deadline))
			break;
		wait_for_frees(seen, WAIT_SLICE_MS);
		kmm_shrink_all(gfp);
	}
	__atomic_sub_fetch(&alloc_waiters, 1, __ATOMIC_SEQ_CST);
	return page;
}

/* Mem-Info names the node of each zone only on a NUMA kernel. */
static const char *node_prefix(void)
{
	return machine_has_numa() ? "Node 0 " : "";
}

static void show_zone_counts(const struct zone *z)
{
	unsigned long kb = PAGE_SIZE >> 10;

	report_add("%s%s free:%lukB boost:0kB min:%lukB low:%lukB high:%lukB "
		   "reserved_highatomic:0KB active_anon:0kB inactive_anon:0kB active_file:0kB "
		   "inactive_file:0kB unevictable:0kB writepending:0kB present:%lukB managed:%lukB "
		   "mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB",
		   node_prefix(), z->name, __atomic_load_n(&z->free_pages, __ATOMIC_RELAXED) * kb,
		   z->watermark[WMARK_MIN] * kb, z->watermark[WMARK_LOW] * kb,
		   z->watermark[WMARK_HIGH] * kb, z->present_pages * kb, z->managed_pages * kb);
}

static void show_lowmem_reserve(const struct zone *z)
{
	char line[128];
	size_t used = 0;

	for (int j = 0; j < MAX_NR_ZONES && used < sizeof(line); j++)
		if (zone_configured(j))
			used += (size_t)snprintf(line + used, sizeof(line) - used, " %ld",
						 (long)z->lowmem_reserve[j]);
	report_add("lowmem_reserve[]:%s", line);
}

static void show_free_lists(const struct zone *z)
{
	char line[512];
	size_t used = 0;
	unsigned long total = 0, kb = PAGE_SIZE >> 10;

	for (unsigned int o = 0; o <= MAX_PAGE_ORDER && used < sizeof(line); o++) {
		unsigned long n = __atomic_load_n(&z->free_area[o].nr_free, __ATOMIC_RELAXED);

		used += (size_t)snprintf(line + used, sizeof(line) - used, "%lu*%lukB ", n,
					 kb << o);
		total += n << o;
	}
	report_add("%s%s: %s= %lukB", node_prefix(), z->name, line, total * kb);
}

/* The zones an allocation limited to @high could use, lowest first, as show_mem lists them. */
static void show_mem(enum zone_type high)
{
	report_add("Mem-Info:");
	for (int i = 0; i <= (int)high; i++) {
		if (zone_populated(&zones[i])) {
			show_zone_counts(&zones[i]);
			show_lowmem_reserve(&zones[i]);
		}
	}
	for (int i = 0; i <= (int)high; i++)
		if (zone_populated(&zones[i]))
			show_free_lists(&zones[i]);
}

static struct ratelimit_state nopage_rs;

void warn_alloc_reset(void)
{
	ratelimit_state_init(&nopage_rs, 10 * HZ, 1);
}

bool warn_alloc_allowed(gfp_t gfp)
{
	/* The name the kernel's "callbacks suppressed" line gives: its warn_alloc(). */
	if ((gfp & __GFP_NOWARN) || !___ratelimit(&nopage_rs, "warn_alloc"))
		return false;
	return !(gfp & __GFP_DMA) || zone_populated(&zones[ZONE_DMA]);
}

/* The kernel's warn_alloc() for the page allocator: what failed, where, the state of memory. */
static void warn_page_alloc_failure(gfp_t gfp, unsigned int order, enum zone_type high)
{
	char mode[256];

	report_start("page_alloc_failure",
		     "%s: page allocation failure: order:%u, mode:%#x(%s), "
		     "nodemask=(null),cpuset=/,mems_allowed=0",
		     kmm_current_comm(), order, gfp, gfp_format(gfp, mode, sizeof(mode)));
	report_add_task();
	report_add_stack();
	show_mem(high);
	report_finish();
}

struct page *alloc_slowpath(gfp_t gfp, unsigned int order, enum zone_type high)
{
	unsigned int alloc_flags = slow_alloc_flags(gfp);
	struct page *page = get_page_from_freelist(order, high, alloc_flags);

	if (page)
		return page;
	if (!gfpflags_allow_blocking(gfp)) {
		/* A __GFP_NOFAIL request that cannot sleep may take the last reserves. */
		if (gfp & __GFP_NOFAIL)
			page = get_page_from_freelist(order, high, ALLOC_NO_WATERMARKS);
		goto out;
	}
	count_events(STAT_ALLOCSTALL, 1);
	drain_local_pages();
	kmm_shrink_all(gfp);
	page = get_page_from_freelist(order, high, alloc_flags);
	if (page || (gfp & __GFP_NORETRY))
		goto out;
	page = wait_and_retry(gfp, order, high, alloc_flags);
out:
	if (!page)
		count_events(STAT_PGALLOC_FAIL, 1);
	if (!page && warn_alloc_allowed(gfp))
		warn_page_alloc_failure(gfp, order, high);
	return page;
}
