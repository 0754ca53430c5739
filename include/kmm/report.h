/*
 * kmm/report.h - kernel-style BUG/WARNING reports: where they go and how tests capture them.
 *
 * Every misuse kmm detects is reported through one function, in the kernel's wording, with a
 * stack trace. By default the text goes to stderr and execution continues (the damage is
 * repaired or the operation refused); the report_abort option (KMM_OPTIONS="report_abort=1")
 * aborts instead.
 */
#ifndef KMM_REPORT_H
#define KMM_REPORT_H

#include "types.h"

struct kmm_report {
	const char *id; /* stable category: "bad_page", "might_sleep", "page_alloc_failure" */
	const char *title; /* the first line, e.g. "BUG: Bad page state in process ..." */
	const char *text; /* the whole report, '\n'-separated, stack trace included */
};

typedef void (*kmm_report_handler_t)(const struct kmm_report *report, void *arg);

/**
 * kmm_report_set_handler - send every report to @handler instead of stderr
 * @handler: callback, or NULL for the default (stderr)
 * @arg: passed to @handler
 *
 * Context: any. The handler runs in the reporting thread and must not call kmm.
 */
void kmm_report_set_handler(kmm_report_handler_t handler, void *arg);

/**
 * kmm_report_count - reports made since boot
 *
 * Return: the count.
 */
unsigned long kmm_report_count(void);

/**
 * kmm_report_capture_begin - keep reports in memory (not printed) until capture ends
 *
 * Starts a fresh capture; meant for tests asserting that a misuse was caught.
 * Context: any.
 */
void kmm_report_capture_begin(void);

/**
 * kmm_report_capture_end - stop capturing; later reports are printed again
 *
 * Return: the number of reports captured.
 */
unsigned int kmm_report_capture_end(void);

/**
 * kmm_report_captured - number of reports captured so far
 * @id: count only reports of this category, or NULL for all
 *
 * Return: the count.
 */
unsigned int kmm_report_captured(const char *id);

/**
 * kmm_report_captured_text - text of the @i-th captured report
 * @i: 0-based index
 *
 * Return: the text (valid until the next capture begins), or NULL.
 */
const char *kmm_report_captured_text(unsigned int i);

/**
 * kmm_report_captured_find - count captured reports whose text contains @needle
 * @needle: substring to look for
 *
 * Return: the count.
 */
unsigned int kmm_report_captured_find(const char *needle);

#endif /* KMM_REPORT_H */
