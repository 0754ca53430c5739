/*
 * The device model: platform devices and drivers bound by name whichever registers first,
 * probe and remove, managed resources released newest first after remove and after a failed
 * probe, memory resources claimed on the physical map (overlaps refused), resource and IRQ
 * lookup, names and default DMA masks.
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
#include <kmm/kmm.h>
#include <kmm/proc.h>
#include <kmm/report.h>
#include <kmm/slab.h>

static int probes, removes, probe_result;
static char order[16];
static int norder;

static void note(void *data)
{
	order[norder++] = *(const char *)data;
}

static int fake_probe(struct platform_device *pdev)
{
	char *p = devm_kzalloc(&pdev->dev, 100, GFP_KERNEL);

	probes++;
	if (!p)
		return -ENOMEM;
	devm_add_action(&pdev->dev, note, "a");
	devm_add_action(&pdev->dev, note, "b");
	platform_set_drvdata(pdev, p);
	return probe_result;
}

static int fake_remove(struct platform_device *pdev)
{
	removes++;
	note("r");
	return 0;
}

static struct platform_driver fake_driver = {
	.probe = fake_probe,
	.remove = fake_remove,
	.driver = { .name = "fake" },
};

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 256ULL << 20 };

	probes = removes = probe_result = norder = 0;
	memset(order, 0, sizeof(order));
	return kmm_boot(&cfg);
}

static char *iomem_text(void)
{
	return kmm_test_text(kmm_proc_iomem);
}

static void a_driver_registered_first_probes_a_later_device(void **state)
{
	struct platform_device pdev = { .name = "fake", .id = 3 };

	assert_int_equal(platform_driver_register(&fake_driver), 0);
	assert_int_equal(probes, 0);
	assert_int_equal(platform_device_register(&pdev), 0);
	assert_int_equal(probes, 1);
	assert_string_equal(dev_name(&pdev.dev), "fake.3");
	assert_string_equal(dev_driver_string(&pdev.dev), "fake");
	assert_non_null(platform_get_drvdata(&pdev));
	platform_device_unregister(&pdev);
	assert_int_equal(removes, 1);
	/* remove() first, then managed actions newest first. */
	assert_string_equal(order, "rba");
	assert_string_equal(dev_driver_string(&pdev.dev), "platform");
	assert_null(platform_get_drvdata(&pdev));
	platform_driver_unregister(&fake_driver);
}

static void a_device_registered_first_is_probed_by_a_later_driver(void **state)
{
	struct platform_device pdev = { .name = "fake", .id = PLATFORM_DEVID_NONE };

	assert_int_equal(platform_device_register(&pdev), 0);
	assert_string_equal(dev_name(&pdev.dev), "fake");
	assert_int_equal(probes, 0);
	assert_int_equal(platform_driver_register(&fake_driver), 0);
	assert_int_equal(probes, 1);
	assert_int_equal(platform_driver_register(&fake_driver), -EBUSY);
	platform_driver_unregister(&fake_driver);
	assert_int_equal(removes, 1);
	assert_null(pdev.dev.driver);
	platform_device_unregister(&pdev);
	assert_int_equal(removes, 1);
}

static void a_failed_probe_releases_what_it_managed(void **state)
{
	struct platform_device pdev = { .name = "fake", .id = 0 };

	probe_result = -EIO;
	assert_int_equal(platform_driver_register(&fake_driver), 0);
	assert_int_equal(platform_device_register(&pdev), 0);
	assert_int_equal(probes, 1);
	assert_string_equal(order, "ba");
	assert_null(pdev.dev.driver);
	/* The driver core forgets the drvdata of a failed probe, as after remove(). */
	assert_null(platform_get_drvdata(&pdev));
	platform_device_unregister(&pdev);
	assert_int_equal(removes, 0);
	platform_driver_unregister(&fake_driver);
}

static void devm_kfree_releases_early_and_only_once(void **state)
{
	struct device dev = { .init_name = "plain" };
	void *a, *b;

	device_register(&dev);
	a = devm_kmalloc(&dev, 64, GFP_KERNEL);
	b = devm_kcalloc(&dev, 4, 16, GFP_KERNEL);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(((char *)b)[63], 0);
	devm_kfree(&dev, a);
	assert_int_equal(devres_release_all(&dev), 1);
	assert_int_equal(devres_release_all(&dev), 0);
	device_unregister(&dev);
}

static void memory_resources_are_claimed_and_overlaps_refused(void **state)
{
	struct resource res[] = {
		{ .start = 0xfe000000, .end = 0xfe000fff, .flags = IORESOURCE_MEM },
		{ .start = 9, .end = 9, .flags = IORESOURCE_IRQ },
	};
	struct resource clash[] = {
		{ .start = 0xfe000800, .end = 0xfe0017ff, .flags = IORESOURCE_MEM },
	};
	struct platform_device a = { .name = "regs", .id = 0, .resource = res, .num_resources = 2 };
	struct platform_device b = {
		.name = "regs", .id = 1, .resource = clash, .num_resources = 1
	};
	char *iomem;

	assert_int_equal(platform_device_register(&a), 0);
	iomem = iomem_text();
	assert_non_null(strstr(iomem, "fe000000-fe000fff : regs.0\n"));
	free(iomem);
	assert_int_equal(platform_device_register(&b), -EBUSY);
	assert_ptr_equal(platform_get_resource(&a, IORESOURCE_MEM, 0), &res[0]);
	assert_null(platform_get_resource(&a, IORESOURCE_MEM, 1));
	assert_int_equal(platform_get_irq(&a, 0), 9);
	assert_int_equal(platform_get_irq(&a, 1), -ENXIO);
	platform_device_unregister(&a);
	iomem = iomem_text();
	assert_null(strstr(iomem, "regs.0"));
	free(iomem);
	assert_int_equal(platform_device_register(&b), 0);
	platform_device_unregister(&b);
}

static void platform_devices_default_to_32_bit_dma(void **state)
{
	struct platform_device *pdev = platform_device_register_simple("simple", 2, NULL, 0);

	assert_non_null(pdev);
	assert_string_equal(dev_name(&pdev->dev), "simple.2");
	assert_int_equal(dma_get_mask(&pdev->dev), DMA_BIT_MASK(32));
	assert_int_equal(pdev->dev.coherent_dma_mask, DMA_BIT_MASK(32));
	platform_device_unregister(pdev);
}

static void shutdown_removes_bound_drivers(void **state)
{
	static struct platform_device pdev = { .name = "fake", .id = 7 };

	assert_int_equal(platform_driver_register(&fake_driver), 0);
	assert_int_equal(platform_device_register(&pdev), 0);
	assert_int_equal(probes, 1);
	kmm_shutdown();
	assert_int_equal(removes, 1);
	assert_int_equal(boot(state), 0);
	/* The bus is empty after a reboot: the driver can register again. */
	assert_int_equal(platform_driver_register(&fake_driver), 0);
	platform_driver_unregister(&fake_driver);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_driver_registered_first_probes_a_later_device,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(
			a_device_registered_first_is_probed_by_a_later_driver, boot,
			kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(a_failed_probe_releases_what_it_managed, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(devm_kfree_releases_early_and_only_once, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(memory_resources_are_claimed_and_overlaps_refused,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(platform_devices_default_to_32_bit_dma, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(shutdown_removes_bound_drivers, boot,
						kmm_test_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
