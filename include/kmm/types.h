/*
 * kmm/types.h - the kernel's basic types as kmm defines them.
 *
 * Addresses are host-sized: a kernel virtual address is a real pointer in this process, and
 * phys_addr_t is wide enough for every profile's physical map.
 */
#ifndef KMM_TYPES_H
#define KMM_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef unsigned int gfp_t;
typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
typedef phys_addr_t resource_size_t;
typedef unsigned long pgoff_t;

/* A doubly linked list node, the kernel's list_head. */
struct list_head {
	struct list_head *next, *prev;
};

#ifndef __must_check
#define __must_check __attribute__((warn_unused_result))
#endif
#ifndef __iomem
#define __iomem
#endif

#endif /* KMM_TYPES_H */
