/* <linux/fs.h> for driver code: struct file, struct inode, file_operations, device numbers. */
#ifndef _KMM_COMPAT_LINUX_FS_H
#define _KMM_COMPAT_LINUX_FS_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <kmm/fs.h>

#endif
