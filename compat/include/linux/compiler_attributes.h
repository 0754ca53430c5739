/* <linux/compiler_attributes.h> for driver code: the kernel's names for GCC's attributes. */
#ifndef _KMM_COMPAT_LINUX_COMPILER_ATTRIBUTES_H
#define _KMM_COMPAT_LINUX_COMPILER_ATTRIBUTES_H

#define __alias(symbol) __attribute__((__alias__(#symbol)))
#define __aligned(x) __attribute__((__aligned__(x)))
#define __aligned_largest __attribute__((__aligned__))
#define __always_unused __attribute__((__unused__))
#define __maybe_unused __attribute__((__unused__))
#define __cold __attribute__((__cold__))
#ifndef __attribute_const__ /* glibc's <sys/cdefs.h> has the same */
#define __attribute_const__ __attribute__((__const__))
#endif
#define __copy(symbol) __attribute__((__copy__(symbol)))
#define __deprecated
#define __designated_init __attribute__((__designated_init__))
#define __visible __attribute__((__externally_visible__))
#define __gnu_inline __attribute__((__gnu_inline__))
#define __malloc __attribute__((__malloc__))
#define __mode(x) __attribute__((__mode__(x)))
#define __noreturn __attribute__((__noreturn__))
#define __packed __attribute__((__packed__))
#define __pure __attribute__((__pure__))
#define __printf(a, b) __attribute__((__format__(printf, a, b)))
#define __scanf(a, b) __attribute__((__format__(scanf, a, b)))
#define __section(section) __attribute__((__section__(section)))
#define __used __attribute__((__used__))
#define __weak __attribute__((__weak__))
#define __noclone __attribute__((__noclone__))
#define __nonstring __attribute__((__nonstring__))
#define __no_sanitize_address __attribute__((__no_sanitize_address__))
#define noinline __attribute__((__noinline__))
#define __noinline_for_stack noinline
#define noinline_for_stack noinline
#define fallthrough __attribute__((__fallthrough__))
#ifndef __must_check
#define __must_check __attribute__((__warn_unused_result__))
#endif

#endif
