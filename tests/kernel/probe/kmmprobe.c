// SPDX-License-Identifier: GPL-2.0
/*
 * kmmprobe: ask a real kernel the questions kmm must answer the same way.
 *
 * Loaded inside QEMU by tools/kernel-test/run. On load it prints one "kmmprobe: key=value" fact per
 * line (constants, GFP flag values and their %pGg names, what the page and slab allocators return for
 * chosen requests), then provokes reports on purpose so their exact wording can be recorded:
 * an order >= MAX_ORDER WARNING, a "page allocation failure" (and a second one that the rate limit
 * swallows), a GFP_KERNEL allocation under a spinlock and a "scheduling while atomic" BUG.
 * Each deliberate report is bracketed by "kmmprobe: expect begin NAME" / "kmmprobe: expect end NAME"
 * lines; the harness fails the run on any report outside such a bracket.
 *
 * A slab cache with a constructor (so SLUB cannot merge it away) and a small vmalloc area stay
 * allocated until unload, so the /proc dumps taken while the module is loaded show one line of each.
 *
 * Context: module init and exit run in process context and may sleep, except inside the deliberate
 * atomic section.
 */
#define pr_fmt(fmt) "kmmprobe: " fmt

#include <linux/module.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/spinlock.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/highmem.h>
#include <generated/utsrelease.h>

#define PROBE_OBJ_SIZE 200
#define PROBE_OBJS 10
#define PROBE_VMALLOC_PAGES 3
/* Order-10 blocks the failure test may hold: more than the low memory of a 1 GiB i386 machine. */
#define PROBE_MAX_HELD 256

static struct kmem_cache *probe_cache;
static void *probe_objs[PROBE_OBJS];
static void *probe_vmalloc;
static DEFINE_SPINLOCK(probe_lock);

static void probe_ctor(void *obj)
{
	memset(obj, 0, PROBE_OBJ_SIZE);
}

static void show_gfp(const char *name, gfp_t gfp)
{
	pr_info("gfp %s=%#x (%pGg)\n", name, (__force unsigned int)gfp, &gfp);
}

