/*
 * fbmem_board.h - the simulated display board the fbmem driver runs on, in kmm: it puts the
 * VRAM on the physical map, loads the driver, and "scans out" the frame as a PPM picture.
 * (On a real kernel the driver is a module and the board is the machine.)
 */
#ifndef FBMEM_BOARD_H
#define FBMEM_BOARD_H

#define FBMEM_BOARD_WIDTH 320
#define FBMEM_BOARD_HEIGHT 200
#define FBMEM_BOARD_VRAM_PHYS 0xd0000000ULL

/* The driver's entry points (fbmem.c). */
int fbmem_init(unsigned long long vram_phys, unsigned long vram_size, unsigned int width,
	       unsigned int height);
void fbmem_exit(void);

/* Create the VRAM and load the driver: 0 or a negative errno. Process context. */
int fbmem_board_init(void);
/* Unload the driver and take the VRAM away. */
void fbmem_board_exit(void);
/* Write what the display shows as a binary PPM (P6): 0 or a negative errno. */
int fbmem_board_write_ppm(const char *path);
/* FNV-1a of the VRAM as the display reads it. */
unsigned int fbmem_board_checksum(void);

#endif /* FBMEM_BOARD_H */
