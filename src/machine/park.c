/*
 * park.c - sleeping on a word: the one way a kmm thread blocks for a kernel primitive.
 *
 * PARK_BUCKETS buckets, each a mutex, a condition variable (on CLOCK_MONOTONIC) and a count
 * of sleepers; a word hashes to a bucket. A sleeper takes the bucket lock, counts itself,
 * and sleeps only if the word still holds the value it saw. A waker changes the word first
 * (seq_cst) and then reads the bucket's count (seq_cst): either it sees the sleeper and
 * broadcasts under the bucket lock, or the sleeper sees the new value and does not sleep.
 * Words sharing a bucket cause only spurious wake-ups, which every caller loops over.
 *
 * park_wait is where the blocking primitives call the kernel's schedule(): before it sleeps it
 * runs the scheduler's check (context_schedule(): "scheduling while atomic"), outside the
 * bucket lock, and only when the word says it will sleep.
 *
 * Lock order: a bucket lock is a leaf. Context: park_wait only where sleeping is allowed (the
 * callers check with might_sleep first); park_wake from any context.
 */
#include <errno.h>
#include <pthread.h>

#include "machine/park.h"
#include "machine/thread.h"

#define PARK_BUCKETS 64

struct park_bucket {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int sleepers;
} __attribute__((aligned(64)));

static struct park_bucket buckets[PARK_BUCKETS];
static pthread_once_t buckets_once = PTHREAD_ONCE_INIT;

static void init_buckets(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	for (unsigned int i = 0; i < PARK_BUCKETS; i++) {
		pthread_mutex_init(&buckets[i].lock, NULL);
		pthread_cond_init(&buckets[i].cond, &attr);
	}
	pthread_condattr_destroy(&attr);
}

static struct park_bucket *bucket_of(const int *word)
{
	unsigned long h = ((unsigned long)word >> 2) * 0x9e3779b97f4a7c15ul;

	pthread_once(&buckets_once, init_buckets);
	return &buckets[(h >> 32) % PARK_BUCKETS];
}

void park_deadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int park_wait(const int *word, int expected, const struct timespec *deadline)
{
	struct park_bucket *b = bucket_of(word);
	int ret = 0;

	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != expected)
		return 0;
	context_schedule();
	pthread_mutex_lock(&b->lock);
	__atomic_fetch_add(&b->sleepers, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) == expected) {
		if (!deadline)
			pthread_cond_wait(&b->cond, &b->lock);
		else if (pthread_cond_timedwait(&b->cond, &b->lock, deadline) == ETIMEDOUT)
			ret = -ETIMEDOUT;
	}
	__atomic_fetch_sub(&b->sleepers, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&b->lock);
	return ret;
}

void park_wake(const int *word)
{
	struct park_bucket *b = bucket_of(word);

	if (__atomic_load_n(&b->sleepers, __ATOMIC_SEQ_CST)) {
		pthread_mutex_lock(&b->lock);
		pthread_cond_broadcast(&b->cond);
		pthread_mutex_unlock(&b->lock);
	}
}