static void probe_constants(void)
{
	pr_info("kernel=%s\n", UTS_RELEASE);
	pr_info("PAGE_SIZE=%lu PAGE_SHIFT=%d MAX_ORDER=%d MAX_ORDER_NR_PAGES=%lu\n", PAGE_SIZE,
		PAGE_SHIFT, MAX_ORDER, (unsigned long)MAX_ORDER_NR_PAGES);
#ifdef CONFIG_X86_32
	/* i386 has no vmemmap; its layout is the linear map, vmalloc, pkmap and the fixmap. */
	pr_info("PAGE_OFFSET=%px VMALLOC_START=%px VMALLOC_END=%px high_memory=%px\n",
		(void *)PAGE_OFFSET, (void *)VMALLOC_START, (void *)VMALLOC_END, high_memory);
	pr_info("PKMAP_BASE=%px LAST_PKMAP=%d FIXADDR_START=%px FIXADDR_TOP=%px\n",
		(void *)PKMAP_BASE, LAST_PKMAP, (void *)FIXADDR_START, (void *)FIXADDR_TOP);
	pr_info("lowmem=%lu MiB VMALLOC_OFFSET=%lu MiB\n",
		((unsigned long)high_memory - PAGE_OFFSET) >> 20,
		(unsigned long)VMALLOC_OFFSET >> 20);
#else
	pr_info("PAGE_OFFSET=%px VMALLOC_START=%px VMALLOC_END=%px VMEMMAP_START=%px\n",
		(void *)PAGE_OFFSET, (void *)VMALLOC_START, (void *)VMALLOC_END,
		(void *)VMEMMAP_START);
#endif
	pr_info("KMALLOC_MIN_SIZE=%d KMALLOC_MAX_CACHE_SIZE=%lu KMALLOC_MAX_SIZE=%lu ZERO_SIZE_PTR=%px\n",
		KMALLOC_MIN_SIZE, KMALLOC_MAX_CACHE_SIZE, KMALLOC_MAX_SIZE, ZERO_SIZE_PTR);
	pr_info("config DEBUG_ATOMIC_SLEEP=%d PREEMPT_COUNT=%d SLUB=%d SLUB_DEBUG=%d\n",
		IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP), IS_ENABLED(CONFIG_PREEMPT_COUNT),
		IS_ENABLED(CONFIG_SLUB), IS_ENABLED(CONFIG_SLUB_DEBUG));

	show_gfp("GFP_KERNEL", GFP_KERNEL);
	show_gfp("GFP_ATOMIC", GFP_ATOMIC);
	show_gfp("GFP_NOWAIT", GFP_NOWAIT);
	show_gfp("GFP_NOIO", GFP_NOIO);
	show_gfp("GFP_NOFS", GFP_NOFS);
	show_gfp("GFP_USER", GFP_USER);
	show_gfp("GFP_HIGHUSER", GFP_HIGHUSER);
	show_gfp("GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE);
	show_gfp("GFP_DMA", GFP_DMA);
	show_gfp("GFP_DMA32", GFP_DMA32);
	show_gfp("__GFP_HIGHMEM", __GFP_HIGHMEM);
	show_gfp("__GFP_ZERO", __GFP_ZERO);
	show_gfp("__GFP_NOWARN", __GFP_NOWARN);
	show_gfp("__GFP_NORETRY", __GFP_NORETRY);
	show_gfp("__GFP_RETRY_MAYFAIL", __GFP_RETRY_MAYFAIL);
	show_gfp("__GFP_NOFAIL", __GFP_NOFAIL);
	show_gfp("__GFP_COMP", __GFP_COMP);
	show_gfp("__GFP_HIGH", __GFP_HIGH);
	show_gfp("__GFP_IO", __GFP_IO);
	show_gfp("__GFP_FS", __GFP_FS);
	show_gfp("__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM);
	show_gfp("__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM);
	show_gfp("__GFP_ACCOUNT", __GFP_ACCOUNT);
	show_gfp("GFP_KERNEL_ACCOUNT", GFP_KERNEL_ACCOUNT);
}

static void probe_orders(void)
{
	static const unsigned long sizes[] = { 1,    4095,  4096,      4097,	 8192,
					       8193, 65536, 1UL << 20, 4UL << 20 };
	int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		pr_info("get_order(%lu)=%d\n", sizes[i], get_order(sizes[i]));
}

static void probe_pages(void)
{
	struct page *p0, *p3;
	unsigned long va;
	phys_addr_t pa;
	void *exact;
	int i;

	p0 = alloc_pages(GFP_KERNEL, 0);
	p3 = alloc_pages(GFP_KERNEL, 3);
	if (p0 && p3) {
		pr_info("alloc_pages order=0 page_count=%d zone=%s compound=%d\n", page_count(p0),
			page_zone(p0)->name, PageCompound(p0));
		pr_info("alloc_pages order=3 page_count=%d tail1_count=%d zone=%s compound=%d\n",
			page_count(p3), page_count(p3 + 1), page_zone(p3)->name, PageCompound(p3));
	}
	if (p0)
		__free_pages(p0, 0);

	/* split_page turns one order-3 block into 8 independent order-0 pages. */
	if (p3) {
		split_page(p3, 3);
		pr_info("split_page order=3 counts=%d,%d,%d,%d,%d,%d,%d,%d\n", page_count(p3),
			page_count(p3 + 1), page_count(p3 + 2), page_count(p3 + 3),
			page_count(p3 + 4), page_count(p3 + 5), page_count(p3 + 6),
			page_count(p3 + 7));
		for (i = 0; i < 8; i++)
			__free_page(p3 + i);
	}

	p3 = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
	if (p3) {
		pr_info("alloc_pages order=3 __GFP_COMP head_count=%d compound=%d head=%d tail=%d order=%u\n",
			page_count(p3), PageCompound(p3), PageHead(p3), PageTail(p3 + 1),
			compound_order(p3));
		__free_pages(p3, 3);
	}

	va = __get_free_pages(GFP_KERNEL, 1);
	if (va) {
		pa = virt_to_phys((void *)va);
		pr_info("__get_free_pages order=1 virt_addr_valid=%d roundtrip=%d pfn_match=%d linear=%d\n",
			virt_addr_valid((void *)va), phys_to_virt(pa) == (void *)va,
			page_to_pfn(virt_to_page((void *)va)) == PHYS_PFN(pa),
			va - PAGE_OFFSET == pa);
		free_pages(va, 1);
	}

	for (i = 0; i < 2; i++) {
		gfp_t gfp = i ? GFP_DMA : GFP_DMA32;
		struct page *p = alloc_pages(gfp, 0);

		if (p) {
			pr_info("alloc_pages %s zone=%s below_limit=%d\n",
				i ? "GFP_DMA" : "GFP_DMA32", page_zone(p)->name,
				(u64)page_to_phys(p) < (i ? (16ULL << 20) : (4ULL << 30)));
			__free_page(p);
		}
	}

	/* 5 pages: the order-3 block is trimmed, so the 3 pages past the end go back to the buddy lists. */
	exact = alloc_pages_exact(5 * PAGE_SIZE, GFP_KERNEL | __GFP_ZERO);
	if (exact) {
		struct page *pg = virt_to_page(exact);

		pr_info("alloc_pages_exact 5 pages page_aligned=%d counts=%d,%d,%d,%d,%d compound=%d zeroed=%d\n",
			PAGE_ALIGNED(exact), page_count(pg), page_count(pg + 1), page_count(pg + 2),
			page_count(pg + 3), page_count(pg + 4), PageCompound(pg),
			memchr_inv(exact, 0, 5 * PAGE_SIZE) == NULL);
		free_pages_exact(exact, 5 * PAGE_SIZE);
	}

	p0 = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER);
	pr_info("alloc_pages order=MAX_ORDER __GFP_NOWARN returned=%s\n", p0 ? "page" : "NULL");
	if (p0)
		__free_pages(p0, MAX_ORDER);
}

#ifdef CONFIG_HIGHMEM
/* A page with no linear address, reached only through the pkmap and fixmap windows. */
static void probe_highmem(void)
{
	unsigned long pkmap_end = PKMAP_BASE + LAST_PKMAP * PAGE_SIZE;
	struct page *low, *high;
	unsigned long va;
	void *map;

	pr_info("totalhigh_pages=%lu\n", totalhigh_pages());
	low = alloc_pages(GFP_KERNEL, 0);
	high = alloc_pages(GFP_HIGHUSER, 0);
	if (low) {
		pr_info("alloc_pages GFP_KERNEL zone=%s PageHighMem=%d page_address=%s\n",
			page_zone(low)->name, PageHighMem(low), page_address(low) ? "linear" : "NULL");
		__free_page(low);
	}
	if (!high)
		return;
	pr_info("alloc_pages GFP_HIGHUSER zone=%s PageHighMem=%d page_address=%s above_lowmem=%d\n",
		page_zone(high)->name, PageHighMem(high), page_address(high) ? "linear" : "NULL",
		(u64)page_to_phys(high) >= (u64)__pa(high_memory));

	map = kmap(high);
	va = (unsigned long)map;
	pr_info("kmap in_pkmap=%d page_address_is_kmap=%d aligned=%d\n",
		va >= PKMAP_BASE && va < pkmap_end, page_address(high) == map, PAGE_ALIGNED(va));
	kunmap(high);
	/* kunmap only drops the use count: the slot keeps the page until pkmap is flushed. */
	pr_info("after kunmap page_address_is_kmap=%d\n", page_address(high) == map);

	map = kmap_local_page(high);
	va = (unsigned long)map;
	pr_info("kmap_local_page in_fixmap=%d in_pkmap=%d\n",
		va >= FIXADDR_START && va < FIXADDR_TOP, va >= PKMAP_BASE && va < pkmap_end);
	kunmap_local(map);

	map = kmap_local_page(high);
	memset(map, 0x5a, PAGE_SIZE);
	kunmap_local(map);
	map = kmap(high);
	pr_info("kmap sees the kmap_local_page write=%d\n", ((unsigned char *)map)[100] == 0x5a);
	kunmap(high);
	__free_page(high);
}
#else
static void probe_highmem(void)
{
}
#endif

static void probe_kmalloc(void)
{
	static const size_t sizes[] = { 1,    8,    9,	  16,	 17,	32,   33,   64,
					65,   96,   97,	  128,	 129,	192,  193,  256,
					257,  512,  513,  1024,	 1025,	2048, 2049, 4096,
					4097, 8192, 8193, 16384, 16385, 65536 };
	size_t huge = SIZE_MAX / 2;
	void *p;
	int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = kmalloc(sizes[i], GFP_KERNEL);
		pr_info("ksize(kmalloc(%zu))=%zu virt_addr_valid=%d\n", sizes[i], p ? ksize(p) : 0,
			p ? virt_addr_valid(p) : 0);
		kfree(p);
	}

	p = kmalloc(0, GFP_KERNEL);
	pr_info("kmalloc(0)=%s\n", p == ZERO_SIZE_PTR ? "ZERO_SIZE_PTR" : p ? "pointer" : "NULL");
	kfree(p);
	p = kcalloc(huge, 4, GFP_KERNEL);
	pr_info("kcalloc(SIZE_MAX/2, 4)=%s\n", p ? "pointer" : "NULL");
	kfree(p);
	p = kmalloc_array(huge, 4, GFP_KERNEL);
	pr_info("kmalloc_array(SIZE_MAX/2, 4)=%s\n", p ? "pointer" : "NULL");
	kfree(p);
}

