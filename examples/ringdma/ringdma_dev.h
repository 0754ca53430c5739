/*
 * ringdma_dev.h - the simulated ringdma NIC and the board it sits on: a register block on the
 * physical map, a bus-master DMA engine that writes received frames into the driver's
 * buffers, and the interrupt line it raises. (On real hardware this is silicon.)
 */
#ifndef RINGDMA_DEV_H
#define RINGDMA_DEV_H

#include <linux/types.h>
#ifndef __KERNEL__
#include <stddef.h>
#endif

#define RINGDMA_REGS_PHYS 0xfe200000ULL
#define RINGDMA_IRQ 11

struct platform_device;

/* Put the NIC on the machine and register its platform device: 0 or a negative errno. */
int ringdma_board_init(void);
/* Unregister the device (the driver is removed if bound) and take the NIC away. */
void ringdma_board_exit(void);
/* A frame arrives from the wire; the NIC delivers it asynchronously. 0 or -errno. */
int ringdma_board_inject(const void *frame, size_t len);
/* Wait until every frame injected so far has been delivered or dropped. */
void ringdma_board_flush(void);
/* Frames dropped for want of a descriptor the driver gave the NIC. */
unsigned long ringdma_board_dropped(void);
/* The NIC's platform device (for ringdma_receive). */
struct platform_device *ringdma_board_pdev(void);

#endif /* RINGDMA_DEV_H */
