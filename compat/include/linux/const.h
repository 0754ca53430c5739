/* <linux/const.h> for driver code: the uapi constant helpers and the kernel's UL()/ULL(). */
#ifndef _KMM_COMPAT_LINUX_CONST_H
#define _KMM_COMPAT_LINUX_CONST_H

#include_next <linux/const.h>

#define UL(x) (_UL(x))
#define ULL(x) (_ULL(x))

#endif
