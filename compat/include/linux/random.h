/* <linux/random.h> for driver code: get_random_bytes() and the get_random_*() family. */
#ifndef _KMM_COMPAT_LINUX_RANDOM_H
#define _KMM_COMPAT_LINUX_RANDOM_H

#include <linux/types.h>
#include <kmm/random.h>

#endif
