/*
 * stats.c - summing and printing the counters of KMM_STAT_LIST.
 *
 * Every thread's struct kmm_stats is in attached[] while the thread lives; at exit its
 * values are folded into retired. Locks: stats_lock guards the list and retired; it is taken
 * only by thread birth/death and by readers, never on a counting path.
 */
#include <pthread.h>
#include <string.h>

#include <kmm/proc.h>
#include "machine/stats.h"
#include "machine/thread.h"

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kmm_stats retired;
static struct kmm_stats *attached[1024];
static unsigned int nr_attached;

static const struct {
	const char *name;
	bool vmstat;
	const char *desc;
} stat_info[NR_KMM_STATS] = {
#define KMM_STAT_INFO(id, name, vmstat, desc) { name, vmstat, desc },
	KMM_STAT_LIST(KMM_STAT_INFO)
#undef KMM_STAT_INFO
};

void count_events(enum kmm_stat stat, unsigned long n)
{
	stats_add(&thread_current()->stats, stat, n);
}

void stats_thread_attach(struct kmm_stats *stats)
{
	pthread_mutex_lock(&stats_lock);
	if (nr_attached < sizeof(attached) / sizeof(attached[0]))
		attached[nr_attached++] = stats;
	pthread_mutex_unlock(&stats_lock);
}

void stats_thread_detach(struct kmm_stats *stats)
{
	pthread_mutex_lock(&stats_lock);
	for (unsigned int i = 0; i < nr_attached; i++) {
		if (attached[i] != stats)
			continue;
		attached[i] = attached[--nr_attached];
		for (int s = 0; s < NR_KMM_STATS; s++)
			retired.v[s] += __atomic_load_n(&stats->v[s], __ATOMIC_RELAXED);
		break;
	}
	pthread_mutex_unlock(&stats_lock);
}

static unsigned long sum_locked(enum kmm_stat stat)
{
	unsigned long sum = retired.v[stat];

	for (unsigned int i = 0; i < nr_attached; i++)
		sum += __atomic_load_n(&attached[i]->v[stat], __ATOMIC_RELAXED);
	return sum;
}

unsigned long stats_read(enum kmm_stat stat)
{
	unsigned long v;

	pthread_mutex_lock(&stats_lock);
	v = sum_locked(stat);
	pthread_mutex_unlock(&stats_lock);
	return v;
}

void stats_reset(void)
{
	pthread_mutex_lock(&stats_lock);
	memset(&retired, 0, sizeof(retired));
	for (unsigned int i = 0; i < nr_attached; i++)
		for (int s = 0; s < NR_KMM_STATS; s++)
			__atomic_store_n(&attached[i]->v[s], 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&stats_lock);
}

void stats_print(FILE *out, bool vmstat_only)
{
	pthread_mutex_lock(&stats_lock);
	for (int s = 0; s < NR_KMM_STATS; s++)
		if (!vmstat_only || stat_info[s].vmstat)
			fprintf(out, "%s %lu\n", stat_info[s].name, sum_locked(s));
	pthread_mutex_unlock(&stats_lock);
}

void stats_print_json(FILE *out)
{
	pthread_mutex_lock(&stats_lock);
	fputc('{', out);
	for (int s = 0; s < NR_KMM_STATS; s++)
		fprintf(out, "%s\"%s\": %lu", s ? ", " : "", stat_info[s].name, sum_locked(s));
	fputs("}\n", out);
	pthread_mutex_unlock(&stats_lock);
}

void kmm_stats_print(FILE *out, bool json)
{
	if (json)
		stats_print_json(out);
	else
		stats_print(out, false);
}
