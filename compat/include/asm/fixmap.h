/* <asm/fixmap.h> for driver code: enum fixed_addresses, fix_to_virt, set_fixmap. */
#ifndef _KMM_COMPAT_ASM_FIXMAP_H
#define _KMM_COMPAT_ASM_FIXMAP_H

#include <kmm/fixmap.h>

#endif
