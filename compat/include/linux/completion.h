/* <linux/completion.h> for driver code: struct completion. */
#ifndef _KMM_COMPAT_LINUX_COMPLETION_H
#define _KMM_COMPAT_LINUX_COMPLETION_H

#include <linux/types.h>
#include <linux/wait.h>
#include <kmm/completion.h>

#endif
