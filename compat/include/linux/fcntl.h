/*
 * <linux/fcntl.h> for driver code: the uapi open flags and fcntl commands (the host's header)
 * and the kernel's sets of them.
 */
#ifndef _KMM_COMPAT_LINUX_FCNTL_H
#define _KMM_COMPAT_LINUX_FCNTL_H

#include <linux/types.h>
#include_next <linux/fcntl.h>

#ifndef force_o_largefile
#define force_o_largefile() (sizeof(long) != 4)
#endif

#define VALID_OPEN_FLAGS                                                                   \
	(O_RDONLY | O_WRONLY | O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | \
	 O_NDELAY | O_NONBLOCK | __O_SYNC | O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE |    \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | __O_TMPFILE)

#endif
