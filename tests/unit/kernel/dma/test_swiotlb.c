/*
 * swiotlb as Linux 6.1 sets it up and uses it.
 *
 * x86_64 with 5 GiB: RAM ends above 4 GiB, so boot reserves the pool top-down below 4 GiB and
 * a 32-bit device gets bounce buffers for memory above 4 GiB, with the copies each direction
 * implies at map, sync and unmap; a full pool refuses mappings ("swiotlb buffer is full").
 * x86_32 with 1 GiB: no pool; an unreachable buffer fails with the WARN_ONCE "DMA addr ...
 * overflow", given once per boot and call path, whichever device. swiotlb=on (iommu=soft):
 * the pool sits at the top of low memory; a 30-bit device bounces high memory through it, a
 * 24-bit device cannot reach it ("swiotlb addr ... overflow"). swiotlb=force bounces every
 * streaming mapping. arm32 sets the pool up when RAM reaches past ZONE_DMA.
 */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/highmem.h>
#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include <kmm/scatterlist.h>
#include <kmm/slab.h>
#include "machine/machine.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static struct device devs[2];

static struct device *add_device(int i, const char *name, unsigned int bits)
{
	struct device *dev = &devs[i];

	memset(dev, 0, sizeof(*dev));
	dev->init_name = name;
	dev->dma_mask = &dev->kmm_dma_mask_storage;
	device_register(dev);
	assert_int_equal(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(bits)), 0);
	return dev;
}

static int boot_with(const char *profile, unsigned long long mem, const char *options)
{
	struct kmm_config cfg = { .profile = profile, .mem_bytes = mem, .options = options };

	return kmm_boot(&cfg);
}

static int shutdown(void **state)
{
	for (int i = 0; i < 2; i++)
		if (devs[i].init_name)
			device_unregister(&devs[i]);
	memset(devs, 0, sizeof(devs));
	return kmm_test_shutdown(state);
}

/* The bytes the device sees at bus address @addr. */
static unsigned char *bus(dma_addr_t addr)
{
	return machine_phys_ptr(addr);
}

static struct kmm_swiotlb_info pool_info(void)
{
	struct kmm_swiotlb_info info;

	kmm_swiotlb_info(&info);
	return info;
}

/* ------------------------------------------------------------------ x86_64, 5 GiB */

static int boot_x86_64_5g(void **state)
{
	int err = boot_with("x86_64", 5 * GiB, "dma_debug=1,swiotlb_slots=256");

	if (!err)
		add_device(0, "pci0", 32);
	return err;
}

static void ram_above_4g_gets_a_pool_top_down_below_4g(void **state)
{
	struct kmm_swiotlb_info info = pool_info();
	char *text = kmm_test_text(kmm_swiotlb_print);

	assert_true(info.active);
	assert_false(info.force);
	assert_int_equal(info.nslabs, 256);
	assert_int_equal(info.end, 4 * GiB);
	assert_int_equal(info.start, 4 * GiB - 256 * IO_TLB_SIZE);
	/* Reserved for good, as memblock leaves it: never in the buddy lists. */
	for (phys_addr_t p = info.start; p < info.end; p += PAGE_SIZE)
		assert_true(PageReserved(pfn_to_page(PHYS_PFN(p))));
	assert_string_equal(text, "PCI-DMA: Using software bounce buffering for IO (SWIOTLB)\n"
				  "software IO TLB: mapped [mem 0x00000000fff80000-"
				  "0x0000000100000000] (0MB)\n");
	free(text);
}

static void to_device_copies_the_buffer_into_the_slot(void **state)
{
	struct device *pci = &devs[0];
	unsigned char *buf = kmalloc(3000, GFP_KERNEL);
	struct kmm_swiotlb_info info;
	dma_addr_t addr;

	assert_true(virt_to_phys(buf) >= 4 * GiB);
	for (int i = 0; i < 3000; i++)
		buf[i] = (unsigned char)i;
	addr = dma_map_single(pci, buf, 3000, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(pci, addr));
	info = pool_info();
	assert_true(addr >= info.start && addr + 3000 <= info.end);
	assert_memory_equal(bus(addr), buf, 3000);
	assert_int_equal(info.used, 2);
	/* sync_for_device refreshes the slot after the CPU changed the buffer. */
	buf[7] = 0xee;
	dma_sync_single_for_device(pci, addr, 3000, DMA_TO_DEVICE);
	assert_int_equal(bus(addr)[7], 0xee);
	/* The device scribbling on a to-device slot never reaches the buffer. */
	bus(addr)[8] = 0x11;
	dma_unmap_single(pci, addr, 3000, DMA_TO_DEVICE);
	assert_int_equal(buf[8], 8);
	assert_int_equal(pool_info().used, 0);
	kfree(buf);
}

