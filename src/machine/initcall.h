/*
 * initcall.h - how a subsystem joins the machine's boot and shutdown.
 *
 * Each subsystem declares one step per concern with kmm_initcall(level, id, init, exit): the
 * linker gathers every step into the section "kmm_initcalls", kmm_boot() runs the inits level
 * by level (core first, late last) and kmm_shutdown() runs the exits in exactly the reverse
 * order, so what boots later shuts down earlier. Steps of one level depend on none of their
 * level: a step that needs another is registered a level above it. Either half may be NULL: a
 * thread pool that starts on demand has only an exit; a table filled once has only an init.
 *
 * The levels are the kernel's, as a kmm subsystem uses them:
 *   core      per-CPU and per-thread state, clocks, lockdep, RCU, mem_map, the fault dispatcher
 *   postcore  what boot sets aside before the buddy allocator takes the rest of RAM (swiotlb)
 *   arch      the zones and their free lists; RAM in the physical map
 *   subsys    the allocators built on the buddy: vmalloc, highmem, slab
 *   fs        char devices and device memory; the kernel's own threads (stopped at shutdown
 *             once no device needs them, before the allocators go)
 *   device    the device model (all devices unbound and unregistered at shutdown)
 *   late      user space (every simulated process exits first at shutdown)
 *
 * Nothing calls a step by name, so libkmm.a is one relocatable object (src/CMakeLists.txt):
 * a program linking it gets every subsystem, as it would from libkmm.so.
 */
#ifndef KMM_MACHINE_INITCALL_H
#define KMM_MACHINE_INITCALL_H

enum initcall_level {
	INITCALL_CORE,
	INITCALL_POSTCORE,
	INITCALL_ARCH,
	INITCALL_SUBSYS,
	INITCALL_FS,
	INITCALL_DEVICE,
	INITCALL_LATE,
	NR_INITCALL_LEVELS,
};

/* kmm_initcall(core, ...) names its level as the kernel's core_initcall() does. */
#define INITCALL_LEVEL_core INITCALL_CORE
#define INITCALL_LEVEL_postcore INITCALL_POSTCORE
#define INITCALL_LEVEL_arch INITCALL_ARCH
#define INITCALL_LEVEL_subsys INITCALL_SUBSYS
#define INITCALL_LEVEL_fs INITCALL_FS
#define INITCALL_LEVEL_device INITCALL_DEVICE
#define INITCALL_LEVEL_late INITCALL_LATE

struct initcall {
	enum initcall_level level;
	const char *name;
	int (*init)(void); /* 0 or a negative errno; NULL: nothing to do at boot */
	void (*exit)(void); /* NULL: nothing to undo */
};

/*
 * The section holds pointers, not the entries themselves, so a sanitizer's padding around
 * globals can never break the array the linker builds.
 */
#define kmm_initcall(lvl, id, init_fn, exit_fn)                                              \
	static const struct initcall initcall_##id = {                                       \
		.level = INITCALL_LEVEL_##lvl, .name = #id, .init = init_fn, .exit = exit_fn \
	};                                                                                   \
	static const struct initcall *const initcall_ptr_##id                                \
		__attribute__((used, section("kmm_initcalls"), aligned(sizeof(void *)))) =   \
			&initcall_##id

#endif