static void probe_dirty_ctor(void *obj)
{
	memset(obj, 0x11, 64);
}

/*
 * Whether memory comes back zeroed, as init_on_alloc (on in Debian's kernel,
 * CONFIG_INIT_ON_ALLOC_DEFAULT_ON) does: an object or page is dirtied, freed and allocated again
 * (the same one, from the CPU's list), and its first and last byte printed. A cache with a
 * constructor or SLAB_TYPESAFE_BY_RCU is left alone, so its object keeps what was written.
 */
static void probe_init_on_alloc(void)
{
	static const struct {
		const char *name;
		slab_flags_t flags;
		void (*ctor)(void *);
	} kinds[] = {
		{ "kmmprobe_plain", 0, NULL },
		{ "kmmprobe_ctor", 0, probe_dirty_ctor },
		{ "kmmprobe_rcu", SLAB_TYPESAFE_BY_RCU, NULL },
	};
	struct kmem_cache *s;
	struct page *page, *again;
	unsigned char *p, *q;
	int i;

	pr_info("want_init_on_alloc(GFP_KERNEL)=%d want_init_on_free()=%d\n",
		want_init_on_alloc(GFP_KERNEL), want_init_on_free());
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		s = kmem_cache_create(kinds[i].name, 64, 0, kinds[i].flags, kinds[i].ctor);
		p = s ? kmem_cache_alloc(s, GFP_KERNEL) : NULL;
		if (!p) {
			kmem_cache_destroy(s);
			continue;
		}
		memset(p, 0xaa, 64);
		kmem_cache_free(s, p);
		q = kmem_cache_alloc(s, GFP_KERNEL);
		if (q)
			pr_info("init_on_alloc %s: reused=%d first=%02x last=%02x\n", kinds[i].name,
				q == p, q[0], q[63]);
		kmem_cache_free(s, q);
		kmem_cache_destroy(s);
	}
	p = kmalloc(64, GFP_KERNEL);
	if (p) {
		memset(p, 0xaa, 64);
		kfree(p);
		q = kmalloc(64, GFP_KERNEL);
		if (q)
			pr_info("init_on_alloc kmalloc-64: reused=%d first=%02x last=%02x\n", q == p,
				q[0], q[63]);
		kfree(q);
	}
	page = alloc_page(GFP_KERNEL);
	if (page) {
		p = page_address(page);
		memset(p, 0xaa, PAGE_SIZE);
		__free_page(page);
		again = alloc_page(GFP_KERNEL);
		if (again) {
			q = page_address(again);
			pr_info("init_on_alloc page: reused=%d first=%02x last=%02x\n",
				again == page, q[0], q[PAGE_SIZE - 1]);
			__free_page(again);
		}
	}
}

