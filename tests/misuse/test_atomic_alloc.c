/*
 * A sleeping allocation in atomic context is reported once, at the layer the driver called,
 * and then served without sleeping: the slab refill and page allocation beneath it add no
 * second report.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <kmm/context.h>
#include <kmm/report.h>
#include <kmm/slab.h>
#include "common/kmm_test.h"

static int boot(void **state)
{
	return kmm_test_boot("x86_32", 64ULL << 20);
}

static void kmem_cache_alloc_gfp_kernel_in_atomic_reports_once(void **state)
{
	struct kmem_cache *c = kmem_cache_create("atomic_test", 200, 0, 0, NULL);
	void *obj;

	assert_non_null(c);
	kmm_report_capture_begin();
	preempt_disable();
	obj = kmem_cache_alloc(c, GFP_KERNEL); /* empty cache: a refill from the page allocator */
	preempt_enable();
	assert_non_null(obj);
	assert_int_equal(kmm_report_captured("might_sleep"), 1);
	assert_int_equal(kmm_report_capture_end(), 1);
	kmem_cache_free(c, obj);
	kmem_cache_destroy(c);
}

static void kmalloc_gfp_kernel_under_irqs_disabled_reports_once(void **state)
{
	void *p;

	kmm_report_capture_begin();
	local_irq_disable();
	p = kmalloc(3000, GFP_KERNEL);
	local_irq_enable();
	assert_non_null(p);
	assert_int_equal(kmm_report_capture_end(), 1);
	kfree(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(kmem_cache_alloc_gfp_kernel_in_atomic_reports_once,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(kmalloc_gfp_kernel_under_irqs_disabled_reports_once,
						boot, kmm_test_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
