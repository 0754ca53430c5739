/*
 * fuzz_allocators.c - libFuzzer target: any sequence of calls a driver may make to the page
 * allocator, kmalloc and its family, slab caches, vmalloc and mempools, with the GFP flags
 * drivers use, on a 1 GiB x86_32 machine (so high memory and ZONE_DMA are in play).
 *
 * Each input is a little program, one operation per 4 bytes (what, which slot, two arguments).
 * Every allocation is filled with a pattern of its own and checked when it is freed, so memory
 * handed out twice, or written by the allocator while in use, is found. After the input, all
 * is freed and the machine must be as before: no report of any kind (every request asks
 * __GFP_NOWARN, so a failure is silent), every cache valid, and as many free pages as at the
 * start once the caches and per-thread lists have given theirs back. Any difference aborts.
 *
 *   make fuzz                                 # each target for FUZZ_SECONDS (default 20)
 *   build-fuzz/fuzz/fuzz_allocators CORPUS/   # as long as you like
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/gfp.h>
#include <kmm/highmem.h>
#include <kmm/kmm.h>
#include <kmm/mempool.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include <kmm/shrinker.h>
#include <kmm/slab.h>
#include <kmm/vmalloc.h>

#define SLOTS 64

enum kind { EMPTY, PAGES, KMALLOC, CACHE, VMALLOC, POOL };

struct slot {
	enum kind kind;
	void *addr; /* the memory; for PAGES, the struct page */
	size_t size; /* bytes the pattern covers */
	size_t valid; /* of those, the ones still to hold it (krealloc to less keeps a prefix) */
	unsigned int order; /* PAGES */
	int which; /* CACHE: the cache */
	uint8_t seed;
};

static struct slot slots[SLOTS];
static struct kmem_cache *caches[2];
static mempool_t *pool;
static unsigned long free_at_start;

static const gfp_t gfps[] = {
	GFP_KERNEL,
	GFP_ATOMIC,
	GFP_NOWAIT,
	GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | GFP_DMA,
	GFP_KERNEL | __GFP_NORETRY,
	GFP_ATOMIC | __GFP_ZERO,
	GFP_NOIO,
};

static gfp_t pick_gfp(uint8_t b)
{
	return gfps[b % (sizeof(gfps) / sizeof(gfps[0]))] | __GFP_NOWARN;
}

static void die(const char *what, const struct slot *s)
{
	fprintf(stderr, "fuzz_allocators: %s (kind %d, size %zu, order %u)\n", what, s->kind,
		s->size, s->order);
	abort();
}

static void ctor(void *obj)
{
	memset(obj, 0xc7, 40);
}

/* Run @fn over the slot's memory a page (mapped for the moment) at a time. */
static void each_chunk(struct slot *s, void (*fn)(struct slot *, uint8_t *, size_t, size_t))
{
	if (s->kind != PAGES) {
		fn(s, s->addr, s->size, 0);
		return;
	}
	for (size_t i = 0; i < (1UL << s->order); i++) {
		uint8_t *p = kmap_local_page((struct page *)s->addr + i);

		fn(s, p, PAGE_SIZE, i * PAGE_SIZE);
		kunmap_local(p);
	}
}

static uint8_t pattern(const struct slot *s, size_t at)
{
	return (uint8_t)(s->seed + at * 7 + (at >> 8));
}

/* The bytes a chunk's pattern covers: all of a small one; of a larger one both ends and every
 * 61st byte (a prime stride: any overlap of two allocations meets one), to keep inputs fast. */
static size_t next_byte(size_t i, size_t n)
{
	if (n <= 256 || i < 64 || i + 64 >= n)
		return i + 1;
	return i + 61 < n - 64 ? i + 61 : n - 64;
}

static void fill(struct slot *s, uint8_t *p, size_t n, size_t base)
{
	for (size_t i = 0; i < n; i = next_byte(i, n))
		p[i] = pattern(s, base + i);
}

static void check(struct slot *s, uint8_t *p, size_t n, size_t base)
{
	for (size_t i = 0; i < n && base + i < s->valid; i = next_byte(i, n))
		if (p[i] != pattern(s, base + i))
			die("memory changed while allocated", s);
}

static void check_zero(struct slot *s, uint8_t *p, size_t n, size_t base)
{
	for (size_t i = 0; i < n; i = next_byte(i, n))
		if (p[i])
			die("__GFP_ZERO memory is not zero", s);
}

static void release(struct slot *s)
{
	if (s->kind == EMPTY)
		return;
	each_chunk(s, check);
	switch (s->kind) {
	case PAGES:
		__free_pages(s->addr, s->order);
		break;
	case KMALLOC:
		kfree(s->addr);
		break;
	case CACHE:
		kmem_cache_free(caches[s->which], s->addr);
		break;
	case VMALLOC:
		vfree(s->addr);
		break;
	case POOL:
		mempool_free(s->addr, pool);
		break;
	case EMPTY:
		break;
	}
	s->kind = EMPTY;
}

