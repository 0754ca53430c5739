/* <linux/io.h> for driver code. */
#ifndef _KMM_COMPAT_LINUX_IO_H
#define _KMM_COMPAT_LINUX_IO_H

#include <asm/io.h>
#include <linux/err.h>
#include <linux/ioport.h>
#include <kmm/io.h>

#endif
