/*
 * ratelimit.c - at most a burst of messages per interval of jiffies (kmm/ratelimit.h).
 *
 * Counts and the interval's start are plain fields under the state's lock, an int taken by
 * atomic exchange: a caller that cannot take it at once is over the limit, since whoever holds
 * it is deciding about a message of its own. The "suppressed" line is a plain log line, as the
 * kernel's, not a report.
 * Context: any.
 */
#include <kmm/context.h>
#include <kmm/printk.h>
#include <kmm/ratelimit.h>

void ratelimit_state_init(struct ratelimit_state *rs, int interval, int burst)
{
	*rs = (struct ratelimit_state){ .interval = interval, .burst = burst };
}

static void say_suppressed(const char *func, int missed)
{
	kmm_printk("\0014%s: %d callbacks suppressed\n", func, missed);
}

void ratelimit_state_exit(struct ratelimit_state *rs)
{
	if ((rs->flags & RATELIMIT_MSG_ON_RELEASE) && rs->missed) {
		kmm_printk("\0014%s: %d output lines suppressed due to ratelimiting\n",
			   kmm_current_comm(), rs->missed);
		rs->missed = 0;
	}
}

int ___ratelimit(struct ratelimit_state *rs, const char *func)
{
	unsigned long now = kmm_jiffies();
	int ok;

	if (!rs->interval)
		return 1;
	if (__atomic_exchange_n(&rs->lock, 1, __ATOMIC_ACQUIRE))
		return 0;
	if (!rs->begin)
		rs->begin = now;
	if (time_after(now, rs->begin + (unsigned long)rs->interval)) {
		if (rs->missed && !(rs->flags & RATELIMIT_MSG_ON_RELEASE)) {
			say_suppressed(func, rs->missed);
			rs->missed = 0;
		}
		rs->begin = now;
		rs->printed = 0;
	}
	ok = rs->burst && rs->burst > rs->printed;
	if (ok)
		rs->printed++;
	else
		rs->missed++;
	__atomic_store_n(&rs->lock, 0, __ATOMIC_RELEASE);
	return ok;
}
