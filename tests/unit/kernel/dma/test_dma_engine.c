/*
 * The simulated bus-master engine: jobs run in order on the engine's own thread, move data by
 * bus address into and out of RAM the device can reach, raise the device's interrupt when
 * done, and are refused (and reported) beyond the device's mask or outside RAM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <kmm/device.h>
#include <kmm/dma.h>
#include <kmm/irq.h>
#include <kmm/kmm.h>
#include <kmm/report.h>
#include <kmm/slab.h>

#define IRQ 12

static struct device dev;
static int handled;

static irqreturn_t on_irq(int irq, void *data)
{
	__atomic_fetch_add(&handled, 1, __ATOMIC_RELAXED);
	return IRQ_HANDLED;
}

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 256ULL << 20 };
	int err = kmm_boot(&cfg);

	memset(&dev, 0, sizeof(dev));
	dev.init_name = "engdev";
	dev.dma_mask = &dev.kmm_dma_mask_storage;
	device_register(&dev);
	handled = 0;
	return err ? err : dma_set_mask_and_coherent(&dev, DMA_BIT_MASK(24));
}

static int shutdown(void **state)
{
	device_unregister(&dev);
	kmm_shutdown();
	return 0;
}

struct xfer {
	dma_addr_t addr;
	char data[32];
	int result;
};

static void write_job(struct kmm_dma_engine *e, void *arg)
{
	struct xfer *x = arg;

	x->result = kmm_dma_engine_to_bus(e, x->addr, x->data, sizeof(x->data));
}

static void read_job(struct kmm_dma_engine *e, void *arg)
{
	struct xfer *x = arg;

	x->result = kmm_dma_engine_from_bus(e, x->data, x->addr, sizeof(x->data));
}

static void jobs_move_data_and_raise_the_irq(void **state)
{
	struct kmm_dma_engine *e = kmm_dma_engine_create(&dev, IRQ);
	struct xfer w = { .data = "written by the device" }, r = { 0 };
	unsigned long jobs, faults;
	dma_addr_t handle;
	char *mem = dma_alloc_coherent(&dev, PAGE_SIZE, &handle, GFP_KERNEL);

	assert_int_equal(request_irq(IRQ, on_irq, 0, "engdev", &dev), 0);
	strcpy(mem + 64, "read by the device");
	w.addr = handle;
	r.addr = handle + 64;
	assert_int_equal(kmm_dma_engine_submit(e, write_job, &w, true), 0);
	assert_int_equal(kmm_dma_engine_submit(e, read_job, &r, false), 0);
	kmm_dma_engine_flush(e);
	assert_int_equal(w.result, 0);
	assert_int_equal(r.result, 0);
	assert_string_equal(mem, "written by the device");
	assert_string_equal(r.data, "read by the device");
	kmm_dma_engine_stats(e, &jobs, &faults);
	assert_int_equal(jobs, 2);
	assert_int_equal(faults, 0);
	for (int i = 0; i < 2000 && !__atomic_load_n(&handled, __ATOMIC_RELAXED); i++)
		usleep(500);
	synchronize_irq(IRQ);
	assert_int_equal(__atomic_load_n(&handled, __ATOMIC_RELAXED), 1);
	free_irq(IRQ, &dev);
	kmm_dma_engine_destroy(e);
	dma_free_coherent(&dev, PAGE_SIZE, mem, handle);
}

static void accesses_beyond_the_mask_or_ram_are_refused(void **state)
{
	struct kmm_dma_engine *e = kmm_dma_engine_create(&dev, -1);
	char *far = kmalloc(64, GFP_KERNEL);
	struct xfer w = { .data = "must not land" };
	unsigned long faults;

	strcpy(far, "untouched");
	assert_true(virt_to_phys(far) >= (16ULL << 20));
	kmm_report_capture_begin();
	w.addr = virt_to_phys(far);
	kmm_dma_engine_submit(e, write_job, &w, false);
	kmm_dma_engine_flush(e);
	assert_int_equal(w.result, -EFAULT);
	assert_string_equal(far, "untouched");
	assert_int_equal(kmm_report_captured_find("engdev: device DMA write of 32 bytes at bus "
						  "address"),
			 1);
	assert_int_equal(kmm_report_captured_find("beyond the device's DMA mask (mask 0xffffff)"),
			 1);
	/* A 32-bit device may address 0xf0000000, but there is no RAM there. */
	assert_int_equal(dma_set_mask(&dev, DMA_BIT_MASK(32)), 0);
	w.addr = 0xf0000000;
	kmm_dma_engine_submit(e, read_job, &w, false);
	kmm_dma_engine_flush(e);
	assert_int_equal(w.result, -EFAULT);
	assert_int_equal(kmm_report_captured_find("outside RAM"), 1);
	assert_int_equal(kmm_report_captured("dma_engine_fault"), 2);
	assert_int_equal(kmm_report_capture_end(), 2);
	kmm_dma_engine_stats(e, NULL, &faults);
	assert_int_equal(faults, 2);
	kmm_dma_engine_destroy(e);
	kfree(far);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(jobs_move_data_and_raise_the_irq, boot, shutdown),
		cmocka_unit_test_setup_teardown(accesses_beyond_the_mask_or_ram_are_refused, boot,
						shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
