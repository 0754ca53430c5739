/*
 * swiotlb: a device with a 24-bit mask on the 1 GiB x86_32 machine gets bounce buffers for
 * memory above 16 MiB (low and high memory alike), with the copies each direction implies at
 * map, sync and unmap; the pool refuses mappings when full ("swiotlb buffer is full") and
 * takes them again once slots come back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/highmem.h>
#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/report.h>
#include <kmm/scatterlist.h>
#include <kmm/slab.h>
#include "internal/machine.h"

static struct device isa;

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32",
				  .mem_bytes = 1ULL << 30,
				  .options = "dma_debug=1,swiotlb_slots=256" };
	int err = kmm_boot(&cfg);

	if (err)
		return err;
	memset(&isa, 0, sizeof(isa));
	isa.init_name = "isa0";
	isa.dma_mask = &isa.kmm_dma_mask_storage;
	device_register(&isa);
	return dma_set_mask_and_coherent(&isa, DMA_BIT_MASK(24));
}

static int shutdown(void **state)
{
	device_unregister(&isa);
	kmm_shutdown();
	return 0;
}

/* The bytes the device sees at bus address @addr. */
static unsigned char *bus(dma_addr_t addr)
{
	return machine_phys_ptr(addr);
}

static void to_device_copies_the_buffer_into_the_slot(void **state)
{
	unsigned char *buf = kmalloc(3000, GFP_KERNEL);
	struct kmm_swiotlb_info info;
	dma_addr_t addr;

	assert_true(virt_to_phys(buf) >= (16ULL << 20));
	for (int i = 0; i < 3000; i++)
		buf[i] = (unsigned char)i;
	addr = dma_map_single(&isa, buf, 3000, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(&isa, addr));
	assert_true(addr + 3000 <= (16ULL << 20));
	assert_memory_equal(bus(addr), buf, 3000);
	kmm_swiotlb_info(&info);
	assert_int_equal(info.nslabs, 256);
	assert_int_equal(info.used, 2);
	/* sync_for_device refreshes the slot after the CPU changed the buffer. */
	buf[7] = 0xee;
	dma_sync_single_for_device(&isa, addr, 3000, DMA_TO_DEVICE);
	assert_int_equal(bus(addr)[7], 0xee);
	/* The device scribbling on a to-device slot never reaches the buffer. */
	bus(addr)[8] = 0x11;
	dma_unmap_single(&isa, addr, 3000, DMA_TO_DEVICE);
	assert_int_equal(buf[8], 8);
	kmm_swiotlb_info(&info);
	assert_int_equal(info.used, 0);
	kfree(buf);
}

static void from_device_copies_back_at_sync_and_unmap(void **state)
{
	unsigned char *buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
	dma_addr_t addr = dma_map_single(&isa, buf, PAGE_SIZE, DMA_FROM_DEVICE);

	assert_false(dma_mapping_error(&isa, addr));
	assert_int_not_equal(addr, virt_to_phys(buf));
	assert_true(PAGE_ALIGNED(addr));
	memset(bus(addr), 0x5a, 100);
	assert_int_equal(buf[0], 0);
	dma_sync_single_for_cpu(&isa, addr, 100, DMA_FROM_DEVICE);
	assert_int_equal(buf[99], 0x5a);
	assert_int_equal(buf[100], 0);
	dma_sync_single_for_device(&isa, addr, PAGE_SIZE, DMA_FROM_DEVICE);
	memset(bus(addr) + 100, 0x6b, PAGE_SIZE - 100);
	dma_unmap_single(&isa, addr, PAGE_SIZE, DMA_FROM_DEVICE);
	assert_int_equal(buf[99], 0x5a);
	assert_int_equal(buf[100], 0x6b);
	assert_int_equal(buf[PAGE_SIZE - 1], 0x6b);
	kfree(buf);
}

static void bidirectional_copies_both_ways(void **state)
{
	unsigned char *buf = kmalloc(256, GFP_KERNEL);
	dma_addr_t addr;

	memset(buf, 1, 256);
	addr = dma_map_single(&isa, buf, 256, DMA_BIDIRECTIONAL);
	assert_false(dma_mapping_error(&isa, addr));
	assert_int_equal(bus(addr)[255], 1);
	for (int i = 0; i < 256; i++)
		bus(addr)[i]++;
	dma_unmap_single(&isa, addr, 256, DMA_BIDIRECTIONAL);
	for (int i = 0; i < 256; i++)
		assert_int_equal(buf[i], 2);
	kfree(buf);
}

static void high_memory_pages_are_bounced_too(void **state)
{
	struct page *page = alloc_pages(GFP_HIGHUSER, 0);
	unsigned char *p;
	dma_addr_t addr;

	assert_non_null(page);
	assert_true(PageHighMem(page));
	p = kmap(page);
	memset(p, 0x42, PAGE_SIZE);
	addr = dma_map_page(&isa, page, 0, PAGE_SIZE, DMA_BIDIRECTIONAL);
	assert_false(dma_mapping_error(&isa, addr));
	assert_true(addr < (16ULL << 20));
	assert_int_equal(bus(addr)[4095], 0x42);
	bus(addr)[0] = 0x24;
	dma_unmap_page(&isa, addr, PAGE_SIZE, DMA_BIDIRECTIONAL);
	assert_int_equal(p[0], 0x24);
	kunmap(page);
	__free_pages(page, 0);
}