static void from_device_copies_back_at_sync_and_unmap(void **state)
{
	struct device *pci = &devs[0];
	unsigned char *buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
	dma_addr_t addr = dma_map_single(pci, buf, PAGE_SIZE, DMA_FROM_DEVICE);

	assert_false(dma_mapping_error(pci, addr));
	assert_int_not_equal(addr, virt_to_phys(buf));
	assert_true(PAGE_ALIGNED(addr));
	memset(bus(addr), 0x5a, 100);
	assert_int_equal(buf[0], 0);
	dma_sync_single_for_cpu(pci, addr, 100, DMA_FROM_DEVICE);
	assert_int_equal(buf[99], 0x5a);
	assert_int_equal(buf[100], 0);
	dma_sync_single_for_device(pci, addr, PAGE_SIZE, DMA_FROM_DEVICE);
	memset(bus(addr) + 100, 0x6b, PAGE_SIZE - 100);
	dma_unmap_single(pci, addr, PAGE_SIZE, DMA_FROM_DEVICE);
	assert_int_equal(buf[99], 0x5a);
	assert_int_equal(buf[100], 0x6b);
	assert_int_equal(buf[PAGE_SIZE - 1], 0x6b);
	kfree(buf);
}

static void bidirectional_copies_both_ways(void **state)
{
	struct device *pci = &devs[0];
	unsigned char *buf = kmalloc(256, GFP_KERNEL);
	dma_addr_t addr;

	memset(buf, 1, 256);
	addr = dma_map_single(pci, buf, 256, DMA_BIDIRECTIONAL);
	assert_false(dma_mapping_error(pci, addr));
	assert_int_equal(bus(addr)[255], 1);
	for (int i = 0; i < 256; i++)
		bus(addr)[i]++;
	dma_unmap_single(pci, addr, 256, DMA_BIDIRECTIONAL);
	for (int i = 0; i < 256; i++)
		assert_int_equal(buf[i], 2);
	kfree(buf);
}

static void reachable_memory_maps_in_place(void **state)
{
	struct device *pci = &devs[0];
	unsigned char *buf = kmalloc(512, GFP_KERNEL | GFP_DMA);
	unsigned long bounced = pool_info().bounced;
	dma_addr_t addr;

	assert_true(virt_to_phys(buf) < 4 * GiB);
	addr = dma_map_single(pci, buf, 512, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(pci, addr));
	assert_int_equal(addr, virt_to_phys(buf));
	dma_unmap_single(pci, addr, 512, DMA_TO_DEVICE);
	assert_int_equal(pool_info().bounced, bounced);
	kfree(buf);
}

