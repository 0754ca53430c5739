/*
 * report.c - the one way kmm tells the user about misuse: kernel-style BUG/WARNING reports.
 *
 * A report is composed in the reporting thread's own fixed buffer (no allocation, so any layer
 * may report from any context), then delivered under report_lock to exactly one sink: the test
 * capture, the user's handler, or stderr. Lock order: report_lock is innermost; nothing is
 * called with it held but the sink.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kmm/kmm.h>
#include <kmm/context.h>
#include <kmm/report.h>
#include "machine/report.h"
#include "machine/symbols.h"

#define REPORT_MAX 8192
#define CAPTURE_SLOTS 64
#define CAPTURE_TEXT 4096
#define STACK_DEPTH 24

struct pending_report {
	char text[REPORT_MAX];
	size_t len;
	size_t title_len;
	const char *id;
};

struct captured_report {
	const char *id;
	char text[CAPTURE_TEXT];
};

static __thread struct pending_report pending;

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static kmm_report_handler_t report_handler;
static void *report_handler_arg;
static unsigned long reports_made;
static bool capturing;
static unsigned int captured_count;
static struct captured_report captured[CAPTURE_SLOTS];

/* Per-category counts of the capture, kept for every report even past CAPTURE_SLOTS. */
#define CAPTURE_IDS 64
static struct {
	const char *id;
	unsigned int count;
} captured_ids[CAPTURE_IDS];

static void count_captured_id(const char *id)
{
	for (unsigned int i = 0; i < CAPTURE_IDS; i++) {
		if (!captured_ids[i].id)
			captured_ids[i].id = id;
		if (strcmp(captured_ids[i].id, id) == 0) {
			captured_ids[i].count++;
			return;
		}
	}
}

static void append_va(const char *fmt, va_list ap)
{
	size_t room = REPORT_MAX - pending.len;
	int n;

	if (room <= 1)
		return;
	n = vsnprintf(pending.text + pending.len, room, fmt, ap);
	if (n > 0)
		pending.len += (size_t)n < room ? (size_t)n : room - 1;
}

static void append(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_va(fmt, ap);
	va_end(ap);
}

void report_start(const char *id, const char *fmt, ...)
{
	va_list ap;

	pending.len = 0;
	pending.id = id;
	va_start(ap, fmt);
	append_va(fmt, ap);
	va_end(ap);
	pending.title_len = pending.len;
	append("\n");
}

void report_add(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_va(fmt, ap);
	va_end(ap);
	append("\n");
}

void report_add_task(void)
{
	append("CPU: %u PID: %d Comm: %s Not tainted kmm\n", smp_processor_id(), kmm_current_pid(),
	       kmm_current_comm());
}

static bool is_report_frame(const char *name)
{
	return name && (strncmp(name, "report_", 7) == 0);
}

static void append_frame(void *addr)
{
	Dl_info info;
	const ElfW(Sym) *sym = NULL;
	const char *name;
	unsigned long offset, size;

	if (symbols_lookup((unsigned long)addr, &name, &offset, &size)) {
		if (!is_report_frame(name))
			append(" %s+0x%lx/0x%lx\n", name, offset, size);
		return;
	}
	if (dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT) && info.dli_sname && sym) {
		if (is_report_frame(info.dli_sname))
			return;
		append(" %s+0x%lx/0x%lx\n", info.dli_sname,
		       (unsigned long)addr - (unsigned long)info.dli_saddr,
		       (unsigned long)sym->st_size);
	} else if (info.dli_fname) {
		const char *base = strrchr(info.dli_fname, '/');

		append(" ? 0x%lx (%s+0x%lx)\n", (unsigned long)addr,
		       base ? base + 1 : info.dli_fname,
		       (unsigned long)addr - (unsigned long)info.dli_fbase);
	}
}

void report_add_stack(void)
{
	void *frames[STACK_DEPTH];
	int n = backtrace(frames, STACK_DEPTH);
	/* x86_64 frames the task's stack in <TASK> ... </TASK>; the i386 kernel prints it bare. */
	bool framed = !kmm_layout.arch || strcmp(kmm_layout.arch, "x86_32") != 0;

	append(framed ? "Call Trace:\n <TASK>\n" : "Call Trace:\n");
	for (int i = 1; i < n; i++)
		append_frame(frames[i]);
	if (framed)
		append(" </TASK>\n");
}

