/*
 * Streaming DMA under concurrency: three threads map, "DMA" into and unmap buffers of random
 * sizes and directions for a 32-bit device on the 1 GiB x86_32 machine booted with
 * swiotlb=force, so every mapping is a swiotlb bounce competing for slots. Each thread checks the copies its own
 * direction promises; afterwards the pool and the dma-debug table are empty and nothing was
 * reported except pool exhaustion, which the threads retry.
 * Seeded: the seed is printed; KMM_STRESS_SEED=N repeats a run's choices.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/kmm.h>
#include <kmm/report.h>
#include <kmm/slab.h>
#include "machine/machine.h"

#define THREADS 3
#define ITERS 3000

static struct device dev;
static unsigned int seed;

static unsigned int next_rand(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void *worker(void *arg)
{
	unsigned int s = seed + (unsigned int)(unsigned long)arg * 7919u;
	long bad = 0;

	for (int i = 0; i < ITERS; i++) {
		size_t len = 1 + next_rand(&s) % 9000;
		enum dma_data_direction dir = (enum dma_data_direction)(next_rand(&s) % 3);
		unsigned char tag = (unsigned char)next_rand(&s);
		unsigned char *buf = kmalloc(len, GFP_KERNEL);
		unsigned char *bus;
		dma_addr_t a;

		if (!buf)
			return (void *)1;
		memset(buf, tag, len);
		a = dma_map_single(&dev, buf, len, dir);
		if (dma_mapping_error(&dev, a)) {
			kfree(buf); /* pool full for a moment: another thread holds the slots */
			continue;
		}
		bus = machine_phys_ptr(a);
		if (dir != DMA_FROM_DEVICE && (bus[0] != tag || bus[len - 1] != tag))
			bad++;
		if (dir != DMA_TO_DEVICE)
			memset(bus, (unsigned char)(tag + 1), len);
		dma_unmap_single(&dev, a, len, dir);
		if (dir != DMA_TO_DEVICE && (buf[0] != (unsigned char)(tag + 1) ||
					     buf[len - 1] != (unsigned char)(tag + 1)))
			bad++;
		if (dir == DMA_TO_DEVICE && buf[len / 2] != tag)
			bad++;
		kfree(buf);
	}
	return (void *)bad;
}

static void concurrent_bounces_keep_every_copy_right(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32",
				  .mem_bytes = 1ULL << 30,
				  .options = "dma_debug=1,swiotlb=force,swiotlb_slots=256" };
	const char *env = getenv("KMM_STRESS_SEED");
	pthread_t t[THREADS];
	struct kmm_swiotlb_info info;
	unsigned int reports;

	seed = env ? (unsigned int)strtoul(env, NULL, 10) : (unsigned int)time(NULL);
	printf("KMM_STRESS_SEED=%u\n", seed);
	assert_int_equal(kmm_boot(&cfg), 0);
	memset(&dev, 0, sizeof(dev));
	dev.init_name = "stress";
	dev.dma_mask = &dev.kmm_dma_mask_storage;
	device_register(&dev);
	assert_int_equal(dma_set_mask_and_coherent(&dev, DMA_BIT_MASK(32)), 0);
	kmm_report_capture_begin();
	for (long i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)i), 0);
	for (int i = 0; i < THREADS; i++) {
		void *bad;

		pthread_join(t[i], &bad);
		assert_null(bad);
	}
	reports = kmm_report_capture_end();
	assert_int_equal(reports, kmm_report_captured("swiotlb_full"));
	kmm_swiotlb_info(&info);
	assert_int_equal(info.used, 0);
	printf("%lu bounces, %lu refused for a full pool\n", info.bounced, info.full);
	/* Forced: every map either bounced or found the pool full. */
	assert_int_equal(info.bounced + info.full, THREADS * ITERS);
	assert_int_equal(kmm_dma_debug_entries(NULL), 0);
	assert_int_equal(kmm_dma_debug_errors(), 0);
	device_unregister(&dev);
	kmm_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(concurrent_bounces_keep_every_copy_right),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