static void a_full_pool_refuses_mappings_until_slots_return(void **state)
{
	/* 256 slots of 2 KiB = 512 KiB; a 128 KiB bounce takes 64 slots inside one segment. */
	enum { MAX = 8, SZ = 128 << 10 };
	struct device *pci = &devs[0];
	void *buf[MAX];
	dma_addr_t addr[MAX];
	struct kmm_swiotlb_info info;
	char expect[160];
	int n = 0;

	for (int i = 0; i < MAX; i++) {
		buf[i] = kmalloc(SZ, GFP_KERNEL);
		assert_non_null(buf[i]);
	}
	kmm_report_capture_begin();
	while (n < MAX) {
		addr[n] = dma_map_single(pci, buf[n], SZ, DMA_TO_DEVICE);
		if (dma_mapping_error(pci, addr[n]))
			break;
		n++;
	}
	assert_in_range(n, 3, 4);
	info = pool_info();
	assert_int_equal(info.used, 64 * n);
	assert_int_equal(info.full, 1);
	assert_int_equal(kmm_report_captured("swiotlb_full"), 1);
	snprintf(
		expect, sizeof(expect),
		"pci0: swiotlb buffer is full (sz: 131072 bytes), total 256 (slots), used %lu (slots)",
		info.used);
	assert_int_equal(kmm_report_captured_find(expect), 1);
	/* DMA_ATTR_NO_WARN: the failure is silent. */
	addr[n] = dma_map_single_attrs(pci, buf[n], SZ, DMA_TO_DEVICE, DMA_ATTR_NO_WARN);
	assert_true(dma_mapping_error(pci, addr[n]));
	assert_int_equal(kmm_report_captured("swiotlb_full"), 1);
	/* A returned mapping leaves room for another. */
	dma_unmap_single(pci, addr[0], SZ, DMA_TO_DEVICE);
	addr[0] = dma_map_single(pci, buf[n], SZ, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(pci, addr[0]));
	for (int i = 0; i < n; i++)
		dma_unmap_single(pci, addr[i], SZ, DMA_TO_DEVICE);
	for (int i = 0; i < MAX; i++)
		kfree(buf[i]);
	assert_int_equal(pool_info().used, 0);
	assert_int_equal(kmm_report_capture_end(), 1);
}

static void scatterlists_bounce_each_segment(void **state)
{
	struct device *pci = &devs[0];
	struct scatterlist sg[3], *s;
	unsigned char *bufs[3];
	int i, n;

	sg_init_table(sg, 3);
	for (i = 0; i < 3; i++) {
		bufs[i] = kmalloc(1000, GFP_KERNEL);
		memset(bufs[i], 'a' + i, 1000);
		sg_set_buf(&sg[i], bufs[i], 1000);
	}
	n = dma_map_sg(pci, sg, 3, DMA_BIDIRECTIONAL);
	assert_int_equal(n, 3);
	for_each_sg(sg, s, n, i)
	{
		assert_false(dma_mapping_error(pci, sg_dma_address(s)));
		assert_true(sg_dma_address(s) < 4 * GiB);
		assert_int_equal(sg_dma_len(s), 1000);
		assert_int_equal(bus(sg_dma_address(s))[999], 'a' + i);
		bus(sg_dma_address(s))[0] = 'A' + i;
	}
	dma_sync_sg_for_cpu(pci, sg, 3, DMA_BIDIRECTIONAL);
	assert_int_equal(bufs[2][0], 'C');
	dma_unmap_sg(pci, sg, 3, DMA_BIDIRECTIONAL);
	for (i = 0; i < 3; i++) {
		assert_int_equal(bufs[i][0], 'A' + i);
		kfree(bufs[i]);
	}
}

static void swiotlb_force_at_run_time_bounces_reachable_memory(void **state)
{
	struct device *pci = &devs[0];
	unsigned char *buf = kmalloc(64, GFP_KERNEL | GFP_DMA);
	dma_addr_t addr;

	assert_int_equal(kmm_option_set("swiotlb_force", "1"), 0);
	assert_true(pool_info().force);
	addr = dma_map_single(pci, buf, 64, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(pci, addr));
	assert_int_not_equal(addr, virt_to_phys(buf));
	dma_unmap_single(pci, addr, 64, DMA_TO_DEVICE);
	assert_int_equal(kmm_option_set("swiotlb_force", "0"), 0);
	assert_false(pool_info().force);
	kfree(buf);
}

/* ------------------------------------------------------------------ x86_32, 1 GiB, no pool */

static int boot_x86_32_1g(void **state)
{
	int err = boot_with("x86_32", 1 * GiB, NULL);

	if (!err) {
		add_device(0, "isa0", 24);
		add_device(1, "isa1", 24);
	}
	return err;
}

static void ram_below_4g_gets_no_pool(void **state)
{
	struct kmm_swiotlb_info info = pool_info();
	char *text = kmm_test_text(kmm_swiotlb_print);

	assert_false(info.active);
	assert_false(info.force);
	assert_int_equal(info.nslabs, 0);
	assert_int_equal(info.start, 0);
	assert_int_equal(info.end, 0);
	assert_string_equal(text,
			    "kmm: no swiotlb pool (streaming maps a device cannot reach fail)\n");
	free(text);
}

