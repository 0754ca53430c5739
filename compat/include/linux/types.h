/* <linux/types.h> for driver code: the uapi fixed-width types plus kmm's kernel types. */
#ifndef _KMM_COMPAT_LINUX_TYPES_H
#define _KMM_COMPAT_LINUX_TYPES_H

#include <asm/types.h>
#include <stdbool.h>
#include <sys/types.h>
#include <kmm/types.h>

#ifndef __bitwise
#define __bitwise
#endif
typedef __u16 __bitwise __le16;
typedef __u16 __bitwise __be16;
typedef __u32 __bitwise __le32;
typedef __u32 __bitwise __be32;
typedef __u64 __bitwise __le64;
typedef __u64 __bitwise __be64;

#endif
