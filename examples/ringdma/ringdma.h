/*
 * ringdma.h - the ringdma NIC as both halves see it: the register map and descriptor format
 * the hardware defines, and the driver's entry points.
 */
#ifndef RINGDMA_H
#define RINGDMA_H

#include <linux/types.h> /* __u16..__u64: the kernel's, kmm's compat and the system's uapi */
#ifndef __KERNEL__
#include <stdbool.h>
#include <stddef.h>
#endif

/*
 * Registers: 32 bits each, at these offsets in the 256-byte register block. They behave as
 * storage: a write has no side effect the device must see at once. The device notices receive
 * being enabled when it next delivers (starting again at descriptor 0), and the driver
 * acknowledges an interrupt by writing 0 over the status the device set. That lets a model that
 * only sees stored values (ringdma_dev_linux.c, for a real kernel) play the device exactly.
 */
#define RD_CTRL 0x00 /* bit 0: receive enabled */
#define RD_RING_LO 0x04 /* bus address of descriptor 0, low and high halves */
#define RD_RING_HI 0x08
#define RD_RING_SIZE 0x0c /* descriptors in the ring */
#define RD_TAIL 0x10 /* the driver's next descriptor to refill (a doorbell) */
#define RD_IRQ_STATUS 0x14 /* bit 0: frames received; the driver writes 0 to acknowledge */
#define RD_RX_COUNT 0x18 /* frames delivered since enable */
#define RD_REGS_SIZE 0x100

#define RD_CTRL_ENABLE 0x1
#define RD_IRQ_RX 0x1

/* A receive descriptor, in coherent memory shared with the device. */
struct rd_desc {
	__u64 addr; /* bus address of the buffer */
	__u16 buf_len; /* its size */
	__u16 len; /* bytes the device wrote */
	__u32 flags;
};

#define RD_DESC_OWN 0x1 /* the device may fill it */
#define RD_DESC_DONE 0x2 /* the device filled it */

#define RD_RING_ENTRIES 32
#define RD_BUF_SIZE 1536

/* Driver entry points (ringdma.c). */
int ringdma_driver_register(void);
void ringdma_driver_unregister(void);

struct platform_device;

/* Take the oldest received frame: its length, or -EAGAIN when none is waiting. */
int ringdma_receive(struct platform_device *pdev, void *out, size_t max);

/*
 * Seeded bugs for the misuse test, like module parameters: forget dma_mapping_error() on
 * receive buffers, and unmap them with half their mapped size.
 */
extern bool ringdma_bug_skip_mapping_error;
extern bool ringdma_bug_unmap_size;

#endif /* RINGDMA_H */
