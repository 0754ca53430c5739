/* <linux/bitops.h> for driver code: bit operations. */
#ifndef _KMM_COMPAT_LINUX_BITOPS_H
#define _KMM_COMPAT_LINUX_BITOPS_H

#include <linux/types.h>
#include <linux/bits.h>
#include <kmm/bitops.h>

#endif
