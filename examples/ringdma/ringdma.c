/*
 * ringdma.c - a NIC-like receive driver, written only against the kernel's headers.
 *
 * The device fills receive buffers it finds in a ring of descriptors in coherent memory, then
 * interrupts. It has 24 address lines, so each buffer comes from kmalloc's DMA caches (GFP_DMA:
 * ZONE_DMA, the low 16 MiB) and is handed to the device with dma_map_single, which then maps
 * it directly. (A kernel has no swiotlb to bounce through on a small machine, and where it has
 * one, its pool lies above 16 MiB.) The interrupt handler takes each filled buffer back
 * (dma_unmap_single), wraps it in a request from a mempool (GFP_ATOMIC: it may not sleep, and
 * the pool's reserve keeps receive going when the slab allocator cannot), queues it for the
 * reader, and refills the descriptor with a fresh GFP_ATOMIC buffer.
 *
 * Locks: rd->lock (spinlock) guards the ring indexes and the queue of received frames; the
 * handler takes it plain, the reader with interrupts disabled.
 */
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/mempool.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <asm/barrier.h>

#include "ringdma.h"

bool ringdma_bug_skip_mapping_error;
bool ringdma_bug_unmap_size;

struct rd_req {
	struct rd_req *next;
	void *buf;
	unsigned int len;
};

struct rd_rx {
	void *buf;
	dma_addr_t dma;
};

struct ringdma {
	struct device *dev;
	void __iomem *regs;
	int irq;
	struct rd_desc *ring;
	dma_addr_t ring_dma;
	struct rd_rx rx[RD_RING_ENTRIES];
	unsigned int clean; /* next descriptor the device will fill */
	mempool_t *req_pool;
	struct rd_req *done_head, **done_tail;
	spinlock_t lock;
};

/* Give descriptor @i a fresh buffer. Any context (GFP_ATOMIC). */
static int rd_refill(struct ringdma *rd, unsigned int i)
{
	struct rd_rx *rx = &rd->rx[i];
	struct rd_desc *d = &rd->ring[i];

	rx->buf = kmalloc(RD_BUF_SIZE, GFP_ATOMIC | GFP_DMA);
	if (!rx->buf)
		return -ENOMEM;
	rx->dma = dma_map_single(rd->dev, rx->buf, RD_BUF_SIZE, DMA_FROM_DEVICE);
	if (!ringdma_bug_skip_mapping_error && dma_mapping_error(rd->dev, rx->dma)) {
		kfree(rx->buf);
		rx->buf = NULL;
		return -ENOMEM;
	}
	d->addr = rx->dma;
	d->buf_len = RD_BUF_SIZE;
	d->len = 0;
	dma_wmb(); /* the descriptor is complete before the device may own it */
	WRITE_ONCE(d->flags, RD_DESC_OWN);
	return 0;
}

static void rd_unmap(struct ringdma *rd, struct rd_rx *rx)
{
	size_t size = ringdma_bug_unmap_size ? RD_BUF_SIZE / 2 : RD_BUF_SIZE;

	dma_unmap_single(rd->dev, rx->dma, size, DMA_FROM_DEVICE);
}

static irqreturn_t rd_interrupt(int irq, void *data)
{
	struct ringdma *rd = data;
	u32 status = readl(rd->regs + RD_IRQ_STATUS);

	if (!status)
		return IRQ_NONE;
	writel(0, rd->regs + RD_IRQ_STATUS);
	spin_lock(&rd->lock);
	for (;;) {
		unsigned int i = rd->clean;
		struct rd_desc *d = &rd->ring[i];
		struct rd_rx *rx = &rd->rx[i];
		struct rd_req *req;

		if (!(READ_ONCE(d->flags) & RD_DESC_DONE))
			break;
		dma_rmb(); /* read the length only after seeing DONE */
		rd_unmap(rd, rx);
		req = mempool_alloc(rd->req_pool, GFP_ATOMIC);
		if (req) {
			req->buf = rx->buf;
			req->len = d->len;
			req->next = NULL;
			*rd->done_tail = req;
			rd->done_tail = &req->next;
		} else {
			kfree(rx->buf);
		}
		WRITE_ONCE(d->flags, 0);
		rx->buf = NULL;
		rd_refill(rd, i);
		rd->clean = (i + 1) % RD_RING_ENTRIES;
	}
	writel(rd->clean, rd->regs + RD_TAIL);
	spin_unlock(&rd->lock);
	return IRQ_HANDLED;
}

