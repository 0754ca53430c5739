/* <linux/string.h> for driver code: libc's string functions and the kernel's additions. */
#ifndef _KMM_COMPAT_LINUX_STRING_H
#define _KMM_COMPAT_LINUX_STRING_H

#include <string.h>
#include <kmm/string.h>

#endif
