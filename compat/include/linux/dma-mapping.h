/* <linux/dma-mapping.h> for driver code: masks, coherent memory, streaming mappings. */
#ifndef _KMM_COMPAT_LINUX_DMA_MAPPING_H
#define _KMM_COMPAT_LINUX_DMA_MAPPING_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/device.h>
#include <linux/scatterlist.h>
#include <kmm/dma.h>

#endif
