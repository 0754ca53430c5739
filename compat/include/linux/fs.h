/* <linux/fs.h> for driver code: struct file, struct inode, file_operations, device numbers. */
#ifndef _KMM_COMPAT_LINUX_FS_H
#define _KMM_COMPAT_LINUX_FS_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <kmm/fs.h>

#endif