/* Not inlined into the init function, so vmallocinfo can still name the caller after init memory is freed. */
static noinline void probe_keep(void)
{
	int i;

	probe_cache = kmem_cache_create("kmmprobe_obj", PROBE_OBJ_SIZE, 0, SLAB_HWCACHE_ALIGN,
					probe_ctor);
	if (probe_cache) {
		for (i = 0; i < PROBE_OBJS; i++)
			probe_objs[i] = kmem_cache_alloc(probe_cache, GFP_KERNEL);
		pr_info("kmem_cache kmmprobe_obj objsize=%u ksize=%zu allocated=%d\n",
			kmem_cache_size(probe_cache), probe_objs[0] ? ksize(probe_objs[0]) : 0,
			PROBE_OBJS);
	}
	probe_vmalloc = vmalloc(PROBE_VMALLOC_PAGES * PAGE_SIZE);
	if (probe_vmalloc)
		pr_info("vmalloc %lu bytes is_vmalloc_addr=%d virt_addr_valid=%d aligned=%d\n",
			PROBE_VMALLOC_PAGES * PAGE_SIZE, is_vmalloc_addr(probe_vmalloc),
			virt_addr_valid(probe_vmalloc), PAGE_ALIGNED(probe_vmalloc));
}

/* Take order-10 blocks until one is refused (which logs the failure); return how many were taken. */
static int take_order10(struct page **held, gfp_t gfp)
{
	int n = 0;

	while (n < PROBE_MAX_HELD && (held[n] = alloc_pages(gfp, MAX_ORDER - 1)))
		n++;
	return n;
}

