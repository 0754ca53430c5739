/*
 * The ringdma example end to end: a NIC with 24 address lines on the 1 GiB x86_32 machine
 * receives frames by DMA into GFP_DMA kmalloc buffers (mapped directly: nothing to bounce), its
 * interrupt handler takes them back and refills the ring with GFP_ATOMIC, and the reader gets
 * every frame intact; removing the driver leaves dma-debug nothing to report. Then the misuse
 * variant, which forgets dma_mapping_error() and unmaps with half the size: exactly two
 * reports for every receive buffer it unmaps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <linux/errno.h>
#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/irq.h>
#include <kmm/kmm.h>
#include <kmm/report.h>
#include <kmm/slab.h>

#include "ringdma.h"
#include "ringdma_dev.h"

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32",
				  .mem_bytes = 1ULL << 30,
				  .options = "dma_debug=1" };
	int err = kmm_boot(&cfg);

	ringdma_bug_skip_mapping_error = false;
	ringdma_bug_unmap_size = false;
	return err;
}

static void make_frame(unsigned char *f, size_t len, unsigned int seq)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (unsigned char)(seq * 31 + i * 7);
	memcpy(f, &seq, sizeof(seq));
}

/* Wait for the next frame (the interrupt handler runs on another thread). */
static int receive_wait(void *out, size_t max)
{
	for (int tries = 0; tries < 20000; tries++) {
		int len = ringdma_receive(ringdma_board_pdev(), out, max);

		if (len != -EAGAIN)
			return len;
		usleep(100);
	}
	return -ETIMEDOUT;
}

/* Objects in use in the cache that serves kmalloc(RD_BUF_SIZE, GFP_DMA). */
static unsigned long dma_2k_objects(void)
{
	struct kmm_slab_info info[256];
	int n = kmm_slab_info(info, 256);

	for (int i = 0; i < n && i < 256; i++)
		if (!strcmp(info[i].name, "dma-kmalloc-2k"))
			return info[i].active_objs;
	return 0;
}

static void traffic_arrives_intact_in_dma_zone_buffers(void **state)
{
	enum { FRAMES = 600, BURST = 16 };
	unsigned char frame[RD_BUF_SIZE], got[RD_BUF_SIZE];
	unsigned int seed = (unsigned int)time(NULL);
	struct kmm_swiotlb_info info;
	unsigned int seq = 0;

	printf("ringdma seed %u\n", seed);
	srand(seed);
	kmm_report_capture_begin();
	assert_int_equal(ringdma_board_init(), 0);
	assert_int_equal(ringdma_driver_register(), 0);
	assert_non_null(ringdma_board_pdev()->dev.driver);
	while (seq < FRAMES) {
		size_t lens[BURST];

		for (int b = 0; b < BURST; b++) {
			lens[b] = 60 + (size_t)rand() % (RD_BUF_SIZE - 60 + 1);
			make_frame(frame, lens[b], seq + (unsigned int)b);
			assert_int_equal(ringdma_board_inject(frame, lens[b]), 0);
		}
		for (int b = 0; b < BURST; b++) {
			assert_int_equal(receive_wait(got, sizeof(got)), (int)lens[b]);
			make_frame(frame, lens[b], seq + (unsigned int)b);
			assert_memory_equal(got, frame, lens[b]);
		}
		seq += BURST;
	}
	ringdma_board_flush();
	assert_int_equal(ringdma_board_dropped(), 0);
	assert_true(kmm_irq_count(RINGDMA_IRQ) > 0);
	/* Every receive buffer came from ZONE_DMA, within the NIC's reach: none was bounced. */
	kmm_swiotlb_info(&info);
	assert_int_equal(info.bounced, 0);
	assert_int_equal(info.used, 0);
	assert_true(dma_2k_objects() >= RD_RING_ENTRIES);
	ringdma_driver_unregister();
	assert_int_equal(kmm_dma_debug_entries(NULL), 0);
	ringdma_board_exit();
	assert_int_equal(kmm_report_capture_end(), 0);
}

static void the_misuse_variant_is_caught_with_exact_counts(void **state)
{
	enum { FRAMES = 10 };
	unsigned char frame[200], got[RD_BUF_SIZE];

	ringdma_bug_skip_mapping_error = true;
	ringdma_bug_unmap_size = true;
	kmm_report_capture_begin();
	assert_int_equal(ringdma_board_init(), 0);
	assert_int_equal(ringdma_driver_register(), 0);
	for (unsigned int i = 0; i < FRAMES; i++) {
		make_frame(frame, sizeof(frame), i);
		assert_int_equal(ringdma_board_inject(frame, sizeof(frame)), 0);
		assert_int_equal(receive_wait(got, sizeof(got)), (int)sizeof(frame));
		/* The data still arrives: kmm repairs the unmap with the mapped size. */
		assert_memory_equal(got, frame, sizeof(frame));
	}
	/* Each buffer taken back by the handler: unmapped with half its size, and its mapping
	 * was never checked. */
	assert_int_equal(
		kmm_report_captured_find("device driver frees DMA memory with different size"),
		FRAMES);
	assert_int_equal(kmm_report_captured_find("[map size=1536 bytes] [unmap size=768 bytes]"),
			 FRAMES);
	assert_int_equal(kmm_report_captured_find("device driver failed to check map error"),
			 FRAMES);
	assert_int_equal(kmm_report_captured_find("DMA-API: ringdma ringdma.0: "), 2 * FRAMES);
	assert_int_equal(kmm_report_capture_end(), 2 * FRAMES);
	/* remove() unmaps the whole ring the same way. */
	kmm_report_capture_begin();
	ringdma_driver_unregister();
	ringdma_board_exit();
	assert_int_equal(
		kmm_report_captured_find("device driver frees DMA memory with different size"),
		RD_RING_ENTRIES);
	assert_int_equal(kmm_report_captured_find("device driver failed to check map error"),
			 RD_RING_ENTRIES);
	assert_int_equal(kmm_report_captured("dma_debug"), 2 * RD_RING_ENTRIES);
	assert_int_equal(kmm_report_capture_end(), 2 * RD_RING_ENTRIES);
	assert_int_equal(kmm_dma_debug_errors(), 2 * (FRAMES + RD_RING_ENTRIES));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(traffic_arrives_intact_in_dma_zone_buffers, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(the_misuse_variant_is_caught_with_exact_counts,
						boot, kmm_test_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
