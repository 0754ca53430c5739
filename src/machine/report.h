/*
 * report.h - composing a kernel-style report (defined in report.c).
 *
 * A report is built line by line in the reporting thread's own buffer, then delivered in one
 * piece through the single delivery function: to the capture buffer, the user's handler or
 * stderr. Nothing here allocates, so reports are safe from any layer and any context.
 *
 *	report_start("bad_page", "BUG: Bad page state in process %s  pfn:%05lx", comm, pfn);
 *	report_add("page dumped because: %s", reason);
 *	report_add_task();
 *	report_add_stack();
 *	report_finish();
 */
#ifndef KMM_INTERNAL_REPORT_H
#define KMM_INTERNAL_REPORT_H

#include "machine/os.h"

/* Begin a report in category @id whose first line is the formatted title. */
KMM_HIDDEN void report_start(const char *id, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append one line (a newline is added). */
KMM_HIDDEN void report_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Append "CPU: N PID: N Comm: NAME Not tainted kmm" as dump_stack() does. */
KMM_HIDDEN void report_add_task(void);

/* Append "Call Trace:" and the caller's stack, innermost first, kmm's report frames skipped. */
KMM_HIDDEN void report_add_stack(void);

/* Append a hex dump of @len bytes at @addr, 16 per line, prefixed like print_hex_dump. */
KMM_HIDDEN void report_add_hex(const char *prefix, const void *addr, size_t len);

/* Deliver the report; aborts the process afterwards if the report_abort option is set. */
KMM_HIDDEN void report_finish(void);

/* Prepare the unwinder (it loads libgcc on first use, which allocates). Called at boot. */
KMM_HIDDEN void report_init(void);

#endif /* KMM_INTERNAL_REPORT_H */
