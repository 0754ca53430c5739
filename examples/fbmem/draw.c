/*
 * draw.c - a user program for the fbmem framebuffer: it maps the VRAM and paints a picture
 * with plain stores, then exercises the lazily mapped shadow buffer. It uses only the system
 * calls of user_shim.h, so the same source runs against a real kernel and against kmm, and
 * prints the same lines in both (no addresses, nothing timing-dependent).
 */
#define _GNU_SOURCE /* mremap */
#include <string.h>

#include "fbmem.h"
#include "draw.h"
#include "user_shim.h"

#ifdef KMM_USER
struct kmm_process *shim_process;
#endif

static unsigned int rgb(unsigned int r, unsigned int g, unsigned int b)
{
	return (r << 16) | (g << 8) | b;
}

/* A sky fading from deep blue to orange, a sun, two hills and a frame. */
static unsigned int pixel(unsigned int x, unsigned int y, unsigned int w, unsigned int h)
{
	int dx = (int)x - (int)(w * 3 / 4), dy = (int)y - (int)(h / 4);
	int r_sun = (int)h / 7;
	long hill1 =
		(long)h * 3 / 4 - (long)(h / 5) + ((long)x - w / 3) * ((long)x - w / 3) / (long)w;
	long hill2 = (long)h * 5 / 6 - (long)(h / 8) +
		     ((long)x - w * 4 / 5) * ((long)x - w * 4 / 5) / (long)(w / 2);

	if (x < 2 || y < 2 || x >= w - 2 || y >= h - 2)
		return rgb(40, 40, 40);
	if (dx * dx + dy * dy <= r_sun * r_sun)
		return rgb(255, 220, 60);
	if ((long)y >= hill2)
		return rgb(20, 110 + (y * 60) / h, 40);
	if ((long)y >= hill1)
		return rgb(60, 150 + (y * 60) / h, 70);
	return rgb(30 + (y * 220) / h, 40 + (y * 100) / h, 140 - (y * 100) / h);
}

