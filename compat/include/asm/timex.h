/* <asm/timex.h> for driver code: get_cycles(), the CPU's cycle counter where it has one. */
#ifndef _KMM_COMPAT_ASM_TIMEX_H
#define _KMM_COMPAT_ASM_TIMEX_H

#include <linux/ktime.h>

typedef unsigned long long cycles_t;

static inline cycles_t get_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	return (cycles_t)ktime_get();
#endif
}

#endif
