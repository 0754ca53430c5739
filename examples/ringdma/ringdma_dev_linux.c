/*
 * ringdma_dev_linux.c - the ringdma NIC in a real kernel, where there is no such silicon: a
 * module plays the device, so that ringdma.c runs unchanged on Linux (the kernel test, under
 * QEMU). It implements ringdma_dev.h as ringdma_dev.c does on kmm, with the same behaviour.
 *
 * Registers: the memory BAR of QEMU's ivshmem-plain device, plain RAM behind a PCI BAR, which
 * the driver can ioremap (the kernel refuses that for system RAM). Stored values are all this
 * model can see, which is all the ringdma register contract asks of it (ringdma.h).
 *
 * DMA engine: an ordered workqueue. It reads descriptors and writes frames by bus address
 * (the guest has no IOMMU, so a bus address is a physical one), only where 24 address lines
 * reach. Each delivery runs with interrupts off: on the guest's single CPU neither the driver's
 * handler nor its register writes can come in between, as they could not with real hardware.
 *
 * Interrupt line: an irq descriptor of our own on the dummy chip, raised from an irq_work so
 * that the driver's handler runs in hard interrupt context, as for a real line.
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "ringdma.h"
#include "ringdma_dev.h"

#define IVSHMEM_VENDOR 0x1af4
#define IVSHMEM_DEVICE 0x1110
#define IVSHMEM_BAR 2
#define NIC_REACH DMA_BIT_MASK(24)

struct frame {
	struct list_head node;
	size_t len;
	u8 data[];
};

static struct {
	struct pci_dev *shm;
	void __iomem *regs;
	struct platform_device *pdev;
	int irq;
	struct irq_work raise;
	struct workqueue_struct *engine;
	struct work_struct deliver;
	spinlock_t lock; /* frames and dropped */
	struct list_head frames;
	unsigned long dropped;
	bool running; /* receive was enabled at the last delivery */
	unsigned int next; /* the descriptor the next frame goes to */
} nic;

static void raise_line(struct irq_work *work)
{
	generic_handle_irq(nic.irq);
}

/* Where the NIC reaches bus address @bus for @len bytes: RAM below 16 MiB, or NULL. */
static void *nic_reach(u64 bus, size_t len)
{
	u64 last = bus + (len ? len : 1) - 1;

	if (last < bus || last > NIC_REACH)
		return NULL;
	if (!pfn_valid(PHYS_PFN(bus)) || !pfn_valid(PHYS_PFN(last)))
		return NULL;
	return phys_to_virt((phys_addr_t)bus);
}

static void reg_or(unsigned int offset, u32 bits)
{
	writel(readl(nic.regs + offset) | bits, nic.regs + offset);
}

/* Put one frame into the next descriptor's buffer: true if delivered. Interrupts off. */
static bool deliver_one(const struct frame *f)
{
	u32 ctrl = readl(nic.regs + RD_CTRL), size = readl(nic.regs + RD_RING_SIZE);
	u64 ring = (u64)readl(nic.regs + RD_RING_HI) << 32 | readl(nic.regs + RD_RING_LO);
	struct rd_desc *d;
	void *buf;
	u16 len;

	nic.running = nic.running && (ctrl & RD_CTRL_ENABLE);
	if (!(ctrl & RD_CTRL_ENABLE) || !size)
		return false;
	if (!nic.running) { /* newly enabled: start over at descriptor 0 */
		nic.next = 0;
		writel(0, nic.regs + RD_RX_COUNT);
		nic.running = true;
	}
	d = nic_reach(ring + (u64)nic.next * sizeof(*d), sizeof(*d));
	if (!d || !(READ_ONCE(d->flags) & RD_DESC_OWN))
		return false;
	len = (u16)min_t(size_t, f->len, d->buf_len);
	buf = nic_reach(d->addr, len);
	if (!buf)
		return false;
	memcpy(buf, f->data, len);
	d->len = len;
	wmb(); /* the status word last: the driver trusts the rest once it sees DONE */
	WRITE_ONCE(d->flags, RD_DESC_DONE);
	nic.next = (nic.next + 1) % size;
	reg_or(RD_IRQ_STATUS, RD_IRQ_RX);
	writel(readl(nic.regs + RD_RX_COUNT) + 1, nic.regs + RD_RX_COUNT);
	return true;
}

static struct frame *next_frame(void)
{
	struct frame *f;
	unsigned long flags;

	spin_lock_irqsave(&nic.lock, flags);
	f = list_first_entry_or_null(&nic.frames, struct frame, node);
	if (f)
		list_del(&f->node);
	spin_unlock_irqrestore(&nic.lock, flags);
	return f;
}

