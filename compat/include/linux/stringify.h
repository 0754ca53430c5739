/* <linux/stringify.h> for driver code: a macro's expansion as a string. */
#ifndef _KMM_COMPAT_LINUX_STRINGIFY_H
#define _KMM_COMPAT_LINUX_STRINGIFY_H

#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)

#endif
