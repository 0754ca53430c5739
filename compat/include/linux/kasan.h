/*
 * <linux/kasan.h> for driver code. kmm has no KASAN yet: a kernel built without
 * CONFIG_KASAN offers these same calls as no-ops, and so does kmm.
 */
#ifndef _KMM_COMPAT_LINUX_KASAN_H
#define _KMM_COMPAT_LINUX_KASAN_H

static inline void kasan_disable_current(void)
{
}

static inline void kasan_enable_current(void)
{
}

#endif
