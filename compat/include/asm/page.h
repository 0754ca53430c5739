/* <asm/page.h> for driver code: PAGE_SIZE, PAGE_OFFSET, __pa/__va, virt_to_page. */
#ifndef _KMM_COMPAT_ASM_PAGE_H
#define _KMM_COMPAT_ASM_PAGE_H

#include <kmm/layout.h>
#include <kmm/page.h>

#endif
