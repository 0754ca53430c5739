/* <linux/scatterlist.h> for driver code: scatterlists and for_each_sg. */
#ifndef _KMM_COMPAT_LINUX_SCATTERLIST_H
#define _KMM_COMPAT_LINUX_SCATTERLIST_H

#include <linux/types.h>
#include <linux/mm.h>
#include <kmm/scatterlist.h>

#endif