static void an_unreachable_map_warns_once_per_boot_and_fails(void **state)
{
	struct device *isa0 = &devs[0], *isa1 = &devs[1];
	unsigned char *a = kmalloc(3000, GFP_KERNEL), *b = kmalloc(100, GFP_KERNEL);
	unsigned char *low = kmalloc(100, GFP_KERNEL | GFP_DMA);
	struct scatterlist sg[2];
	char expect[128];
	dma_addr_t addr;

	assert_true(virt_to_phys(a) >= 16 * MiB);
	kmm_report_capture_begin();
	addr = dma_map_single(isa0, a, 3000, DMA_TO_DEVICE);
	assert_true(dma_mapping_error(isa0, addr));
	assert_int_equal(kmm_report_captured("dma_overflow"), 1);
	snprintf(expect, sizeof(expect),
		 "isa0: DMA addr 0x%08llx+3000 overflow (mask ffffff, bus limit 0).\n",
		 (unsigned long long)virt_to_phys(a));
	assert_int_equal(kmm_report_captured_find(expect), 1);
	assert_int_equal(kmm_report_captured_find("------------[ cut here ]------------\n"), 1);
	assert_int_equal(kmm_report_captured_find(" at kernel/dma/direct.h dma_map_page_attrs\n"),
			 1);
	/* WARN_ONCE: later failures are silent, for this device or any other. */
	addr = dma_map_single(isa0, b, 100, DMA_FROM_DEVICE);
	assert_true(dma_mapping_error(isa0, addr));
	addr = dma_map_page(isa1, virt_to_page(a), offset_in_page(a), 64, DMA_TO_DEVICE);
	assert_true(dma_mapping_error(isa1, addr));
	assert_int_equal(kmm_report_captured(NULL), 1);
	/* dma_map_sg has its own copy of the check, and its own once. */
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], low, 100);
	sg_set_buf(&sg[1], b, 100);
	assert_int_equal(dma_map_sg(isa1, sg, 2, DMA_TO_DEVICE), 0);
	assert_int_equal(dma_map_sg(isa0, sg, 2, DMA_TO_DEVICE), 0);
	assert_int_equal(kmm_report_captured("dma_overflow"), 2);
	snprintf(expect, sizeof(expect),
		 "isa1: DMA addr 0x%08llx+100 overflow (mask ffffff, bus limit 0).\n",
		 (unsigned long long)virt_to_phys(b));
	assert_int_equal(kmm_report_captured_find(expect), 1);
	assert_int_equal(kmm_report_captured_find(" at kernel/dma/direct.h dma_direct_map_sg\n"),
			 1);
	/* Memory the device reaches still maps in place, quietly. */
	addr = dma_map_single(isa0, low, 100, DMA_TO_DEVICE);
	assert_int_equal(addr, virt_to_phys(low));
	dma_unmap_single(isa0, addr, 100, DMA_TO_DEVICE);
	assert_int_equal(kmm_report_capture_end(), 2);
	assert_int_equal(pool_info().bounced, 0);
	kfree(a);
	kfree(b);
	kfree(low);
}

static void a_resource_beyond_the_mask_warns_once_and_fails(void **state)
{
	struct device *isa0 = &devs[0], *isa1 = &devs[1];
	const phys_addr_t mmio = 0xfebf0000;
	dma_addr_t addr;

	kmm_report_capture_begin();
	addr = dma_map_resource(isa0, mmio, 0x100, DMA_TO_DEVICE, 0);
	assert_true(dma_mapping_error(isa0, addr));
	addr = dma_map_resource(isa1, mmio, 0x100, DMA_TO_DEVICE, 0);
	assert_true(dma_mapping_error(isa1, addr));
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("isa0: DMA addr 0xfebf0000+256 overflow (mask "
						  "ffffff, bus limit 0).\n"),
			 1);
	assert_int_equal(
		kmm_report_captured_find(" at kernel/dma/direct.c dma_direct_map_resource\n"), 1);
	/* A device that reaches it gets the physical address itself. */
	assert_int_equal(dma_set_mask(isa1, DMA_BIT_MASK(32)), 0);
	addr = dma_map_resource(isa1, mmio, 0x100, DMA_TO_DEVICE, 0);
	assert_int_equal(addr, mmio);
	dma_unmap_resource(isa1, addr, 0x100, DMA_TO_DEVICE, 0);
	assert_int_equal(dma_set_mask(isa1, DMA_BIT_MASK(24)), 0);
}

