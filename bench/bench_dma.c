/*
 * bench_dma.c - cost of the DMA and MMIO paths a driver runs per packet or per register.
 *
 * Rows: dma_map_single + dma_unmap_single of 64 B .. 64 KiB, direct (a 32-bit device, the
 * buffer in reach) and bounced (the same device with swiotlb_force set, on a machine booted
 * with swiotlb=on: swiotlb copies the buffer into a slot at map time); the same 64 B pair with dma_debug on; dma_pool_alloc + dma_pool_free against
 * a kmem_cache_alloc + kmem_cache_free pair of the same size; and one readl / writel on a
 * register block (a device callback) and on device memory. A figure is the median of RUNS
 * runs of about RUN_NS each, in ns per operation (one op = the pair, or one access).
 * Benchmarks print numbers; they never assert times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kmm/devmem.h>
#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/dmapool.h>
#include <kmm/io.h>
#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/slab.h>

#define RUNS 5
#define RUN_NS 40000000.0 /* ~40 ms per run */
#define REGS_PHYS 0xfe300000ULL
#define VRAM_PHYS 0xe0000000ULL

static struct device dev32;
static void *buf;
static struct dma_pool *pool;
static struct kmem_cache *cache;
static void __iomem *regs, *vram;
static size_t cur_size;
static volatile u64 sink_v;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void map_unmap(struct device *dev, unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		dma_addr_t a = dma_map_single(dev, buf, cur_size, DMA_TO_DEVICE);

		if (dma_mapping_error(dev, a))
			abort();
		dma_unmap_single(dev, a, cur_size, DMA_TO_DEVICE);
	}
}

static void loop_direct(unsigned long ops)
{
	map_unmap(&dev32, ops);
}

static void loop_bounced(unsigned long ops)
{
	kmm_option_set("swiotlb_force", "1");
	map_unmap(&dev32, ops);
	kmm_option_set("swiotlb_force", "0");
}

static void loop_pool(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		dma_addr_t h;
		void *p = dma_pool_alloc(pool, GFP_KERNEL, &h);

		dma_pool_free(pool, p, h);
	}
}

static void loop_cache(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		void *p = kmem_cache_alloc(cache, GFP_KERNEL);

		__asm__ volatile("" : : "r"(p) : "memory");
		kmem_cache_free(cache, p);
	}
}

static void loop_readl_mmio(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++)
		sink_v += readl(regs);
}

static void loop_writel_mmio(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++)
		writel((u32)i, regs);
}

static void loop_readl_devmem(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++)
		sink_v += readl(vram);
}

static void loop_writel_devmem(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++)
		writel((u32)i, vram);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median ns/op of @fn over RUNS runs, each sized from a calibration run. */
static double measure(void (*fn)(unsigned long))
{
	double t[RUNS], t0, per;
	unsigned long ops = 1000;

	fn(ops);
	t0 = now_ns();
	fn(ops);
	per = (now_ns() - t0) / ops;
	ops = (unsigned long)(RUN_NS / (per > 1 ? per : 1));
	if (ops < 100)
		ops = 100;
	for (int r = 0; r < RUNS; r++) {
		t0 = now_ns();
		fn(ops);
		t[r] = (now_ns() - t0) / ops;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp);
	return t[RUNS / 2];
}

static u64 reg_read(void *priv, unsigned long offset, unsigned int width)
{
	return offset;
}

static void reg_write(void *priv, unsigned long offset, unsigned int width, u64 value)
{
}

static const struct kmm_mmio_ops reg_ops = { .on_read = reg_read, .on_write = reg_write };

static void setup_device(struct device *dev, const char *name, unsigned int bits)
{
	memset(dev, 0, sizeof(*dev));
	dev->init_name = name;
	dev->dma_mask = &dev->kmm_dma_mask_storage;
	device_register(dev);
	if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(bits)))
		abort();
}

int main(void)
{
	static const size_t sizes[] = { 64, 256, 1024, 4096, 16384, 65536 };
	struct kmm_config cfg = { .profile = "x86_32",
				  .mem_bytes = 1ULL << 30,
				  .options = "swiotlb=on" };
	struct kmm_devmem *dm;

	if (kmm_boot(&cfg))
		return 1;
	setup_device(&dev32, "dev32", 32);
	buf = (void *)__get_free_pages(GFP_KERNEL, 4);
	if (!buf)
		return 1;
	printf("kmm DMA and MMIO: machine x86_32 1 GiB, swiotlb=on, dma_debug off unless noted; "
	       "median of %d runs of ~%.0f ms, ns per op\n\n",
	       RUNS, RUN_NS / 1e6);
	printf("%-44s %10s %10s\n", "dma_map_single+unmap (DMA_TO_DEVICE)", "direct", "bounced");
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		cur_size = sizes[i];
		printf("%-44zu %10.1f %10.1f\n", sizes[i], measure(loop_direct),
		       measure(loop_bounced));
	}
	cur_size = 64;
	kmm_option_set("dma_debug", "1");
	printf("%-44s %10.1f %10.1f\n", "64 with dma_debug=1", measure(loop_direct),
	       measure(loop_bounced));
	kmm_option_set("dma_debug", "0");

	pool = dma_pool_create("bench", &dev32, 64, 64, 0);
	cache = kmem_cache_create("bench-64", 64, 64, 0, NULL);
	printf("\n%-44s %10.1f\n", "dma_pool_alloc+free (64 B)", measure(loop_pool));
	printf("%-44s %10.1f\n", "kmem_cache_alloc+free (64 B)", measure(loop_cache));
	dma_pool_destroy(pool);
	kmem_cache_destroy(cache);

	if (!kmm_mmio_create("bench-regs", REGS_PHYS, 256, &reg_ops, NULL))
		return 1;
	dm = kmm_devmem_create("bench-vram", VRAM_PHYS, 1 << 20);
	regs = ioremap(REGS_PHYS, 256);
	vram = ioremap(VRAM_PHYS, 1 << 20);
	if (!dm || !regs || !vram)
		return 1;
	printf("\n%-44s %10.1f\n", "readl, register block (device callback)",
	       measure(loop_readl_mmio));
	printf("%-44s %10.1f\n", "writel, register block (device callback)",
	       measure(loop_writel_mmio));
	printf("%-44s %10.1f\n", "readl, device memory", measure(loop_readl_devmem));
	printf("%-44s %10.1f\n", "writel, device memory", measure(loop_writel_devmem));
	iounmap(regs);
	iounmap(vram);
	free_pages((unsigned long)buf, 4);
	device_unregister(&dev32);
	kmm_shutdown();
	return 0;
}
