/*
 * vmap_area.c - the allocator of virtual address ranges: which parts of the vmalloc area are
 * free, and where the lowest hole that fits a request lies.
 *
 * A tree is a treap of struct vmap_area keyed by va_start: a binary search tree by address that
 * is also a heap by a random priority, so its expected depth is O(log n) whatever the order of
 * inserts. Each node carries the largest hole in its subtree,
 *
 *	subtree_max_size(n) == max(size(n), subtree_max_size(n->left), subtree_max_size(n->right))
 *
 * so one descent from the root finds the lowest-addressed hole big enough: go left while the
 * left subtree has room, else take this node if it fits, else go right. vmalloc.c keeps two
 * trees: the free holes (merged with their neighbours when a range comes back) and the busy
 * areas (for address lookups; their subtree_max_size is kept but unused).
 *
 * Locking: none here; every call is made under vmalloc.c's vmap_lock. Node memory comes from
 * malloc: it is kmm's metadata, not the simulated machine's.
 */
#include <stdlib.h>

#include <kmm/layout.h>
#include "machine/assert.h"
#include "mm/vmalloc.h"

static unsigned int prio_state = 2463534242u;

/* xorshift32: priorities only need to look random to the tree, not to anyone else. */
static unsigned int next_prio(void)
{
	unsigned int x = prio_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	prio_state = x;
	return x;
}

static unsigned long va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

static unsigned long max_below(const struct vmap_area *va)
{
	return va ? va->subtree_max_size : 0;
}

static unsigned long max3(unsigned long a, unsigned long b, unsigned long c)
{
	unsigned long m = a > b ? a : b;

	return m > c ? m : c;
}

static void update(struct vmap_area *va)
{
	va->subtree_max_size = max3(va_size(va), max_below(va->left), max_below(va->right));
}

/* Split @t into the nodes starting below @key (*l) and the rest (*r). */
static void split(struct vmap_area *t, unsigned long key, struct vmap_area **l,
		  struct vmap_area **r)
{
	if (!t) {
		*l = *r = NULL;
		return;
	}
	if (t->va_start < key) {
		split(t->right, key, &t->right, r);
		*l = t;
	} else {
		split(t->left, key, l, &t->left);
		*r = t;
	}
	update(t);
}

/* Join two treaps, every key of @l below every key of @r. */
static struct vmap_area *join(struct vmap_area *l, struct vmap_area *r)
{
	if (!l)
		return r;
	if (!r)
		return l;
	if (l->prio > r->prio) {
		l->right = join(l->right, r);
		update(l);
		return l;
	}
	r->left = join(l, r->left);
	update(r);
	return r;
}

static struct vmap_area *insert(struct vmap_area *t, struct vmap_area *va)
{
	if (!t) {
		update(va);
		return va;
	}
	if (va->prio > t->prio) {
		split(t, va->va_start, &va->left, &va->right);
		update(va);
		return va;
	}
	if (va->va_start < t->va_start)
		t->left = insert(t->left, va);
	else
		t->right = insert(t->right, va);
	update(t);
	return t;
}

static struct vmap_area *erase(struct vmap_area *t, struct vmap_area *va)
{
	kmm_assert(t != NULL);
	if (t == va)
		return join(va->left, va->right);
	if (va->va_start < t->va_start)
		t->left = erase(t->left, va);
	else
		t->right = erase(t->right, va);
	update(t);
	return t;
}

/* Recompute the sizes on the path to @va after its bounds changed without reordering. */
static void refresh(struct vmap_area *t, struct vmap_area *va)
{
	kmm_assert(t != NULL);
	if (t != va)
		refresh(va->va_start < t->va_start ? t->left : t->right, va);
	update(t);
}

void va_insert(struct va_tree *tree, struct vmap_area *va)
{
	va->left = va->right = NULL;
	va->prio = next_prio();
	tree->root = insert(tree->root, va);
	tree->count++;
}

void va_erase(struct va_tree *tree, struct vmap_area *va)
{
	tree->root = erase(tree->root, va);
	va->left = va->right = NULL;
	tree->count--;
}

struct vmap_area *va_find(const struct va_tree *tree, unsigned long addr)
{
	struct vmap_area *va = tree->root;

	while (va) {
		if (addr < va->va_start)
			va = va->left;
		else if (addr >= va->va_end)
			va = va->right;
		else
			return va;
	}
	return NULL;
}

/* The node with the greatest start <= @addr, or NULL. */
static struct vmap_area *find_at_or_below(const struct va_tree *tree, unsigned long addr)
{
	struct vmap_area *va = tree->root, *best = NULL;

	while (va) {
		if (va->va_start <= addr) {
			best = va;
			va = va->right;
		} else {
			va = va->left;
		}
	}
	return best;
}