static void give_back(struct page **held, int n)
{
	while (n)
		__free_pages(held[--n], MAX_ORDER - 1);
}

static void probe_reports(void)
{
	static struct page *held[PROBE_MAX_HELD];
	struct page *p;
	void *obj;
	int n = 0;

	/* 1. An order the buddy allocator cannot have: a WARNING, not an allocation-failure report. */
	pr_info("expect begin order-too-large\n");
	p = alloc_pages(GFP_KERNEL, MAX_ORDER);
	pr_info("expect end order-too-large returned=%s\n", p ? "page" : "NULL");
	if (p)
		__free_pages(p, MAX_ORDER);

	/*
	 * 2. With 512 MiB of RAM (or i386's ~876 MiB of low memory), GFP_KERNEL order-10 blocks run
	 * out after one to two hundred: take them
	 * until the allocator gives up, which it reports with warn_alloc(), Mem-Info and all.
	 */
	pr_info("expect begin page-allocation-failure\n");
	n = take_order10(held, GFP_KERNEL | __GFP_NORETRY);
	pr_info("expect end page-allocation-failure order=%d succeeded_before_failure=%d\n",
		MAX_ORDER - 1, n);
	give_back(held, n);

	/*
	 * 2b. The DMA zone (16 MiB) runs out after a few blocks. warn_alloc() is rate limited, so this
	 * second failure a moment later is expected to print nothing.
	 */
	pr_info("expect begin page-allocation-failure-again\n");
	n = take_order10(held, GFP_KERNEL | GFP_DMA | __GFP_NORETRY);
	pr_info("expect end page-allocation-failure-again order=%d succeeded_before_failure=%d\n",
		MAX_ORDER - 1, n);
	give_back(held, n);

	/*
	 * 3. A GFP_KERNEL allocation under a spinlock: only CONFIG_DEBUG_ATOMIC_SLEEP reports it when
	 * memory is plentiful. Record whether this kernel said anything, and how often.
	 */
	pr_info("expect begin might-sleep\n");
	for (n = 0; n < 2; n++) { /* twice: does the second one report again? */
		spin_lock(&probe_lock);
		obj = kmalloc(64, GFP_KERNEL);
		spin_unlock(&probe_lock);
		kfree(obj);
	}
	pr_info("expect end might-sleep\n");

	/*
	 * 4. Actually sleeping with preemption disabled: "BUG: scheduling while atomic". The scheduler
	 * resets the preempt count to repair the damage, so the matching preempt_enable() must not run.
	 */
	pr_info("expect begin scheduling-while-atomic\n");
	preempt_disable();
	msleep(1);
	pr_info("expect end scheduling-while-atomic preempt_count=%#x\n", preempt_count());
}

static int __init kmmprobe_init(void)
{
	pr_info("begin\n");
	probe_constants();
	probe_orders();
	probe_pages();
	probe_highmem();
	probe_kmalloc();
	probe_init_on_alloc();
	probe_keep();
	probe_reports();
	pr_info("end\n");
	return 0;
}

static void __exit kmmprobe_exit(void)
{
	int i;

	vfree(probe_vmalloc);
	if (probe_cache) {
		for (i = 0; i < PROBE_OBJS; i++)
			kmem_cache_free(probe_cache, probe_objs[i]);
		kmem_cache_destroy(probe_cache);
	}
	pr_info("unloaded\n");
}

module_init(kmmprobe_init);
module_exit(kmmprobe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kmm reference probe: prints memory-model facts of the running kernel");
