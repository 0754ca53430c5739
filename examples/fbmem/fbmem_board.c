/*
 * fbmem_board.c - the simulated display the fbmem driver drives, in kmm: VRAM as device
 * memory at FBMEM_BOARD_VRAM_PHYS (listed in /proc/iomem), the driver loaded on it, and the
 * display's scan-out, which reads the VRAM as the hardware would (kmm_devmem_ptr) and writes
 * it out as a PPM picture.
 */
#include <errno.h>
#include <stdio.h>

#include <kmm/devmem.h>
#include <kmm/layout.h>

#include "fbmem_board.h"

static struct kmm_devmem *vram;

int fbmem_board_init(void)
{
	unsigned long size = PAGE_ALIGN(FBMEM_BOARD_WIDTH * FBMEM_BOARD_HEIGHT * 4);
	int err;

	vram = kmm_devmem_create("fbmem-vram", FBMEM_BOARD_VRAM_PHYS, size);
	if (!vram)
		return -ENOMEM;
	err = fbmem_init(FBMEM_BOARD_VRAM_PHYS, size, FBMEM_BOARD_WIDTH, FBMEM_BOARD_HEIGHT);
	if (err) {
		kmm_devmem_destroy(vram);
		vram = NULL;
	}
	return err;
}

void fbmem_board_exit(void)
{
	fbmem_exit();
	kmm_devmem_destroy(vram);
	vram = NULL;
}

int fbmem_board_write_ppm(const char *path)
{
	const unsigned int *px = kmm_devmem_ptr(vram);
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f)
		return -errno;
	fprintf(f, "P6\n%d %d\n255\n", FBMEM_BOARD_WIDTH, FBMEM_BOARD_HEIGHT);
	for (int i = 0; i < FBMEM_BOARD_WIDTH * FBMEM_BOARD_HEIGHT; i++) {
		unsigned char rgb[3] = { px[i] >> 16, px[i] >> 8, px[i] };

		if (fwrite(rgb, 1, 3, f) != 3)
			err = -EIO;
	}
	if (fclose(f))
		err = -EIO;
	return err;
}

unsigned int fbmem_board_checksum(void)
{
	const unsigned char *p = kmm_devmem_ptr(vram);
	unsigned int h = 2166136261u;

	for (int i = 0; i < FBMEM_BOARD_WIDTH * FBMEM_BOARD_HEIGHT * 4; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}