static void engine_run(struct work_struct *work)
{
	struct frame *f;

	while ((f = next_frame())) {
		unsigned long flags;
		bool delivered;

		local_irq_save(flags);
		delivered = deliver_one(f);
		local_irq_restore(flags);
		if (delivered) {
			irq_work_queue(&nic.raise);
		} else {
			spin_lock_irqsave(&nic.lock, flags);
			nic.dropped++;
			spin_unlock_irqrestore(&nic.lock, flags);
		}
		kfree(f);
	}
}

/*
 * The interrupt line: a descriptor of our own that request_irq accepts. Owned by no module:
 * request_irq pins a line's owner, and the driver that requests it lives in this same module,
 * which could then never be unloaded.
 */
static int line_create(void)
{
	int irq = __irq_alloc_descs(-1, 0, 1, NUMA_NO_NODE, NULL, NULL);

	if (irq < 0)
		return irq;
	irq_set_chip_and_handler(irq, &dummy_irq_chip, handle_simple_irq);
	irq_clear_status_flags(irq, IRQ_NOREQUEST | IRQ_NOPROBE);
	return irq;
}

/* The register block: the ivshmem BAR, cleared to the NIC's power-on state. */
static int regs_map(struct resource *res)
{
	int err;

	nic.shm = pci_get_device(IVSHMEM_VENDOR, IVSHMEM_DEVICE, NULL);
	if (!nic.shm)
		return -ENODEV; /* QEMU was started without -device ivshmem-plain */
	err = pci_enable_device_mem(nic.shm);
	if (err)
		goto put;
	err = -ENOSPC;
	if (pci_resource_len(nic.shm, IVSHMEM_BAR) < RD_REGS_SIZE)
		goto disable;
	*res = (struct resource)DEFINE_RES_MEM(pci_resource_start(nic.shm, IVSHMEM_BAR),
					       RD_REGS_SIZE);
	err = -ENOMEM;
	nic.regs = ioremap(res->start, RD_REGS_SIZE);
	if (!nic.regs)
		goto disable;
	memset_io(nic.regs, 0, RD_REGS_SIZE);
	return 0;
disable:
	pci_disable_device(nic.shm);
put:
	pci_dev_put(nic.shm);
	return err;
}

static void regs_unmap(void)
{
	iounmap(nic.regs);
	pci_disable_device(nic.shm);
	pci_dev_put(nic.shm);
}

int ringdma_board_init(void)
{
	struct resource res[2];
	int err = regs_map(&res[0]);

	if (err)
		return err;
	spin_lock_init(&nic.lock);
	INIT_LIST_HEAD(&nic.frames);
	INIT_WORK(&nic.deliver, engine_run);
	init_irq_work(&nic.raise, raise_line);
	nic.dropped = 0;
	nic.running = false;
	err = -ENOMEM;
	nic.engine = alloc_ordered_workqueue("ringdma-engine", 0);
	if (!nic.engine)
		goto unmap;
	nic.irq = line_create();
	err = nic.irq;
	if (nic.irq < 0)
		goto engine;
	res[1] = (struct resource)DEFINE_RES_IRQ(nic.irq);
	nic.pdev = platform_device_register_simple("ringdma", 0, res, ARRAY_SIZE(res));
	err = PTR_ERR_OR_ZERO(nic.pdev);
	if (!err)
		return 0;
	irq_free_desc(nic.irq);
engine:
	destroy_workqueue(nic.engine);
unmap:
	regs_unmap();
	return err;
}

void ringdma_board_exit(void)
{
	struct frame *f;

	platform_device_unregister(nic.pdev);
	destroy_workqueue(nic.engine); /* runs what is queued: the NIC is stopped, so it drops */
	irq_work_sync(&nic.raise);
	while ((f = next_frame()))
		kfree(f);
	irq_free_desc(nic.irq);
	regs_unmap();
}

int ringdma_board_inject(const void *frame, size_t len)
{
	struct frame *f = kmalloc(struct_size(f, data, len), GFP_KERNEL);
	unsigned long flags;

	if (!f)
		return -ENOMEM;
	f->len = len;
	memcpy(f->data, frame, len);
	spin_lock_irqsave(&nic.lock, flags);
	list_add_tail(&f->node, &nic.frames);
	spin_unlock_irqrestore(&nic.lock, flags);
	queue_work(nic.engine, &nic.deliver);
	return 0;
}

void ringdma_board_flush(void)
{
	flush_workqueue(nic.engine);
	irq_work_sync(&nic.raise);
}

unsigned long ringdma_board_dropped(void)
{
	unsigned long flags, n;

	spin_lock_irqsave(&nic.lock, flags);
	n = nic.dropped;
	spin_unlock_irqrestore(&nic.lock, flags);
	return n;
}

struct platform_device *ringdma_board_pdev(void)
{
	return nic.pdev;
}
