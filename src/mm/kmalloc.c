/*
 * kmalloc.c - kmalloc and its family on top of the slab caches.
 *
 * Thirteen size classes (8, 16, 32, 64, 96, 128, 192, 256, 512, 1k, 2k, 4k, 8k) in four
 * variants chosen by the GFP flags, as the kernel names them: kmalloc-N, kmalloc-rcl-N
 * (__GFP_RECLAIMABLE), kmalloc-cg-N (__GFP_ACCOUNT) and dma-kmalloc-N (GFP_DMA, slabs from
 * ZONE_DMA). A request is served by the smallest class that holds it; above 8 KiB it is a
 * compound block of pages, which kfree() recognises by the missing PG_slab.
 *
 * The caches are made at boot and never destroyed until shutdown; the table is read-only in
 * between, so every function here may be called from any context its gfp allows.
 */
#include <string.h>

#include <kmm/page_alloc.h>
#include "machine/assert.h"
#include "machine/report.h"
#include "kernel/rcu/rcu.h"
#include "machine/initcall.h"
#include "mm/slab.h"

/* In the kernel's order, which is also the order of creation (slabinfo lists newest first). */
enum kmalloc_type {
	KMALLOC_NORMAL,
	KMALLOC_CGROUP,
	KMALLOC_RECLAIM,
	KMALLOC_DMA,
	NR_KMALLOC_TYPES,
};

#define NR_KMALLOC_CLASSES 13

static const unsigned int class_size[NR_KMALLOC_CLASSES] = { 8,	  16,  32,   64,   96,	 128, 192,
							     256, 512, 1024, 2048, 4096, 8192 };
static const char *const class_name[NR_KMALLOC_CLASSES] = { "8",   "16",  "32",	 "64",	"96",
							    "128", "192", "256", "512", "1k",
							    "2k",  "4k",  "8k" };
static const char *const type_prefix[NR_KMALLOC_TYPES] = { "kmalloc-", "kmalloc-cg-",
							   "kmalloc-rcl-", "dma-kmalloc-" };

/* The class of sizes 1..KMALLOC_MAX_CACHE_SIZE, by (size - 1) / 8; filled at boot. */
static unsigned char size_index[KMALLOC_MAX_CACHE_SIZE / 8];

static struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][NR_KMALLOC_CLASSES];

/* The gfp bits that choose a cache other than kmalloc-N. */
#define KMALLOC_TYPE_GFP (__GFP_DMA | __GFP_RECLAIMABLE | __GFP_ACCOUNT)

static inline unsigned int size_class(size_t size)
{
	return size_index[(size - 1) / 8];
}

static inline enum kmalloc_type gfp_type(gfp_t gfp)
{
	if (likely(!(gfp & KMALLOC_TYPE_GFP)))
		return KMALLOC_NORMAL;
	if (gfp & __GFP_DMA)
		return KMALLOC_DMA;
	return (gfp & __GFP_RECLAIMABLE) ? KMALLOC_RECLAIM : KMALLOC_CGROUP;
}

struct kmem_cache *kmm_kmalloc_cache(size_t size, gfp_t gfp)
{
	if (size == 0 || size > KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	return kmalloc_caches[gfp_type(gfp)][size_class(size)];
}

/* Above 8 KiB: a compound block straight from the page allocator. */
static void *kmalloc_large(size_t size, gfp_t gfp)
{
	/* Above KMALLOC_MAX_SIZE the page allocator refuses with the kernel's warning. */
	struct page *page = alloc_pages((gfp & ~__GFP_HIGHMEM) | __GFP_COMP, get_order(size));

	return page ? page_address(page) : NULL;
}

/* Everything but a kmalloc-N request of 1..8192 bytes. */
static void *__attribute__((noinline)) kmalloc_other(size_t size, gfp_t gfp, void *caller)
{
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(size, gfp);
	if (!size)
		return ZERO_SIZE_PTR;
	return slab_alloc(kmalloc_caches[gfp_type(gfp)][size_class(size)], gfp, size, caller);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	/* size - 1 wraps for 0, so one test sends 0 and large sizes aside. */
	if (unlikely(size - 1 >= KMALLOC_MAX_CACHE_SIZE || (gfp & KMALLOC_TYPE_GFP)))
		return kmalloc_other(size, gfp, __builtin_return_address(0));
	return slab_alloc(kmalloc_caches[KMALLOC_NORMAL][size_class(size)], gfp, size,
			  __builtin_return_address(0));
}

/* kfree() of what is not a slab object: NULL, ZERO_SIZE_PTR, a large block, or a bad pointer. */
static void __attribute__((noinline)) kfree_other(const void *obj)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(obj))
		return;
	page = slab_of(obj, "kfree");
	if (!page)
		return;
	if (!PageHead(page) || obj != page_address(page)) {
		slab_report_invalid_free("kfree", obj, "not memory from kmalloc");
		return;
	}
	__free_pages(page, compound_order(page));
}

