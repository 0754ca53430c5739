/*
 * Slab misuse that must never take kmm down, in every mode: kfree() of a pointer into an
 * object, a double free with another free between (a, b, a), a free list clobbered by a write
 * after free (plain, and with slab_hardened's obfuscated links), and krealloc(__GFP_ZERO)
 * growing into slab_debug's red zone. Each is reported with the kernel's words and counted
 * exactly; the program goes on with a consistent cache.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/slab.h>
#include <kmm/report.h>
#include "mm/slab.h"

static int boot_with(const char *debug, const char *options)
{
	struct kmm_config cfg = { .profile = "x86_64", .mem_bytes = 64 << 20, .options = options };

	if (debug)
		setenv("KMM_DEBUG", debug, 1);
	else
		unsetenv("KMM_DEBUG");
	return kmm_boot(&cfg);
}

static int boot(void **state)
{
	return boot_with(NULL, NULL);
}

static int boot_hardened(void **state)
{
	return boot_with(NULL, "slab_hardened=1");
}

static int boot_redzoned(void **state)
{
	return boot_with("slab_debug=ZU", NULL);
}

/* No two of @n live objects overlap, and none overlaps [@p, @p + @len). */
static void assert_disjoint(u8 **objs, int n, unsigned int size)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			assert_true(objs[i] + size <= objs[j] || objs[j] + size <= objs[i]);
}

static void kfree_of_a_pointer_into_an_object_is_refused(void **state)
{
	u8 *p = kmalloc(64, GFP_KERNEL), *objs[8];

	kmm_report_capture_begin();
	kfree(p + 8);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("BUG kmalloc-64 (Not tainted): Invalid object "
						  "pointer"),
			 1);
	/* Nothing was freed: what comes next never overlaps p, which is still live. */
	objs[0] = p;
	for (int i = 1; i < 8; i++)
		objs[i] = kmalloc(64, GFP_KERNEL);
	assert_disjoint(objs, 8, 64);
	for (int i = 0; i < 8; i++)
		kfree(objs[i]);
	assert_int_equal(kmm_slab_validate(kmm_kmalloc_cache(64, GFP_KERNEL)), 0);
}

static void kmem_cache_free_of_a_pointer_into_a_node_slab_object_is_refused(void **state)
{
	struct kmem_cache *s = kmem_cache_create("interior_node", 96, 0, 0, NULL);
	u8 *objs[200];

	for (int i = 0; i < 200; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	/* objs[0]'s slab is a full node slab by now: the free would go to the stash. */
	kmm_report_capture_begin();
	kmem_cache_free(s, objs[0] + 32);
	kmem_cache_free(s, objs[0] + 96 * 2 + 1);
	assert_int_equal(kmm_report_capture_end(), 2);
	assert_int_equal(kmm_report_captured_find("BUG interior_node (Not tainted): Invalid "
						  "object pointer"),
			 2);
	for (int i = 0; i < 200; i++)
		kmem_cache_free(s, objs[i]);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmm_report_capture_begin();
	kmem_cache_destroy(s); /* nothing leaked, nothing freed twice */
	assert_int_equal(kmm_report_capture_end(), 0);
}

static void double_free_with_another_free_between_is_refused(void **state)
{
	u8 *a = kmalloc(64, GFP_KERNEL), *b = kmalloc(64, GFP_KERNEL), *objs[3];

	kfree(a);
	kfree(b);
	kmm_report_capture_begin();
	kfree(a);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("BUG kmalloc-64 (Not tainted): Object already "
						  "free"),
			 1);
	/* a is free once: it comes back once. */
	for (int i = 0; i < 3; i++) {
		objs[i] = kmalloc(64, GFP_KERNEL);
		memset(objs[i], 0x41, 64);
	}
	assert_disjoint(objs, 3, 64);
	for (int i = 0; i < 3; i++)
		kfree(objs[i]);
	assert_int_equal(kmm_slab_validate(kmm_kmalloc_cache(64, GFP_KERNEL)), 0);
}

static void a_free_after_an_allocation_is_not_a_double_free(void **state)
{
	u8 *a = kmalloc(64, GFP_KERNEL), *b = kmalloc(64, GFP_KERNEL);

	kfree(a);
	kfree(b);
	kmm_report_capture_begin();
	b = kmalloc(64, GFP_KERNEL);
	a = kmalloc(64, GFP_KERNEL);
	kfree(a);
	kfree(b);
	assert_int_equal(kmm_report_capture_end(), 0);
}

static void double_free_with_another_free_between_into_the_stash_is_refused(void **state)
{
	struct kmem_cache *s = kmem_cache_create("stash_aba", 64, 0, 0, NULL);
	void *objs[200];

	for (int i = 0; i < 200; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, objs[0]);
	kmem_cache_free(s, objs[1]);
	kmm_report_capture_begin();
	kmem_cache_free(s, objs[0]);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("slab_double_free"), 1);
	for (int i = 2; i < 200; i++)
		kmem_cache_free(s, objs[i]);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmm_report_capture_begin();
	kmem_cache_destroy(s);
	assert_int_equal(kmm_report_capture_end(), 0);
}

