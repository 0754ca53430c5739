/*
 * kmm/ratelimit.h - the kernel's message rate limiting: at most @burst messages per @interval
 * jiffies, then "FUNC: N callbacks suppressed" once the next interval lets one through.
 *
 * The clock is kmm's jiffies, so a test on the manual clock (kmm_jiffies_set_manual) decides
 * exactly when an interval ends. warn_alloc() uses one such state for the whole machine, as
 * the kernel's page allocator does.
 * Context: any; a caller that finds the state busy is treated as over the limit, as in the
 * kernel (whoever holds it is printing).
 */
#ifndef KMM_RATELIMIT_H
#define KMM_RATELIMIT_H

#include <kmm/jiffies.h>

#define DEFAULT_RATELIMIT_INTERVAL (5 * HZ)
#define DEFAULT_RATELIMIT_BURST 10

/* Report the suppressed count only from ratelimit_state_exit(), not when an interval ends. */
#define RATELIMIT_MSG_ON_RELEASE 0x1UL

struct ratelimit_state {
	int lock; /* taken with an atomic exchange; never waited for */
	int interval; /* jiffies; 0 lets every message through */
	int burst;
	int printed;
	int missed;
	unsigned long begin; /* jiffies at the start of the interval, 0 before the first */
	unsigned long flags;
};

#define RATELIMIT_STATE_INIT(name, interval_init, burst_init)      \
	{                                                          \
		.interval = (interval_init), .burst = (burst_init) \
	}
#define DEFINE_RATELIMIT_STATE(name, interval_init, burst_init) \
	struct ratelimit_state name = RATELIMIT_STATE_INIT(name, interval_init, burst_init)

/**
 * ratelimit_state_init - (re)start a state: nothing printed, nothing missed
 * @rs: the state
 * @interval: jiffies per interval
 * @burst: messages allowed per interval
 *
 * Context: any, with no caller of ___ratelimit() on @rs at the same time.
 */
void ratelimit_state_init(struct ratelimit_state *rs, int interval, int burst);

static inline void ratelimit_default_init(struct ratelimit_state *rs)
{
	ratelimit_state_init(rs, DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);
}

static inline void ratelimit_set_flags(struct ratelimit_state *rs, unsigned long flags)
{
	rs->flags = flags;
}

/**
 * ratelimit_state_exit - the end of a state's use: with RATELIMIT_MSG_ON_RELEASE, print what
 * was suppressed
 * @rs: the state
 *
 * Context: any.
 */
void ratelimit_state_exit(struct ratelimit_state *rs);

/**
 * ___ratelimit - may a message be printed now?
 * @rs: the state
 * @func: the caller's name, for the "callbacks suppressed" line
 *
 * Context: any.
 * Return: 1 if yes (counted), 0 if it is to be suppressed (counted as missed).
 */
int ___ratelimit(struct ratelimit_state *rs, const char *func);
#define __ratelimit(rs) ___ratelimit(rs, __func__)

#endif
