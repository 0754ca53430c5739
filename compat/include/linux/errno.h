/*
 * <linux/errno.h> for driver code: the uapi error numbers (through the host's header, as libc
 * includes it too) and the kernel-internal ones, which never reach a program: at the system
 * call boundary kmm turns -ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND and
 * -ERESTART_RESTARTBLOCK into EINTR (kmm does not restart the call: the program sees the
 * interruption as it would under SA_RESTART off), and -ENOIOCTLCMD into ENOTTY.
 */
#ifndef _KMM_COMPAT_LINUX_ERRNO_H
#define _KMM_COMPAT_LINUX_ERRNO_H

#include_next <linux/errno.h>

#include <kmm/errno.h>

#endif
