/* <asm/io.h> for driver code: virt_to_phys and phys_to_virt. */
#ifndef _KMM_COMPAT_ASM_IO_H
#define _KMM_COMPAT_ASM_IO_H

#include <kmm/layout.h>

#endif
