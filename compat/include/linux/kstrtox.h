/* <linux/kstrtox.h> for driver code: kstrto*() and simple_strto*() (kmm/kstrtox.h). */
#ifndef _KMM_COMPAT_LINUX_KSTRTOX_H
#define _KMM_COMPAT_LINUX_KSTRTOX_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <kmm/kstrtox.h>

#define kstrtos32 kstrtoint
#define kstrtou32 kstrtouint
#define kstrtos64 kstrtoll
#define kstrtou64 kstrtoull

#endif
