/*
 * random.c - random numbers for driver and test code (kmm/random.h).
 *
 * A per-thread xorshift64* generator, seeded once from the host's getrandom():
 * fast and lock-free, unpredictable enough for tests, not for keys. get_random_bytes() goes
 * to the host for every call.
 * Context: any.
 */
#include <sys/random.h>
#include <string.h>
#include <time.h>
#include <kmm/random.h>

static __thread u64 state;

static u64 seed(void)
{
	u64 s = 0;

	if (getrandom(&s, sizeof(s), 0) != sizeof(s)) {
		struct timespec ts;

		/* No entropy from the host: a clock and an address still differ per thread. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		s = (u64)ts.tv_nsec ^ ((u64)ts.tv_sec << 32) ^ (u64)(unsigned long)&state;
	}
	return s ? s : 0x9e3779b97f4a7c15ull;
}

u64 get_random_u64(void)
{
	u64 x = state;

	if (!x)
		x = seed();
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	state = x;
	return x * 0x2545f4914f6cdd1dull;
}

void get_random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n <= 0) {
			/* The host refused: fall back on the thread's generator. */
			for (; len; len--)
				*p++ = (unsigned char)(get_random_u64() >> 56);
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}
