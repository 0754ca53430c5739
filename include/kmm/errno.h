/*
 * kmm/errno.h - the kernel's internal error numbers, which a driver may return but a program
 * never sees: kmm's system calls (kmm_open, kmm_read, kmm_write, kmm_ioctl) turn the restart
 * codes into -EINTR (kmm restarts no call: the program sees the interruption, as with a
 * signal handler installed without SA_RESTART) and -ENOIOCTLCMD into -ENOTTY, as the kernel's
 * system-call exit and vfs_ioctl() do.
 */
#ifndef KMM_ERRNO_H
#define KMM_ERRNO_H

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

#endif /* KMM_ERRNO_H */
