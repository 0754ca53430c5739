/* <linux/lockdep.h> for driver code: lock classes and lockdep assertions. */
#ifndef _KMM_COMPAT_LINUX_LOCKDEP_H
#define _KMM_COMPAT_LINUX_LOCKDEP_H

#include <linux/types.h>
#include <kmm/lockdep.h>

#endif
