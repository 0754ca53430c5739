/* <linux/err.h> for driver code: ERR_PTR, PTR_ERR, IS_ERR. */
#ifndef _KMM_COMPAT_LINUX_ERR_H
#define _KMM_COMPAT_LINUX_ERR_H

#include <linux/errno.h>
#include <kmm/err.h>

#endif
