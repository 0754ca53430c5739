/*
 * fuzz_ringdma.c - libFuzzer target: frames of any length and timing through the ringdma NIC
 * example (examples/ringdma): its driver maps GFP_DMA receive buffers for a 24-bit device,
 * takes them back in its interrupt handler (on kmm's interrupt thread, concurrently with the
 * reader), wraps them with a mempool and refills the ring with GFP_ATOMIC.
 *
 * Each input is a sequence of frames (a length byte pair) and reads, with flushes of the NIC
 * in between. What must hold: every frame read is one that was sent, whole (truncated to the
 * 1536-byte buffers), in the order sent; every frame sent is read or counted as dropped by the
 * NIC; no report (dma-debug is on, so a mapping misused is one); and after the input, once all
 * is read, no fewer free pages than at the start, less what the interrupt thread may keep in
 * its own caches (only it can give those back; a real leak grows past that over the inputs).
 * Any difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kmm/kmm.h>
#include <kmm/report.h>

#include "ringdma.h"
#include "ringdma_dev.h"
#include "settle.h"

#define FRAME_MAX 2048
/* Pages the interrupt thread's slab stashes and page cache may hold between inputs. */
#define OTHER_THREADS_CACHES 512

static unsigned long free_at_start;
static unsigned int next_seq; /* the next frame's number */
static unsigned int expect_seq; /* no frame read may be older than this */

static void make_frame(uint8_t *f, size_t len, unsigned int seq)
{
	memcpy(f, &seq, sizeof(seq));
	for (size_t i = sizeof(seq); i < len; i++)
		f[i] = (uint8_t)(seq * 13 + i);
}

static void check_frame(const uint8_t *got, int len)
{
	uint8_t want[FRAME_MAX];
	unsigned int seq;

	if (len < (int)sizeof(seq)) {
		fprintf(stderr, "fuzz_ringdma: a frame of %d bytes\n", len);
		abort();
	}
	memcpy(&seq, got, sizeof(seq));
	if (seq < expect_seq || seq >= next_seq) {
		fprintf(stderr, "fuzz_ringdma: frame %u read, %u..%u expected\n", seq, expect_seq,
			next_seq - 1);
		abort();
	}
	make_frame(want, (size_t)len, seq);
	if (memcmp(got, want, (size_t)len)) {
		fprintf(stderr, "fuzz_ringdma: frame %u is not as sent\n", seq);
		abort();
	}
	expect_seq = seq + 1;
}

/* Read what is waiting: the number of frames. */
static unsigned int read_all(void)
{
	uint8_t got[FRAME_MAX];
	unsigned int n = 0;
	int len;

	while ((len = ringdma_receive(ringdma_board_pdev(), got, sizeof(got))) >= 0) {
		check_frame(got, len);
		n++;
	}
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct kmm_config cfg = { .profile = "x86_32",
				  .mem_bytes = 256ULL << 20,
				  .options = "dma_debug=1" };

	if (kmm_boot(&cfg) || ringdma_board_init() || ringdma_driver_register())
		abort();
	free_at_start = settled_free_pages();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long dropped = ringdma_board_dropped();
	unsigned int sent = 0, read = 0;
	uint8_t frame[FRAME_MAX];
	unsigned long now;

	kmm_report_capture_begin();
	expect_seq = next_seq;
	for (size_t i = 0; i + 2 <= size && i < 2 * 256; i += 2) {
		size_t len = 4 + ((size_t)data[i] << 8 | data[i + 1]) % (FRAME_MAX - 4);

		switch (data[i] >> 6) {
		case 0:
		case 1:
			make_frame(frame, len, next_seq++);
			if (ringdma_board_inject(frame, len))
				abort();
			sent++;
			break;
		case 2:
			read += read_all();
			break;
		case 3:
			ringdma_board_flush();
			break;
		}
	}
	ringdma_board_flush();
	/* the interrupt thread may still be taking the last frames back */
	for (int tries = 0; read + (ringdma_board_dropped() - dropped) < sent && tries < 2000;
	     tries++) {
		read += read_all();
		if (read + (ringdma_board_dropped() - dropped) < sent)
			usleep(50);
	}
	if (read + (ringdma_board_dropped() - dropped) != sent) {
		fprintf(stderr, "fuzz_ringdma: %u sent, %u read, %lu dropped\n", sent, read,
			ringdma_board_dropped() - dropped);
		abort();
	}
	if (kmm_report_capture_end()) {
		fprintf(stderr, "fuzz_ringdma: kmm reported:\n%s\n", kmm_report_captured_text(0));
		abort();
	}
	now = settled_free_pages();
	if (now + OTHER_THREADS_CACHES < free_at_start) {
		fprintf(stderr, "fuzz_ringdma: %lu free pages after the input, %lu at the start\n",
			now, free_at_start);
		abort();
	}
	return 0;
}