void kfree(const void *objp)
{
	struct page *page;
	void *obj = (void *)objp;

	/* NULL and ZERO_SIZE_PTR wrap around to far outside the linear map, as bad pointers do. */
	if (unlikely((unsigned long)obj - slab_lin_start >= slab_lin_size))
		return kfree_other(obj);
	page = slab_head_page(obj);
	if (unlikely(!PageSlab(page)))
		return kfree_other(obj);
	slab_free_any(page, obj, __builtin_return_address(0));
}

size_t ksize(const void *objp)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(objp))
		return 0;
	page = slab_head_page(objp);
	if (!PageSlab(page))
		return PAGE_SIZE << compound_order(page);
	/* The caller may now use all of it: the kmalloc red zone moves out of the way. */
	if (unlikely(page->slab_cache->debug))
		slab_debug_set_orig_size(page->slab_cache, (void *)objp,
					 page->slab_cache->object_size);
	return slab_ksize(page->slab_cache);
}

void kfree_sensitive(const void *objp)
{
	size_t n = ksize(objp);

	if (n) {
		memset((void *)objp, 0, n);
		__asm__ __volatile__("" : : "r"(objp) : "memory");
	}
	kfree(objp);
}

/*
 * What the caller of kmalloc asked for, when slab_debug remembers it (the bytes after it are
 * the kmalloc red zone, not the caller's), else all that ksize() grants.
 */
static size_t kmalloc_used(const void *p)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(p))
		return 0;
	page = virt_to_head_page(p);
	if (PageSlab(page) && unlikely(page->slab_cache->debug))
		return slab_debug_get_orig_size(page->slab_cache, (void *)p);
	return ksize(p);
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	size_t used = kmalloc_used(p);
	size_t ks = ksize(p);
	void *ret;

	if (unlikely(!new_size)) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (ks && new_size <= ks) {
		struct page *page = virt_to_head_page(p);

		/* Growing into the red zone: its 0xcc bytes are not the zeroes asked for. */
		if ((gfp & __GFP_ZERO) && new_size > used)
			memset((char *)p + used, 0, new_size - used);
		if (PageSlab(page))
			slab_debug_set_orig_size(page->slab_cache, (void *)p, new_size);
		return (void *)p;
	}
	ret = kmalloc(new_size, gfp & ~__GFP_ZERO);
	if (!ret)
		return NULL;
	if (ks)
		memcpy(ret, p, ks);
	if (gfp & __GFP_ZERO)
		memset((char *)ret + used, 0, new_size - used);
	kfree(p);
	return ret;
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p && len)
		memcpy(p, src, len);
	return p;
}

char *kmemdup_nul(const char *s, size_t len, gfp_t gfp)
{
	char *p;

	if (!s)
		return NULL;
	p = kmalloc(len + 1, gfp);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	return s ? kmemdup_nul(s, strnlen(s, max), gfp) : NULL;
}

void kmalloc_init(void)
{
	static const slab_flags_t type_flags[NR_KMALLOC_TYPES] = { 0, SLAB_ACCOUNT,
								   SLAB_RECLAIM_ACCOUNT,
								   SLAB_CACHE_DMA };
	unsigned int c = 0;

	/* The smallest class that holds each size; 96 and 192 sit between their powers of 2. */
	for (unsigned int i = 0; i < KMALLOC_MAX_CACHE_SIZE / 8; i++) {
		while (class_size[c] < (i + 1) * 8)
			c++;
		size_index[i] = (unsigned char)c;
	}

	for (int t = 0; t < NR_KMALLOC_TYPES; t++) {
		for (c = 0; c < NR_KMALLOC_CLASSES; c++) {
			char name[32];

			snprintf(name, sizeof(name), "%s%s", type_prefix[t], class_name[c]);
			/* A kmalloc object is all user-copyable, as the kernel's are. */
			kmalloc_caches[t][c] = kmem_cache_create_usercopy(
				name, class_size[c], 0, SLAB_KMALLOC | type_flags[t] | SLAB_PANIC,
				0, class_size[c], NULL);
		}
	}
}

void kmalloc_exit(void)
{
	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));
}

void kmm_kvfree_rcu_headless(void *ptr)
{
	if (!ptr)
		return;
	synchronize_rcu();
	kvfree(ptr);
}

static void kvfree_any(const void *addr)
{
	kvfree(addr);
}

/* kfree_rcu() callbacks free through here: RCU sits below the allocators. */
static int kvfree_rcu_register(void)
{
	rcu_set_kvfree(kvfree_any);
	return 0;
}

kmm_initcall(subsys, kvfree_rcu, kvfree_rcu_register, NULL);
