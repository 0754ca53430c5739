/*
 * vmalloc.h - the vmalloc area's address allocator (vmap_area.c) and the hooks vmalloc.c gives
 * the rest of kmm.
 */
#ifndef KMM_INTERNAL_VMALLOC_H
#define KMM_INTERNAL_VMALLOC_H

#include <kmm/vmalloc.h>
#include "machine/os.h"

/*
 * A range [va_start, va_end) of the vmalloc area: a hole in the free tree, a live area in the
 * busy tree (vm set once it is set up), or a freed area on the lazy list (purge_next).
 */
struct vmap_area {
	unsigned long va_start;
	unsigned long va_end;
	struct vmap_area *left, *right;
	unsigned long subtree_max_size; /* largest va_end - va_start in this subtree */
	unsigned int prio; /* treap priority: a parent's is >= its children's */
	struct vm_struct *vm;
	struct vmap_area *purge_next;
	bool unmap_failed; /* purge_lazy(): the host refused to unmap it; it stays queued */
};

struct va_tree {
	struct vmap_area *root;
	unsigned long count;
};

/* Link @va into @tree by va_start / unlink it. */
KMM_HIDDEN void va_insert(struct va_tree *tree, struct vmap_area *va);
KMM_HIDDEN void va_erase(struct va_tree *tree, struct vmap_area *va);

/* The node of @tree whose range contains @addr, or NULL. */
KMM_HIDDEN struct vmap_area *va_find(const struct va_tree *tree, unsigned long addr);

/* Carve the lowest @size bytes at @align (a power of two >= PAGE_SIZE) out of the holes of
 * @free_tree; returns the start, or 0 when nothing fits. */
KMM_HIDDEN unsigned long va_alloc(struct va_tree *free_tree, unsigned long size,
				  unsigned long align);

/* Give @va's range back to @free_tree, merging with adjacent holes; @va is consumed. */
KMM_HIDDEN void va_release(struct va_tree *free_tree, struct vmap_area *va);

/* Call @fn for every node in address order. @fn may not change the tree. */
KMM_HIDDEN void va_walk(const struct va_tree *tree, void (*fn)(struct vmap_area *va, void *arg),
			void *arg);

/* Free every node of @tree. */
KMM_HIDDEN void va_destroy(struct va_tree *tree);

/* Whole-tree check: address order, no overlap, heap order, subtree sizes, count. */
KMM_HIDDEN bool va_tree_valid(const struct va_tree *tree);

/* Validate vmalloc.c's trees and accounting under its lock (tests, expensive asserts). */
KMM_HIDDEN bool vmalloc_state_valid(void);

#endif /* KMM_INTERNAL_VMALLOC_H */
