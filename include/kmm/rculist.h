/*
 * kmm/rculist.h - lists that readers walk under rcu_read_lock() while one updater (holding
 * the driver's own lock) adds and removes entries: the kernel's rculist.h basics.
 *
 * An entry becomes visible to readers with one store-release of the link that leads to it,
 * after its own links are set; a removed entry keeps its forward link, so a reader standing
 * on it still reaches the rest of the list. Free a removed entry only after a grace period
 * (synchronize_rcu(), call_rcu(), kfree_rcu()).
 */
#ifndef KMM_RCULIST_H
#define KMM_RCULIST_H

#include "rcupdate.h"

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#endif

/* The poison the kernel leaves in a deleted entry's back link. */
#define LIST_POISON2 ((void *)0x122)

/* The plain list basics drivers need with these (src/lib/list.h has its own). */
#ifndef KMM_INTERNAL_LIST_H
#define LIST_HEAD_INIT(name)     \
	{                        \
		&(name), &(name) \
	}
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *head)
{
	__atomic_store_n(&head->next, head, __ATOMIC_RELAXED);
	head->prev = head;
}
static inline bool list_empty(const struct list_head *head)
{
	return __atomic_load_n(&head->next, __ATOMIC_RELAXED) == head;
}
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#endif

#define HLIST_HEAD_INIT       \
	{                     \
		.first = NULL \
	}
#define HLIST_HEAD(name) struct hlist_head name = { .first = NULL }
#define INIT_HLIST_HEAD(ptr) ((ptr)->first = NULL)
static inline void INIT_HLIST_NODE(struct hlist_node *h)
{
	h->next = NULL;
	h->pprev = NULL;
}
static inline int hlist_unhashed(const struct hlist_node *h)
{
	return !h->pprev;
}
static inline int hlist_empty(const struct hlist_head *h)
{
	return !__atomic_load_n(&h->first, __ATOMIC_RELAXED);
}

/* Link @node between @prev and @next; readers see it only once it is complete. */
static inline void __list_add_rcu(struct list_head *node, struct list_head *prev,
				  struct list_head *next)
{
	node->next = next;
	node->prev = prev;
	__atomic_store_n(&prev->next, node, __ATOMIC_RELEASE);
	next->prev = node;
}

/* Add @node after @head (a stack) or before it (a queue). Context: updater, any. */
static inline void list_add_rcu(struct list_head *node, struct list_head *head)
{
	__list_add_rcu(node, head, head->next);
}

static inline void list_add_tail_rcu(struct list_head *node, struct list_head *head)
{
	__list_add_rcu(node, head->prev, head);
}

/* Unlink @entry; readers already on it still find their way on. Context: updater, any. */
static inline void list_del_rcu(struct list_head *entry)
{
	struct list_head *prev = entry->prev, *next = entry->next;

	next->prev = prev;
	/* Release, not the kernel's WRITE_ONCE: a reader that arrives at @next through this link
	 * must also see @next's initialisation, which C11 (and TSan) grant only through release. */
	__atomic_store_n(&prev->next, next, __ATOMIC_RELEASE);
	entry->prev = (struct list_head *)LIST_POISON2;
}

/* Put @node where @old was, in one step for readers. Context: updater, any. */
static inline void list_replace_rcu(struct list_head *old, struct list_head *node)
{
	node->next = old->next;
	node->prev = old->prev;
	__atomic_store_n(&node->prev->next, node, __ATOMIC_RELEASE);
	node->next->prev = node;
	old->prev = (struct list_head *)LIST_POISON2;
}

#define list_next_rcu(list) (*((struct list_head __rcu **)(&(list)->next)))
#define list_entry_rcu(ptr, type, member) \
	container_of(__atomic_load_n(&(ptr), __ATOMIC_ACQUIRE), type, member)
#define list_first_or_null_rcu(ptr, type, member)                                            \
	({                                                                                   \
		struct list_head *__head = (ptr);                                            \
		struct list_head *__next = __atomic_load_n(&__head->next, __ATOMIC_ACQUIRE); \
		__next != __head ? list_entry(__next, type, member) : NULL;                  \
	})

/*
 * Walk a list in a reader (or under the updater's lock). The optional lockdep condition of
 * the kernel's form is accepted and, as without CONFIG_PROVE_RCU_LIST, not checked.
 */
#define list_for_each_entry_rcu(pos, head, member, cond...)                                        \
	for (pos = list_entry_rcu((head)->next, __typeof__(*pos), member); &pos->member != (head); \
	     pos = list_entry_rcu(pos->member.next, __typeof__(*pos), member))

#define hlist_first_rcu(head) (*((struct hlist_node __rcu **)(&(head)->first)))
#define hlist_next_rcu(node) (*((struct hlist_node __rcu **)(&(node)->next)))

/* Add @n at the front of bucket @h. Context: updater, any. */
static inline void hlist_add_head_rcu(struct hlist_node *n, struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	n->pprev = &h->first;
	__atomic_store_n(&h->first, n, __ATOMIC_RELEASE);
	if (first)
		first->pprev = &n->next;
}

/* Unlink @n; readers on it still reach its successors. Context: updater, any. */
static inline void hlist_del_rcu(struct hlist_node *n)
{
	struct hlist_node *next = n->next;
	struct hlist_node **pprev = n->pprev;

	__atomic_store_n(pprev, next, __ATOMIC_RELEASE); /* as in list_del_rcu() */
	if (next)
		next->pprev = pprev;
	n->pprev = (struct hlist_node **)LIST_POISON2;
}

static inline void hlist_del_init_rcu(struct hlist_node *n)
{
	if (!hlist_unhashed(n)) {
		hlist_del_rcu(n);
		n->pprev = NULL;
	}
}

#define hlist_entry_safe_rcu(ptr, type, member)                                      \
	({                                                                           \
		struct hlist_node *___n = __atomic_load_n(&(ptr), __ATOMIC_ACQUIRE); \
		___n ? container_of(___n, type, member) : NULL;                      \
	})

#define hlist_for_each_entry_rcu(pos, head, member, cond...)                             \
	for (pos = hlist_entry_safe_rcu((head)->first, __typeof__(*(pos)), member); pos; \
	     pos = hlist_entry_safe_rcu((pos)->member.next, __typeof__(*(pos)), member))

#endif /* KMM_RCULIST_H */
