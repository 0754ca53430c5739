/*
 * mempool: the reserve is filled at creation and used only when the backing allocator fails;
 * the forward-progress guarantee with failslab failing every allocation; refilling on free;
 * resizing; the slab, kmalloc and page pools.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/slab.h>
#include <kmm/mempool.h>
#include <kmm/page_alloc.h>
#include <kmm/fault_inject.h>
#include <kmm/context.h>
#include <kmm/report.h>

#define MIN_NR 4

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	return kmm_boot(&cfg);
}

static void fail_all_slab_allocations(bool on)
{
	struct kmm_fault_attr attr = { .probability = on ? 100 : 0, .interval = 1, .times = -1 };

	assert_int_equal(kmm_fault_set(KMM_FAILSLAB, &attr), 0);
}

static void the_reserve_is_filled_at_creation_and_untouched_while_memory_lasts(void **state)
{
	struct kmem_cache *s = kmem_cache_create("pool_objs", 100, 0, 0, NULL);
	mempool_t *pool = mempool_create_slab_pool(MIN_NR, s);
	void *e[10];

	assert_non_null(pool);
	assert_int_equal(pool->curr_nr, MIN_NR);
	for (int i = 0; i < 10; i++)
		e[i] = mempool_alloc(pool, GFP_KERNEL);
	assert_int_equal(pool->curr_nr, MIN_NR);
	for (int i = 0; i < 10; i++)
		mempool_free(e[i], pool);
	assert_int_equal(pool->curr_nr, MIN_NR);
	mempool_destroy(pool);
	kmem_cache_destroy(s);
}

struct waiter {
	mempool_t *pool;
	void *got;
	int done; /* atomic */
};

static void *blocking_alloc(void *arg)
{
	struct waiter *w = arg;

	w->got = mempool_alloc(w->pool, GFP_KERNEL);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void forward_progress_when_the_allocator_always_fails(void **state)
{
	struct kmem_cache *s = kmem_cache_create("pool_fp", 64, 0, 0, NULL);
	mempool_t *pool = mempool_create_slab_pool(MIN_NR, s);
	struct waiter w = { .pool = pool };
	void *e[MIN_NR];
	pthread_t t;

	fail_all_slab_allocations(true);
	/* min_nr allocations succeed from the reserve. */
	for (int i = 0; i < MIN_NR; i++) {
		e[i] = mempool_alloc(pool, GFP_KERNEL);
		assert_non_null(e[i]);
	}
	assert_int_equal(pool->curr_nr, 0);
	/* Without __GFP_DIRECT_RECLAIM the next one fails at once. */
	assert_null(mempool_alloc(pool, GFP_NOWAIT));
	assert_null(mempool_alloc(pool, GFP_ATOMIC));
	/* GFP_KERNEL blocks until another thread frees an element. */
	pthread_create(&t, NULL, blocking_alloc, &w);
	sleep_ms(200);
	assert_int_equal(__atomic_load_n(&w.done, __ATOMIC_ACQUIRE), 0);
	mempool_free(e[0], pool);
	pthread_join(t, NULL);
	assert_int_equal(w.done, 1);
	assert_ptr_equal(w.got, e[0]);
	fail_all_slab_allocations(false);
	/* Frees refill the reserve first. */
	mempool_free(w.got, pool);
	for (int i = 1; i < MIN_NR; i++)
		mempool_free(e[i], pool);
	assert_int_equal(pool->curr_nr, MIN_NR);
	mempool_destroy(pool);
	kmem_cache_destroy(s);
}

static void a_full_reserve_sends_frees_back_to_the_allocator(void **state)
{
	mempool_t *pool = mempool_create_kmalloc_pool(2, 256);
	void *extra = kmalloc(256, GFP_KERNEL);

	mempool_free(extra, pool); /* reserve full: goes to kfree */
	assert_int_equal(pool->curr_nr, 2);
	mempool_destroy(pool);
}

static void resize_grows_and_shrinks_the_reserve(void **state)
{
	mempool_t *pool = mempool_create_kmalloc_pool(2, 32);

	assert_int_equal(mempool_resize(pool, 8), 0);
	assert_int_equal(pool->min_nr, 8);
	assert_int_equal(pool->curr_nr, 8);
	assert_int_equal(mempool_resize(pool, 3), 0);
	assert_int_equal(pool->min_nr, 3);
	assert_int_equal(pool->curr_nr, 3);
	mempool_destroy(pool);
}

static void page_pools_hold_blocks_of_pages(void **state)
{
	mempool_t *pool = mempool_create_page_pool(2, 1);
	struct page *page = mempool_alloc(pool, GFP_KERNEL);

	assert_non_null(page);
	assert_int_equal(page_count(page), 1);
	mempool_free(page, pool);
	mempool_destroy(pool);
}

static void init_and_exit_use_caller_memory(void **state)
{
	mempool_t pool;
	void *e;

	assert_int_equal(mempool_init_kmalloc_pool(&pool, 3, 128), 0);
	assert_true(mempool_initialized(&pool));
	e = mempool_alloc(&pool, GFP_KERNEL);
	mempool_free(e, &pool);
	mempool_exit(&pool);
	assert_false(mempool_initialized(&pool));
}

static void creation_fails_cleanly_when_the_reserve_cannot_be_filled(void **state)
{
	fail_all_slab_allocations(true);
	assert_null(mempool_create_kmalloc_pool(3, 64));
	fail_all_slab_allocations(false);
}

static void gfp_kernel_from_atomic_context_is_reported(void **state)
{
	mempool_t *pool = mempool_create_kmalloc_pool(1, 64);
	void *e;

	kmm_report_capture_begin();
	preempt_disable();
	e = mempool_alloc(pool, GFP_KERNEL);
	preempt_enable();
	assert_true(kmm_report_captured("might_sleep") >= 1);
	kmm_report_capture_end();
	mempool_free(e, pool);
	mempool_destroy(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			the_reserve_is_filled_at_creation_and_untouched_while_memory_lasts),
		cmocka_unit_test(forward_progress_when_the_allocator_always_fails),
		cmocka_unit_test(a_full_reserve_sends_frees_back_to_the_allocator),
		cmocka_unit_test(resize_grows_and_shrinks_the_reserve),
		cmocka_unit_test(page_pools_hold_blocks_of_pages),
		cmocka_unit_test(init_and_exit_use_caller_memory),
		cmocka_unit_test(creation_fails_cleanly_when_the_reserve_cannot_be_filled),
		cmocka_unit_test(gfp_kernel_from_atomic_context_is_reported),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