int ringdma_receive(struct platform_device *pdev, void *out, size_t max)
{
	struct ringdma *rd = platform_get_drvdata(pdev);
	struct rd_req *req;
	unsigned long flags;
	int len;

	if (!rd)
		return -ENODEV;
	spin_lock_irqsave(&rd->lock, flags);
	req = rd->done_head;
	if (req) {
		rd->done_head = req->next;
		if (!rd->done_head)
			rd->done_tail = &rd->done_head;
	}
	spin_unlock_irqrestore(&rd->lock, flags);
	if (!req)
		return -EAGAIN;
	len = (int)(req->len < max ? req->len : max);
	memcpy(out, req->buf, (size_t)len);
	kfree(req->buf);
	mempool_free(req, rd->req_pool);
	return len;
}

static int rd_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct ringdma *rd;
	unsigned int i;
	int err;

	rd = devm_kzalloc(dev, sizeof(*rd), GFP_KERNEL);
	if (!rd)
		return -ENOMEM;
	rd->dev = dev;
	spin_lock_init(&rd->lock);
	rd->done_tail = &rd->done_head;
	rd->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(rd->regs))
		return (int)PTR_ERR(rd->regs);
	rd->irq = platform_get_irq(pdev, 0);
	if (rd->irq < 0)
		return rd->irq;
	/* An old design: 24 address lines. */
	err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(24));
	if (err)
		return err;
	rd->ring = dmam_alloc_coherent(dev, RD_RING_ENTRIES * sizeof(struct rd_desc), &rd->ring_dma,
				       GFP_KERNEL);
	if (!rd->ring)
		return -ENOMEM;
	rd->req_pool = mempool_create_kmalloc_pool(8, sizeof(struct rd_req));
	if (!rd->req_pool)
		return -ENOMEM;
	for (i = 0; i < RD_RING_ENTRIES; i++)
		rd_refill(rd, i);
	platform_set_drvdata(pdev, rd);
	err = request_irq((unsigned int)rd->irq, rd_interrupt, 0, "ringdma", rd);
	if (err)
		goto undo;
	writel((u32)rd->ring_dma, rd->regs + RD_RING_LO);
	writel((u32)((u64)rd->ring_dma >> 32), rd->regs + RD_RING_HI);
	writel(RD_RING_ENTRIES, rd->regs + RD_RING_SIZE);
	writel(0, rd->regs + RD_TAIL);
	writel(RD_CTRL_ENABLE, rd->regs + RD_CTRL);
	return 0;
undo:
	for (i = 0; i < RD_RING_ENTRIES; i++) {
		if (rd->rx[i].buf) {
			rd_unmap(rd, &rd->rx[i]);
			kfree(rd->rx[i].buf);
		}
	}
	mempool_destroy(rd->req_pool);
	return err;
}

static int rd_remove(struct platform_device *pdev)
{
	struct ringdma *rd = platform_get_drvdata(pdev);
	unsigned int i;

	/* Stop the device first: after this it touches no memory and raises nothing. */
	writel(0, rd->regs + RD_CTRL);
	free_irq((unsigned int)rd->irq, rd);
	for (i = 0; i < RD_RING_ENTRIES; i++) {
		if (rd->rx[i].buf) {
			rd_unmap(rd, &rd->rx[i]);
			kfree(rd->rx[i].buf);
		}
	}
	while (rd->done_head) {
		struct rd_req *req = rd->done_head;

		rd->done_head = req->next;
		kfree(req->buf);
		mempool_free(req, rd->req_pool);
	}
	mempool_destroy(rd->req_pool);
	return 0;
}

static struct platform_driver ringdma_driver = {
	.probe = rd_probe,
	.remove = rd_remove,
	.driver = { .name = "ringdma" },
};

int ringdma_driver_register(void)
{
	return platform_driver_register(&ringdma_driver);
}

void ringdma_driver_unregister(void)
{
	platform_driver_unregister(&ringdma_driver);
}
