/*
 * <linux/printk.h> for driver code: printk and the pr_* helpers, printed by kmm_printk() to
 * stdout. A driver's pr_fmt() prefix applies as in the kernel; log levels are not kept, and
 * pr_debug prints nothing, as in a kernel without DEBUG or dynamic debug.
 */
#ifndef _KMM_COMPAT_LINUX_PRINTK_H
#define _KMM_COMPAT_LINUX_PRINTK_H

#include <stdbool.h>
#include <kmm/printk.h>
#include <kmm/ratelimit.h>

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"

#define printk(fmt, ...) kmm_printk(fmt, ##__VA_ARGS__)
#define pr_emerg(fmt, ...) kmm_printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...) kmm_printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...) kmm_printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) kmm_printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) kmm_printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) kmm_printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) kmm_printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...) kmm_printk(fmt, ##__VA_ARGS__)
/* Never printed, but its arguments are checked against the format, as the kernel's. */
#define no_printk(fmt, ...)                             \
	({                                              \
		if (0)                                  \
			kmm_printk(fmt, ##__VA_ARGS__); \
		0;                                      \
	})
#define pr_debug(fmt, ...) no_printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_devel(fmt, ...) no_printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)

/* Each call site prints once. */
#define printk_once(fmt, ...)                                                    \
	({                                                                       \
		static bool __print_once;                                        \
		if (!__atomic_exchange_n(&__print_once, true, __ATOMIC_RELAXED)) \
			printk(fmt, ##__VA_ARGS__);                              \
	})
#define pr_err_once(fmt, ...) printk_once(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn_once(fmt, ...) printk_once(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice_once(fmt, ...) printk_once(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info_once(fmt, ...) printk_once(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)

/* Each call site has its own limit: ten lines per five seconds. */
#define printk_ratelimited(fmt, ...)                                           \
	({                                                                     \
		static DEFINE_RATELIMIT_STATE(_rs, DEFAULT_RATELIMIT_INTERVAL, \
					      DEFAULT_RATELIMIT_BURST);        \
		if (__ratelimit(&_rs))                                         \
			printk(fmt, ##__VA_ARGS__);                            \
	})
#define pr_err_ratelimited(fmt, ...) printk_ratelimited(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...) printk_ratelimited(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice_ratelimited(fmt, ...) printk_ratelimited(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info_ratelimited(fmt, ...) printk_ratelimited(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)

#endif
