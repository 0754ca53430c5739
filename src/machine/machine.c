/*
 * machine.c - booting and shutting down the simulated machine.
 *
 * The machine itself comes first: options, profile and layout, the kernel window (a PROT_NONE
 * reservation at the profile's real addresses when the host allows), RAM (one sparse memfd),
 * the linear map of low memory into the window and kmm's private view of all RAM. Then every
 * linked subsystem boots by its initcall (initcall.h), level by level; shutdown runs their
 * exits backwards and gives the machine back to the host. The machine names no subsystem.
 * Boot and shutdown are process-context calls made while no other thread is inside kmm.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include "arch/profile.h"
#include "machine/assert.h"
#include "machine/initcall.h"
#include "machine/machine.h"
#include "machine/options.h"
#include "machine/report.h"
#include "machine/settings.h"
#include "machine/stats.h"

#define MAX_INITCALLS 64
/* A moved window keeps MAX_PAGE_ORDER blocks naturally aligned in virtual addresses too. */
#define WINDOW_ALIGN (PAGE_SIZE << MAX_PAGE_ORDER)

struct kmm_layout kmm_layout;
struct kmm_machine kmm_machine;

/* Reserve the kernel window, at the profile's real place if it is free, and shift the layout. */
static int reserve_window(const struct profile *p)
{
	size_t len = kmm_layout.window_end - kmm_layout.window_start;
	unsigned long hint = p->window_end ? kmm_layout.window_start : 0;
	void *w = os_reserve(len, hint, WINDOW_ALIGN);

	if (!w)
		return -ENOMEM;
	kmm_machine.window = w;
	kmm_machine.window_len = len;
	kmm_layout.at_real_address = hint && (unsigned long)w == hint;
	if (!kmm_layout.at_real_address)
		layout_shift(&kmm_layout, (long)((unsigned long)w - kmm_layout.window_start));
	return 0;
}

static int create_ram(void)
{
	unsigned long long lowmem =
		(unsigned long long)(kmm_layout.low_pfn_end - kmm_layout.min_pfn) << PAGE_SHIFT;
	int fd = os_memfd("kmm-ram", kmm_machine.ram_bytes);
	int err;

	if (fd < 0)
		return fd;
	kmm_machine.ram_fd = fd;
	err = os_map_shared((void *)kmm_layout.page_offset, lowmem, fd, 0);
	if (err)
		return err;
	kmm_machine.phys_view = os_reserve(kmm_machine.ram_bytes, 0, WINDOW_ALIGN);
	if (!kmm_machine.phys_view)
		return -ENOMEM;
	return os_map_shared(kmm_machine.phys_view, kmm_machine.ram_bytes, fd, 0);
}

int machine_reserve_low(unsigned long long bytes, phys_addr_t *phys)
{
	unsigned long first = kmm_layout.min_pfn + kmm_machine.reserved_pages;
	unsigned long top = kmm_layout.low_pfn_end, n = (unsigned long)(bytes >> PAGE_SHIFT);
	unsigned long four_g = (unsigned long)(4ULL << (30 - PAGE_SHIFT));
	bool moved = true;

	if (top > four_g)
		top = four_g;
	if (!n || kmm_machine.nr_boot_reserved == MAX_BOOT_RESERVED)
		return -ENOMEM;
	/* Slide the candidate [top - n, top) below every reservation it overlaps. */
	while (moved) {
		moved = false;
		if (top < first + n)
			return -ENOMEM;
		for (unsigned int i = 0; i < kmm_machine.nr_boot_reserved; i++) {
			const struct boot_range *r = &kmm_machine.boot_reserved[i];

			if (r->start_pfn < top && r->end_pfn > top - n) {
				top = r->start_pfn;
				moved = true;
			}
		}
	}
	kmm_machine.boot_reserved[kmm_machine.nr_boot_reserved++] =
		(struct boot_range){ .start_pfn = top - n, .end_pfn = top };
	*phys = PFN_PHYS(top - n);
	return 0;
}

/* Whether the kernel sets swiotlb up by itself, by the profile's rule. */
static bool swiotlb_rule_holds(const struct profile *p)
{
	if (p->swiotlb_rule == SWIOTLB_IF_ABOVE_DMA_ZONE)
		return kmm_layout.pfn_end >
		       (unsigned long)((p->phys_offset + p->dma_limit - 1) >> PAGE_SHIFT);
	return kmm_layout.pfn_end > (unsigned long)(4ULL << (30 - PAGE_SHIFT));
}

static void release_all(void)
{
	if (mem_map)
		os_free(mem_map, kmm_machine.memmap_len);
	mem_map = NULL;
	os_release(kmm_machine.phys_view, kmm_machine.ram_bytes);
	os_release(kmm_machine.window, kmm_machine.window_len);
	os_close(kmm_machine.ram_fd);
	kmm_machine.phys_view = NULL;
	kmm_machine.window = NULL;
	kmm_machine.ram_fd = -1;
}

