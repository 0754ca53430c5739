/*
 * fuzz_fbmem.c - libFuzzer target: any sequence of system calls a user program may make on the
 * fbmem example driver (examples/fbmem), run as a simulated process: open and close, mmap of
 * the VRAM and the shadow with any length, offset, protection and flags (MAP_PRIVATE,
 * MAP_POPULATE, MAP_LOCKED), munmap, mremap and mprotect of any part, reads and writes of
 * mapped and unmapped addresses (signals caught), read() and the ioctl into good and bad user
 * buffers, dropping root with a small RLIMIT_MEMLOCK, and forks whose child touches a page.
 *
 * A program may make the kernel refuse anything, but never make it report, leak or corrupt:
 * after the input the process exits and the machine must be as before, with no report, the
 * driver's client cache valid, and as many free pages as at the start. Any difference aborts.
 * One operation per 4 bytes: what, which descriptor or mapping, two arguments.
 */
#define _GNU_SOURCE /* MREMAP_MAYMOVE */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <kmm/kmm.h>
#include <kmm/page_alloc.h>
#include <kmm/process.h>
#include <kmm/report.h>
#include <kmm/slab.h>
#include <kmm/vmalloc.h>

#include "fbmem.h"
#include "fbmem_board.h"
#include "settle.h"

#define FDS 4
#define MAPS 8
#define PAGE 4096UL

struct map {
	char *addr; /* NULL: none */
	size_t len;
};

static struct kmm_process *proc;
static int fds[FDS];
static struct map maps[MAPS];
static char *scratch; /* an anonymous page for read() and the ioctl */
static unsigned long free_at_start;

static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE, PROT_NONE };

static void do_open(const uint8_t *op)
{
	int *fd = &fds[op[1] % FDS];

	if (*fd >= 0)
		kmm_close(proc, *fd);
	*fd = kmm_open(proc, "/dev/" FBMEM_NAME, op[2] & 1 ? O_RDONLY : O_RDWR);
}

static void do_mmap(const uint8_t *op)
{
	struct map *m = &maps[op[1] % MAPS];
	size_t len = (size_t)(op[2] % 72) * PAGE + (op[3] & 0x80 ? 1 : 0);
	off_t offset = (off_t)(op[3] % 70) * (off_t)PAGE + (op[3] & 0x40 ? FBMEM_SHADOW_OFFSET : 0);
	int flags = op[2] & 0x80 ? MAP_PRIVATE : MAP_SHARED;
	void *p;

	if (op[3] & 0x20)
		flags |= op[2] & 0x40 ? MAP_LOCKED : MAP_POPULATE;
	p = kmm_mmap(proc, fds[op[1] % FDS], len, prots[(op[2] >> 4) % 4], flags, offset);
	if (kmm_mmap_err(p))
		return;
	if (m->addr)
		kmm_munmap(proc, m->addr, m->len);
	m->addr = p;
	m->len = (len + PAGE - 1) & ~(PAGE - 1);
}

/* A page-aligned part of mapping @m chosen by @a and @b: start and length. */
static size_t part(const struct map *m, uint8_t a, uint8_t b, size_t *len)
{
	size_t pages = m->len / PAGE, first = pages ? a % pages : 0;

	*len = (size_t)(b % (pages - first + 1)) * PAGE;
	return first * PAGE;
}

static void do_munmap(const uint8_t *op)
{
	struct map *m = &maps[op[1] % MAPS];
	size_t len, at;

	if (!m->addr)
		return;
	at = part(m, op[2], op[3], &len);
	if (kmm_munmap(proc, m->addr + at, len ? len : m->len) == 0 && (!len || len == m->len))
		m->addr = NULL; /* whole: forget it (a part leaves holes the others step into) */
}

static void do_mremap(const uint8_t *op)
{
	struct map *m = &maps[op[1] % MAPS];
	size_t len = (size_t)(op[2] % 80 + 1) * PAGE;
	void *p;

	if (!m->addr)
		return;
	p = kmm_mremap(proc, m->addr, m->len, len, op[3] & 1 ? MREMAP_MAYMOVE : 0);
	if (!kmm_mmap_err(p)) {
		m->addr = p;
		m->len = len;
	}
}

static void do_mprotect(const uint8_t *op)
{
	struct map *m = &maps[op[1] % MAPS];
	size_t len, at;

	if (m->addr) {
		at = part(m, op[2], op[3], &len);
		kmm_mprotect(proc, m->addr + at, len, prots[op[3] % 4]);
	}
}

static void do_touch(const uint8_t *op)
{
	struct map *m = &maps[op[1] % MAPS];
	struct kmm_user_catch c;
	volatile char *p;

	if (!m->addr)
		return;
	/* anywhere in the mapping's range: parts of it may be unmapped or protected by now */
	p = m->addr + ((size_t)op[2] * 997 + op[3]) % m->len;
	if (kmm_user_expect(&c) == 0) {
		if (op[3] & 1)
			*p = (char)op[2];
		else
			(void)*p;
		kmm_user_done(&c);
	}
}

