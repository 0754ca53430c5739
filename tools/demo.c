/*
 * demo.c - "kmm demo": a guided tour of the default machine, one step per layer. Each step
 * is a function that prints a heading, shows one idea with real calls, and returns 0 (or a
 * negative errno if the machine misbehaves, which fails the demo).
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <kmm/kmm.h>
#include <kmm/context.h>
#include <kmm/page_alloc.h>
#include <kmm/proc.h>
#include <kmm/report.h>
#include <kmm/fault.h>
#include <kmm/fixmap.h>
#include <kmm/highmem.h>
#include <kmm/vmalloc.h>

#include "commands.h"
#include "json.h"

/* vmalloc's scattered pages, a guard page catching an overflow, kmap and kmap_local. */
static int step_vmalloc(void)
{
	char *buf = vmalloc(16 * PAGE_SIZE);
	struct page *high = alloc_page(GFP_HIGHUSER);
	struct kmm_fault_catch c;
	char *k;

	if (!buf || !high)
		return -1;
	printf("  vmalloc(64 KiB) = %p: virtually contiguous, physically anywhere:\n", buf);
	for (int i = 0; i < 4; i++)
		printf("    %p -> pfn %#07lx%s\n", buf + i * PAGE_SIZE,
		       vmalloc_to_pfn(buf + i * PAGE_SIZE),
		       PageHighMem(vmalloc_to_page(buf + i * PAGE_SIZE)) ? "  (high memory)" : "");
	printf("    ...\n  writing one byte past the end hits the guard page:\n");
	fflush(stdout);
	if (kmm_fault_expect(&c) == 0) {
		buf[16 * PAGE_SIZE] = 1;
		kmm_fault_done(&c);
		return -1;
	}
	printf("  the fault came back to the demo (kmm_fault_expect) from %#lx\n", c.addr);
	k = kmap(high);
	snprintf(k, PAGE_SIZE, "written through kmap");
	printf("  kmap(high page) = %p in pkmap; page_address() is now %p\n", (void *)k,
	       page_address(high));
	kunmap(high);
	k = kmap_local_page(high);
	printf("  kmap_local_page() = %p, fixmap slot %lu, reads \"%s\"\n", (void *)k,
	       virt_to_fix((unsigned long)k), k);
	kunmap_local(k);
	printf("\n/proc/vmallocinfo:\n");
	kmm_proc_vmallocinfo(stdout);
	vfree(buf);
	__free_page(high);
	return 0;
}

static void heading(int n, const char *title)
{
	printf("\n== %d. %s ==\n\n", n, title);
}

static void show_block(const char *what, struct page *page, unsigned int order)
{
	void *va = page_address(page);

	printf("  %-36s pfn %#07lx  phys %#010llx  virt %p  (%lu KiB)\n", what, page_to_pfn(page),
	       (unsigned long long)page_to_phys(page), va, (PAGE_SIZE << order) >> 10);
}

static int step_buddy(void)
{
	struct page *low = alloc_pages(GFP_KERNEL, 3);
	struct page *high = alloc_pages(GFP_HIGHUSER, 0);
	struct page *dma = alloc_pages(GFP_KERNEL | GFP_DMA, 0);
	unsigned long buf = get_zeroed_page(GFP_KERNEL);

	if (!low || !high || !dma || !buf)
		return -1;
	show_block("alloc_pages(GFP_KERNEL, 3)", low, 3);
	show_block("alloc_pages(GFP_HIGHUSER, 0)", high, 0);
	show_block("alloc_pages(GFP_KERNEL | GFP_DMA, 0)", dma, 0);
	printf("  get_zeroed_page: virt %#lx -> virt_to_phys %#llx -> phys_to_virt %p\n", buf,
	       (unsigned long long)virt_to_phys((void *)buf),
	       phys_to_virt(virt_to_phys((void *)buf)));
	printf("  the high-memory page has no linear address: page_address() = %p\n",
	       page_address(high));
	printf("\n/proc/buddyinfo with those blocks out (the split halves sit on lower orders):\n");
	kmm_proc_buddyinfo(stdout);
	__free_pages(low, 3);
	__free_pages(high, 0);
	__free_pages(dma, 0);
	free_page(buf);
	drain_local_pages();
	printf("\n/proc/buddyinfo after freeing them (the buddies merged back):\n");
	kmm_proc_buddyinfo(stdout);
	return 0;
}