/* The node with the smallest start >= @addr, or NULL. */
static struct vmap_area *find_at_or_above(const struct va_tree *tree, unsigned long addr)
{
	struct vmap_area *va = tree->root, *best = NULL;

	while (va) {
		if (va->va_start >= addr) {
			best = va;
			va = va->left;
		} else {
			va = va->right;
		}
	}
	return best;
}

static unsigned long align_up(unsigned long x, unsigned long align)
{
	return (x + align - 1) & ~(align - 1);
}

static bool hole_fits(const struct vmap_area *va, unsigned long size, unsigned long align)
{
	unsigned long start = align_up(va->va_start, align);

	return start >= va->va_start && start < va->va_end && va->va_end - start >= size;
}

/* The lowest hole that holds @size bytes at @align. A subtree is entered only when it has a
 * hole of size + align - PAGE_SIZE, which fits at any alignment; for page alignment (every
 * vmalloc) this is exact. */
static struct vmap_area *lowest_fit(struct vmap_area *va, unsigned long size, unsigned long align)
{
	unsigned long need = size + align - PAGE_SIZE;

	while (va) {
		if (max_below(va->left) >= need)
			va = va->left;
		else if (hole_fits(va, size, align))
			return va;
		else if (max_below(va->right) >= need)
			va = va->right;
		else
			return NULL;
	}
	return NULL;
}

unsigned long va_alloc(struct va_tree *free_tree, unsigned long size, unsigned long align)
{
	struct vmap_area *hole;
	unsigned long start, end;

	if (!size || align < PAGE_SIZE || (align & (align - 1)))
		return 0;
	hole = lowest_fit(free_tree->root, size, align);
	if (!hole)
		return 0;
	start = align_up(hole->va_start, align);
	end = start + size;
	if (start > hole->va_start) {
		/* The alignment leaves a hole below: keep it, carve the rest. */
		struct vmap_area *below = calloc(1, sizeof(*below));

		if (!below)
			return 0;
		below->va_start = hole->va_start;
		below->va_end = start;
		hole->va_start = start;
		refresh(free_tree->root, hole);
		va_insert(free_tree, below);
	}
	if (end == hole->va_end) {
		va_erase(free_tree, hole);
		free(hole);
	} else {
		hole->va_start = end;
		refresh(free_tree->root, hole);
	}
	return start;
}

void va_release(struct va_tree *free_tree, struct vmap_area *va)
{
	struct vmap_area *prev = find_at_or_below(free_tree, va->va_start);
	struct vmap_area *next = find_at_or_above(free_tree, va->va_end);
	bool join_prev = prev && prev->va_end == va->va_start;
	bool join_next = next && next->va_start == va->va_end;

	kmm_assert_internal(!prev || prev->va_end <= va->va_start);
	kmm_assert_internal(!next || next->va_start >= va->va_end);
	if (join_prev && join_next) {
		prev->va_end = next->va_end;
		va_erase(free_tree, next);
		free(next);
		refresh(free_tree->root, prev);
	} else if (join_prev) {
		prev->va_end = va->va_end;
		refresh(free_tree->root, prev);
	} else if (join_next) {
		next->va_start = va->va_start;
		refresh(free_tree->root, next);
	} else {
		va->vm = NULL;
		va_insert(free_tree, va);
		return;
	}
	free(va);
}

static void walk(struct vmap_area *va, void (*fn)(struct vmap_area *va, void *arg), void *arg)
{
	while (va) {
		struct vmap_area *right = va->right;

		walk(va->left, fn, arg);
		fn(va, arg);
		va = right;
	}
}

void va_walk(const struct va_tree *tree, void (*fn)(struct vmap_area *va, void *arg), void *arg)
{
	walk(tree->root, fn, arg);
}

static void free_node(struct vmap_area *va, void *arg)
{
	free(va);
}

void va_destroy(struct va_tree *tree)
{
	walk(tree->root, free_node, NULL);
	tree->root = NULL;
	tree->count = 0;
}

/* Check order, heap property and sizes below @va; returns the node count or -1. */
static long check(const struct vmap_area *va, unsigned long lo, unsigned long hi)
{
	long l, r;

	if (!va)
		return 0;
	if (va->va_start < lo || va->va_end > hi || va->va_start >= va->va_end)
		return -1;
	if ((va->left && va->left->prio > va->prio) || (va->right && va->right->prio > va->prio))
		return -1;
	l = check(va->left, lo, va->va_start);
	r = check(va->right, va->va_end, hi);
	if (l < 0 || r < 0)
		return -1;
	if (va->subtree_max_size != max3(va_size(va), max_below(va->left), max_below(va->right)))
		return -1;
	return l + r + 1;
}

bool va_tree_valid(const struct va_tree *tree)
{
	return check(tree->root, 0, ~0UL) == (long)tree->count;
}
