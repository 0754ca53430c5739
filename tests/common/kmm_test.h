/*
 * kmm_test.h - small helpers shared by the test files: booting a machine, shutting it down,
 * capturing a /proc view as text, and capturing the kernel log (printk's lines on stdout).
 */
#ifndef KMM_TESTS_COMMON_KMM_TEST_H
#define KMM_TESTS_COMMON_KMM_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <kmm/jiffies.h>
#include <kmm/kmm.h>

/* Boot @profile with @mem bytes of RAM; 0 on success, as kmm_boot(). */
static inline int kmm_test_boot(const char *profile, unsigned long long mem)
{
	struct kmm_config cfg = { .profile = profile, .mem_bytes = mem };

	return kmm_boot(&cfg);
}

/* A cmocka teardown that shuts the machine down. */
static inline int kmm_test_shutdown(void **state)
{
	(void)state;
	kmm_shutdown();
	return 0;
}

/* What @show prints, as a malloc'd string the caller frees. */
static inline char *kmm_test_text(void (*show)(FILE *out))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	show(f);
	fclose(f);
	return buf;
}

/* A cmocka setup: a small x86_32 machine whose jiffies move only by kmm_jiffies_advance(). */
static inline int kmm_test_boot_manual_clock(void **state)
{
	int err = kmm_test_boot("x86_32", 64ULL << 20);

	(void)state;
	kmm_jiffies_set_manual(true);
	return err;
}

/* Its teardown: the clock back to real time, the machine down. */
static inline int kmm_test_shutdown_manual_clock(void **state)
{
	kmm_jiffies_set_manual(false);
	return kmm_test_shutdown(state);
}

/* stdout diverted to a file while the log is captured. */
struct kmm_test_log {
	FILE *file;
	int saved_stdout;
};

/* Start capturing what the machine prints to stdout (the kernel log). */
static inline struct kmm_test_log kmm_test_log_begin(void)
{
	struct kmm_test_log log = { tmpfile(), -1 };

	fflush(stdout);
	if (!log.file)
		abort();
	log.saved_stdout = dup(STDOUT_FILENO);
	if (log.saved_stdout < 0 || dup2(fileno(log.file), STDOUT_FILENO) < 0)
		abort();
	return log;
}

/* Stop capturing: what was printed since kmm_test_log_begin(), a malloc'd string to free. */
static inline char *kmm_test_log_end(struct kmm_test_log *log)
{
	long len;
	char *text;

	fflush(stdout);
	dup2(log->saved_stdout, STDOUT_FILENO);
	close(log->saved_stdout);
	len = ftell(log->file);
	text = calloc(1, (size_t)(len > 0 ? len : 0) + 1);
	if (!text)
		abort();
	rewind(log->file);
	if (len > 0 && fread(text, 1, (size_t)len, log->file) != (size_t)len)
		abort();
	fclose(log->file);
	return text;
}

#endif /* KMM_TESTS_COMMON_KMM_TEST_H */
