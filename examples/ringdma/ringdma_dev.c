/*
 * ringdma_dev.c - the simulated ringdma NIC.
 *
 * Registers live in a kmm register block; every access takes nic.lock. They behave as storage
 * (ringdma.h), so this model and ringdma_dev_linux.c, the same device for a real kernel, agree.
 * A frame from the wire becomes a job on the NIC's DMA engine: under nic.lock, if receive is
 * enabled (newly so: start at descriptor 0) and the next descriptor is owned by the NIC, the
 * engine writes the frame to the descriptor's buffer and the descriptor back (DONE, length) by
 * bus address, then raises the interrupt. Holding the lock across the job means that once the
 * driver has written 0 to RD_CTRL, the NIC touches no memory again.
 */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/io.h>

#include "ringdma.h"
#include "ringdma_dev.h"

struct frame {
	size_t len;
	unsigned char data[];
};

static struct {
	pthread_mutex_t lock;
	struct kmm_mmio *mmio;
	struct kmm_dma_engine *engine;
	u32 ctrl, ring_lo, ring_hi, ring_size, tail, irq_status, rx_count;
	unsigned int next; /* descriptor the next frame goes to */
	bool running; /* receive was enabled at the last delivery */
	unsigned long dropped;
} nic = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct resource nic_res[] = {
	{ .start = RINGDMA_REGS_PHYS,
	  .end = RINGDMA_REGS_PHYS + RD_REGS_SIZE - 1,
	  .flags = IORESOURCE_MEM },
	{ .start = RINGDMA_IRQ, .end = RINGDMA_IRQ, .flags = IORESOURCE_IRQ },
};

static struct platform_device nic_pdev = {
	.name = "ringdma",
	.id = 0,
	.resource = nic_res,
	.num_resources = 2,
};

static u32 *reg(unsigned long offset)
{
	switch (offset) {
	case RD_CTRL:
		return &nic.ctrl;
	case RD_RING_LO:
		return &nic.ring_lo;
	case RD_RING_HI:
		return &nic.ring_hi;
	case RD_RING_SIZE:
		return &nic.ring_size;
	case RD_TAIL:
		return &nic.tail;
	case RD_IRQ_STATUS:
		return &nic.irq_status;
	case RD_RX_COUNT:
		return &nic.rx_count;
	}
	return NULL;
}

static u64 nic_read(void *priv, unsigned long offset, unsigned int width)
{
	u32 *r = reg(offset);
	u64 v;

	pthread_mutex_lock(&nic.lock);
	v = r ? *r : 0;
	pthread_mutex_unlock(&nic.lock);
	return v;
}

static void nic_write(void *priv, unsigned long offset, unsigned int width, u64 value)
{
	u32 *r = reg(offset);

	pthread_mutex_lock(&nic.lock);
	if (offset == RD_IRQ_STATUS) {
		nic.irq_status &= (u32)value; /* a 0 bit acknowledges */
	} else if (r && offset != RD_RX_COUNT) {
		*r = (u32)value;
	}
	pthread_mutex_unlock(&nic.lock);
}

static const struct kmm_mmio_ops nic_ops = { .on_read = nic_read, .on_write = nic_write };

/* The engine's job: deliver one frame. */
static void deliver(struct kmm_dma_engine *engine, void *arg)
{
	struct frame *f = arg;
	struct rd_desc d;
	dma_addr_t at;

	pthread_mutex_lock(&nic.lock);
	nic.running = nic.running && (nic.ctrl & RD_CTRL_ENABLE);
	if (!(nic.ctrl & RD_CTRL_ENABLE) || !nic.ring_size)
		goto drop;
	if (!nic.running) { /* newly enabled: start over at descriptor 0 */
		nic.next = 0;
		nic.rx_count = 0;
		nic.running = true;
	}
	at = ((dma_addr_t)nic.ring_hi << 32 | nic.ring_lo) + nic.next * sizeof(d);
	if (kmm_dma_engine_from_bus(engine, &d, at, sizeof(d)) || !(d.flags & RD_DESC_OWN))
		goto drop;
	d.len = (u16)(f->len < d.buf_len ? f->len : d.buf_len);
	if (kmm_dma_engine_to_bus(engine, d.addr, f->data, d.len))
		goto drop;
	/* The descriptor, then its status word last: the driver trusts the rest once it sees
	 * DONE. */
	kmm_dma_engine_to_bus(engine, at, &d, offsetof(struct rd_desc, flags));
	kmm_dma_engine_write32(engine, at + offsetof(struct rd_desc, flags), RD_DESC_DONE);
	nic.next = (nic.next + 1) % nic.ring_size;
	nic.irq_status |= RD_IRQ_RX;
	nic.rx_count++;
	pthread_mutex_unlock(&nic.lock);
	free(f);
	return;
drop:
	nic.dropped++;
	pthread_mutex_unlock(&nic.lock);
	free(f);
}

int ringdma_board_init(void)
{
	nic.mmio = kmm_mmio_create("ringdma-regs", RINGDMA_REGS_PHYS, RD_REGS_SIZE, &nic_ops, NULL);
	if (!nic.mmio)
		return -EBUSY;
	nic.engine = kmm_dma_engine_create(&nic_pdev.dev, RINGDMA_IRQ);
	if (!nic.engine) {
		kmm_mmio_destroy(nic.mmio);
		return -ENOMEM;
	}
	nic.ctrl = nic.irq_status = nic.rx_count = 0;
	nic.next = 0;
	nic.running = false;
	nic.dropped = 0;
	for (unsigned int i = 0; i < 2; i++)
		nic_res[i].parent = nic_res[i].sibling = nic_res[i].child = NULL;
	memset(&nic_pdev.dev, 0, sizeof(nic_pdev.dev)); /* a fresh device at every boot */
	return platform_device_register(&nic_pdev);
}

void ringdma_board_exit(void)
{
	platform_device_unregister(&nic_pdev);
	kmm_dma_engine_destroy(nic.engine);
	kmm_mmio_destroy(nic.mmio);
	nic.engine = NULL;
	nic.mmio = NULL;
}

int ringdma_board_inject(const void *frame, size_t len)
{
	struct frame *f = malloc(sizeof(*f) + len);

	if (!f)
		return -ENOMEM;
	f->len = len;
	memcpy(f->data, frame, len);
	return kmm_dma_engine_submit(nic.engine, deliver, f, true);
}

void ringdma_board_flush(void)
{
	kmm_dma_engine_flush(nic.engine);
}

unsigned long ringdma_board_dropped(void)
{
	unsigned long n;

	pthread_mutex_lock(&nic.lock);
	n = nic.dropped;
	pthread_mutex_unlock(&nic.lock);
	return n;
}

struct platform_device *ringdma_board_pdev(void)
{
	return &nic_pdev;
}
