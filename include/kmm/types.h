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

/*
 * The kernel's own definitions (int-ll64): u64 is unsigned long long on every architecture,
 * not uint64_t (unsigned long on LP64 hosts), so "%llu" for a u64 is right as in the kernel.
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef signed short s16;
typedef signed int s32;
typedef signed long long s64;

typedef unsigned int gfp_t;
typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
typedef phys_addr_t resource_size_t;
typedef unsigned long pgoff_t;

/* A doubly linked list node, the kernel's list_head. */
struct list_head {
	struct list_head *next, *prev;
};

/* A hash bucket's list: one pointer per head, a back link to the pointer to each node. */
struct hlist_head {
	struct hlist_node *first;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

#ifndef __must_check
#define __must_check __attribute__((warn_unused_result))
#endif
#ifndef __iomem
#define __iomem
#endif

#endif /* KMM_TYPES_H */
