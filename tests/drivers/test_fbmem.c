/*
 * The fbmem example end to end: the board loads the driver, draw.c runs as a simulated
 * process and paints the VRAM through remap_pfn_range, the display sees the exact picture
 * (checksum), the shadow mapping is served by the fault handler one page at a time, and bad
 * requests get the errnos a real kernel gives. (draw.c's whole transcript is compared with the
 * real kernel's by kernel/fbmem-draw, tests/kernel/against-reference.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/process.h>
#include <kmm/slab.h>

#include "draw.h"
#include "fbmem.h"
#include "fbmem_board.h"

/* The picture draw.c paints, as the display reads it back (FNV-1a of the VRAM). */
#define PICTURE_CHECKSUM 0xfc127cefu

extern struct kmm_process *shim_process;
static struct kmm_process *proc;

static int setup(void **state)
{
	if (kmm_boot(NULL) || fbmem_board_init())
		return -1;
	proc = kmm_process_create("draw");
	shim_process = proc;
	return proc ? 0 : -1;
}

static int teardown(void **state)
{
	kmm_process_destroy(proc);
	fbmem_board_exit();
	kmm_shutdown();
	return 0;
}

static void draw_paints_the_picture_the_display_shows(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	char expect[96];

	assert_int_equal(fbmem_draw("/dev/" FBMEM_NAME, out), 0);
	fclose(out);
	assert_non_null(strstr(text, "fbmem: 320x200 32bpp line_length 1280 vram 258048 shadow "
				     "258048\n"));
	snprintf(expect, sizeof(expect), "fbmem: drew a frame, checksum %08x\n",
		 fbmem_board_checksum());
	assert_non_null(strstr(text, expect));
	assert_non_null(strstr(text, "touched 16 shadow pages, the fault handler supplied 16\n"));
	assert_non_null(strstr(text, "returns what the mapping wrote: yes\n"));
	free(text);
	assert_int_equal(fbmem_board_checksum(), PICTURE_CHECKSUM);
	/* the shadow pages, plus the program's own two pages of anonymous memory */
	assert_int_equal(kmm_process_faults(proc), 16 + 2);
}

static void the_picture_is_written_as_a_ppm(void **state)
{
	char path[] = "/tmp/kmm-fbmem-XXXXXX";
	int tmp = mkstemp(path);
	unsigned char header[15];
	FILE *f;

	assert_true(tmp >= 0);
	close(tmp);
	assert_int_equal(fbmem_draw("/dev/" FBMEM_NAME, fopen("/dev/null", "w")), 0);
	assert_int_equal(fbmem_board_write_ppm(path), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(header, 1, sizeof(header), f), sizeof(header));
	assert_memory_equal(header, "P6\n320 200\n255\n", sizeof(header));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_int_equal(ftell(f), 15 + 320 * 200 * 3);
	fclose(f);
	unlink(path);
}

static void bad_requests_get_the_kernel_errnos(void **state)
{
	int fd = kmm_open(proc, "/dev/" FBMEM_NAME, O_RDWR);
	int rd = kmm_open(proc, "/dev/" FBMEM_NAME, O_RDONLY);
	char *shadow, *vram, *buf;
	struct kmm_user_catch c;

	assert_true(fd >= 0);
	/* longer than the VRAM, an offset beyond it, a shadow mapping starting past its end */
	assert_int_equal(kmm_mmap_err(kmm_mmap(proc, fd, 64 * 4096, PROT_READ, MAP_SHARED, 0)),
			 -EINVAL);
	assert_int_equal(kmm_mmap_err(kmm_mmap(proc, fd, 4096, PROT_READ, MAP_SHARED, 63 * 4096)),
			 -EINVAL);
	assert_int_equal(kmm_mmap_err(kmm_mmap(proc, fd, 4096, PROT_READ, MAP_SHARED,
					       FBMEM_SHADOW_OFFSET + 63 * 4096)),
			 -EINVAL);
	assert_int_equal(kmm_mmap_err(kmm_mmap(proc, rd, 4096, PROT_WRITE, MAP_SHARED, 0)),
			 -EACCES);
	/* growing a remapped VRAM mapping */
	vram = kmm_mmap(proc, fd, 4096, PROT_READ, MAP_SHARED, 0);
	assert_int_equal(kmm_mmap_err(vram), 0);
	assert_int_equal(kmm_mmap_err(kmm_mremap(proc, vram, 4096, 8192, MREMAP_MAYMOVE)), -EFAULT);
	/* a shadow page beyond the buffer is SIGBUS; a write to the read-only VRAM is SIGSEGV */
	shadow = kmm_mmap(proc, fd, 2 * 4096, PROT_READ, MAP_SHARED,
			  FBMEM_SHADOW_OFFSET + 62 * 4096);
	assert_int_equal(kmm_mmap_err(shadow), 0);
	assert_int_equal(shadow[0], 0);
	if (kmm_user_expect(&c) == 0) {
		(void)*(volatile char *)&shadow[4096 + 7];
		kmm_user_done(&c);
	}
	assert_int_equal(c.sig, SIGBUS);
	assert_int_equal(c.code, BUS_ADRERR);
	assert_ptr_equal((void *)c.addr, shadow + 4096 + 7);
	if (kmm_user_expect(&c) == 0) {
		vram[0] = 1;
		kmm_user_done(&c);
	}
	assert_int_equal(c.sig, SIGSEGV);
	/* read() into a buffer whose second page is not mapped: a short count, then -EFAULT */
	buf = kmm_mmap(proc, -1, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	assert_int_equal(kmm_munmap(proc, buf + 4096, 4096), 0);
	assert_int_equal(kmm_read(proc, fd, buf + 4096 - 100, 300), 100);
	assert_int_equal(kmm_read(proc, fd, buf + 4096, 300), -EFAULT);
	assert_int_equal(kmm_ioctl(proc, fd, FBMEM_IOC_GET_INFO, (unsigned long)(buf + 4096)),
			 -EFAULT);
	assert_int_equal(kmm_ioctl(proc, fd, 0x1234, 0), -ENOTTY);
}

static void a_process_that_exits_without_cleaning_up_leaks_nothing(void **state)
{
	struct kmm_process *p = kmm_process_create("sloppy");
	int fd = kmm_open(p, "/dev/" FBMEM_NAME, O_RDWR);
	char *shadow =
		kmm_mmap(p, fd, 8 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, FBMEM_SHADOW_OFFSET);

	for (int i = 0; i < 8; i++)
		shadow[i * 4096] = 1;
	kmm_process_destroy(p); /* files and mappings still open */
	/* the client objects all went back to the cache */
	fbmem_board_exit();
	assert_int_equal(fbmem_board_init(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(draw_paints_the_picture_the_display_shows, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_picture_is_written_as_a_ppm, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_requests_get_the_kernel_errnos, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			a_process_that_exits_without_cleaning_up_leaks_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