/* ------------------------------------------------------------------ x86_32, swiotlb=on */

static int boot_x86_32_2g_soft(void **state)
{
	int err = boot_with("x86_32", 2 * GiB, "swiotlb=on");

	if (!err) {
		add_device(0, "dev30", 30);
		add_device(1, "isa0", 24);
	}
	return err;
}

static void iommu_soft_puts_the_pool_at_the_top_of_low_memory(void **state)
{
	struct kmm_swiotlb_info info = pool_info();
	char *text = kmm_test_text(kmm_swiotlb_print);

	assert_true(info.active);
	assert_false(info.force);
	assert_int_equal(info.nslabs, 1024);
	assert_int_equal(info.end, PFN_PHYS(max_low_pfn));
	assert_int_equal(info.end, 896 * MiB);
	assert_int_equal(info.start, 896 * MiB - 2 * MiB);
	assert_true(PageReserved(pfn_to_page(PHYS_PFN(info.start))));
	assert_true(PageReserved(pfn_to_page(PHYS_PFN(info.end) - 1)));
	assert_string_equal(text, "PCI-DMA: Using software bounce buffering for IO (SWIOTLB)\n"
				  "software IO TLB: mapped [mem 0x37e00000-0x38000000] (2MB)\n");
	free(text);
}

static void high_memory_above_the_mask_bounces_through_low_memory(void **state)
{
	struct device *dev30 = &devs[0];
	struct page *pages[512], *page = NULL;
	int n = 0;
	unsigned char *p;
	dma_addr_t addr;

	/* Take highmem pages until one lies above 1 GiB, where a 30-bit device cannot go. */
	while (n < 512) {
		pages[n] = alloc_pages(GFP_HIGHUSER, 0);
		assert_non_null(pages[n]);
		assert_true(PageHighMem(pages[n]));
		if (page_to_phys(pages[n]) >= GiB) {
			page = pages[n];
			break;
		}
		n++;
	}
	assert_non_null(page);
	p = kmap(page);
	memset(p, 0x42, PAGE_SIZE);
	addr = dma_map_page(dev30, page, 0, PAGE_SIZE, DMA_BIDIRECTIONAL);
	assert_false(dma_mapping_error(dev30, addr));
	assert_true(addr >= PFN_PHYS(max_low_pfn) - 2 * MiB && addr < PFN_PHYS(max_low_pfn));
	assert_int_equal(bus(addr)[4095], 0x42);
	bus(addr)[0] = 0x24;
	dma_unmap_page(dev30, addr, PAGE_SIZE, DMA_BIDIRECTIONAL);
	assert_int_equal(p[0], 0x24);
	kunmap(page);
	__free_pages(page, 0);
	while (n--)
		__free_pages(pages[n], 0);
	assert_int_equal(pool_info().bounced, 1);
}

static void a_24_bit_device_cannot_reach_the_pool(void **state)
{
	struct device *isa0 = &devs[1];
	unsigned char *buf = kmalloc(3000, GFP_KERNEL);
	struct kmm_swiotlb_info info;
	unsigned long long slot;
	const char *text, *at;
	dma_addr_t addr;

	kmm_report_capture_begin();
	addr = dma_map_single(isa0, buf, 3000, DMA_TO_DEVICE);
	assert_true(dma_mapping_error(isa0, addr));
	info = pool_info();
	assert_int_equal(info.used, 0);
	assert_int_equal(kmm_report_captured("swiotlb_overflow"), 1);
	/* It names the slot it was given, in the pool, as %pad prints a 32-bit dma_addr_t. */
	text = kmm_report_captured_text(0);
	at = strstr(text, "isa0: swiotlb addr 0x");
	assert_non_null(at);
	assert_int_equal(sscanf(at, "isa0: swiotlb addr 0x%8llx+", &slot), 1);
	assert_true(slot >= info.start && slot + 3000 <= info.end);
	assert_non_null(strstr(at, "+3000 overflow (mask ffffff, bus limit 0).\n"));
	assert_int_equal(kmm_report_captured_find(" at kernel/dma/swiotlb.c swiotlb_map\n"), 1);
	/* Once per boot. */
	addr = dma_map_single(isa0, buf, 100, DMA_FROM_DEVICE);
	assert_true(dma_mapping_error(isa0, addr));
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(pool_info().used, 0);
	kfree(buf);
}

