/*
 * A driver's use of the DMA API, written only against the compat headers: a platform driver
 * whose device reaches 32 bits of bus address on an x86_64 machine with 5 GiB (where Linux
 * sets swiotlb up), a managed coherent descriptor ring, a managed DMA pool of command blocks,
 * managed private data, single and scatter-gather streaming mappings of kmalloc'ed buffers
 * (bounced, since they lie above 4 GiB) with syncs in both directions, and a remove that
 * leaves dma-debug nothing to report.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <linux/types.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/io.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <kmm/kmm.h>
#include <kmm/report.h>

#define RING 16

struct desc {
	u32 addr;
	u32 len;
};

struct pcidma {
	struct desc *ring;
	dma_addr_t ring_dma;
	struct dma_pool *cmds;
	u8 *rx;
	dma_addr_t rx_dma;
};

static int pcidma_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct pcidma *d = devm_kzalloc(dev, sizeof(*d), GFP_KERNEL);

	if (!d)
		return -ENOMEM;
	if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32)))
		return -EIO;
	d->ring = dmam_alloc_coherent(dev, RING * sizeof(*d->ring), &d->ring_dma, GFP_KERNEL);
	d->cmds = dmam_pool_create("pcidma-cmd", dev, 64, 64, 4096);
	d->rx = kmalloc(1500, GFP_KERNEL);
	if (!d->ring || !d->cmds || !d->rx)
		return -ENOMEM;
	d->rx_dma = dma_map_single(dev, d->rx, 1500, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, d->rx_dma)) {
		kfree(d->rx);
		return -ENOMEM;
	}
	d->ring[0].addr = (u32)d->rx_dma;
	d->ring[0].len = 1500;
	platform_set_drvdata(pdev, d);
	return 0;
}

static int pcidma_remove(struct platform_device *pdev)
{
	struct pcidma *d = platform_get_drvdata(pdev);

	dma_unmap_single(&pdev->dev, d->rx_dma, 1500, DMA_FROM_DEVICE);
	kfree(d->rx);
	return 0;
}

static struct platform_driver pcidma_driver = {
	.probe = pcidma_probe,
	.remove = pcidma_remove,
	.driver = { .name = "pcidma" },
};

static struct platform_device pcidma_device = { .name = "pcidma", .id = 0 };

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_64",
				  .mem_bytes = 5ULL << 30,
				  .options = "dma_debug=1" };
	int err = kmm_boot(&cfg);

	if (err)
		return err;
	kmm_report_capture_begin();
	if (platform_driver_register(&pcidma_driver) || platform_device_register(&pcidma_device))
		return -1;
	return pcidma_device.dev.driver ? 0 : -1;
}

static int shutdown(void **state)
{
	platform_device_unregister(&pcidma_device);
	platform_driver_unregister(&pcidma_driver);
	assert_int_equal(kmm_report_capture_end(), 0);
	kmm_shutdown();
	return 0;
}

/* What the device does: write a frame at the bus address of descriptor 0. */
static void device_receives(struct pcidma *d, const char *frame, size_t len)
{
	memcpy(phys_to_virt(d->ring[0].addr), frame, len);
}

static void receive_through_a_bounced_buffer(void **state)
{
	struct pcidma *d = platform_get_drvdata(&pcidma_device);
	struct device *dev = &pcidma_device.dev;

	assert_true(d->ring_dma + RING * sizeof(struct desc) <= (4ULL << 30));
	assert_true(virt_to_phys(d->rx) >= (4ULL << 30));
	assert_true(d->rx_dma < (4ULL << 30));
	device_receives(d, "hello, bus", 11);
	dma_sync_single_for_cpu(dev, d->rx_dma, 1500, DMA_FROM_DEVICE);
	assert_string_equal((char *)d->rx, "hello, bus");
	dma_sync_single_for_device(dev, d->rx_dma, 1500, DMA_FROM_DEVICE);
}

static void command_blocks_from_the_pool(void **state)
{
	struct pcidma *d = platform_get_drvdata(&pcidma_device);
	dma_addr_t h[10];
	void *c[10];

	for (int i = 0; i < 10; i++) {
		c[i] = dma_pool_zalloc(d->cmds, GFP_KERNEL, &h[i]);
		assert_non_null(c[i]);
		assert_true(h[i] < (4ULL << 30));
		assert_int_equal(h[i] % 64, 0);
	}
	for (int i = 0; i < 10; i++)
		dma_pool_free(d->cmds, c[i], h[i]);
}

static void transmit_a_scatterlist(void **state)
{
	struct device *dev = &pcidma_device.dev;
	struct scatterlist sg[3], *s;
	char *parts[3];
	int i, n;

	sg_init_table(sg, 3);
	for (i = 0; i < 3; i++) {
		parts[i] = kmalloc(100, GFP_KERNEL);
		memset(parts[i], 'x' + i, 100);
		sg_set_buf(&sg[i], parts[i], 100);
	}
	n = dma_map_sg(dev, sg, 3, DMA_TO_DEVICE);
	assert_int_equal(n, 3);
	for_each_sg(sg, s, n, i)
	{
		assert_false(dma_mapping_error(dev, sg_dma_address(s)));
		assert_true(virt_to_phys(parts[i]) >= (4ULL << 30));
		assert_true(sg_dma_address(s) < (4ULL << 30));
		assert_int_equal(((char *)phys_to_virt(sg_dma_address(s)))[50], 'x' + i);
	}
	dma_unmap_sg(dev, sg, 3, DMA_TO_DEVICE);
	for (i = 0; i < 3; i++)
		kfree(parts[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(receive_through_a_bounced_buffer),
		cmocka_unit_test(command_blocks_from_the_pool),
		cmocka_unit_test(transmit_a_scatterlist),
	};

	return cmocka_run_group_tests(tests, boot, shutdown);
}
