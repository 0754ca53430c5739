/*
 * random.c - get_random_*() (kmm/random.h): each thread draws from its own
 * generator, a 64-bit xorshift* seeded from the host's getrandom() on first use, so no call
 * takes a lock or blocks. Not for cryptography, which kmm's drivers do not do.
 */
#include <string.h>
#include <sys/random.h>

#include <kmm/random.h>

static __thread u64 state;

static u64 next(void)
{
	u64 x = state;

	while (!x) {
		if (getrandom(&x, sizeof(x), GRND_NONBLOCK) != sizeof(x))
			x = (u64)(unsigned long)&state ^ 0x9e3779b97f4a7c15ULL;
	}
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

void get_random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		u64 v = next();
		size_t n = len < sizeof(v) ? len : sizeof(v);

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

u8 get_random_u8(void)
{
	return (u8)(next() >> 56);
}

u16 get_random_u16(void)
{
	return (u16)(next() >> 48);
}

u32 get_random_u32(void)
{
	return (u32)(next() >> 32);
}

u64 get_random_u64(void)
{
	return next();
}

unsigned long get_random_long(void)
{
	return (unsigned long)next();
}