/* ------------------------------------------------------------------ x86_32, swiotlb=force */

static int boot_x86_32_1g_force(void **state)
{
	int err = boot_with("x86_32", 1 * GiB, "swiotlb=force,dma_debug=1");

	if (!err)
		add_device(0, "pci0", 32);
	return err;
}

static void force_bounces_every_streaming_mapping(void **state)
{
	struct device *pci = &devs[0];
	unsigned char *low = kmalloc(64, GFP_KERNEL | GFP_DMA);
	unsigned char *buf = kmalloc(64, GFP_KERNEL);
	char *text = kmm_test_text(kmm_swiotlb_print);
	struct scatterlist sg;
	dma_addr_t a, b;

	assert_true(pool_info().active);
	assert_true(pool_info().force);
	/* x86's pci_iommu_init announces no pool that only swiotlb=force asked for. */
	assert_string_equal(text, "kmm: swiotlb pool at [mem 0x37e00000-0x38000000] (2MB), not in "
				  "the kernel's log (x86 announces it only for RAM above 4 GiB or "
				  "iommu=soft)\n");
	free(text);
	a = dma_map_single(pci, low, 64, DMA_TO_DEVICE);
	b = dma_map_single(pci, buf, 64, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(pci, a));
	assert_false(dma_mapping_error(pci, b));
	assert_int_not_equal(a, virt_to_phys(low));
	assert_int_not_equal(b, virt_to_phys(buf));
	assert_true(a >= pool_info().start && b < pool_info().end);
	sg_init_one(&sg, buf, 64);
	assert_int_equal(dma_map_sg(pci, &sg, 1, DMA_FROM_DEVICE), 1);
	assert_false(dma_mapping_error(pci, sg_dma_address(&sg)));
	assert_int_not_equal(sg_dma_address(&sg), virt_to_phys(buf));
	dma_unmap_sg(pci, &sg, 1, DMA_FROM_DEVICE);
	dma_unmap_single(pci, a, 64, DMA_TO_DEVICE);
	dma_unmap_single(pci, b, 64, DMA_TO_DEVICE);
	assert_int_equal(pool_info().bounced, 3);
	assert_int_equal(pool_info().used, 0);
	/* A resource is another device's memory: never bounced. */
	a = dma_map_resource(pci, 0xfebf0000, 16, DMA_TO_DEVICE, 0);
	assert_false(dma_mapping_error(pci, a));
	assert_int_equal(a, 0xfebf0000);
	dma_unmap_resource(pci, a, 16, DMA_TO_DEVICE, 0);
	assert_int_equal(kmm_dma_debug_entries(NULL), 0);
	assert_int_equal(kmm_dma_debug_errors(), 0);
	kfree(low);
	kfree(buf);
}

/* ------------------------------------------------------------------ the option itself */

static void the_old_swiotlb_force_option_still_forces(void **state)
{
	assert_int_equal(boot_with("x86_32", 256 * MiB, "swiotlb_force=1"), 0);
	assert_true(pool_info().active);
	assert_true(pool_info().force);
	assert_int_equal(kmm_option("swiotlb"), 0); /* auto */
	kmm_shutdown();
	/* off wins over everything, as swiotlb=noforce does. */
	assert_int_equal(boot_with("x86_64", 5 * GiB, "swiotlb=off"), 0);
	assert_false(pool_info().active);
	kmm_shutdown();
	assert_int_equal(boot_with("x86_32", 256 * MiB, "swiotlb=2"), 0);
	assert_true(pool_info().active);
	assert_false(pool_info().force);
	kmm_shutdown();
	assert_int_equal(boot_with("x86_32", 256 * MiB, "swiotlb=soft"), -EINVAL);
	assert_int_equal(boot_with("x86_32", 256 * MiB, "swiotlb=4"), -EINVAL);
}

static void x86_32_with_4g_ending_at_4g_gets_no_pool(void **state)
{
	/* The rule is max_possible_pfn > MAX_DMA32_PFN: RAM ending exactly at 4 GiB is not. */
	assert_int_equal(boot_with("x86_32", 4 * GiB, NULL), 0);
	assert_false(pool_info().active);
	kmm_shutdown();
}

