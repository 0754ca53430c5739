/*
 * panic.c - the kernel's WARN (kmm/bug.h): a report in the kernel's "cut here" shape.
 * Context: any; the report goes through the one report path (machine/report.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <kmm/bug.h>
#include <kmm/context.h>
#include "machine/cpu.h"
#include "machine/report.h"

void __kmm_warn(const char *file, int line, const char *func, const char *fmt, ...)
{
	report_start("warn", "------------[ cut here ]------------");
	if (fmt) {
		char msg[512];
		va_list ap;
		size_t n;

		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		n = strlen(msg);
		if (n && msg[n - 1] == '\n')
			msg[n - 1] = '\0';
		report_add("%s", msg);
	}
	report_add("WARNING: CPU: %u PID: %d at %s:%d %s", smp_processor_id(), kmm_current_pid(),
		   file, line, func);
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

void kmm_bug(const char *file, int line)
{
	report_start("bug", "------------[ cut here ]------------");
	report_add("kernel BUG at %s:%d!", file, line);
	report_add("invalid opcode: 0000 [#1] PREEMPT SMP");
	report_add_task();
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}
