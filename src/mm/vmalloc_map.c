/*
 * vmalloc_map.c - putting a vmalloc area's pages into the host's page tables: the same RAM
 * file pages a second time at consecutive kernel addresses, one host mapping per run of
 * physically consecutive frames, and the page order that makes those runs long.
 *
 * Called by vmalloc.c with the area reserved and not yet published; no locks held.
 */
#include <stdlib.h>
#include <string.h>

#include <kmm/page_alloc.h>
#include "machine/machine.h"
#include "mm/vmalloc.h"

int vmalloc_map_pages(unsigned long addr, struct page *const *pages, unsigned int n)
{
	for (unsigned int i = 0; i < n;) {
		unsigned long pfn = page_to_pfn(pages[i]);
		unsigned int run = 1;
		int err;

		while (i + run < n && page_to_pfn(pages[i + run]) == pfn + run)
			run++;
		err = os_map_shared((void *)(addr + ((unsigned long)i << PAGE_SHIFT)),
				    (size_t)run << PAGE_SHIFT, kmm_machine.ram_fd,
				    (off_t)(PFN_PHYS(pfn) - PHYS_OFFSET));
		if (err)
			return err;
		i += run;
	}
	return 0;
}

/* A run of consecutive frames in a vmalloc area's page array: where it starts, how long. */
struct page_run {
	struct page **at;
	unsigned int len;
};

static int cmp_run(const void *a, const void *b)
{
	const struct page *x = *((const struct page_run *)a)->at;
	const struct page *y = *((const struct page_run *)b)->at;

	return x < y ? -1 : x > y;
}

/* Turn a run that came backwards (thread caches hand freed pages out last first) around. */
static unsigned int take_run(struct page **pages, unsigned int n)
{
	unsigned int len = 1;

	while (len < n && pages[len] == pages[len - 1] + 1)
		len++;
	if (len > 1)
		return len;
	while (len < n && pages[len] == pages[len - 1] - 1)
		len++;
	for (unsigned int a = 0, b = len - 1; a < b; a++, b--) {
		struct page *t = pages[a];

		pages[a] = pages[b];
		pages[b] = t;
	}
	return len;
}

/*
 * Put vmalloc's own pages in frame order where that is cheap, so that vmalloc_map_pages() maps them
 * in few host calls: any order is correct. Each run of consecutive frames is put forwards,
 * then the runs (a thread cache's refill batches, a handful) in order of their first frame.
 */
void vmalloc_order_pages(struct page **pages, unsigned int n)
{
	struct page_run runs[32];
	struct page **sorted;
	unsigned int nr = 0, at = 0;

	while (at < n) {
		unsigned int len = take_run(pages + at, n - at);

		if (nr < 32)
			runs[nr] = (struct page_run){ pages + at, len };
		nr++;
		at += len;
	}
	if (nr < 2 || nr > 32 || !(sorted = malloc(n * sizeof(*pages))))
		return; /* in order already, or too scattered to be worth it */
	qsort(runs, nr, sizeof(*runs), cmp_run);
	at = 0;
	for (unsigned int r = 0; r < nr; r++) {
		memcpy(sorted + at, runs[r].at, runs[r].len * sizeof(*pages));
		at += runs[r].len;
	}
	memcpy(pages, sorted, n * sizeof(*pages));
	free(sorted);
}