/* Take what was allocated into @s: zeroed if asked, then the slot's pattern. */
static void adopt(struct slot *s, enum kind kind, void *addr, size_t size, gfp_t gfp, uint8_t seed)
{
	if (!addr)
		return;
	s->kind = kind;
	s->addr = addr;
	s->size = size;
	s->valid = size;
	s->seed = seed;
	if (gfp & __GFP_ZERO)
		each_chunk(s, check_zero);
	each_chunk(s, fill);
}

static void resize(struct slot *s, size_t size, gfp_t gfp)
{
	size_t keep = s->size < size ? s->size : size;
	void *p;

	each_chunk(s, check);
	p = krealloc(s->addr, size, gfp & ~__GFP_ZERO);
	if (!p)
		return; /* the old object stays as it was */
	s->addr = p;
	s->valid = keep; /* the bytes krealloc must have carried over */
	each_chunk(s, check);
	s->size = s->valid = size;
	each_chunk(s, fill);
}

static void run_op(const uint8_t *op)
{
	struct slot *s = &slots[op[1] % SLOTS];
	gfp_t gfp = pick_gfp(op[2]);
	size_t size = (size_t)op[3] << (op[2] % 7);

	if (s->kind == KMALLOC && op[0] % 8 == 7) {
		resize(s, size ? size : 1, gfp);
		return;
	}
	release(s);
	s->order = 0;
	s->which = 0;
	switch (op[0] % 8) {
	case 0:
		s->order = op[3] % (MAX_PAGE_ORDER + 1);
		if (op[2] & 0x80)
			gfp |= __GFP_HIGHMEM;
		if (gfp & GFP_DMA)
			gfp &= ~__GFP_HIGHMEM;
		adopt(s, PAGES, alloc_pages(gfp, s->order), PAGE_SIZE << s->order, gfp, op[3]);
		break;
	case 1:
	case 7:
		adopt(s, KMALLOC, kmalloc(size + 1, gfp), size + 1, gfp, op[3]);
		break;
	case 2:
		adopt(s, KMALLOC, kcalloc(op[3] + 1, 24, gfp), (op[3] + 1) * 24UL, gfp | __GFP_ZERO,
		      op[2]);
		break;
	case 3:
		s->which = op[3] & 1;
		adopt(s, CACHE, kmem_cache_alloc(caches[s->which], gfp), 40, 0, op[2]);
		break;
	case 4:
		if (gfpflags_allow_blocking(gfp))
			adopt(s, VMALLOC, __vmalloc((size_t)op[3] * 1024 + 1, gfp),
			      (size_t)op[3] * 1024 + 1, gfp, op[2]);
		break;
	case 5:
		adopt(s, POOL, mempool_alloc(pool, gfp & ~__GFP_ZERO), 48, 0, op[3]);
		break;
	case 6:
		adopt(s, KMALLOC, kmalloc(PAGE_SIZE * (op[3] % 5 + 2), gfp),
		      PAGE_SIZE * (op[3] % 5 + 2), gfp, op[2]);
		break;
	}
}

/* Give back what caches and per-thread lists hold, so free pages can be compared. */
static unsigned long settled_free_pages(void)
{
	kmm_shrink_all(GFP_KERNEL); /* the slab shrinker empties every cache's free slabs */
	vm_unmap_aliases();
	kmm_drain_all_pages();
	return nr_free_pages();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 1ULL << 30 };

	if (kmm_boot(&cfg) || kmm_option_set("gfp_wait_ms", "0"))
		abort();
	caches[0] = kmem_cache_create("fuzz_ctor", 40, 0, SLAB_HWCACHE_ALIGN, ctor);
	caches[1] = kmem_cache_create("fuzz_plain", 40, 8, 0, NULL);
	pool = mempool_create_kmalloc_pool(4, 48);
	if (!caches[0] || !caches[1] || !pool)
		abort();
	free_at_start = settled_free_pages();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long now;

	kmm_report_capture_begin();
	for (size_t i = 0; i + 4 <= size && i < 4 * 512; i += 4)
		run_op(data + i);
	for (int i = 0; i < SLOTS; i++)
		release(&slots[i]);
	if (kmm_report_capture_end()) {
		fprintf(stderr, "fuzz_allocators: kmm reported:\n%s\n",
			kmm_report_captured_text(0));
		abort();
	}
	if (kmm_slab_validate(caches[0]) || kmm_slab_validate(caches[1]))
		abort();
	now = settled_free_pages();
	if (now != free_at_start) {
		fprintf(stderr, "fuzz_allocators: %lu free pages after the input, %lu before\n",
			now, free_at_start);
		abort();
	}
	return 0;
}
