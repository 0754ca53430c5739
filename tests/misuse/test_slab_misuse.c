/*
 * Deliberate slab misuse, caught by slab_debug with exact error counts: the kernel's slub
 * KUnit cases (clobbered red zones, a clobbered free pointer, clobbered poison, the kmalloc
 * red zone), double frees, wrong-cache and invalid frees, write-after-free seen at the next
 * allocation, a leak reported by kmem_cache_destroy, and the hardening options.
 * Every BUG and every FIX counts as one error, as in the kernel's tests.
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
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .options = options };

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

static struct kmem_cache *debug_cache(const char *name, unsigned int size, slab_flags_t flags)
{
	return kmem_cache_create(name, size, 0, flags | SLAB_NO_USER_FLAGS, NULL);
}

static void clobbered_red_zone_of_a_live_object(void **state)
{
	struct kmem_cache *s = debug_cache("TestSlub_RZ_alloc", 64, SLAB_RED_ZONE);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

	p[64] = 0x12;
	kmm_report_capture_begin();
	assert_int_equal(kmm_slab_validate(s), 2);
	assert_int_equal(kmm_report_captured_find("BUG TestSlub_RZ_alloc (Not tainted): Right "
						  "Redzone overwritten"),
			 1);
	assert_int_equal(kmm_report_captured_find("First byte 0x12 instead of 0xcc"), 1);
	assert_int_equal(kmm_report_captured_find("FIX TestSlub_RZ_alloc: Restoring Right Redzone"),
			 1);
	assert_int_equal(kmm_report_capture_end(), 1);
	/* Repaired: the next walk is clean. */
	assert_int_equal(kmm_slab_validate(s), 0);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

static void clobbered_red_zone_of_a_free_object(void **state)
{
	struct kmem_cache *s = debug_cache("TestSlub_RZ_free", 64, SLAB_RED_ZONE);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, p);
	p[64] = 0xab;
	kmm_report_capture_begin();
	assert_int_equal(kmm_slab_validate(s), 2);
	assert_int_equal(kmm_report_captured_find("First byte 0xab instead of 0xbb"), 1);
	kmm_report_capture_end();
	kmem_cache_destroy(s);
}

static void clobbered_next_pointer(void **state)
{
	struct kmem_cache *s = debug_cache("TestSlub_next_ptr_free", 64, SLAB_POISON);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);
	unsigned long *ptr_addr, tmp;
	char want[96];

	kmem_cache_free(s, p);
	ptr_addr = (unsigned long *)(p + s->offset);
	tmp = *ptr_addr;
	p[s->offset] = 0x12;
	kmm_report_capture_begin();
	/* The broken chain, the wrong in-use count, and the count's repair. */
	assert_int_equal(kmm_slab_validate(s), 3);
	assert_int_equal(kmm_report_captured_find("Freechain corrupt"), 1);
	snprintf(want, sizeof(want), "Wrong object count. Counter is 0 but counted were %u",
		 s->objects - 1);
	assert_int_equal(kmm_report_captured_find(want), 1);
	/* Pointer restored: the count is wrong the other way, once more. */
	*ptr_addr = tmp;
	assert_int_equal(kmm_slab_validate(s), 2);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmm_report_capture_end();
	kmem_cache_destroy(s);
}

static void clobbered_first_word_of_a_free_object(void **state)
{
	struct kmem_cache *s = debug_cache("TestSlub_1th_word_free", 64, SLAB_POISON);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, p);
	*p = 0x78;
	kmm_report_capture_begin();
	assert_int_equal(kmm_slab_validate(s), 2);
	assert_int_equal(kmm_report_captured_find("Poison overwritten"), 1);
	assert_int_equal(kmm_report_captured_find("First byte 0x78 instead of 0x6b"), 1);
	kmm_report_capture_end();
	kmem_cache_destroy(s);
}

static void clobbered_50th_byte_of_a_free_object(void **state)
{
	struct kmem_cache *s = debug_cache("TestSlub_50th_word_free", 64, SLAB_POISON);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmem_cache_free(s, p);
	p[50] = 0x9a;
	kmm_report_capture_begin();
	assert_int_equal(kmm_slab_validate(s), 2);
	kmm_report_capture_end();
	kmem_cache_destroy(s);
}

