/*
 * engine.c - simulated bus-master DMA engines.
 *
 * Data: an engine is a host thread with a FIFO of jobs (a singly linked queue under the
 * engine's mutex, with a condition variable for "work queued" and one for "queue drained").
 * A job runs with no lock held; its bus accesses go through kmm's private view of RAM after a
 * check that [addr, addr + len) is RAM and at or below the device's mask, as a real device
 * without an IOMMU can only reach what its address lines reach. Then, if the job asked, the
 * engine raises its interrupt line; the handler runs on the line's CPU, so device work and
 * interrupt handling are truly concurrent with the driver.
 *
 * Locks: engine->lock (host mutex) guards the queue and counters only. Context: submit from
 * any context; create/destroy/flush in process context.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/barrier.h>
#include <kmm/irq.h>
#include "kernel/dma/dma.h"
#include "machine/machine.h"
#include "machine/report.h"

struct dma_job {
	struct dma_job *next;
	kmm_dma_job_t fn;
	void *arg;
	bool raise_irq;
};

struct kmm_dma_engine {
	struct device *dev;
	int irq;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work; /* a job was queued, or stop was set */
	pthread_cond_t idle; /* the queue ran dry */
	struct dma_job *head, **tail;
	bool busy, stop;
	unsigned long jobs, faults;
};

static void *engine_main(void *data)
{
	struct kmm_dma_engine *e = data;

	pthread_mutex_lock(&e->lock);
	for (;;) {
		struct dma_job *job = e->head;

		if (!job) {
			e->busy = false;
			pthread_cond_broadcast(&e->idle);
			if (e->stop)
				break;
			pthread_cond_wait(&e->work, &e->lock);
			continue;
		}
		e->head = job->next;
		if (!e->head)
			e->tail = &e->head;
		e->busy = true;
		pthread_mutex_unlock(&e->lock);
		job->fn(e, job->arg);
		if (job->raise_irq && e->irq >= 0)
			kmm_raise_irq((unsigned int)e->irq);
		free(job);
		pthread_mutex_lock(&e->lock);
		e->jobs++;
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

struct kmm_dma_engine *kmm_dma_engine_create(struct device *dev, int irq)
{
	struct kmm_dma_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->dev = dev;
	e->irq = irq;
	e->tail = &e->head;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->work, NULL);
	pthread_cond_init(&e->idle, NULL);
	if (pthread_create(&e->thread, NULL, engine_main, e)) {
		free(e);
		return NULL;
	}
	return e;
}

void kmm_dma_engine_destroy(struct kmm_dma_engine *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->lock);
	e->stop = true;
	pthread_cond_signal(&e->work);
	pthread_mutex_unlock(&e->lock);
	pthread_join(e->thread, NULL);
	pthread_mutex_destroy(&e->lock);
	pthread_cond_destroy(&e->work);
	pthread_cond_destroy(&e->idle);
	free(e);
}

int kmm_dma_engine_submit(struct kmm_dma_engine *e, kmm_dma_job_t fn, void *arg, bool raise_irq)
{
	struct dma_job *job = malloc(sizeof(*job));

	if (!job)
		return -ENOMEM;
	job->next = NULL;
	job->fn = fn;
	job->arg = arg;
	job->raise_irq = raise_irq;
	pthread_mutex_lock(&e->lock);
	*e->tail = job;
	e->tail = &job->next;
	e->busy = true;
	pthread_cond_signal(&e->work);
	pthread_mutex_unlock(&e->lock);
	return 0;
}

void kmm_dma_engine_flush(struct kmm_dma_engine *e)
{
	pthread_mutex_lock(&e->lock);
	while (e->busy || e->head)
		pthread_cond_wait(&e->idle, &e->lock);
	pthread_mutex_unlock(&e->lock);
}

/* Is [addr, addr + len) RAM the device can address? Reports and counts when not. */
static bool reachable(struct kmm_dma_engine *e, const char *what, dma_addr_t addr, size_t len)
{
	phys_addr_t ram = kmm_layout.phys_offset;
	u64 limit = dma_dev_limit(e->dev);
	const char *why = NULL;

	if (!len)
		return true;
	if (addr + len - 1 < addr || addr + len - 1 > limit)
		why = "beyond the device's DMA mask";
	else if (addr < ram || addr + len > ram + kmm_machine.ram_bytes)
		why = "outside RAM";
	if (!why)
		return true;
	pthread_mutex_lock(&e->lock);
	e->faults++;
	pthread_mutex_unlock(&e->lock);
	dma_report_dev(
		"dma_engine_fault", e->dev,
		"device DMA %s of %zu bytes at bus address 0x%016llx %s (mask 0x%llx): not done",
		what, len, (unsigned long long)addr, why, (unsigned long long)limit);
	return false;
}

int kmm_dma_engine_to_bus(struct kmm_dma_engine *e, dma_addr_t dst, const void *src, size_t len)
{
	if (!reachable(e, "write", dst, len))
		return -EFAULT;
	memcpy(machine_phys_ptr(dst), src, len);
	/* A bus master's writes land in order: whatever it writes next is seen after these. */
	wmb();
	return 0;
}

int kmm_dma_engine_write32(struct kmm_dma_engine *e, dma_addr_t dst, u32 value)
{
	if (!reachable(e, "write", dst, sizeof(value)))
		return -EFAULT;
	__atomic_store_n((u32 *)machine_phys_ptr(dst), value, __ATOMIC_RELEASE);
	return 0;
}

int kmm_dma_engine_from_bus(struct kmm_dma_engine *e, void *dst, dma_addr_t src, size_t len)
{
	if (!reachable(e, "read", src, len))
		return -EFAULT;
	memcpy(dst, machine_phys_ptr(src), len);
	return 0;
}

void kmm_dma_engine_stats(struct kmm_dma_engine *e, unsigned long *jobs, unsigned long *faults)
{
	pthread_mutex_lock(&e->lock);
	if (jobs)
		*jobs = e->jobs;
	if (faults)
		*faults = e->faults;
	pthread_mutex_unlock(&e->lock);
}