static void a_full_pool_refuses_mappings_until_slots_return(void **state)
{
	/* 256 slots of 2 KiB = 512 KiB; a 128 KiB bounce takes 64 slots inside one segment. */
	enum { MAX = 8, SZ = 128 << 10 };
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
		addr[n] = dma_map_single(&isa, buf[n], SZ, DMA_TO_DEVICE);
		if (dma_mapping_error(&isa, addr[n]))
			break;
		n++;
	}
	assert_in_range(n, 3, 4);
	kmm_swiotlb_info(&info);
	assert_int_equal(info.used, 64 * n);
	assert_int_equal(info.full, 1);
	assert_int_equal(kmm_report_captured("swiotlb_full"), 1);
	snprintf(
		expect, sizeof(expect),
		"isa0: swiotlb buffer is full (sz: 131072 bytes), total 256 (slots), used %lu (slots)",
		info.used);
	assert_int_equal(kmm_report_captured_find(expect), 1);
	/* DMA_ATTR_NO_WARN: the failure is silent. */
	addr[n] = dma_map_single_attrs(&isa, buf[n], SZ, DMA_TO_DEVICE, DMA_ATTR_NO_WARN);
	assert_true(dma_mapping_error(&isa, addr[n]));
	assert_int_equal(kmm_report_captured("swiotlb_full"), 1);
	/* A returned mapping leaves room for another. */
	dma_unmap_single(&isa, addr[0], SZ, DMA_TO_DEVICE);
	addr[0] = dma_map_single(&isa, buf[n], SZ, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(&isa, addr[0]));
	for (int i = 0; i < n; i++)
		dma_unmap_single(&isa, addr[i], SZ, DMA_TO_DEVICE);
	for (int i = 0; i < MAX; i++)
		kfree(buf[i]);
	kmm_swiotlb_info(&info);
	assert_int_equal(info.used, 0);
	assert_int_equal(kmm_report_capture_end(), 1);
}

static void scatterlists_bounce_each_segment(void **state)
{
	struct scatterlist sg[3], *s;
	unsigned char *bufs[3];
	int i, n;

	sg_init_table(sg, 3);
	for (i = 0; i < 3; i++) {
		bufs[i] = kmalloc(1000, GFP_KERNEL);
		memset(bufs[i], 'a' + i, 1000);
		sg_set_buf(&sg[i], bufs[i], 1000);
	}
	n = dma_map_sg(&isa, sg, 3, DMA_BIDIRECTIONAL);
	assert_int_equal(n, 3);
	for_each_sg(sg, s, n, i)
	{
		assert_true(sg_dma_address(s) < (16ULL << 20));
		assert_int_equal(sg_dma_len(s), 1000);
		assert_int_equal(bus(sg_dma_address(s))[999], 'a' + i);
		bus(sg_dma_address(s))[0] = 'A' + i;
	}
	dma_sync_sg_for_cpu(&isa, sg, 3, DMA_BIDIRECTIONAL);
	assert_int_equal(bufs[2][0], 'C');
	dma_unmap_sg(&isa, sg, 3, DMA_BIDIRECTIONAL);
	for (i = 0; i < 3; i++) {
		assert_int_equal(bufs[i][0], 'A' + i);
		kfree(bufs[i]);
	}
}

static void swiotlb_force_bounces_reachable_memory(void **state)
{
	unsigned char *buf = kmalloc(64, GFP_KERNEL | GFP_DMA);
	dma_addr_t addr;

	assert_true(virt_to_phys(buf) < (16ULL << 20));
	addr = dma_map_single(&isa, buf, 64, DMA_TO_DEVICE);
	assert_int_equal(addr, virt_to_phys(buf));
	dma_unmap_single(&isa, addr, 64, DMA_TO_DEVICE);
	assert_int_equal(kmm_option_set("swiotlb_force", "1"), 0);
	addr = dma_map_single(&isa, buf, 64, DMA_TO_DEVICE);
	assert_false(dma_mapping_error(&isa, addr));
	assert_int_not_equal(addr, virt_to_phys(buf));
	dma_unmap_single(&isa, addr, 64, DMA_TO_DEVICE);
	assert_int_equal(kmm_option_set("swiotlb_force", "0"), 0);
	kfree(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(to_device_copies_the_buffer_into_the_slot),
		cmocka_unit_test(from_device_copies_back_at_sync_and_unmap),
		cmocka_unit_test(bidirectional_copies_both_ways),
		cmocka_unit_test(high_memory_pages_are_bounced_too),
		cmocka_unit_test(a_full_pool_refuses_mappings_until_slots_return),
		cmocka_unit_test(scatterlists_bounce_each_segment),
		cmocka_unit_test(swiotlb_force_bounces_reachable_memory),
	};

	return cmocka_run_group_tests(tests, boot, shutdown);
}