static void write_after_free_is_caught_at_the_next_allocation(void **state)
{
	struct kmem_cache *s = debug_cache("uaf", 48, SLAB_POISON | SLAB_STORE_USER);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL), *q;

	kmem_cache_free(s, p);
	p[10] = 0;
	kmm_report_capture_begin();
	q = kmem_cache_alloc(s, GFP_KERNEL);
	assert_ptr_equal(q, p);
	assert_int_equal(kmm_report_captured_find("BUG uaf (Not tainted): Poison overwritten"), 1);
	assert_int_equal(kmm_report_captured_find("Freed in "), 1);
	assert_int_equal(kmm_report_captured_find("Allocated in "), 1);
	assert_int_equal(kmm_report_captured_find("Object   "), 1);
	kmm_report_capture_end();
	kmem_cache_free(s, q);
	kmem_cache_destroy(s);
}

static void double_free_is_refused(void **state)
{
	struct kmem_cache *s = debug_cache("dfree", 32, SLAB_CONSISTENCY_CHECKS);
	void *p = kmem_cache_alloc(s, GFP_KERNEL), *q, *r;

	kmem_cache_free(s, p);
	kmm_report_capture_begin();
	kmem_cache_free(s, p);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("BUG dfree (Not tainted): Object already free"),
			 1);
	/* Not corrupted: p comes back once, not twice. */
	q = kmem_cache_alloc(s, GFP_KERNEL);
	r = kmem_cache_alloc(s, GFP_KERNEL);
	assert_ptr_not_equal(q, r);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmem_cache_free(s, q);
	kmem_cache_free(s, r);
	kmem_cache_destroy(s);
}

static void double_free_on_the_fast_path_is_refused(void **state)
{
	struct kmem_cache *s = kmem_cache_create("fast_dfree", 32, 0, 0, NULL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL), *q, *r;

	kmem_cache_free(s, p);
	kmm_report_capture_begin();
	kmem_cache_free(s, p);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("slab_double_free"), 1);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	r = kmem_cache_alloc(s, GFP_KERNEL);
	assert_ptr_not_equal(q, r);
	kmem_cache_free(s, q);
	kmem_cache_free(s, r);
	kmem_cache_destroy(s);
}

