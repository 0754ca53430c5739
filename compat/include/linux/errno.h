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

#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ENOIOCTLCMD 515
#define ERESTART_RESTARTBLOCK 516
#define EPROBE_DEFER 517
#define EOPENSTALE 518
#define ENOPARAM 519

/* The NFSv3 protocol's, which other code uses too. */
#define EBADHANDLE 521
#define ENOTSYNC 522
#define EBADCOOKIE 523
#define ENOTSUPP 524
#define ETOOSMALL 525
#define ESERVERFAULT 526
#define EBADTYPE 527
#define EJUKEBOX 528
#define EIOCBQUEUED 529
#define ERECALLCONFLICT 530
#define ENOGRACE 531

#endif
