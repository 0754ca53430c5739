/*
 * memmap.c - mem_map, the array of struct page describing every RAM frame, and the
 * page-to-address conversions that need the machine.
 *
 * At boot every frame starts reserved with one reference (nobody may allocate it), as in the
 * kernel before memblock hands memory to the buddy allocator; page_alloc_init() then frees
 * the frames that are really available.
 */
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include <kmm/page.h>
#include "mm/highmem.h"
#include "machine/machine.h"
#include "mm/memmap.h"
#include "machine/report.h"
#include "machine/initcall.h"

struct page *mem_map;

static int memmap_init(void)
{
	unsigned long n = kmm_layout.pfn_end - kmm_layout.min_pfn;
	size_t len = PAGE_ALIGN(n * sizeof(struct page));

	mem_map = os_alloc(len);
	if (!mem_map)
		return -ENOMEM; /* the boot fails with it */
	kmm_machine.memmap_len = len;
	for (unsigned long i = 0; i < n; i++) {
		mem_map[i].flags = 1UL << PG_reserved;
		mem_map[i]._refcount = 1;
		mem_map[i]._mapcount = -1;
	}
	return 0;
}

void *page_address(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	if (pfn >= kmm_layout.low_pfn_end)
		return highmem_page_address(page);
	return pfn_to_virt(pfn);
}

static const char *const flag_names[] = {
	[PG_locked] = "locked",
	[PG_referenced] = "referenced",
	[PG_uptodate] = "uptodate",
	[PG_dirty] = "dirty",
	[PG_lru] = "lru",
	[PG_active] = "active",
	[PG_workingset] = "workingset",
	[PG_waiters] = "waiters",
	[PG_error] = "error",
	[PG_slab] = "slab",
	[PG_owner_priv_1] = "owner_priv_1",
	[PG_arch_1] = "arch_1",
	[PG_reserved] = "reserved",
	[PG_private] = "private",
	[PG_private_2] = "private_2",
	[PG_writeback] = "writeback",
	[PG_head] = "head",
	[PG_mappedtodisk] = "mappedtodisk",
	[PG_reclaim] = "reclaim",
	[PG_swapbacked] = "swapbacked",
	[PG_unevictable] = "unevictable",
	[PG_buddy] = "buddy",
	[PG_pcp] = "pcp",
};

const char *page_flags_format(unsigned long flags, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%#lx(", flags);

	for (int bit = 0; bit < __NR_PAGEFLAGS && used < len; bit++)
		if ((flags >> bit) & 1)
			used += (size_t)snprintf(buf + used, len - used, "%s|", flag_names[bit]);
	if (used < len)
		snprintf(buf + used, len - used, "zone=%lu)", flags >> ZONES_PGSHIFT);
	return buf;
}

void page_dump_lines(struct page *page)
{
	char flags[256];
	struct page *head = compound_head(page);

	report_add("page:%p refcount:%d mapcount:%d mapping:%p index:%#lx pfn:%#lx", (void *)page,
		   page_ref_count(page), page_mapcount(page), (void *)page->mapping, page->index,
		   page_to_pfn(page));
	if (head != page || PageHead(page))
		report_add("head:%p order:%u", (void *)head, head->kmm_order);
	report_add("flags: %s", page_flags_format(page->flags, flags, sizeof(flags)));
	/* As print_hex_dump of the struct: four words per line. */
	for (size_t w = 0; w < sizeof(*page) / sizeof(unsigned long); w += 4) {
		const unsigned long *raw = (const unsigned long *)page + w;
		size_t left = sizeof(*page) / sizeof(unsigned long) - w;

		report_add("raw: %016lx %016lx %016lx %016lx", raw[0], left > 1 ? raw[1] : 0,
			   left > 2 ? raw[2] : 0, left > 3 ? raw[3] : 0);
	}
}

void dump_page(struct page *page, const char *reason)
{
	report_start("dump_page", "page dump (pfn:%05lx)", page_to_pfn(page));
	page_dump_lines(page);
	report_add("page dumped because: %s", reason);
	report_add_task();
	report_add_stack();
	report_finish();
}

kmm_initcall(core, mem_map, memmap_init, NULL);