static void double_free_into_a_node_slab_is_caught_when_the_stash_is_flushed(void **state)
{
	struct kmem_cache *s = kmem_cache_create("stash_dfree", 64, 0, 0, NULL);
	void *objs[200];

	for (int i = 0; i < 200; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	/* objs[0]'s slab is a full node slab by now: both frees go to the stash. */
	kmem_cache_free(s, objs[0]);
	kmm_report_capture_begin();
	kmem_cache_free(s, objs[0]);
	kmem_cache_shrink(s);
	assert_int_equal(kmm_report_captured("slab_double_free"), 1);
	kmm_report_capture_end();
	for (int i = 1; i < 200; i++)
		kmem_cache_free(s, objs[i]);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmem_cache_destroy(s);
}

static void double_free_into_the_stash_is_refused_at_once(void **state)
{
	struct kmem_cache *s = kmem_cache_create("stash_dfree_now", 64, 0, 0, NULL);
	void *objs[200], *victim, *q, *r;

	for (int i = 0; i < 200; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	victim = objs[0];
	for (int i = 1; i < 100; i++) /* a stash grown past its first size */
		kmem_cache_free(s, objs[i]);
	kmem_cache_free(s, objs[0]);
	kmm_report_capture_begin();
	kmem_cache_free(s, objs[0]);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("slab_double_free"), 1);
	assert_int_equal(kmm_report_captured_find("BUG stash_dfree_now (Not tainted): Object "
						  "already free"),
			 1);
	/* Stashed once, it comes back once: the next allocations take this thread's slab's
	 * list, then the stash, newest first. */
	q = NULL;
	for (int i = 0; i < 100 + (int)s->objects; i++) {
		r = kmem_cache_alloc(s, GFP_KERNEL);
		if (r == victim) {
			assert_null(q);
			q = r;
		}
		if (i >= 100)
			kmem_cache_free(s, r);
		else
			objs[i] = r;
	}
	assert_ptr_equal(q, victim);
	for (int i = 0; i < 200; i++)
		kmem_cache_free(s, objs[i]);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmem_cache_destroy(s);
}

/* A debug cache takes the checked path for every object of a batch far larger than any
 * thread's stash: a write after free and a double free in the middle of it are caught. */
static void slab_debug_checks_every_object_of_a_large_batch(void **state)
{
	struct kmem_cache *s = debug_cache("debug_batch", 64,
					   SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON |
						   SLAB_STORE_USER);
	enum { N = 3000 };
	u8 **objs = calloc(N, sizeof(*objs));

	for (int i = 0; i < N; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	/* Half of them: the live half keeps every slab (so the freed memory) in the cache. */
	for (int i = 1; i < N; i += 2)
		kmem_cache_free(s, objs[i]);
	objs[1235][20] = 0x42;
	kmm_report_capture_begin();
	kmem_cache_free(s, objs[2345]);
	assert_int_equal(kmm_report_captured_find("BUG debug_batch (Not tainted): Object already "
						  "free"),
			 1);
	assert_int_equal(kmm_slab_validate(s), 2);
	assert_int_equal(kmm_report_captured_find("BUG debug_batch (Not tainted): Poison "
						  "overwritten"),
			 1);
	assert_int_equal(kmm_report_captured_find("First byte 0x42 instead of 0x6b"), 1);
	kmm_report_capture_end();
	for (int i = 0; i < N; i += 2)
		kmem_cache_free(s, objs[i]);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmem_cache_destroy(s);
	free(objs);
}

static void freeing_into_the_wrong_cache_is_reported_and_redirected(void **state)
{
	struct kmem_cache *a = kmem_cache_create("cache_a", 64, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("cache_b", 64, 0, 0, NULL);
	void *p = kmem_cache_alloc(a, GFP_KERNEL);

	kmm_report_capture_begin();
	kmem_cache_free(b, p);
	assert_int_equal(kmm_report_captured_find("kmem_cache_free: Wrong slab cache. cache_b but "
						  "object is from cache_a"),
			 1);
	assert_int_equal(kmm_report_capture_end(), 1);
	kmm_report_capture_begin();
	kmem_cache_destroy(a); /* p went back to cache_a: nothing leaks */
	kmem_cache_destroy(b);
	assert_int_equal(kmm_report_capture_end(), 0);
}

static void a_pointer_inside_an_object_is_refused(void **state)
{
	struct kmem_cache *s = debug_cache("interior", 64, SLAB_CONSISTENCY_CHECKS);
	u8 *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmm_report_capture_begin();
	kmem_cache_free(s, p + 8);
	assert_int_equal(kmm_report_captured_find("Invalid object pointer"), 1);
	assert_int_equal(kmm_report_capture_end(), 1);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

static void leak_on_destroy_lists_the_objects(void **state)
{
	struct kmem_cache *s = debug_cache("TestSlub_leak", 64, SLAB_STORE_USER);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);

	kmm_report_capture_begin();
	kmem_cache_destroy(s);
	assert_int_equal(kmm_report_captured("slab_leak"), 1);
	assert_int_equal(kmm_report_captured("slab_destroy_busy"), 1);
	assert_int_equal(kmm_report_captured_find("Objects remaining in TestSlub_leak on "
						  "__kmem_cache_shutdown()"),
			 1);
	assert_int_equal(kmm_report_captured_find("Object 0x"), 1);
	assert_int_equal(kmm_report_captured_find("Allocated in "), 1);
	kmm_report_capture_end();
	/* The slab's header and its one object: two errors. */
	assert_int_equal(s->errors, 2);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

static void kmalloc_red_zone_access(void **state)
{
	u8 *p;

	kmm_shutdown();
	assert_int_equal(boot_with("slab_debug=ZU,kmalloc-32", NULL), 0);
	assert_true(kmm_kmalloc_cache(18, GFP_KERNEL)->debug & SLAB_RED_ZONE);
	assert_false(kmm_kmalloc_cache(64, GFP_KERNEL)->debug);
	p = kmalloc(18, GFP_KERNEL); /* kmalloc-32: bytes 18..31 are the kmalloc red zone */
	/* kmalloc's __alloc_size lets gcc see the overflow; hide it, as the kernel's tests do. */
	__asm__("" : "+r"(p));
	p[18] = 0xab;
	p[19] = 0xab;
	kmm_report_capture_begin();
	assert_int_equal(kmm_slab_validate(kmm_kmalloc_cache(18, GFP_KERNEL)), 2);
	assert_int_equal(kmm_report_captured_find("kmalloc Redzone overwritten"), 1);
	kmm_report_capture_end();
	kfree(p);
	/* What ksize() grants may be used: the red zone gets out of the way. */
	p = kmalloc(18, GFP_KERNEL);
	assert_int_equal(ksize(p), 32);
	memset(p, 0x11, ksize(p));
	kmm_report_capture_begin();
	assert_int_equal(kmm_slab_validate(kmm_kmalloc_cache(18, GFP_KERNEL)), 0);
	kfree(p);
	assert_int_equal(kmm_report_capture_end(), 0);
	kmm_shutdown();
	assert_int_equal(boot_with(NULL, NULL), 0);
}

static void slab_debug_applies_to_every_cache_without_a_list(void **state)
{
	struct kmem_cache *s;
	u8 *p;

	kmm_shutdown();
	assert_int_equal(boot_with("slab_debug=FZPU", NULL), 0);
	s = kmem_cache_create("anything", 40, 0, 0, NULL);
	assert_int_equal(s->debug, SLAB_DEBUG_FLAGS);
	assert_int_equal(kmm_kmalloc_cache(8, GFP_KERNEL)->debug, SLAB_DEBUG_FLAGS);
	p = kmalloc(100, GFP_KERNEL);
	__asm__("" : "+r"(p)); /* past the size gcc knows from __alloc_size */
	p[100] = 1; /* inside kmalloc-128's slot: the kmalloc red zone */
	kmm_report_capture_begin();
	kfree(p);
	assert_int_equal(kmm_report_captured_find("kmalloc Redzone overwritten"), 1);
	kmm_report_capture_end();
	kmem_cache_destroy(s);
	kmm_shutdown();
	assert_int_equal(boot_with(NULL, NULL), 0);
}

static void hardened_and_randomized_freelists_stay_consistent(void **state)
{
	struct kmem_cache *s;
	void *objs[500];
	int sequential = 0;

	kmm_shutdown();
	assert_int_equal(boot_with(NULL, "slab_hardened=1,slab_random=1"), 0);
	s = kmem_cache_create("hardened", 64, 0, 0, NULL);
	assert_true(s->fp_key != 0);
	assert_non_null(s->random_seq);
	for (int i = 0; i < 500; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 1; i < 500; i++)
		sequential += (char *)objs[i] - (char *)objs[i - 1] == 64;
	assert_true(sequential < 100);
	/* The stored link is not the plain pointer. */
	kmem_cache_free(s, objs[0]);
	kmem_cache_free(s, objs[1]);
	assert_ptr_not_equal(*(void **)((char *)objs[1] + s->offset), objs[0]);
	for (int i = 2; i < 500; i++)
		kmem_cache_free(s, objs[i]);
	assert_int_equal(kmm_slab_validate(s), 0);
	kmem_cache_destroy(s);
	kmm_shutdown();
	assert_int_equal(boot_with(NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clobbered_red_zone_of_a_live_object),
		cmocka_unit_test(clobbered_red_zone_of_a_free_object),
		cmocka_unit_test(clobbered_next_pointer),
		cmocka_unit_test(clobbered_first_word_of_a_free_object),
		cmocka_unit_test(clobbered_50th_byte_of_a_free_object),
		cmocka_unit_test(write_after_free_is_caught_at_the_next_allocation),
		cmocka_unit_test(double_free_is_refused),
		cmocka_unit_test(double_free_on_the_fast_path_is_refused),
		cmocka_unit_test(double_free_into_a_node_slab_is_caught_when_the_stash_is_flushed),
		cmocka_unit_test(double_free_into_the_stash_is_refused_at_once),
		cmocka_unit_test(slab_debug_checks_every_object_of_a_large_batch),
		cmocka_unit_test(freeing_into_the_wrong_cache_is_reported_and_redirected),
		cmocka_unit_test(a_pointer_inside_an_object_is_refused),
		cmocka_unit_test(leak_on_destroy_lists_the_objects),
		cmocka_unit_test(kmalloc_red_zone_access),
		cmocka_unit_test(slab_debug_applies_to_every_cache_without_a_list),
		cmocka_unit_test(hardened_and_randomized_freelists_stay_consistent),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
