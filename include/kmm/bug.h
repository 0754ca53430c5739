/*
 * kmm/bug.h - WARN() and BUG() as reports: the kernel's "------------[ cut here ]------------"
 * blocks, with the file and line of the check, the task and the stack trace.
 *
 * A WARN is counted and execution goes on, as in the kernel. A BUG would kill the task in the
 * kernel (an oops); kmm reports it with the kernel's words ("kernel BUG at file:line!") and,
 * unless the report=abort option stops the program, returns to the caller, so a test can see
 * the report and the driver's next step.
 * Context: any.
 */
#ifndef KMM_BUG_H
#define KMM_BUG_H

/**
 * kmm_warn - report a WARN_ON()/WARN() that fired
 * @file: the check's source file, as the compiler names it
 * @line: its line
 * @fmt: WARN()'s message (printed above the WARNING line, as the kernel does), or NULL
 *
 * Context: any.
 */
void kmm_warn(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * kmm_bug - report a BUG()/BUG_ON() that fired
 * @file: the check's source file
 * @line: its line
 *
 * Context: any.
 */
void kmm_bug(const char *file, int line);

#endif /* KMM_BUG_H */
