/*
 * bench_fault.c - what a user page fault served by a driver's .fault handler costs, beside
 * the host kernel's own page fault on anonymous memory in the same run; and what
 * remap_pfn_range costs per MiB.
 *
 * kmm fault: a simulated process maps PAGES pages of a misc device whose fault handler hands
 * out the pages of a vmalloc_user() buffer (vmalloc_to_page + get_page), then writes one
 * byte per page: each write is a host SIGSEGV, the dispatcher, the handler, one host mmap of
 * the frame, and the retried store. The host row writes one byte per page of a fresh
 * malloc()ed block (above a fixed mmap threshold, so freshly mmap()ed and untouched; the
 * host's transparent huge pages are off unless madvise()d): the host kernel's own anonymous
 * fault path.
 * remap row: kmm_mmap of REMAP_MIB MiB of device memory, remap_pfn_range in the driver's
 * mmap, then kmm_munmap; reported per MiB.
 *
 * Each figure is the median of RUNS runs. Benchmarks print numbers; they never assert times.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <kmm/kmm.h>
#include <kmm/devmem.h>
#include <kmm/fs.h>
#include <kmm/mm_user.h>
#include <kmm/page_alloc.h>
#include <kmm/process.h>
#include <kmm/vmalloc.h>

#define RUNS 7
#define PAGES 4096 /* 16 MiB */
#define REMAP_MIB 64
#define DEV_PHYS 0xc0000000ULL

static char *buf;

static vm_fault_t bench_fault(struct vm_fault *vmf)
{
	struct page *page;

	if (vmf->pgoff >= PAGES)
		return VM_FAULT_SIGBUS;
	page = vmalloc_to_page(buf + (vmf->pgoff << PAGE_SHIFT));
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct bench_vm_ops = { .fault = bench_fault };

static int bench_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff == 0) {
		vma->vm_ops = &bench_vm_ops;
		return 0;
	}
	return remap_pfn_range(vma, vma->vm_start, DEV_PHYS >> PAGE_SHIFT,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

static const struct file_operations bench_fops = { .mmap = bench_mmap };
static struct miscdevice bench_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "bench",
	.fops = &bench_fops,
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, RUNS, sizeof(*v), cmp_double);
	return v[RUNS / 2];
}

static int die(const char *what)
{
	fprintf(stderr, "bench_fault: %s failed\n", what);
	return 1;
}

int main(void)
{
	double kmm_ns[RUNS], host_ns[RUNS], remap_ns[RUNS];
	struct kmm_process *p;
	int fd;

	/* A fixed threshold: every block below comes fresh from the host, never reused. */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	if (kmm_boot(NULL))
		return die("kmm_boot");
	buf = vmalloc_user(PAGES * PAGE_SIZE);
	if (!buf || !kmm_devmem_create("bench-dev", DEV_PHYS, (size_t)REMAP_MIB << 20) ||
	    misc_register(&bench_misc))
		return die("setup");
	p = kmm_process_create("bench");
	fd = kmm_open(p, "/dev/bench", O_RDWR);
	if (fd < 0)
		return die("kmm_open");

	for (int r = 0; r < RUNS; r++) {
		volatile char *u =
			kmm_mmap(p, fd, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
		volatile char *h = malloc(PAGES * PAGE_SIZE + PAGE_SIZE);
		double t0;

		if (kmm_mmap_err((void *)u) || !h)
			return die("mapping");
		t0 = now_ns();
		for (long i = 0; i < PAGES; i++)
			u[i * PAGE_SIZE] = 1;
		kmm_ns[r] = (now_ns() - t0) / PAGES;
		kmm_munmap(p, (void *)u, PAGES * PAGE_SIZE);

		t0 = now_ns();
		for (long i = 0; i < PAGES; i++)
			h[i * PAGE_SIZE] = 1;
		host_ns[r] = (now_ns() - t0) / PAGES;
		free((void *)h);

		t0 = now_ns();
		u = kmm_mmap(p, fd, (size_t)REMAP_MIB << 20, PROT_READ | PROT_WRITE, MAP_SHARED,
			     PAGE_SIZE);
		if (kmm_mmap_err((void *)u))
			return die("remap");
		kmm_munmap(p, (void *)u, (size_t)REMAP_MIB << 20);
		remap_ns[r] = (now_ns() - t0) / REMAP_MIB;
	}
	printf("user page faults, %d pages per run, median of %d runs\n", PAGES, RUNS);
	printf("%-52s %9.2f us/fault\n", "kmm: .fault handler (vmalloc_to_page), first write",
	       median(kmm_ns) / 1e3);
	printf("%-52s %9.2f us/fault  (kmm / host = %.1fx)\n",
	       "host: anonymous memory, first write", median(host_ns) / 1e3,
	       median(kmm_ns) / median(host_ns));
	printf("%-52s %9.2f us/MiB\n", "kmm: mmap + remap_pfn_range + munmap, device memory",
	       median(remap_ns) / 1e3);
	kmm_process_destroy(p);
	misc_deregister(&bench_misc);
	vfree(buf);
	kmm_shutdown();
	return 0;
}