void report_add_hex(const char *prefix, const void *addr, size_t len)
{
	const unsigned char *p = addr;

	for (size_t off = 0; off < len; off += 16) {
		append("%s%016lx: ", prefix, (unsigned long)(p + off));
		for (size_t i = off; i < off + 16 && i < len; i++)
			append("%02x%s", p[i], i + 1 < off + 16 ? " " : "");
		append("\n");
	}
}

static void deliver(void)
{
	struct kmm_report r = { .id = pending.id, .text = pending.text };
	char title[512];
	size_t tl = pending.title_len < sizeof(title) - 1 ? pending.title_len : sizeof(title) - 1;

	memcpy(title, pending.text, tl);
	title[tl] = '\0';
	r.title = title;

	if (capturing) {
		count_captured_id(pending.id);
		if (captured_count < CAPTURE_SLOTS) {
			struct captured_report *c = &captured[captured_count];

			size_t n = pending.len < CAPTURE_TEXT - 1 ? pending.len : CAPTURE_TEXT - 1;

			c->id = pending.id;
			memcpy(c->text, pending.text, n);
			c->text[n] = '\0';
		}
		captured_count++;
	} else if (report_handler) {
		report_handler(&r, report_handler_arg);
	} else {
		ssize_t ignored = write(STDERR_FILENO, pending.text, pending.len);

		(void)ignored;
	}
}

void report_finish(void)
{
	pthread_mutex_lock(&report_lock);
	reports_made++;
	deliver();
	pthread_mutex_unlock(&report_lock);
	/* A fault-injection notice reports a failure that was asked for, not a misuse. */
	if (kmm_option("report_abort") && strcmp(pending.id, "fault_inject") != 0) {
		ssize_t ignored = write(STDERR_FILENO, "kmm: aborting on report\n", 24);

		(void)ignored;
		abort();
	}
}

void report_init(void)
{
	void *frame[1];

	backtrace(frame, 1);
	symbols_load();
}

void kmm_report_set_handler(kmm_report_handler_t handler, void *arg)
{
	pthread_mutex_lock(&report_lock);
	report_handler = handler;
	report_handler_arg = arg;
	pthread_mutex_unlock(&report_lock);
}

unsigned long kmm_report_count(void)
{
	unsigned long n;

	pthread_mutex_lock(&report_lock);
	n = reports_made;
	pthread_mutex_unlock(&report_lock);
	return n;
}

void kmm_report_capture_begin(void)
{
	report_init();
	pthread_mutex_lock(&report_lock);
	capturing = true;
	captured_count = 0;
	memset(captured_ids, 0, sizeof(captured_ids));
	pthread_mutex_unlock(&report_lock);
}

unsigned int kmm_report_capture_end(void)
{
	unsigned int n;

	pthread_mutex_lock(&report_lock);
	capturing = false;
	n = captured_count;
	pthread_mutex_unlock(&report_lock);
	return n;
}

unsigned int kmm_report_captured(const char *id)
{
	unsigned int n = 0;

	pthread_mutex_lock(&report_lock);
	if (!id) {
		n = captured_count;
	} else {
		for (unsigned int i = 0; i < CAPTURE_IDS && captured_ids[i].id; i++)
			if (strcmp(captured_ids[i].id, id) == 0)
				n = captured_ids[i].count;
	}
	pthread_mutex_unlock(&report_lock);
	return n;
}

const char *kmm_report_captured_text(unsigned int i)
{
	const char *text = NULL;

	pthread_mutex_lock(&report_lock);
	if (i < captured_count && i < CAPTURE_SLOTS)
		text = captured[i].text;
	pthread_mutex_unlock(&report_lock);
	return text;
}

unsigned int kmm_report_captured_find(const char *needle)
{
	unsigned int n = 0;

	pthread_mutex_lock(&report_lock);
	for (unsigned int i = 0; i < captured_count && i < CAPTURE_SLOTS; i++)
		n += strstr(captured[i].text, needle) != NULL;
	pthread_mutex_unlock(&report_lock);
	return n;
}

void kmm_assert_fail(const char *expr, const char *file, int line, const char *func)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "kmm: internal check failed: %s at %s:%d (%s)\n", expr,
			 file, line, func);

	if (n > 0) {
		ssize_t ignored = write(STDERR_FILENO, buf,
					(size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf));

		(void)ignored;
	}
	abort();
}