/* ------------------------------------------------------------------ arm32 */

static void arm32_sets_a_pool_up_when_ram_reaches_past_zone_dma(void **state)
{
	struct kmm_swiotlb_info info;
	char *text;

	/* 256 MiB at 0x60000000: max_pfn beyond arm_dma_pfn_limit (16 MiB of ZONE_DMA). */
	assert_int_equal(boot_with("arm32", 256 * MiB, NULL), 0);
	info = pool_info();
	assert_true(info.active);
	assert_int_equal(info.end, 0x60000000ULL + 256 * MiB);
	assert_int_equal(info.start, info.end - 2 * MiB);
	/* mem_init asks for SWIOTLB_VERBOSE; an LPAE phys_addr_t prints 16 digits. */
	text = kmm_test_text(kmm_swiotlb_print);
	assert_string_equal(text, "software IO TLB: mapped [mem 0x000000006fe00000-"
				  "0x0000000070000000] (2MB)\n");
	free(text);
	kmm_shutdown();
	/* 1 GiB: the pool tops low memory (768 MiB), not RAM. */
	assert_int_equal(boot_with("arm32", 1 * GiB, NULL), 0);
	info = pool_info();
	assert_int_equal(info.end, PFN_PHYS(max_low_pfn));
	assert_int_equal(info.end, 0x60000000ULL + 768 * MiB);
	kmm_shutdown();
	/* 8 MiB all fits in ZONE_DMA: no pool. */
	assert_int_equal(boot_with("arm32", 8 * MiB, NULL), 0);
	assert_false(pool_info().active);
	kmm_shutdown();
}

int main(void)
{
	const struct CMUnitTest x86_64[] = {
		cmocka_unit_test(ram_above_4g_gets_a_pool_top_down_below_4g),
		cmocka_unit_test(to_device_copies_the_buffer_into_the_slot),
		cmocka_unit_test(from_device_copies_back_at_sync_and_unmap),
		cmocka_unit_test(bidirectional_copies_both_ways),
		cmocka_unit_test(reachable_memory_maps_in_place),
		cmocka_unit_test(a_full_pool_refuses_mappings_until_slots_return),
		cmocka_unit_test(scatterlists_bounce_each_segment),
		cmocka_unit_test(swiotlb_force_at_run_time_bounces_reachable_memory),
	};
	const struct CMUnitTest x86_32[] = {
		cmocka_unit_test(ram_below_4g_gets_no_pool),
		cmocka_unit_test(an_unreachable_map_warns_once_per_boot_and_fails),
		cmocka_unit_test(a_resource_beyond_the_mask_warns_once_and_fails),
	};
	const struct CMUnitTest soft[] = {
		cmocka_unit_test(iommu_soft_puts_the_pool_at_the_top_of_low_memory),
		cmocka_unit_test(high_memory_above_the_mask_bounces_through_low_memory),
		cmocka_unit_test(a_24_bit_device_cannot_reach_the_pool),
	};
	const struct CMUnitTest force[] = {
		cmocka_unit_test(force_bounces_every_streaming_mapping),
	};
	const struct CMUnitTest boots[] = {
		cmocka_unit_test(the_old_swiotlb_force_option_still_forces),
		cmocka_unit_test(x86_32_with_4g_ending_at_4g_gets_no_pool),
		cmocka_unit_test(arm32_sets_a_pool_up_when_ram_reaches_past_zone_dma),
	};
	int failed = cmocka_run_group_tests_name("swiotlb x86_64 5 GiB", x86_64, boot_x86_64_5g,
						 shutdown);

	failed += cmocka_run_group_tests_name("swiotlb x86_32 1 GiB", x86_32, boot_x86_32_1g,
					      shutdown);
	failed += cmocka_run_group_tests_name("swiotlb x86_32 2 GiB swiotlb=on", soft,
					      boot_x86_32_2g_soft, shutdown);
	failed += cmocka_run_group_tests_name("swiotlb x86_32 1 GiB swiotlb=force", force,
					      boot_x86_32_1g_force, shutdown);
	failed += cmocka_run_group_tests_name("swiotlb boot rules", boots, NULL, NULL);
	return failed;
}
