/* <linux/container_of.h> for driver code: the structure a member is embedded in. */
#ifndef _KMM_COMPAT_LINUX_CONTAINER_OF_H
#define _KMM_COMPAT_LINUX_CONTAINER_OF_H

#include <stddef.h>
#include <linux/build_bug.h>

#ifndef container_of
/* The member's type must match, as the kernel checks it. */
#define container_of(ptr, type, member)                                    \
	({                                                                 \
		void *__mptr = (void *)(ptr);                              \
		_Static_assert(__same_type(*(ptr), ((type *)0)->member) || \
				       __same_type(*(ptr), void),          \
			       "pointer type mismatch in container_of()"); \
		((type *)(__mptr - offsetof(type, member)));               \
	})
#endif
#define container_of_const(ptr, type, member) container_of(ptr, type, member)

#endif
