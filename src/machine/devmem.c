/*
 * devmem.c - device memory regions and the physical-address lookup shared by every mapping
 * path.
 *
 * A region is a memory file placed at a physical address and claimed in iomem_resource, so it
 * can overlap neither RAM nor another region; kmm keeps its own mapping of it (the device's
 * view). Regions are few: a small array searched linearly. Locks: devmem_lock guards the
 * array; resource_lock (resource.c) is taken inside it when claiming.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <kmm/devmem.h>
#include <kmm/kmm.h>
#include <kmm/resource.h>
#include "machine/machine.h"
#include "machine/physmem.h"
#include "machine/initcall.h"

#define MAX_DEVMEM 32

struct kmm_devmem {
	struct resource res;
	int fd;
	void *view;
	size_t size;
};

static pthread_mutex_t devmem_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kmm_devmem *regions[MAX_DEVMEM];

static void release(struct kmm_devmem *dm)
{
	os_release(dm->view, dm->size);
	os_close(dm->fd);
	free(dm);
}

static bool add_region(struct kmm_devmem *dm)
{
	for (int i = 0; i < MAX_DEVMEM; i++) {
		if (!regions[i]) {
			regions[i] = dm;
			return true;
		}
	}
	return false;
}

static int make_view(struct kmm_devmem *dm, const char *name)
{
	dm->fd = os_memfd(name, dm->size);
	if (dm->fd < 0)
		return dm->fd;
	dm->view = os_reserve(dm->size, 0, PAGE_SIZE);
	if (!dm->view)
		return -ENOMEM;
	return os_map_shared(dm->view, dm->size, dm->fd, 0);
}

struct kmm_devmem *kmm_devmem_create(const char *name, phys_addr_t phys, size_t size)
{
	struct kmm_devmem *dm;

	if (!name || !size || !PAGE_ALIGNED(phys) || !PAGE_ALIGNED(size) || phys + size < phys)
		return NULL;
	dm = calloc(1, sizeof(*dm));
	if (!dm)
		return NULL;
	dm->fd = -1;
	dm->size = size;
	dm->res = (struct resource){
		.name = name, .start = phys, .end = phys + size - 1, .flags = IORESOURCE_MEM
	};
	if (make_view(dm, name)) {
		release(dm);
		return NULL;
	}
	pthread_mutex_lock(&devmem_lock);
	if (request_resource(&iomem_resource, &dm->res) || !add_region(dm)) {
		if (dm->res.parent)
			release_resource(&dm->res);
		pthread_mutex_unlock(&devmem_lock);
		release(dm);
		return NULL;
	}
	pthread_mutex_unlock(&devmem_lock);
	return dm;
}

void kmm_devmem_destroy(struct kmm_devmem *dm)
{
	if (!dm)
		return;
	pthread_mutex_lock(&devmem_lock);
	for (int i = 0; i < MAX_DEVMEM; i++)
		if (regions[i] == dm)
			regions[i] = NULL;
	release_resource(&dm->res);
	pthread_mutex_unlock(&devmem_lock);
	release(dm);
}

phys_addr_t kmm_devmem_phys(const struct kmm_devmem *dm)
{
	return dm->res.start;
}

size_t kmm_devmem_size(const struct kmm_devmem *dm)
{
	return dm->size;
}

void *kmm_devmem_ptr(const struct kmm_devmem *dm)
{
	return dm->view;
}

struct phys_backing physmem_lookup(phys_addr_t phys)
{
	struct phys_backing b = { .kind = PHYS_NONE, .fd = -1 };
	phys_addr_t ram_start = kmm_layout.phys_offset;

	if (phys >= ram_start && phys - ram_start < kmm_machine.ram_bytes) {
		b = (struct phys_backing){ PHYS_RAM, kmm_machine.ram_fd, (off_t)(phys - ram_start),
					   kmm_machine.ram_bytes - (phys - ram_start), NULL };
		return b;
	}
	pthread_mutex_lock(&devmem_lock);
	for (int i = 0; i < MAX_DEVMEM; i++) {
		struct kmm_devmem *dm = regions[i];

		if (dm && phys >= dm->res.start && phys <= dm->res.end) {
			b = (struct phys_backing){ PHYS_DEVICE, dm->fd,
						   (off_t)(phys - dm->res.start),
						   dm->size - (phys - dm->res.start), dm };
			break;
		}
	}
	pthread_mutex_unlock(&devmem_lock);
	return b;
}

static void devmem_exit(void)
{
	for (int i = 0; i < MAX_DEVMEM; i++)
		if (regions[i])
			kmm_devmem_destroy(regions[i]);
}

kmm_initcall(fs, devmem, NULL, devmem_exit);
