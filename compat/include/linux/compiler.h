/* <linux/compiler.h> for driver code: branch hints, READ_ONCE/WRITE_ONCE, barrier(). */
#ifndef _KMM_COMPAT_LINUX_COMPILER_H
#define _KMM_COMPAT_LINUX_COMPILER_H

#include <linux/compiler_types.h>
#include <kmm/barrier.h>

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#define likely_notrace(x) likely(x)
#define unlikely_notrace(x) unlikely(x)

#define barrier_data(ptr) __asm__ __volatile__("" : : "r"(ptr) : "memory")
#define OPTIMIZER_HIDE_VAR(var) __asm__("" : "=r"(var) : "0"(var))

#define __UNIQUE_ID(prefix) __KMM_UNIQUE_PASTE(__UNIQUE_ID_##prefix, __COUNTER__)
#define __KMM_UNIQUE_PASTE2(a, b) a##b
#define __KMM_UNIQUE_PASTE(a, b) __KMM_UNIQUE_PASTE2(a, b)

#define __is_constexpr(x) (sizeof(int) == sizeof(*(8 ? ((void *)((long)(x)*0l)) : (int *)8)))
#define __must_be_array(a) \
	(sizeof(struct { int : (-!!__builtin_types_compatible_p(typeof(a), typeof(&(a)[0]))); }))
#define __same_type(a, b) __builtin_types_compatible_p(typeof(a), typeof(b))

#define data_race(expr) (expr)
#define absolute_pointer(val) RELOC_HIDE((unsigned long)(val), 0)
#define RELOC_HIDE(ptr, off)                          \
	({                                            \
		unsigned long __ptr;                  \
		__asm__("" : "=r"(__ptr) : "0"(ptr)); \
		(typeof(ptr))(__ptr + (off));         \
	})

#endif
