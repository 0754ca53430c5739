/*
 * percpu.c's capacity: alloc_percpu() serves as many objects as host memory holds (the
 * kernel's test_vmalloc keeps 35,000 live), each with its own copies, members included, and
 * free_percpu() gives them back without disturbing the others.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <kmm/percpu.h>
#include "common/kmm_test.h"

#define MANY 40000

struct counters {
	long a, b;
};

static void many_live_objects_keep_distinct_copies(void **state)
{
	struct counters **objs = calloc(MANY, sizeof(*objs));

	(void)state;
	assert_non_null(objs);
	for (int i = 0; i < MANY; i++) {
		objs[i] = alloc_percpu(struct counters);
		assert_non_null(objs[i]);
		for (unsigned int cpu = 0; cpu < 2; cpu++)
			per_cpu_ptr(objs[i], cpu)->a = i * 2 + cpu;
		/* A member's own address reaches the same copies as the whole. */
		*per_cpu_ptr(&objs[i]->b, 1) = -i;
	}
	for (int i = 0; i < MANY; i++) {
		assert_int_equal(per_cpu_ptr(objs[i], 0)->a, i * 2);
		assert_int_equal(per_cpu_ptr(objs[i], 1)->a, i * 2 + 1);
		assert_int_equal(per_cpu_ptr(objs[i], 1)->b, -i);
		assert_int_equal(per_cpu_ptr(objs[i], 0)->b, 0);
	}
	/* Free every other one; the rest keep their data, and new ones start zeroed. */
	for (int i = 0; i < MANY; i += 2)
		free_percpu(objs[i]);
	for (int i = 1; i < MANY; i += 2)
		assert_int_equal(per_cpu_ptr(objs[i], 1)->a, i * 2 + 1);
	for (int i = 0; i < MANY; i += 2) {
		objs[i] = alloc_percpu(struct counters);
		assert_non_null(objs[i]);
		assert_int_equal(per_cpu_ptr(objs[i], 1)->a, 0);
		assert_int_equal(*per_cpu_ptr(&objs[i]->b, 1), 0);
	}
	for (int i = 0; i < MANY; i++)
		free_percpu(objs[i]);
	free(objs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(many_live_objects_keep_distinct_copies),
	};

	if (kmm_test_boot("x86_32", 64ULL << 20))
		return 1;
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	kmm_shutdown();
	return failed;
}
