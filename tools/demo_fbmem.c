/*
 * demo_fbmem.c - the demo's framebuffer step: load the fbmem example driver on its simulated
 * display, run its user program (draw.c) as a simulated process, and show what that did to
 * the machine: the VRAM in /proc/iomem, the fault count, the driver's slab cache, the shadow
 * buffer in /proc/vmallocinfo, and the picture the display shows, written as a PPM file.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/process.h>
#include <kmm/proc.h>
#include <kmm/slab.h>
#include <kmm/vmalloc.h>

#include "commands.h"
#include "view_text.h"
#include "draw.h"
#include "fbmem_board.h"

#define PICTURE "kmm-fbmem.ppm"

extern struct kmm_process *shim_process;

/* Print the lines of a /proc view that mention @needle (and its header line if @header). */
static void print_matching(void (*show)(FILE *), const char *needle, const char *title, bool header)
{
	char *text = view_text(show), *line, *save = NULL;

	if (!text)
		return;
	printf("%s\n", title);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, needle) || (header && line == text))
			printf("  %s\n", line);
	free(text);
}

int demo_step_fbmem(void)
{
	struct kmm_process *p;
	int err = fbmem_board_init();

	if (err)
		return err;
	printf("  fbmem: a %dx%d display, VRAM at phys %#llx, driver on /dev/fbmem\n",
	       FBMEM_BOARD_WIDTH, FBMEM_BOARD_HEIGHT, FBMEM_BOARD_VRAM_PHYS);
	p = kmm_process_create("draw");
	if (!p) {
		fbmem_board_exit();
		return -1;
	}
	printf("  running draw.c as pid %d:\n\n", kmm_process_pid(p));
	shim_process = p;
	err = fbmem_draw("/dev/fbmem", stdout);
	printf("\n  user page faults taken by %s[%d]: %lu (%d served by fbmem's fault handler, the "
	       "rest its own anonymous memory)\n",
	       kmm_process_name(p), kmm_process_pid(p), kmm_process_faults(p), DRAW_SHADOW_PAGES);
	print_matching(kmm_proc_iomem, "fbmem",
		       "\n/proc/iomem (the VRAM is device memory):", false);
	print_matching(kmm_proc_slabinfo, "fbmem_client",
		       "\n/proc/slabinfo (the driver's cache):", true);
	print_matching(kmm_proc_vmallocinfo, "fbmem", "\n/proc/vmallocinfo (the shadow):", false);
	kmm_process_destroy(p);
	shim_process = NULL;
	/* A folder the demo may not write to costs the picture, not the tour. */
	if (!err && fbmem_board_write_ppm(PICTURE)) {
		printf("\n  (the display's frame, checksum %08x, could not be written to %s)\n",
		       fbmem_board_checksum(), PICTURE);
	} else if (!err) {
		/* Say where, in full: the picture lands in whatever folder the demo ran in. */
		char *where = realpath(PICTURE, NULL);

		printf("\n  the display's frame is in %s (checksum %08x)\n",
		       where ? where : PICTURE, fbmem_board_checksum());
		free(where);
	}
	fbmem_board_exit();
	return err;
}
