/* <linux/rculist.h> for driver code: lists and hash lists walked by RCU readers. */
#ifndef _KMM_COMPAT_LINUX_RCULIST_H
#define _KMM_COMPAT_LINUX_RCULIST_H

#include <linux/rcupdate.h>
#include <kmm/rculist.h>

#endif
