/*
 * timekeeping.c - ktime_get() and ktime_get_real() (kmm/ktime.h): the machine's one monotonic
 * clock (os_now_ns) and the host's wall clock.
 */
#include <time.h>

#include <kmm/ktime.h>
#include "machine/os.h"

ktime_t ktime_get(void)
{
	return os_now_ns();
}

ktime_t ktime_get_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ktime_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
