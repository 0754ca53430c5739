/* <linux/mempool.h> for driver code: memory pools with a guaranteed reserve. */
#ifndef _KMM_COMPAT_LINUX_MEMPOOL_H
#define _KMM_COMPAT_LINUX_MEMPOOL_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <kmm/mempool.h>

#endif
