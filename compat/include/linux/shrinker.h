/* <linux/shrinker.h> for driver code. */
#ifndef _KMM_COMPAT_LINUX_SHRINKER_H
#define _KMM_COMPAT_LINUX_SHRINKER_H

#include <kmm/shrinker.h>

#endif
