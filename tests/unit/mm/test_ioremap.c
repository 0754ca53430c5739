/*
 * ioremap: cookies in the vmalloc area listed as "ioremap" in /proc/vmallocinfo, device memory
 * reached through the accessors with the same bytes the device sees, unaligned starts, RAM
 * refused with the kernel's warning, accesses past the end of a mapping or after iounmap()
 * reported and read as all ones, and the managed variants a platform driver uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kmm/devmem.h>
#include <kmm/device.h>
#include <kmm/err.h>
#include <kmm/io.h>
#include <kmm/kmm.h>
#include <kmm/proc.h>
#include <kmm/report.h>
#include <kmm/vmalloc.h>

#define VRAM 0xe0000000ULL
#define VRAM_SIZE (1UL << 20)

static struct kmm_devmem *vram;

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 128ULL << 20 };
	int err = kmm_boot(&cfg);

	if (err)
		return err;
	vram = kmm_devmem_create("vram", VRAM, VRAM_SIZE);
	return vram ? 0 : -1;
}

static int shutdown(void **state)
{
	kmm_devmem_destroy(vram);
	kmm_shutdown();
	return 0;
}

static char *vmallocinfo(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	kmm_proc_vmallocinfo(f);
	fclose(f);
	return buf;
}

static void device_memory_is_mapped_in_the_vmalloc_area(void **state)
{
	unsigned char *dev_view = kmm_devmem_ptr(vram);
	void __iomem *fb = ioremap_wc(VRAM, VRAM_SIZE);
	unsigned long a = (unsigned long)fb;
	char *info, needle[64];

	assert_non_null(fb);
	assert_true(a >= VMALLOC_START && a < VMALLOC_END);
	assert_true(is_vmalloc_addr((void *)fb));
	writel(0xcafef00d, (char __iomem *)fb + 0x1000);
	assert_int_equal(*(u32 *)(dev_view + 0x1000), 0xcafef00d);
	dev_view[0x2000] = 0x99;
	assert_int_equal(readb((char __iomem *)fb + 0x2000), 0x99);
	memset_io((char __iomem *)fb + 100, 0x11, 50);
	assert_int_equal(dev_view[149], 0x11);
	memcpy_toio(fb, "pixels", 7);
	assert_string_equal((char *)dev_view, "pixels");
	{
		char back[7];

		memcpy_fromio(back, fb, 7);
		assert_string_equal(back, "pixels");
	}
	info = vmallocinfo();
	snprintf(needle, sizeof(needle), "%llx ioremap", VRAM);
	assert_non_null(strstr(info, needle));
	free(info);
	iounmap(fb);
	info = vmallocinfo();
	assert_null(strstr(info, needle));
	free(info);
}

static void an_unaligned_start_keeps_its_offset(void **state)
{
	char __iomem *p = ioremap(VRAM + 0x1234, 16);
	unsigned char *dev_view = kmm_devmem_ptr(vram);

	assert_non_null(p);
	assert_int_equal((unsigned long)p & ~PAGE_MASK, 0x234);
	writew(0xbeef, p + 2);
	assert_int_equal(*(u16 *)(dev_view + 0x1236), 0xbeef);
	iounmap(p);
}

static void ram_is_refused(void **state)
{
	kmm_report_capture_begin();
	assert_null(ioremap(0x200000, PAGE_SIZE));
	assert_null(ioremap_cache(0x7fff000, 0x2000));
	assert_int_equal(kmm_report_captured("ioremap_ram"), 2);
	assert_int_equal(kmm_report_captured_find(
				 "ioremap on RAM at 0x0000000000200000 - 0x0000000000200fff"),
			 1);
	assert_int_equal(kmm_report_capture_end(), 2);
}

static void accesses_outside_a_mapping_are_reported(void **state)
{
	char __iomem *p = ioremap(VRAM, 64);
	char __iomem *stale;

	kmm_report_capture_begin();
	assert_int_equal(readl(p + 60), 0);
	assert_int_equal(readl(p + 62), 0xffffffff);
	assert_int_equal(kmm_report_captured_find("runs past the end of its ioremap() mapping"), 1);
	writel(1, p + 64);
	assert_int_equal(kmm_report_captured("ioremap_bad_access"), 2);
	stale = p;
	iounmap(p);
	assert_int_equal(readb(stale), 0xff);
	assert_int_equal(kmm_report_captured_find("the mapping was removed by iounmap()"), 1);
	assert_int_equal(readq((void __iomem *)0x1000), ~0ULL);
	assert_int_equal(kmm_report_captured_find("not an ioremap()ed address"), 1);
	iounmap((void __iomem *)0x5000);
	assert_int_equal(kmm_report_captured_find("iounmap: bad address"), 1);
	assert_int_equal(kmm_report_capture_end(), 5);
}

static void nothing_at_the_address_reads_all_ones(void **state)
{
	void __iomem *p = ioremap(0xf0000000ULL, 4096);

	assert_non_null(p);
	writel(0, p);
	assert_int_equal(readl(p), 0xffffffff);
	assert_int_equal(readw(p), 0xffff);
	iounmap(p);
	/* Straddling the end of device memory is refused. */
	assert_null(ioremap(VRAM + VRAM_SIZE - 4096, 8192));
}

