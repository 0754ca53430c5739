/*
 * ringdma_traffic.c - the ringdma differential test's traffic: the same code runs in a real
 * kernel (built into ringdma_nic.ko with ringdma.c and ringdma_dev_linux.c, tools/kernel-test)
 * and on kmm (with ringdma.c and ringdma_dev.c, run by tools/kernel-test/ringdma_kmm.c). It
 * puts the NIC on the machine, loads the driver, sends frames through and prints what it saw as
 * "ringdma: ..." lines; the harness diffs the two transcripts.
 *
 * Module init: board, driver, traffic. Module exit: remove the driver, send one more frame
 * (the stopped NIC must drop it), take the board away.
 *
 * Context: process context, may sleep.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/io.h>

#include "ringdma.h"
#include "ringdma_dev.h"

#define FRAME_MAX 2048
#define ONE_BY_ONE 80

static u8 *tx, *rx;

static void make_frame(u8 *f, size_t len, unsigned int seq)
{
	size_t i;

	for (i = 0; i < len; i++)
		f[i] = (u8)(seq * 31 + i * 7);
}

/* The oldest received frame into rx: its length, or a negative errno after a second of none. */
static int receive_wait(void)
{
	int tries, len;

	ringdma_board_flush();
	for (tries = 0; tries < 1000; tries++) {
		len = ringdma_receive(ringdma_board_pdev(), rx, FRAME_MAX);
		if (len != -EAGAIN)
			return len;
		msleep(1);
	}
	return -ETIMEDOUT;
}

/* Send frame @seq of @len bytes and wait for it: 1 if it came back as the NIC should give it. */
static int round_trip(size_t len, unsigned int seq, int *got)
{
	size_t want = len < RD_BUF_SIZE ? len : RD_BUF_SIZE;

	make_frame(tx, len, seq);
	if (ringdma_board_inject(tx, len))
		return 0;
	*got = receive_wait();
	return *got == (int)want && memcmp(rx, tx, want) == 0;
}

/* The driver's kind of receive buffer: GFP_DMA memory, reachable, so mapped where it lies. */
static void dma_zone(struct device *dev)
{
	void *buf = kmalloc(RD_BUF_SIZE, GFP_KERNEL | GFP_DMA);
	dma_addr_t bus;

	pr_info("ringdma: DMA mask %#llx, coherent mask %#llx\n",
		(unsigned long long)dma_get_mask(dev), (unsigned long long)dev->coherent_dma_mask);
	if (!buf)
		return;
	bus = dma_map_single(dev, buf, RD_BUF_SIZE, DMA_FROM_DEVICE);
	pr_info("ringdma: a GFP_DMA buffer: below 16 MiB %d, mapped at its physical address %d\n",
		virt_to_phys(buf) + RD_BUF_SIZE <= (16UL << 20),
		!dma_mapping_error(dev, bus) && bus == virt_to_phys(buf));
	if (!dma_mapping_error(dev, bus))
		dma_unmap_single(dev, bus, RD_BUF_SIZE, DMA_FROM_DEVICE);
	kfree(buf);
}

/*
 * A buffer the NIC cannot reach, on a machine with no swiotlb to bounce it through: the map
 * fails, with the kernel's one-time WARNING, announced to the harness as expected.
 */
static void beyond_reach(struct device *dev)
{
	void *buf = kmalloc(RD_BUF_SIZE, GFP_KERNEL);
	dma_addr_t bus;

	if (!buf)
		return;
	pr_info("ringdma: expect begin dma-overflow\n");
	bus = dma_map_single(dev, buf, RD_BUF_SIZE, DMA_FROM_DEVICE);
	pr_info("ringdma: expect end dma-overflow\n");
	pr_info("ringdma: a GFP_KERNEL buffer: below 16 MiB %d, dma_map_single fails %d\n",
		virt_to_phys(buf) + RD_BUF_SIZE <= (16UL << 20), dma_mapping_error(dev, bus) != 0);
	if (!dma_mapping_error(dev, bus))
		dma_unmap_single(dev, bus, RD_BUF_SIZE, DMA_FROM_DEVICE);
	kfree(buf);
}

static void sizes(void)
{
	static const unsigned int lens[] = { 1, 60, 64, 1500, 1514, 1535, 1536, 1537, 2000 };
	unsigned int i;
	int got;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		int ok = round_trip(lens[i], i, &got);

		pr_info("ringdma: frame of %u bytes: received %d, intact %d\n", lens[i], got, ok);
	}
}

static void one_by_one(void)
{
	unsigned int i, intact = 0;
	unsigned long bytes = 0;
	int got;

	for (i = 0; i < ONE_BY_ONE; i++) {
		intact += round_trip(64 + (i * 97) % (RD_BUF_SIZE - 64), 100 + i, &got);
		bytes += got > 0 ? (unsigned long)got : 0;
	}
	pr_info("ringdma: %u frames one by one (the ring wraps): %u intact, %lu bytes\n",
		ONE_BY_ONE, intact, bytes);
}

/* A full ring's worth sent before reading any: all arrive, in order. */
static void burst(void)
{
	unsigned int i, in_order = 0;

	for (i = 0; i < RD_RING_ENTRIES; i++) {
		make_frame(tx, 100 + i, 1000 + i);
		ringdma_board_inject(tx, 100 + i);
	}
	for (i = 0; i < RD_RING_ENTRIES; i++) {
		int got = receive_wait();

		make_frame(tx, 100 + i, 1000 + i);
		in_order += got == (int)(100 + i) && memcmp(rx, tx, (size_t)got) == 0;
	}
	pr_info("ringdma: burst of %d before reading: %u received intact and in order\n",
		RD_RING_ENTRIES, in_order);
}

static int __init ringdma_traffic_init(void)
{
	struct platform_device *pdev;
	int err;

	tx = kmalloc(FRAME_MAX, GFP_KERNEL);
	rx = kmalloc(FRAME_MAX, GFP_KERNEL);
	if (!tx || !rx)
		goto nomem;
	err = ringdma_board_init();
	if (err)
		goto fail;
	err = ringdma_driver_register();
	if (err) {
		ringdma_board_exit();
		goto fail;
	}
	pdev = ringdma_board_pdev();
	pr_info("ringdma: device %s bound to driver %s\n", dev_name(&pdev->dev),
		pdev->dev.driver ? pdev->dev.driver->name : "(none)");
	pr_info("ringdma: receive before any frame: %d\n", ringdma_receive(pdev, rx, FRAME_MAX));
	dma_zone(&pdev->dev);
	beyond_reach(&pdev->dev);
	sizes();
	one_by_one();
	burst();
	pr_info("ringdma: dropped by the NIC: %lu\n", ringdma_board_dropped());
	return 0;
nomem:
	err = -ENOMEM;
fail:
	kfree(tx);
	kfree(rx);
	return err;
}

static void __exit ringdma_traffic_exit(void)
{
	struct platform_device *pdev = ringdma_board_pdev();

	ringdma_driver_unregister();
	pr_info("ringdma: driver removed: bound %d, receive %d\n", pdev->dev.driver != NULL,
		ringdma_receive(pdev, rx, FRAME_MAX));
	make_frame(tx, 64, 0);
	ringdma_board_inject(tx, 64);
	ringdma_board_flush();
	pr_info("ringdma: a frame after that: dropped by the NIC: %lu\n", ringdma_board_dropped());
	ringdma_board_exit();
	kfree(tx);
	kfree(rx);
}

module_init(ringdma_traffic_init);
module_exit(ringdma_traffic_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kmm example: the ringdma NIC's differential test traffic");
