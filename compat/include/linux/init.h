/* <linux/init.h> for driver code: the section markers, which mean nothing in user space. */
#ifndef _KMM_COMPAT_LINUX_INIT_H
#define _KMM_COMPAT_LINUX_INIT_H

#include <linux/compiler.h>

#define __initdata
#define __exitdata
#define __initconst

#endif