static void __iomem *probed_regs;

static int mapper_probe(struct platform_device *pdev)
{
	void __iomem *second;

	probed_regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(probed_regs))
		return (int)PTR_ERR(probed_regs);
	/* The region is now claimed: a second claim fails. */
	second = devm_ioremap_resource(&pdev->dev, platform_get_resource(pdev, IORESOURCE_MEM, 0));
	if (PTR_ERR(second) != -EBUSY)
		return -EINVAL;
	if (PTR_ERR(devm_ioremap_resource(&pdev->dev, NULL)) != -EINVAL)
		return -EINVAL;
	return 0;
}

static struct platform_driver mapper = { .probe = mapper_probe, .driver = { .name = "mapper" } };

static void managed_mappings_go_with_the_driver(void **state)
{
	struct resource res[] = {
		{ .start = VRAM, .end = VRAM + 0xffff, .flags = IORESOURCE_MEM },
	};
	struct platform_device pdev = {
		.name = "mapper", .id = 0, .resource = res, .num_resources = 1
	};
	char *info;

	assert_int_equal(platform_driver_register(&mapper), 0);
	assert_int_equal(platform_device_register(&pdev), 0);
	assert_non_null(pdev.dev.driver);
	assert_false(IS_ERR_OR_NULL(probed_regs));
	writel(42, probed_regs);
	assert_int_equal(*(u32 *)kmm_devmem_ptr(vram), 42);
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		kmm_proc_iomem(f);
		fclose(f);
		assert_non_null(strstr(buf, "e0000000-e00fffff : vram\n"
					    "  e0000000-e000ffff : mapper.0\n"
					    "    e0000000-e000ffff : mapper.0 mapper.0\n"));
		free(buf);
	}
	platform_driver_unregister(&mapper);
	info = vmallocinfo();
	assert_null(strstr(info, "ioremap"));
	free(info);
	/* Released: the region can be claimed again. */
	assert_non_null(request_mem_region(VRAM, 0x10000, "again"));
	release_mem_region(VRAM, 0x10000);
	platform_device_unregister(&pdev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_memory_is_mapped_in_the_vmalloc_area),
		cmocka_unit_test(an_unaligned_start_keeps_its_offset),
		cmocka_unit_test(ram_is_refused),
		cmocka_unit_test(accesses_outside_a_mapping_are_reported),
		cmocka_unit_test(nothing_at_the_address_reads_all_ones),
		cmocka_unit_test(managed_mappings_go_with_the_driver),
	};

	return cmocka_run_group_tests(tests, boot, shutdown);
}
