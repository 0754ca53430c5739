/*
 * KMM_DEBUG=all turns every checker on for a test run: slab_debug=FZPU on every cache, the
 * hardened and randomized free lists, hardened usercopy, dma_debug, vmalloc_debug and
 * debug_pagealloc; an option given explicitly still wins. With it, a one-byte overflow of
 * kmalloc(100) and a write after kfree are reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/report.h>
#include <kmm/slab.h>
#include "machine/options.h"
#include "mm/slab.h"

static int boot_with(const char *debug, const char *options)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .options = options };

	setenv("KMM_DEBUG", debug, 1);
	return kmm_boot(&cfg);
}

static int teardown(void **state)
{
	kmm_shutdown();
	unsetenv("KMM_DEBUG");
	return 0;
}

static void every_checker_is_on(void **state)
{
	struct kmem_cache *s;

	assert_int_equal(boot_with("all", NULL), 0);
	s = kmem_cache_create("any_cache", 40, 0, 0, NULL);
	assert_int_equal(s->debug, SLAB_DEBUG_FLAGS);
	assert_int_equal(kmm_kmalloc_cache(64, GFP_KERNEL)->debug, SLAB_DEBUG_FLAGS);
	assert_true(s->fp_mask != 0);
	assert_non_null(s->random_seq);
	assert_int_equal(kmm_opts.hardened_usercopy, 1);
	assert_int_equal(kmm_opts.dma_debug, 1);
	assert_int_equal(kmm_opts.vmalloc_debug, 1);
	assert_int_equal(kmm_opts.debug_pagealloc, 1);
	kmem_cache_destroy(s);
}

static void an_explicit_option_wins(void **state)
{
	assert_int_equal(boot_with("all", "dma_debug=0"), 0);
	assert_int_equal(kmm_opts.dma_debug, 0);
	assert_int_equal(kmm_opts.slab_hardened, 1);
}

static void common_slab_bugs_are_reported(void **state)
{
	u8 *p, *q;

	assert_int_equal(boot_with("all", NULL), 0);
	p = kmalloc(100, GFP_KERNEL);
	__asm__("" : "+r"(p)); /* past the size gcc knows from kmalloc's __alloc_size */
	p[100] = 0x11; /* one byte past */
	kmm_report_capture_begin();
	kfree(p);
	assert_int_equal(kmm_report_captured_find("BUG kmalloc-128 (Not tainted): kmalloc Redzone "
						  "overwritten"),
			 1);
	assert_int_equal(kmm_report_capture_end(), 1);
	q = kmalloc(64, GFP_KERNEL);
	kfree(q);
	q[3] = 0x22; /* after kfree */
	kmm_report_capture_begin();
	assert_int_equal(kmm_slab_validate(kmm_kmalloc_cache(64, GFP_KERNEL)), 2);
	assert_int_equal(kmm_report_captured_find("BUG kmalloc-64 (Not tainted): Poison "
						  "overwritten"),
			 1);
	kmm_report_capture_end();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(every_checker_is_on, teardown),
		cmocka_unit_test_teardown(an_explicit_option_wins, teardown),
		cmocka_unit_test_teardown(common_slab_bugs_are_reported, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
