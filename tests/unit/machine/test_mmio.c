/*
 * Register blocks: a simulated device's on_read/on_write callbacks see every access with its
 * offset and width, through readb..readq/writeb..writeq, ioread32/iowrite32, the relaxed
 * forms and the string operations; blocks are claimed on the physical map and refuse overlaps;
 * request_mem_region nests inside them and refuses a second claim.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/devmem.h>
#include <kmm/io.h>
#include <kmm/kmm.h>
#include <kmm/proc.h>
#include <kmm/report.h>

#define REGS 0xfe100000ULL

struct fake_dev {
	u32 regs[64];
	unsigned long last_offset;
	unsigned int last_width;
	unsigned int reads, writes;
};

static u64 fake_read(void *priv, unsigned long offset, unsigned int width)
{
	struct fake_dev *d = priv;
	u64 v = 0;

	d->reads++;
	d->last_offset = offset;
	d->last_width = width;
	memcpy(&v, (char *)d->regs + offset, width);
	return v;
}

static void fake_write(void *priv, unsigned long offset, unsigned int width, u64 value)
{
	struct fake_dev *d = priv;

	d->writes++;
	d->last_offset = offset;
	d->last_width = width;
	memcpy((char *)d->regs + offset, &value, width);
}

static const struct kmm_mmio_ops fake_ops = { .on_read = fake_read, .on_write = fake_write };

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 128ULL << 20 };

	return kmm_boot(&cfg);
}

static char *iomem_text(void)
{
	return kmm_test_text(kmm_proc_iomem);
}

static void accesses_reach_the_callbacks_with_offset_and_width(void **state)
{
	struct fake_dev d = { 0 };
	struct kmm_mmio *m = kmm_mmio_create("fake-regs", REGS, 256, &fake_ops, &d);
	void __iomem *base;

	assert_non_null(m);
	assert_int_equal(kmm_mmio_phys(m), REGS);
	base = ioremap(REGS, 256);
	assert_non_null(base);
	writel(0xdeadbeef, (char __iomem *)base + 0x10);
	assert_int_equal(d.last_offset, 0x10);
	assert_int_equal(d.last_width, 4);
	assert_int_equal(d.regs[4], 0xdeadbeef);
	assert_int_equal(readl((char __iomem *)base + 0x10), 0xdeadbeef);
	assert_int_equal(readb((char __iomem *)base + 0x10), 0xef);
	assert_int_equal(d.last_width, 1);
	assert_int_equal(readw((char __iomem *)base + 0x12), 0xdead);
	writeq(0x1122334455667788ULL, (char __iomem *)base + 0x20);
	assert_int_equal(d.last_width, 8);
	assert_int_equal(readq((char __iomem *)base + 0x20), 0x1122334455667788ULL);
	writeb(0x7f, (char __iomem *)base + 3);
	writew(0x1234, (char __iomem *)base + 6);
	assert_int_equal(d.regs[0], 0x7f000000);
	assert_int_equal(d.regs[1], 0x12340000);
	iowrite32(5, (char __iomem *)base + 0x40);
	assert_int_equal(ioread32((char __iomem *)base + 0x40), 5);
	writel_relaxed(6, (char __iomem *)base + 0x44);
	assert_int_equal(readl_relaxed((char __iomem *)base + 0x44), 6);
	iounmap(base);
	kmm_mmio_destroy(m);
}

static void string_operations_go_byte_by_byte(void **state)
{
	struct fake_dev d = { 0 };
	struct kmm_mmio *m = kmm_mmio_create("fake-regs", REGS, 256, &fake_ops, &d);
	char __iomem *base = ioremap(REGS + 0x80, 0x80);
	char out[16];

	/* A mapping that starts inside the block sees offsets from the block's start. */
	memcpy_toio(base, "register file!", 15);
	assert_int_equal(d.writes, 15);
	assert_int_equal(d.last_offset, 0x80 + 14);
	assert_memory_equal((char *)d.regs + 0x80, "register file!", 15);
	memcpy_fromio(out, base, 15);
	assert_string_equal(out, "register file!");
	memset_io(base + 16, 0xab, 8);
	assert_int_equal(d.regs[(0x80 + 16) / 4], 0xabababab);
	iounmap(base);
	kmm_mmio_destroy(m);
}

static void blocks_are_on_the_physical_map_and_refuse_overlaps(void **state)
{
	struct fake_dev d = { 0 };
	struct kmm_mmio *m = kmm_mmio_create("fake-regs", REGS, 0x1000, &fake_ops, &d);
	struct resource *busy;
	char *text;

	assert_null(kmm_mmio_create("other", REGS + 0x800, 0x1000, &fake_ops, &d));
	assert_null(kmm_mmio_create("in-ram", 0x100000, 0x1000, &fake_ops, &d));
	busy = request_mem_region(REGS, 0x100, "fakedrv");
	assert_non_null(busy);
	assert_null(request_mem_region(REGS + 0x80, 0x10, "second"));
	text = iomem_text();
	assert_non_null(
		strstr(text, "fe100000-fe100fff : fake-regs\n  fe100000-fe1000ff : fakedrv\n"));
	free(text);
	release_mem_region(REGS, 0x100);
	assert_non_null(busy = request_mem_region(REGS + 0x80, 0x10, "second"));
	release_mem_region(REGS + 0x80, 0x10);
	kmm_report_capture_begin();
	release_mem_region(REGS + 0x80, 0x10);
	assert_int_equal(
		kmm_report_captured_find(
			"Trying to free nonexistent resource <0x00000000fe100080-0x00000000fe10008f>"),
		1);
	kmm_report_capture_end();
	kmm_mmio_destroy(m);
	text = iomem_text();
	assert_null(strstr(text, "fake-regs"));
	free(text);
}

static void a_block_without_read_callback_reads_zero(void **state)
{
	static const struct kmm_mmio_ops write_only = { .on_write = fake_write };
	struct fake_dev d = { 0 };
	struct kmm_mmio *m = kmm_mmio_create("wo", REGS, 64, &write_only, &d);
	void __iomem *base = ioremap(REGS, 64);

	writel(1, base);
	assert_int_equal(readl(base), 0);
	iounmap(base);
	kmm_mmio_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accesses_reach_the_callbacks_with_offset_and_width),
		cmocka_unit_test(string_operations_go_byte_by_byte),
		cmocka_unit_test(blocks_are_on_the_physical_map_and_refuse_overlaps),
		cmocka_unit_test(a_block_without_read_callback_reads_zero),
	};

	return cmocka_run_group_tests(tests, boot, kmm_test_shutdown);
}
