/*
 * <linux/kconfig.h> for driver code: IS_ENABLED() and the configuration kmm models.
 *
 * kmm's machine behaves like a kernel with SLUB, its debug code (slab_debug= at run time),
 * the preempt count and the atomic-sleep checker; those options are defined to 1, as Kconfig
 * would. Every other CONFIG_ name is undefined, so IS_ENABLED() gives 0 for it.
 */
#ifndef _KMM_COMPAT_LINUX_KCONFIG_H
#define _KMM_COMPAT_LINUX_KCONFIG_H

#define CONFIG_SLUB 1
#define CONFIG_SLUB_DEBUG 1
#define CONFIG_PREEMPT_COUNT 1
#define CONFIG_DEBUG_ATOMIC_SLEEP 1

/*
 * IS_ENABLED(opt): 1 when opt is a macro defined to 1, else 0, usable in C and in #if. The
 * option's expansion is pasted onto a prefix: only "1" makes a name that is itself defined, and
 * that one expands to an extra leading argument, which shifts the 1 into the selected position.
 */
#define __kmm_cfg_arg_1 0,
#define __kmm_cfg_pick(unused, val, ...) val
#define __kmm_cfg_test(probe) __kmm_cfg_pick(probe 1, 0, 0)
#define __kmm_cfg_paste(val) __kmm_cfg_test(__kmm_cfg_arg_##val)
#define __kmm_cfg_expand(val) __kmm_cfg_paste(val)
#define IS_ENABLED(option) __kmm_cfg_expand(option)
#define IS_BUILTIN(option) IS_ENABLED(option)

#endif
