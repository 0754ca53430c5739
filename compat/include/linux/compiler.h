/* <linux/compiler.h> for driver code. */
#ifndef _KMM_COMPAT_LINUX_COMPILER_H
#define _KMM_COMPAT_LINUX_COMPILER_H

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define noinline __attribute__((noinline))
#define __maybe_unused __attribute__((unused))
#define __user
#define __force
#define __init
#define __exit
#define __read_mostly

#endif
