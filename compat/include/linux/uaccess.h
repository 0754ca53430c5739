/* <linux/uaccess.h> for driver code: copy_to_user and friends, get_user/put_user. */
#ifndef _KMM_COMPAT_LINUX_UACCESS_H
#define _KMM_COMPAT_LINUX_UACCESS_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <kmm/uaccess.h>

#endif
