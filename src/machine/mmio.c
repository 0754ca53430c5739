/*
 * mmio.c - simulated register blocks: ranges of the physical map whose reads and writes are
 * calls into the simulated device.
 *
 * Data: a small array of blocks, each claimed in iomem_resource (so it overlaps neither RAM,
 * device memory nor another block) and searched linearly; there are a handful per machine.
 * The ioremap layer looks a block up once, at ioremap() time, and calls its callbacks
 * directly afterwards.
 *
 * Locks: mmio_lock guards the array; resource_lock is taken inside it when claiming.
 * Context: process context.
 */
#include <pthread.h>
#include <stdlib.h>

#include <kmm/io.h>
#include <kmm/kmm.h>
#include "machine/io.h"
#include "machine/initcall.h"

#define MAX_MMIO 32

static pthread_mutex_t mmio_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kmm_mmio *blocks[MAX_MMIO];

struct kmm_mmio *kmm_mmio_create(const char *name, phys_addr_t phys, size_t size,
				 const struct kmm_mmio_ops *ops, void *priv)
{
	struct kmm_mmio *m;
	int slot = -1;

	if (!name || !size || !ops || phys + size - 1 < phys)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->res = (struct resource){
		.name = name, .start = phys, .end = phys + size - 1, .flags = IORESOURCE_MEM
	};
	m->ops = ops;
	m->priv = priv;
	pthread_mutex_lock(&mmio_lock);
	for (int i = 0; i < MAX_MMIO && slot < 0; i++)
		if (!blocks[i])
			slot = i;
	if (slot < 0 || request_resource(&iomem_resource, &m->res)) {
		pthread_mutex_unlock(&mmio_lock);
		free(m);
		return NULL;
	}
	blocks[slot] = m;
	pthread_mutex_unlock(&mmio_lock);
	return m;
}

void kmm_mmio_destroy(struct kmm_mmio *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&mmio_lock);
	for (int i = 0; i < MAX_MMIO; i++)
		if (blocks[i] == m)
			blocks[i] = NULL;
	release_resource(&m->res);
	pthread_mutex_unlock(&mmio_lock);
	free(m);
}

phys_addr_t kmm_mmio_phys(const struct kmm_mmio *m)
{
	return m->res.start;
}

struct kmm_mmio *mmio_find(phys_addr_t phys, size_t len)
{
	struct kmm_mmio *found = NULL;

	pthread_mutex_lock(&mmio_lock);
	for (int i = 0; i < MAX_MMIO && !found; i++) {
		struct kmm_mmio *m = blocks[i];

		if (m && phys >= m->res.start && phys + len - 1 <= m->res.end)
			found = m;
	}
	pthread_mutex_unlock(&mmio_lock);
	return found;
}

bool mmio_overlaps(phys_addr_t phys, size_t len)
{
	bool hit = false;

	pthread_mutex_lock(&mmio_lock);
	for (int i = 0; i < MAX_MMIO && !hit; i++) {
		struct kmm_mmio *m = blocks[i];

		hit = m && phys <= m->res.end && phys + len - 1 >= m->res.start;
	}
	pthread_mutex_unlock(&mmio_lock);
	return hit;
}

static void mmio_exit(void)
{
	for (int i = 0; i < MAX_MMIO; i++)
		if (blocks[i])
			kmm_mmio_destroy(blocks[i]);
}

kmm_initcall(fs, mmio, NULL, mmio_exit);
