# kmm_add_module(NAME SOURCE...): a kernel module linked into a kmm program, compiled as Kbuild
# compiles one: __KERNEL__, MODULE, KBUILD_MODNAME="NAME" (a '-' becomes '_', as in Kbuild),
# __KBUILD_MODNAME=kmod_NAME, and for each source KBUILD_BASENAME="its name without .c"; the
# compat headers first, linux/kconfig.h and linux/compiler_types.h forced in, and the kernel's
# warning set. NAME is an OBJECT library, so every descriptor its module_init(),
# module_param() ... leave is linked: link it into the program, then
#   kmm_module_load("NAME", "size=4096 debug=1") ... kmm_module_unload("NAME").
#
#   kmm_add_module(scull main.c pipe.c access.c)
#   add_executable(scull_test test.c)
#   target_link_libraries(scull_test PRIVATE scull)
#
# Program code (tests, the user side) is not touched: only NAME's sources get these flags.
# Expects KMM_COMPAT_INCLUDE_DIR (the compat headers) and KMM_MODULE_LINK (the kmm library
# target) from whoever includes this file: kmm's own build, or kmmConfig.cmake when installed.

# The kernel's warning set: -Wall, and -Wextra less what W=1 turns off again in 6.1.
set(KMM_MODULE_CFLAGS -std=gnu11 -Wall -Wextra -Wno-unused-parameter
	-Wno-missing-field-initializers -Wno-sign-compare -Wno-type-limits
	-Wno-shift-negative-value -Wno-pointer-sign -Wno-format-security -Wno-format-truncation
	-Wno-format-overflow -Wno-stringop-truncation -fno-strict-aliasing
	-fno-common -Werror=implicit-function-declaration -Werror=implicit-int
	-Werror=return-type -Werror=strict-prototypes)

function(kmm_add_module name)
	if(NOT ARGN)
		message(FATAL_ERROR "kmm_add_module(${name}): no sources")
	endif()
	string(REPLACE "-" "_" modname ${name})
	add_library(${name} OBJECT ${ARGN})
	target_compile_definitions(${name} PRIVATE __KERNEL__ MODULE
		KBUILD_MODNAME="${modname}" __KBUILD_MODNAME=kmod_${modname})
	foreach(src ${ARGN})
		get_filename_component(base ${src} NAME_WE)
		string(REPLACE "-" "_" base ${base})
		set_property(SOURCE ${src} TARGET_DIRECTORY ${name} APPEND PROPERTY
			COMPILE_DEFINITIONS KBUILD_BASENAME="${base}")
	endforeach()
	target_include_directories(${name} BEFORE PRIVATE ${KMM_COMPAT_INCLUDE_DIR})
	target_compile_options(${name} PRIVATE ${KMM_MODULE_CFLAGS}
		"SHELL:-include linux/kconfig.h" "SHELL:-include linux/compiler_types.h")
	target_link_libraries(${name} PUBLIC ${KMM_MODULE_LINK})
endfunction()
