/* <asm/barrier.h> for driver code: memory barriers, READ_ONCE and WRITE_ONCE. */
#ifndef _KMM_COMPAT_ASM_BARRIER_H
#define _KMM_COMPAT_ASM_BARRIER_H

#include <kmm/barrier.h>

#endif