static void do_read(const uint8_t *op)
{
	int fd = fds[op[1] % FDS];
	struct map *m = &maps[op[2] % MAPS];
	char *to = op[3] & 0x80 && m->addr ? m->addr + op[3] * 61 % m->len : scratch + op[3] * 13;

	if (op[3] & 0x40)
		kmm_ioctl(proc, fd, FBMEM_IOC_GET_INFO, (unsigned long)to);
	else
		kmm_read(proc, fd, to, (size_t)op[2] * 37);
}

/* A fixed-address mapping or move onto another mapping's range (both may be partly replaced). */
static void do_fixed(const uint8_t *op)
{
	struct map *m = &maps[op[1] % MAPS], *at = &maps[op[2] % MAPS];
	size_t len = (size_t)(op[3] % 8 + 1) * PAGE;
	char *to;
	void *p;

	if (!at->addr)
		return;
	to = at->addr + (op[3] >> 3) % (at->len / PAGE) * PAGE;
	if (op[2] & 0x80) {
		if (m->addr && m != at) {
			p = kmm_mremap_to(proc, m->addr, m->len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
					  to);
			if (!kmm_mmap_err(p)) {
				m->addr = p;
				m->len = len;
			}
		}
		return;
	}
	p = kmm_mmap_at(proc, to, len, prots[op[3] % 4],
			(op[1] & 1 ? MAP_FIXED : MAP_FIXED_NOREPLACE) |
				(op[1] & 2 ? MAP_SHARED : MAP_PRIVATE | MAP_ANONYMOUS),
			fds[op[1] % FDS], (off_t)(op[3] % 60) * (off_t)PAGE);
	if (!kmm_mmap_err(p) && m != at) {
		if (m->addr)
			kmm_munmap(proc, m->addr, m->len);
		m->addr = p;
		m->len = len;
	}
}

/* Fork; the child reads or writes one page of a mapping at the parent's offset, and exits. */
static void do_fork(const uint8_t *op)
{
	struct kmm_process *child = kmm_fork(proc);
	struct map *m = &maps[op[1] % MAPS];
	struct kmm_user_catch c;

	if (!child)
		return;
	if (m->addr && kmm_user_expect(&c) == 0) {
		volatile char *p =
			m->addr +
			(long)(kmm_process_user_base(child) - kmm_process_user_base(proc)) +
			((size_t)op[2] * 4096 + op[3]) % m->len;

		if (op[3] & 1)
			*p = (char)op[2];
		else
			(void)*p;
		kmm_user_done(&c);
	}
	kmm_process_destroy(child);
}

static void do_drop_root(const uint8_t *op)
{
	struct rlimit lim = { (rlim_t)(op[2] % 4) * PAGE, (rlim_t)(op[2] % 4) * PAGE };

	kmm_setrlimit(proc, RLIMIT_MEMLOCK, &lim);
	kmm_setuid(proc, 1000);
}

static void (*const ops[])(const uint8_t *) = {
	do_open,  do_mmap,  do_mmap, do_munmap,	   do_mremap, do_mprotect,
	do_touch, do_touch, do_read, do_drop_root, do_fork,   do_fixed,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = 256ULL << 20 };

	if (kmm_boot(&cfg) || fbmem_board_init())
		abort();
	free_at_start = settled_free_pages();
	return 0;
}

static void start_process(void)
{
	proc = kmm_process_create("fuzz");
	if (!proc)
		abort();
	for (int i = 0; i < FDS; i++)
		fds[i] = -1;
	for (int i = 0; i < MAPS; i++)
		maps[i].addr = NULL;
	scratch = kmm_mmap(proc, -1, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (kmm_mmap_err(scratch))
		abort();
	fds[0] = kmm_open(proc, "/dev/" FBMEM_NAME, O_RDWR);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long now;

	kmm_report_capture_begin();
	start_process();
	for (size_t i = 0; i + 4 <= size && i < 4 * 256; i += 4)
		ops[data[i] % (sizeof(ops) / sizeof(ops[0]))](data + i);
	kmm_process_destroy(proc); /* descriptors and mappings still open: the exit cleans up */
	if (kmm_report_capture_end()) {
		fprintf(stderr, "fuzz_fbmem: kmm reported:\n%s\n", kmm_report_captured_text(0));
		abort();
	}
	now = settled_free_pages();
	if (now != free_at_start) {
		fprintf(stderr, "fuzz_fbmem: %lu free pages after the input, %lu before\n", now,
			free_at_start);
		abort();
	}
	return 0;
}
