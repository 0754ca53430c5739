/*
 * kunit.h - what the runner's files share (lib/kunit/): the per-case state and its lock.
 *
 * Lock order: kunit_lock is innermost. It guards every test's resource list, the running
 * test's pending reports and the pointer to the running test; nothing that can report or call
 * back into a test runs under it.
 */
#ifndef KMM_LIB_KUNIT_H
#define KMM_LIB_KUNIT_H

#include <pthread.h>
#include <setjmp.h>
#include <kmm/kunit.h>

/* A report the case did not capture, kept until the case ends (texts from the host heap). */
struct kunit_report_note {
	struct kunit_report_note *next;
	char text[];
};

struct kunit_run {
	jmp_buf abort_to; /* on the case's thread: where kunit_abort() lands */
	struct kunit_report_note *reports, **reports_tail;
	unsigned int dropped_reports; /* host memory ran out for the notes */
};

extern pthread_mutex_t kunit_lock;

/* Print @text as diagnostics of @test, each line prefixed "    # name: " as the kernel's. */
void kunit_print_diag(struct kunit *test, const char *text);

#endif