/*
 * The boot steps of every linked subsystem (initcall.h), sorted once per boot by level and,
 * within a level, by name, so the order never depends on the order the linker met them in.
 */
extern const struct initcall *const __start_kmm_initcalls[];
extern const struct initcall *const __stop_kmm_initcalls[];

static const struct initcall *initcalls[MAX_INITCALLS];
static unsigned int nr_initcalls, nr_booted;

static bool initcall_before(const struct initcall *a, const struct initcall *b)
{
	return a->level != b->level ? a->level < b->level : strcmp(a->name, b->name) < 0;
}

static void initcalls_sort(void)
{
	nr_initcalls = 0;
	for (const struct initcall *const *c = __start_kmm_initcalls; c < __stop_kmm_initcalls;
	     c++) {
		unsigned int i = nr_initcalls++;

		kmm_assert(i < MAX_INITCALLS);
		while (i > 0 && initcall_before(*c, initcalls[i - 1])) {
			initcalls[i] = initcalls[i - 1];
			i--;
		}
		initcalls[i] = *c;
	}
}

/* Undo, newest first, every booted step of @level and above. */
static void exitcalls_run(enum initcall_level level)
{
	while (nr_booted > 0 && initcalls[nr_booted - 1]->level >= level) {
		const struct initcall *c = initcalls[--nr_booted];

		if (c->exit)
			c->exit();
	}
}

/* Run every step in order; on a failure, undo the steps that ran and return its errno. */
static int initcalls_run(void)
{
	initcalls_sort();
	for (nr_booted = 0; nr_booted < nr_initcalls; nr_booted++) {
		const struct initcall *c = initcalls[nr_booted];
		int err = c->init ? c->init() : 0;

		if (err) {
			/* A step refusing a setting has said why (settings_reject). */
			if (!settings_rejected())
				fprintf(stderr, "kmm: boot step %s failed: %s\n", c->name,
					strerror(-err));
			exitcalls_run(INITCALL_CORE);
			return err;
		}
	}
	return 0;
}

int kmm_boot(const struct kmm_config *config)
{
	struct kmm_setting_error why;
	struct boot_settings s;
	int err;

	if (kmm_machine.booted)
		return -EBUSY;
	settings_begin();
	err = settings_read(config, &s, &why);
	if (err) {
		settings_explain(&why);
		return err;
	}
	options_load(s.options_from, s.options);
	report_init();
	context_reset();

	err = layout_compute(s.profile, s.mem, s.cpus, &kmm_layout);
	if (err) {
		/* No setting in the documented ranges gets here; say so if one ever does. */
		fprintf(stderr, "kmm: the %s layout cannot hold %llu MiB of RAM and %u CPUs\n",
			s.profile->name, s.mem >> 20, s.cpus);
		return err;
	}
	kmm_machine.ram_fd = -1;
	kmm_machine.ram_bytes = s.mem;
	kmm_machine.dma_limit = s.profile->dma_limit;
	kmm_machine.dma32_limit = s.profile->dma32_limit;
	kmm_machine.dma_addr_bytes = s.profile->dma_addr_bytes;
	kmm_machine.thp_pageblock_order = s.profile->thp_pageblock_order;
	kmm_machine.swiotlb_needed = swiotlb_rule_holds(s.profile);
	kmm_machine.nr_boot_reserved = 0;
	kmm_machine.reserved_pages =
		s.profile->reserve_low ?
			((unsigned long)kmm_opts.reserve_low_mb << 20) >> PAGE_SHIFT :
			0;
	err = reserve_window(s.profile);
	if (!err)
		err = create_ram();
	if (err) {
		release_all();
		return err;
	}
	stats_reset();
	kmm_machine.generation++;
	kmm_machine.booted = true;
	err = initcalls_run();
	if (err) {
		kmm_machine.booted = false;
		release_all();
		memset(&kmm_layout, 0, sizeof(kmm_layout));
	}
	return err;
}

void kmm_shutdown(void)
{
	if (!kmm_machine.booted)
		return;
	/*
	 * From user space down to the kernel's own threads the machine is still up: processes
	 * closing their mappings and drivers' remove() call into it. Below, only teardown.
	 */
	exitcalls_run(INITCALL_FS);
	kmm_machine.booted = false;
	exitcalls_run(INITCALL_CORE);
	release_all();
	kmm_machine.generation++;
	memset(&kmm_layout, 0, sizeof(kmm_layout));
}

void machine_not_booted(const char *fn)
{
	fprintf(stderr, "kmm: %s() called with no machine booted: call kmm_boot() first\n", fn);
	abort();
}

bool kmm_booted(void)
{
	return kmm_machine.booted;
}
