/*
 * <linux/compiler_types.h> for driver code: the address-space and checker annotations (sparse
 * is not run, so they mean nothing to the compiler) and the attribute names.
 */
#ifndef _KMM_COMPAT_LINUX_COMPILER_TYPES_H
#define _KMM_COMPAT_LINUX_COMPILER_TYPES_H

#include <linux/compiler_attributes.h>

#define __user
#define __kernel
#define __safe
#define __force
#define __nocast
#ifndef __iomem
#define __iomem
#endif
#define __percpu
#define __rcu
#define __private
#define __chk_user_ptr(x) (void)0
#define __chk_io_ptr(x) (void)0
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#define __acquire(x) (void)0
#define __release(x) (void)0
#define __cond_lock(x, c) (c)
#define ACCESS_PRIVATE(p, member) ((p)->member)
#define __builtin_warning(x, y...) (1)

#define __init
#define __exit
#define __initdata
#define __exitdata
#define __initconst
#define __read_mostly
#define __ro_after_init
#define __latent_entropy
#define __randomize_layout
#define __no_randomize_layout
#define randomized_struct_fields_start struct {
#define randomized_struct_fields_end \
	}                            \
	;
#define notrace
#define __naked __attribute__((__naked__)) notrace
#ifndef __always_inline /* glibc's <sys/cdefs.h> has the same */
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define __compiletime_error(msg) __attribute__((__error__(msg)))
#define __compiletime_warning(msg) __attribute__((__warning__(msg)))
#define __alloc_size(x, ...) __attribute__((__alloc_size__(x, ##__VA_ARGS__))) __malloc
#define __realloc_size(x, ...) __attribute__((__alloc_size__(x, ##__VA_ARGS__)))
#define __diag_push()
#define __diag_pop()
#define __diag_ignore(compiler, version, option, comment)
#define __diag_ignore_all(option, comment)

/* Is this type a native word size, so a plain load or store of it is single-copy atomic? */
#define __native_word(t)                                                                        \
	(sizeof(t) == sizeof(char) || sizeof(t) == sizeof(short) || sizeof(t) == sizeof(int) || \
	 sizeof(t) == sizeof(long))

/* The type of x, or its unqualified scalar type. */
#define __unqual_scalar_typeof(x)                                 \
	typeof(_Generic((x), char                                 \
			: (char)0, unsigned char                  \
			: (unsigned char)0, signed char           \
			: (signed char)0, unsigned short          \
			: (unsigned short)0, signed short         \
			: (signed short)0, unsigned int           \
			: (unsigned int)0, signed int             \
			: (signed int)0, unsigned long            \
			: (unsigned long)0, signed long           \
			: (signed long)0, unsigned long long      \
			: (unsigned long long)0, signed long long \
			: (signed long long)0, default            \
			: (x)))

#endif
