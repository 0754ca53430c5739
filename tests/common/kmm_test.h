/*
 * kmm_test.h - small helpers shared by the test files: booting a machine, shutting it down,
 * and capturing a /proc view as text.
 */
#ifndef KMM_TESTS_COMMON_KMM_TEST_H
#define KMM_TESTS_COMMON_KMM_TEST_H

#include <stdio.h>
#include <stdlib.h>

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

#endif /* KMM_TESTS_COMMON_KMM_TEST_H */
