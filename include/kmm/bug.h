/*
 * kmm/bug.h - the kernel's WARN: a warning report with the place, the task and the stack.
 *
 * Driver code reaches it through <linux/bug.h>'s WARN_ON() family. The report is kmm's, so a
 * test can capture it and a KUnit case that did not expect it fails.
 */
#ifndef KMM_BUG_H
#define KMM_BUG_H

/**
 * __kmm_warn - report "WARNING: CPU: n PID: p at file:line func", as the kernel's __warn()
 * @file: the source file of the WARN
 * @line: its line
 * @func: the function it is in
 * @fmt: WARN()'s message, printed above the WARNING line, or NULL for WARN_ON()
 *
 * Context: any.
 */
void __kmm_warn(const char *file, int line, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * kmm_bug - report a BUG()/BUG_ON() that fired: "kernel BUG at file:line!", the task and the
 * stack. The kernel would kill the task (an oops); kmm returns to the caller unless the
 * report=abort option stops the program, so a test can see the report and what follows.
 * @file: the check's source file
 * @line: its line
 *
 * Context: any.
 */
void kmm_bug(const char *file, int line);

#endif
