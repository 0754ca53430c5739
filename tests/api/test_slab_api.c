/*
 * A driver's use of the slab allocator, written only against the compat headers: a cache of
 * request structures made with KMEM_CACHE, a kmalloc'ed DMA buffer handed to a "device" by
 * physical address, a kstrdup'ed name, krealloc'ed tables, kvmalloc'ed scratch space and a
 * mempool of requests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/mempool.h>
#include <linux/io.h>
#include <kmm/kmm.h>

struct my_request {
	struct list_head node;
	u32 tag;
	u8 payload[52];
};

struct my_dev {
	struct kmem_cache *req_cache;
	char *name;
	u8 *dma_buf;
	phys_addr_t dma_bus;
	u32 *table;
	size_t table_len;
};

static int my_probe(struct my_dev *d)
{
	d->req_cache = KMEM_CACHE(my_request, SLAB_HWCACHE_ALIGN);
	if (!d->req_cache)
		return -1;
	d->name = kstrdup("mydev0", GFP_KERNEL);
	d->dma_buf = kzalloc(512, GFP_KERNEL | GFP_DMA);
	if (!d->name || !d->dma_buf)
		return -1;
	d->dma_bus = virt_to_phys(d->dma_buf);
	d->table = kcalloc(4, sizeof(u32), GFP_KERNEL);
	d->table_len = 4;
	return d->table ? 0 : -1;
}

static void my_remove(struct my_dev *d)
{
	kfree(d->table);
	kfree(d->dma_buf);
	kfree(d->name);
	kmem_cache_destroy(d->req_cache);
}

static int boot(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	return kmm_boot(&cfg);
}

static void driver_probe_use_and_remove(void **state)
{
	struct my_dev d = { 0 };
	struct my_request *reqs[100];
	u32 *grown;

	assert_int_equal(my_probe(&d), 0);
	assert_string_equal(d.name, "mydev0");
	assert_ptr_equal(phys_to_virt(d.dma_bus), d.dma_buf);
	assert_true(d.dma_bus < 16 << 20); /* GFP_DMA: ZONE_DMA, below 16 MiB */
	assert_int_equal((unsigned long)d.dma_buf % 8, 0);
	for (int i = 0; i < 100; i++) {
		reqs[i] = kmem_cache_zalloc(d.req_cache, GFP_ATOMIC);
		assert_non_null(reqs[i]);
		assert_int_equal((unsigned long)reqs[i] % 64, 0);
		assert_int_equal(reqs[i]->tag, 0);
		reqs[i]->tag = (u32)i;
	}
	for (int i = 0; i < 100; i++) {
		assert_int_equal(reqs[i]->tag, (u32)i);
		kmem_cache_free(d.req_cache, reqs[i]);
	}
	grown = krealloc_array(d.table, 64, sizeof(u32), GFP_KERNEL);
	assert_non_null(grown);
	d.table = grown;
	d.table_len = 64;
	my_remove(&d);
}

static void scratch_space_from_kvmalloc(void **state)
{
	u8 *scratch = kvmalloc_array(1000, 100, GFP_KERNEL);

	assert_non_null(scratch);
	memset(scratch, 1, 100000);
	kvfree(scratch);
	assert_true(ZERO_OR_NULL_PTR(kmalloc(0, GFP_KERNEL)));
}

static void io_requests_from_a_mempool(void **state)
{
	struct kmem_cache *c = KMEM_CACHE(my_request, 0);
	mempool_t *pool = mempool_create_slab_pool(8, c);
	struct my_request *r[16];

	assert_non_null(pool);
	for (int i = 0; i < 16; i++) {
		r[i] = mempool_alloc(pool, GFP_NOIO);
		assert_non_null(r[i]);
	}
	for (int i = 0; i < 16; i++)
		mempool_free(r[i], pool);
	mempool_destroy(pool);
	kmem_cache_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(driver_probe_use_and_remove),
		cmocka_unit_test(scratch_space_from_kvmalloc),
		cmocka_unit_test(io_requests_from_a_mempool),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