static int step_atomic_context(void)
{
	struct page *page;

	printf("  preempt_disable(); alloc_pages(GFP_KERNEL, 0) -- a sleeping allocation where\n"
	       "  sleeping is forbidden. kmm reports it as a CONFIG_DEBUG_ATOMIC_SLEEP kernel would,\n"
	       "  then serves it without sleeping:\n\n");
	kmm_report_set_handler(NULL, NULL);
	preempt_disable();
	page = alloc_pages(GFP_KERNEL, 0);
	preempt_enable();
	if (!page)
		return -1;
	__free_pages(page, 0);
	printf("\n  With GFP_ATOMIC the same call is silent: ");
	preempt_disable();
	page = alloc_pages(GFP_ATOMIC, 0);
	preempt_enable();
	printf("%s\n", page ? "got a page, no report" : "failed");
	if (page)
		__free_pages(page, 0);
	return page ? 0 : -1;
}

static int step_double_free(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	if (!page)
		return -1;
	printf("  __free_pages(page, 0) twice -- the second free is caught, the page is not\n"
	       "  corrupted, and the allocator goes on:\n\n");
	__free_pages(page, 0);
	__free_pages(page, 0);
	return 0;
}

/* With --json the narration goes to /dev/null and only the summary is printed. */
static int quiet_begin(void)
{
	int saved, null;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	null = open("/dev/null", O_WRONLY);
	if (saved < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0) {
		if (saved >= 0)
			close(saved);
		if (null >= 0)
			close(null);
		return -1;
	}
	close(null);
	return saved;
}

static void quiet_end(int saved)
{
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

int cmd_demo(const struct kmm_cli *cli)
{
	static const struct {
		const char *title;
		int (*run)(void);
	} steps[] = {
		{ "The buddy page allocator", step_buddy },
		{ "GFP_KERNEL in atomic context", step_atomic_context },
		{ "A double free", step_double_free },
		{ "Slab caches and kmalloc", demo_step_slab },
		{ "A framebuffer driver mapped into a user process", demo_step_fbmem },
		{ "vmalloc, a guard page, kmap", step_vmalloc },
		{ "A NIC receiving by DMA into ZONE_DMA buffers", demo_step_ringdma },
	};
	enum { NR_STEPS = sizeof(steps) / sizeof(steps[0]) };
	unsigned long reports[NR_STEPS] = { 0 };
	int results[NR_STEPS] = { 0 };
	size_t ran = 0;
	int err = 0, saved = -1;

	if (cli->json) {
		saved = quiet_begin();
		if (saved < 0)
			return -1;
	} else {
		/* Reports go to stderr; keep the narration in step with them. */
		setvbuf(stdout, NULL, _IOLBF, 0);
		err = cmd_info(cli);
	}
	for (; !err && ran < NR_STEPS; ran++) {
		unsigned long before = kmm_report_count();

		heading((int)ran + 1, steps[ran].title);
		fflush(stdout);
		err = results[ran] = steps[ran].run();
		fflush(stderr);
		reports[ran] = kmm_report_count() - before;
	}
	if (!cli->json) {
		printf("\n%lu reports were made; every one was repaired or refused.\n",
		       kmm_report_count());
		return err;
	}
	quiet_end(saved);
	json_begin(stdout, "demo");
	printf("  \"ok\": %s,\n  \"reports\": %lu,\n  \"steps\": [", err ? "false" : "true",
	       kmm_report_count());
	for (size_t i = 0; i < ran; i++) {
		printf("%s\n    { \"step\": %zu, \"title\": ", i ? "," : "", i + 1);
		json_string(stdout, steps[i].title);
		printf(", \"ok\": %s, \"reports\": %lu }", results[i] ? "false" : "true",
		       reports[i]);
	}
	printf("\n  ]\n}\n");
	return err;
}