/*
 * a, b, c, a: not caught at the free (only the two latest frees are compared), so a is
 * handed out twice, as by the kernel; the driver's data in a then reads as a link, and the
 * allocation that would follow it reports an Oops instead of faulting, and goes on.
 */
static void a_free_list_clobbered_after_a_double_free_is_an_oops_not_a_crash(void **state)
{
	struct kmem_cache *s = kmem_cache_create("cycle", 64, 0, 0, NULL);
	u8 *a = kmem_cache_alloc(s, GFP_KERNEL), *b = kmem_cache_alloc(s, GFP_KERNEL);
	u8 *c = kmem_cache_alloc(s, GFP_KERNEL), *objs[16];

	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_free(s, c);
	kmm_report_capture_begin();
	kmem_cache_free(s, a);
	assert_int_equal(kmm_report_captured(NULL), 0);
	for (int i = 0; i < 16; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		assert_non_null(objs[i]);
		memset(objs[i], 0x41, 64);
	}
	assert_int_equal(kmm_report_capture_end(), 1);
	/* The kernel would fault loading a's link's own link. */
	assert_int_equal(kmm_report_captured_find("general protection fault, probably for "
						  "non-canonical address 0x4141414141414161: 0000"),
			 1);
	assert_int_equal(kmm_report_captured_find("of cache cycle is 0x4141414141414141, not an "
						  "object of the slab"),
			 1);
	assert_int_equal(kmm_report_captured_find("RIP: 0010:kmem_cache_alloc"), 1);
}

/* The same cycle, never allocated from: giving the slab back walks its list, which ends the
 * walk at the slab's object count instead of going round for ever. */
static void a_double_free_cycle_is_cut_when_the_slab_is_given_back(void **state)
{
	struct kmem_cache *s = kmem_cache_create("cycle_flush", 64, 0, 0, NULL);
	u8 *a = kmem_cache_alloc(s, GFP_KERNEL), *b = kmem_cache_alloc(s, GFP_KERNEL);
	u8 *c = kmem_cache_alloc(s, GFP_KERNEL), *objs[8];

	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_free(s, c);
	kmem_cache_free(s, a);
	kmm_report_capture_begin();
	kmem_cache_shrink(s);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("of cache cycle_flush is 0x"), 1);
	for (int i = 0; i < 8; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	assert_disjoint(objs, 8, 64);
	for (int i = 0; i < 8; i++)
		kmem_cache_free(s, objs[i]);
}

static void a_write_after_free_into_a_hardened_link_is_an_oops_not_a_crash(void **state)
{
	u8 *a = kmalloc(64, GFP_KERNEL), *objs[40];

	assert_true(kmm_kmalloc_cache(64, GFP_KERNEL)->fp_mask != 0);
	kfree(a);
	memset(a, 0, 64); /* zeroes decode to garbage, not to NULL */
	kmm_report_capture_begin();
	for (int i = 0; i < 40; i++) {
		objs[i] = kmalloc(64, GFP_KERNEL);
		assert_non_null(objs[i]);
	}
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("page_fault"), 1);
	assert_int_equal(kmm_report_captured_find("of cache kmalloc-64 is 0x"), 1);
	assert_int_equal(kmm_report_captured_find("the rest of that free list is isolated"), 1);
	assert_disjoint(objs, 40, 64);
	for (int i = 0; i < 40; i++)
		kfree(objs[i]);
}

static void krealloc_zero_growing_into_the_red_zone_returns_zeroes(void **state)
{
	u8 *p = kzalloc(20, GFP_KERNEL), *q;

	q = krealloc(p, 30, GFP_KERNEL | __GFP_ZERO); /* kmalloc-32: grows in place */
	assert_ptr_equal(q, p);
	for (int i = 0; i < 30; i++)
		assert_int_equal(q[i], 0);
	/* And when it moves: the old red zone's bytes are not copied as data. */
	q = krealloc(q, 40, GFP_KERNEL | __GFP_ZERO);
	for (int i = 0; i < 40; i++)
		assert_int_equal(q[i], 0);
	kmm_report_capture_begin();
	kfree(q);
	assert_int_equal(kmm_report_capture_end(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(kfree_of_a_pointer_into_an_object_is_refused, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(
			kmem_cache_free_of_a_pointer_into_a_node_slab_object_is_refused, boot,
			kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(double_free_with_another_free_between_is_refused,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(a_free_after_an_allocation_is_not_a_double_free,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(
			double_free_with_another_free_between_into_the_stash_is_refused, boot,
			kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(
			a_free_list_clobbered_after_a_double_free_is_an_oops_not_a_crash, boot,
			kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(
			a_double_free_cycle_is_cut_when_the_slab_is_given_back, boot,
			kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(
			a_write_after_free_into_a_hardened_link_is_an_oops_not_a_crash,
			boot_hardened, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(
			krealloc_zero_growing_into_the_red_zone_returns_zeroes, boot_redzoned,
			kmm_test_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