static unsigned int fnv1a(const unsigned char *p, size_t len)
{
	unsigned int h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static int fail(FILE *out, const char *what)
{
	fprintf(out, "fbmem: %s failed: %s\n", what, strerror(errno));
	return -1;
}

int fbmem_draw(const char *dev, FILE *out)
{
	size_t shadow_len = DRAW_SHADOW_PAGES * 4096;
	struct fbmem_info *info;
	unsigned char *shadow, *back;
	unsigned int *fb;
	int fd, ok = 1;

	fd = u_open(dev, O_RDWR);
	if (fd < 0)
		return fail(out, "open");
	/* user memory for the ioctl and read() results, as a real program's heap would be */
	info = u_mmap(4096 * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (info == MAP_FAILED)
		return fail(out, "mmap anonymous");
	back = (unsigned char *)info + 4096;
	if (u_ioctl(fd, FBMEM_IOC_GET_INFO, info))
		return fail(out, "FBMEM_IOC_GET_INFO");
	fprintf(out, "fbmem: %ux%u %ubpp line_length %u vram %u shadow %u\n", info->width,
		info->height, info->bpp, info->line_length, info->vram_size, info->shadow_size);

	fb = u_mmap(info->vram_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fb == MAP_FAILED)
		return fail(out, "mmap vram");
	for (unsigned int y = 0; y < info->height; y++)
		for (unsigned int x = 0; x < info->width; x++)
			fb[y * (info->line_length / 4) + x] =
				pixel(x, y, info->width, info->height);
	fprintf(out, "fbmem: drew a frame, checksum %08x\n",
		fnv1a((unsigned char *)fb, (size_t)info->line_length * info->height));

	shadow = u_mmap(shadow_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, FBMEM_SHADOW_OFFSET);
	if (shadow == MAP_FAILED)
		return fail(out, "mmap shadow");
	for (size_t i = 0; i < shadow_len; i += 64)
		shadow[i] = (unsigned char)(i / 64);
	if (u_ioctl(fd, FBMEM_IOC_GET_INFO, info))
		return fail(out, "FBMEM_IOC_GET_INFO");
	fprintf(out, "fbmem: touched %d shadow pages, the fault handler supplied %llu\n",
		DRAW_SHADOW_PAGES, (unsigned long long)info->shadow_faults);
	if (u_read(fd, back, 256) != 256)
		return fail(out, "read");
	for (int i = 0; i < 256; i++)
		ok &= back[i] == (i % 64 ? 0 : i / 64);
	fprintf(out, "fbmem: read() of the shadow returns what the mapping wrote: %s\n",
		ok ? "yes" : "no");

	u_munmap(shadow, shadow_len);
	u_munmap(fb, info->vram_size);
	u_munmap(info, 4096 * 2);
	u_close(fd);
	return ok ? 0 : -1;
}

static const char *errname(void *p)
{
	if (p != MAP_FAILED)
		return "mapped";
	switch (errno) {
	case EINVAL:
		return "EINVAL";
	case EFAULT:
		return "EFAULT";
	case ENOMEM:
		return "ENOMEM";
	case EACCES:
		return "EACCES";
	case EAGAIN:
		return "EAGAIN";
	case EPERM:
		return "EPERM";
	case EEXIST:
		return "EEXIST";
	case EOVERFLOW:
		return "EOVERFLOW";
	case EHWPOISON:
		return "EHWPOISON";
	default:
		return "other";
	}
}

static int expect(FILE *out, const char *what, void *got, const char *want)
{
	const char *name = errname(got);

	fprintf(out, "fbmem: %s: %s\n", what, name);
	return strcmp(name, want) ? -1 : 0;
}

static const char *signame(const struct u_signal *s)
{
	switch (s->sig) {
	case SIGBUS:
		return s->code == BUS_ADRERR	? "SIGBUS (BUS_ADRERR)" :
		       s->code == BUS_MCEERR_AR ? "SIGBUS (BUS_MCEERR_AR)" :
						  "SIGBUS (other code)";
	case SIGSEGV:
		return s->code == SEGV_MAPERR ? "SIGSEGV (SEGV_MAPERR)" :
		       s->code == SEGV_ACCERR ? "SIGSEGV (SEGV_ACCERR)" :
						"SIGSEGV (other code)";
	default:
		return "another signal";
	}
}

/* Read the byte at @map + @offset and print the signal that raised, if any, and where. */
static int touch(FILE *out, const char *what, const char *map, size_t offset, int want)
{
	struct u_signal s;
	int sig = u_touch(map + offset, &s);

	if (!sig)
		fprintf(out, "fbmem: touching %s: no signal\n", what);
	else
		fprintf(out, "fbmem: touching %s: %s at mapping offset %ld\n", what, signame(&s),
			(long)(s.addr - (unsigned long)map));
	return sig == want ? 0 : -1;
}

int fbmem_errors(const char *dev, FILE *out)
{
	size_t vram = 63 * 4096;
	char *buf, *v, *tail;
	ssize_t n;
	int fd, rd, err = 0;

	fd = u_open(dev, O_RDWR);
	rd = u_open(dev, O_RDONLY);
	if (fd < 0 || rd < 0)
		return fail(out, "open");
	err |= expect(out, "mmap longer than the VRAM",
		      u_mmap(vram + 4096, PROT_READ, MAP_SHARED, fd, 0), "EINVAL");
	err |= expect(out, "mmap at an offset beyond the VRAM",
		      u_mmap(4096, PROT_READ, MAP_SHARED, fd, (off_t)vram), "EINVAL");
	err |= expect(out, "mmap of the shadow starting past its end",
		      u_mmap(4096, PROT_READ, MAP_SHARED, fd, FBMEM_SHADOW_OFFSET + vram),
		      "EINVAL");
	err |= expect(out, "shared writable mmap of a read-only open",
		      u_mmap(4096, PROT_READ | PROT_WRITE, MAP_SHARED, rd, 0), "EACCES");
	/* Refused by the kernel before the driver is asked. */
	err |= expect(out, "mmap of length 0", u_mmap(0, PROT_READ, MAP_SHARED, fd, 0), "EINVAL");
	err |= expect(out, "mmap larger than the user address space",
		      u_mmap((size_t)1 << 47, PROT_READ, MAP_SHARED, fd, 0), "ENOMEM");
	v = u_mmap(4096, PROT_READ, MAP_SHARED, fd, 0);
	if (v == MAP_FAILED)
		return fail(out, "mmap vram");
	err |= expect(out, "mremap growing the remapped VRAM",
		      u_mremap(v, 4096, 2 * 4096, MREMAP_MAYMOVE), "EFAULT");
	/* the shadow's last page and one past it: the fault handler answers VM_FAULT_SIGBUS */
	tail = u_mmap(2 * 4096, PROT_READ, MAP_SHARED, fd, FBMEM_SHADOW_OFFSET + vram - 4096);
	err |= expect(out, "mmap of the shadow running past its end", tail, "mapped");
	if (tail == MAP_FAILED)
		return -1;
	err |= touch(out, "the shadow's last page", tail, 100, 0);
	err |= touch(out, "the page past the shadow", tail, 4096 + 100, SIGBUS);
	u_munmap(tail, 2 * 4096);
	buf = u_mmap(2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || u_munmap(buf + 4096, 4096))
		return fail(out, "mmap anonymous");
	n = u_read(fd, buf + 4096 - 100, 300);
	fprintf(out, "fbmem: read() of 300 bytes with 100 mapped: %zd\n", n);
	err |= n == 100 ? 0 : -1;
	n = u_read(fd, buf + 4096, 300);
	fprintf(out, "fbmem: read() into an unmapped buffer: %s\n",
		n < 0 && errno == EFAULT ? "EFAULT" : "other");
	err |= n < 0 && errno == EFAULT ? 0 : -1;
	u_munmap(buf, 4096);
	u_munmap(v, 4096);
	u_close(rd);
	u_close(fd);
	return err;
}

/* The shadow pages the driver's fault handler has supplied so far; @info is user memory. */
static long shadow_faults(int fd, struct fbmem_info *info)
{
	return u_ioctl(fd, FBMEM_IOC_GET_INFO, info) ? -1 : (long)info->shadow_faults;
}

/* Map @len bytes of @fd at @offset with @flags, and say how many pages mmap itself faulted in. */
static void *map_counting(FILE *out, const char *what, int fd, size_t len, int flags, off_t offset)
{
	struct fbmem_info *info =
		u_mmap(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long before = shadow_faults(fd, info);
	void *map = u_mmap(len, PROT_READ, MAP_SHARED | flags, fd, offset);

	fprintf(out, "fbmem: %s: %s, %ld faulted in by mmap\n", what, errname(map),
		shadow_faults(fd, info) - before);
	u_munmap(info, 4096);
	return map;
}

static const char *yes(int cond)
{
	return cond ? "yes" : "no";
}

/* Mappings at addresses the program chooses: MAP_FIXED, MAP_FIXED_NOREPLACE, hints, mremap. */
int fbmem_placement(const char *dev, FILE *out)
{
	int anon = MAP_PRIVATE | MAP_ANONYMOUS, rw = PROT_READ | PROT_WRITE, fd, err = 0;
	char *r, *v, *vram, *h, *t, *m;

	fd = u_open(dev, O_RDWR);
	r = u_mmap(3 * 4096, rw, anon, -1, 0);
	vram = u_mmap(4096, PROT_READ, MAP_SHARED, fd, 0);
	if (fd < 0 || r == MAP_FAILED || vram == MAP_FAILED)
		return fail(out, "open or mmap");
	r[0] = 'a';
	r[4096] = 'b';
	r[2 * 4096] = 'c';
	v = u_mmap_at(r + 4096, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	fprintf(out,
		"fbmem: MAP_FIXED of the VRAM over the middle of 3 pages: at the address asked %s, "
		"shows the VRAM %s, the outer pages keep %c and %c\n",
		yes(v == r + 4096), yes(v != MAP_FAILED && v[100] == vram[100]), r[0], r[2 * 4096]);
	err |= expect(out, "MAP_FIXED_NOREPLACE over a mapping",
		      u_mmap_at(r, 4096, rw, anon | MAP_FIXED_NOREPLACE, -1, 0), "EEXIST");
	err |= expect(out, "MAP_FIXED at an address off a page",
		      u_mmap_at(r + 1, 4096, rw, anon | MAP_FIXED, -1, 0), "EINVAL");
	u_munmap(r, 4096);
	h = u_mmap_at(r, 4096, rw, anon, -1, 0);
	fprintf(out, "fbmem: a hint on free space is taken: %s\n", yes(h == r));
	t = u_mmap(4096, rw, anon, -1, 0);
	m = u_mremap_to(r + 2 * 4096, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, t);
	fprintf(out,
		"fbmem: mremap with MREMAP_FIXED onto another mapping: moved there %s, "
		"carrying %c\n",
		yes(m == t), m == t ? m[0] : '-');
	err |= expect(out, "MREMAP_FIXED without MREMAP_MAYMOVE",
		      u_mremap_to(h, 4096, 4096, MREMAP_FIXED, r + 2 * 4096), "EINVAL");
	u_munmap(h, 3 * 4096);
	u_munmap(t, 4096);
	u_munmap(vram, 4096);
	u_close(fd);
	return err;
}

/*
 * Private writable mappings: a write makes the program its own copy of the page (copy on
 * write), the device's VRAM and the driver's shadow never see it.
 */
int fbmem_private(const char *dev, FILE *out)
{
	char *shared, *vram, *shadow, *back;
	int fd, err = 0;

	fd = u_open(dev, O_RDWR);
	if (fd < 0)
		return fail(out, "open");
	back = u_mmap(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shared = u_mmap(4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	vram = u_mmap(63 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	shadow = u_mmap(2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, FBMEM_SHADOW_OFFSET);
	if (back == MAP_FAILED || shared == MAP_FAILED || vram == MAP_FAILED ||
	    shadow == MAP_FAILED)
		return fail(out, "mmap");
	shared[200] = 0x11;
	fprintf(out, "fbmem: private VRAM mapping reads the VRAM: %#x\n", (unsigned char)vram[200]);
	vram[200] = 0x22;
	fprintf(out,
		"fbmem: after writing %#x there, the private mapping reads %#x, the VRAM %#x\n",
		0x22, (unsigned char)vram[200], (unsigned char)shared[200]);
	shared[200] = 0x33;
	fprintf(out, "fbmem: the VRAM changed to %#x: the private copy still reads %#x\n", 0x33,
		(unsigned char)vram[200]);
	(void)shadow[4096]; /* read: the driver's page, as it is */
	shadow[10] = 0x44; /* write: a copy of the driver's page */
	err |= u_read(fd, back, 16) == 16 ? 0 : -1;
	fprintf(out,
		"fbmem: a private shadow mapping written at byte 10: read() of the shadow gives %#x\n",
		(unsigned char)back[10]);
	u_munmap(shadow, 2 * 4096);
	u_munmap(vram, 63 * 4096);
	u_munmap(shared, 4096);
	u_munmap(back, 4096);
	u_close(fd);
	return err;
}

/* What the forked child of fbmem_fork() is given, in the parent's addresses. */
struct fork_view {
	FILE *out;
	int fd;
	char *shadow, *vram, *mine;
	struct fbmem_info *info;
};

static int child_of_fork(void *arg, long delta)
{
	struct fork_view *v = arg;
	char *shadow = v->shadow + delta, *vram = v->vram + delta, *mine = v->mine + delta;
	long before = shadow_faults(v->fd, (struct fbmem_info *)((char *)v->info + delta));
	int sum = 0;

	for (int i = 0; i < 4; i++)
		sum += shadow[i * 4096];
	fprintf(v->out,
		"fbmem: child: VRAM byte %#x, private byte %c, 4 shadow pages read (sum %d)\n",
		(unsigned char)vram[100], mine[0], sum);
	fprintf(v->out, "fbmem: child: its reads of the shadow ran the fault handler %ld times\n",
		shadow_faults(v->fd, (struct fbmem_info *)((char *)v->info + delta)) - before);
	mine[0] = 'c';
	fflush(v->out);
	return 7;
}

int fbmem_fork(const char *dev, FILE *out)
{
	struct fork_view v = { .out = out };
	int status, err = 0;

	v.fd = u_open(dev, O_RDWR);
	if (v.fd < 0)
		return fail(out, "open");
	v.info = u_mmap(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	v.mine = u_mmap(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	v.vram = u_mmap(4096, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, 0);
	v.shadow = u_mmap(4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v.fd, FBMEM_SHADOW_OFFSET);
	if (v.info == MAP_FAILED || v.mine == MAP_FAILED || v.vram == MAP_FAILED ||
	    v.shadow == MAP_FAILED)
		return fail(out, "mmap");
	for (int i = 0; i < 4; i++)
		v.shadow[i * 4096] = (char)(i + 1);
	v.vram[100] = 0x5a;
	v.mine[0] = 'p';
	status = u_fork_run(child_of_fork, &v);
	fprintf(out, "fbmem: the child exited with %d; the parent's private byte is still %c\n",
		status, v.mine[0]);
	err |= status == 7 && v.mine[0] == 'p' ? 0 : -1;
	u_munmap(v.shadow, 4 * 4096);
	u_munmap(v.vram, 4096);
	u_munmap(v.mine, 4096);
	u_munmap(v.info, 4096);
	u_close(v.fd);
	return err;
}

int fbmem_locked(const char *dev, FILE *out)
{
	struct rlimit one_page = { 4096, 4096 }, none = { 0, 0 }, more = { 1 << 20, 1 << 20 };
	off_t last = FBMEM_SHADOW_OFFSET + 62 * 4096;
	void *m[4];
	int fd, err = 0;

	fd = u_open(dev, O_RDWR);
	if (fd < 0)
		return fail(out, "open");
	m[0] = map_counting(out, "mmap of 4 shadow pages", fd, 4 * 4096, 0, FBMEM_SHADOW_OFFSET);
	m[1] = map_counting(out, "the same with MAP_POPULATE", fd, 4 * 4096, MAP_POPULATE,
			    FBMEM_SHADOW_OFFSET);
	m[2] = map_counting(out, "the same with MAP_POPULATE|MAP_NONBLOCK", fd, 4 * 4096,
			    MAP_POPULATE | MAP_NONBLOCK, FBMEM_SHADOW_OFFSET);
	m[3] = map_counting(out, "MAP_POPULATE of the shadow's last page and 2 past it", fd,
			    3 * 4096, MAP_POPULATE, last);
	for (int i = 0; i < 4; i++)
		if (m[i] != MAP_FAILED)
			u_munmap(m[i], (i == 3 ? 3 : 4) * 4096);
	m[0] = map_counting(out, "MAP_LOCKED of 2 shadow pages, as root", fd, 2 * 4096, MAP_LOCKED,
			    FBMEM_SHADOW_OFFSET);
	/* From here on an ordinary user, allowed to lock one page. */
	if (u_setrlimit(RLIMIT_MEMLOCK, &one_page) || u_setuid(65534))
		return fail(out, "setrlimit and setuid");
	err |= expect(out, "as a user: MAP_LOCKED of 2 VRAM pages, 1 allowed",
		      u_mmap(2 * 4096, PROT_READ, MAP_SHARED | MAP_LOCKED, fd, 0), "EAGAIN");
	m[1] = u_mmap(4096, PROT_READ, MAP_SHARED | MAP_LOCKED, fd, 0);
	m[2] = u_mmap(4096, PROT_READ, MAP_SHARED | MAP_LOCKED, fd, 0);
	err |= expect(out, "as a user: MAP_LOCKED of 1 VRAM page", m[1], "mapped");
	err |= expect(out, "as a user: MAP_LOCKED of 1 more (remapped pages are not counted)", m[2],
		      "mapped");
	fprintf(out, "fbmem: as a user: raising RLIMIT_MEMLOCK's hard limit: %s\n",
		u_setrlimit(RLIMIT_MEMLOCK, &more) ? errname(MAP_FAILED) : "allowed");
	if (u_setrlimit(RLIMIT_MEMLOCK, &none))
		return fail(out, "setrlimit 0");
	err |= expect(out, "as a user: MAP_LOCKED with RLIMIT_MEMLOCK 0",
		      u_mmap(4096, PROT_READ, MAP_SHARED | MAP_LOCKED, fd, 0), "EPERM");
	u_close(fd);
	return err;
}

/* Linux 6.1's enum fault_flag, bit by bit (kernel-internal values, so not in a uapi header). */
static const char *const fault_flag_names[] = {
	"WRITE", "MKWRITE", "ALLOW_RETRY", "RETRY_NOWAIT",  "KILLABLE", "TRIED",
	"USER",	 "REMOTE",  "INSTRUCTION", "INTERRUPTIBLE", "UNSHARE",	"ORIG_PTE_VALID",
};

/* Print the vmf->flags of the probe window's last fault, in hex and by name. */
static void print_flags(FILE *out, const char *what, int fd, struct fbmem_info *info)
{
	unsigned int flags = u_ioctl(fd, FBMEM_IOC_GET_INFO, info) ? ~0u : info->probe_flags;
	const char *sep = "";

	fprintf(out, "fbmem: %s: vmf->flags %#x (", what, flags);
	for (unsigned int i = 0; i < 32; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (i < sizeof(fault_flag_names) / sizeof(fault_flag_names[0]))
			fprintf(out, "%s%s", sep, fault_flag_names[i]);
		else
			fprintf(out, "%sbit %u", sep, i);
		sep = "|";
	}
	fprintf(out, ")\n");
}

/* The probe window's fault handler calls so far; @info is user memory. */
static long probe_faults(int fd, struct fbmem_info *info)
{
	return u_ioctl(fd, FBMEM_IOC_GET_INFO, info) ? -1 : (long)info->probe_faults;
}

/*
 * A free address of the program's that starts a page table (2 MiB on x86_64), with nothing
 * else mapped in that table's span: so the first fault there finds no page table, on any
 * run. 0 when none.
 */
static char *fresh_page_table(void)
{
	unsigned long span = 2ul << 20;
	char *r = u_mmap(2 * span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		return NULL;
	u_munmap(r, 2 * span);
	return (char *)(((unsigned long)r + span - 1) & ~(span - 1));
}

/* The result of a call returning 0 or -1 with errno, by name. */
static const char *result(int r)
{
	return r ? errname(MAP_FAILED) : "0";
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif

/*
 * madvise and mlock on the probe window (pages from a fault handler) at @base and on the VRAM
 * (raw frames, VM_PFNMAP): what each returns and how many faults it made.
 */
static int fbmem_advice(FILE *out, int fd, struct fbmem_info *info, char *base)
{
	size_t len = FBMEM_PROBE_PAGES * 4096;
	char *w, *v;
	long before;
	int r;

	w = u_mmap_at(base, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		      FBMEM_PROBE_OFFSET);
	v = u_mmap(2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (w == MAP_FAILED || v == MAP_FAILED)
		return fail(out, "mmap for madvise");
	before = probe_faults(fd, info);
	r = u_madvise(w, 3 * 4096, MADV_POPULATE_READ);
	fprintf(out, "fbmem: MADV_POPULATE_READ of 3 handler pages: %s, %ld faults\n", result(r),
		probe_faults(fd, info) - before);
	print_flags(out, "MADV_POPULATE_READ", fd, info);
	before = probe_faults(fd, info);
	r = u_madvise(w + FBMEM_PROBE_COPY * 4096, 2 * 4096, MADV_POPULATE_WRITE);
	fprintf(out, "fbmem: MADV_POPULATE_WRITE of 2 handler pages: %s, %ld faults\n", result(r),
		probe_faults(fd, info) - before);
	print_flags(out, "MADV_POPULATE_WRITE", fd, info);
	fprintf(out, "fbmem: MADV_POPULATE_READ of the VM_FAULT_SIGSEGV page: %s\n",
		result(u_madvise(w + FBMEM_PROBE_SIGSEGV * 4096, 4096, MADV_POPULATE_READ)));
	fprintf(out, "fbmem: MADV_POPULATE_READ of the VM_FAULT_HWPOISON page: %s\n",
		result(u_madvise(w + FBMEM_PROBE_HWPOISON * 4096, 4096, MADV_POPULATE_READ)));
	fprintf(out, "fbmem: MADV_POPULATE_READ of the VRAM (VM_PFNMAP): %s\n",
		result(u_madvise(v, 2 * 4096, MADV_POPULATE_READ)));
	fprintf(out, "fbmem: MADV_WILLNEED of handler pages: %s, of the VRAM: %s\n",
		result(u_madvise(w, 3 * 4096, MADV_WILLNEED)),
		result(u_madvise(v, 2 * 4096, MADV_WILLNEED)));
	r = u_madvise(w, 3 * 4096, MADV_DONTNEED);
	before = probe_faults(fd, info);
	(void)*(volatile char *)w;
	fprintf(out, "fbmem: MADV_DONTNEED of handler pages: %s; touching one after: %ld faults\n",
		result(r), probe_faults(fd, info) - before);
	fprintf(out, "fbmem: MADV_DONTNEED of the VRAM: %s\n",
		result(u_madvise(v, 2 * 4096, MADV_DONTNEED)));
	fprintf(out, "fbmem: MADV_DONTNEED past the mapping's end: %s\n",
		result(u_madvise(w + len - 4096, 2 * 4096, MADV_DONTNEED)));
	before = probe_faults(fd, info);
	r = u_mlock(w, 3 * 4096);
	fprintf(out, "fbmem: mlock of 3 handler pages (1 mapped before): %s, %ld faults\n",
		result(r), probe_faults(fd, info) - before);
	fprintf(out, "fbmem: MADV_DONTNEED of a locked page: %s\n",
		result(u_madvise(w + 4096, 4096, MADV_DONTNEED)));
	fprintf(out, "fbmem: munlock of them: %s\n", result(u_munlock(w, 3 * 4096)));
	fprintf(out, "fbmem: mlock of the VM_FAULT_SIGSEGV page: %s; munlock %s\n",
		result(u_mlock(w + FBMEM_PROBE_SIGSEGV * 4096, 4096)),
		result(u_munlock(w + FBMEM_PROBE_SIGSEGV * 4096, 4096)));
	fprintf(out, "fbmem: mlock of the VRAM (VM_PFNMAP): %s; munlock %s\n",
		result(u_mlock(v, 2 * 4096)), result(u_munlock(v, 2 * 4096)));
	u_munmap(v, 2 * 4096);
	u_munmap(w, len);
	return 0;
}

/*
 * The mm's side of a fault handler's answers, in the probe window: the vmf->flags of a user
 * read, a user write, a write by copy_to_user and MAP_POPULATE; the signals for
 * VM_FAULT_SIGSEGV and VM_FAULT_HWPOISON; VM_FAULT_NOPAGE with nothing installed. Also the
 * mmap offsets the kernel refuses before asking the driver. Returns 0 unless a call failed.
 */
int fbmem_faults(const char *dev, FILE *out)
{
	size_t len = FBMEM_PROBE_PAGES * 4096;
	struct fbmem_info *info;
	struct u_signal s;
	char *base, *w;
	long before;
	int fd, sig, err = 0;

	fd = u_open(dev, O_RDWR);
	info = u_mmap(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || info == MAP_FAILED)
		return fail(out, "open or mmap");
	err |= expect(out, "mmap at offset -4096",
		      u_mmap(4096, PROT_READ, MAP_SHARED, fd, (off_t)-4096), "EOVERFLOW");
	err |= expect(out, "mmap at offset -1", u_mmap(4096, PROT_READ, MAP_SHARED, fd, (off_t)-1),
		      "EINVAL");
	base = fresh_page_table();
	w = base ? u_mmap_at(base, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
			     FBMEM_PROBE_OFFSET) :
		   MAP_FAILED;
	if (w == MAP_FAILED)
		return fail(out, "mmap probe window");
	(void)*(volatile char *)w;
	print_flags(out, "user read, the first fault in its page table", fd, info);
	w[FBMEM_PROBE_PAGE0 * 4096 + 4096] = 1;
	print_flags(out, "user write, the page table there", fd, info);
	err |= u_read(fd, w + FBMEM_PROBE_COPY * 4096, 16) == 16 ? 0 : -1;
	print_flags(out, "read() into the window: copy_to_user's write", fd, info);
	err |= touch(out, "the page answering VM_FAULT_SIGSEGV", w, FBMEM_PROBE_SIGSEGV * 4096 + 8,
		     SIGSEGV);
	sig = u_touch(w + FBMEM_PROBE_HWPOISON * 4096 + 8, &s);
	fprintf(out,
		"fbmem: touching the page answering VM_FAULT_HWPOISON: %s at mapping offset "
		"%ld, si_addr_lsb %d\n",
		sig ? signame(&s) : "no signal", sig ? (long)(s.addr - (unsigned long)w) : 0L,
		sig ? s.addr_lsb : 0);
	err |= sig == SIGBUS ? 0 : -1;
	before = probe_faults(fd, info);
	err |= touch(out, "the page answering VM_FAULT_NOPAGE with nothing installed", w,
		     FBMEM_PROBE_NOPAGE * 4096 + 8, 0);
	fprintf(out, "fbmem: ... the fault handler ran %ld times for it\n",
		probe_faults(fd, info) - before);
	u_munmap(w, len);
	before = probe_faults(fd, info);
	w = u_mmap_at(base, 2 * 4096, PROT_READ, MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd,
		      FBMEM_PROBE_OFFSET);
	fprintf(out, "fbmem: MAP_POPULATE of 2 probe pages: %s, %ld faults\n", errname(w),
		probe_faults(fd, info) - before);
	print_flags(out, "MAP_POPULATE, its second page", fd, info);
	if (w != MAP_FAILED)
		u_munmap(w, 2 * 4096);
	err |= fbmem_advice(out, fd, info, base);
	u_munmap(info, 4096);
	u_close(fd);
	return err;
}

#ifndef KMM_USER
int main(void)
{
	int err = fbmem_draw("/dev/" FBMEM_NAME, stdout);

	err |= fbmem_errors("/dev/" FBMEM_NAME, stdout);
	err |= fbmem_placement("/dev/" FBMEM_NAME, stdout);
	err |= fbmem_private("/dev/" FBMEM_NAME, stdout);
	err |= fbmem_fork("/dev/" FBMEM_NAME, stdout);
	err |= fbmem_faults("/dev/" FBMEM_NAME, stdout);
	err |= fbmem_locked("/dev/" FBMEM_NAME, stdout);
	return err ? 1 : 0;
}
#endif
