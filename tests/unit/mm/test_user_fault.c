/*
 * User page faults: a VMA with a fault handler starts empty, the first touch of each page
 * calls the handler exactly once and the access resumes; VM_FAULT_SIGBUS, writes to read-only
 * mappings and touches outside every VMA become signals the program observes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/fs.h>
#include <kmm/mm_user.h>
#include <kmm/page_alloc.h>
#include <kmm/process.h>
#include <kmm/vmalloc.h>

#define BUF_PAGES 8

static char *buf;
static int calls[BUF_PAGES];
static int closes;

static vm_fault_t t_fault(struct vm_fault *vmf)
{
	struct page *page;

	if (vmf->pgoff >= BUF_PAGES)
		return VM_FAULT_SIGBUS;
	calls[vmf->pgoff]++;
	page = vmalloc_to_page(buf + (vmf->pgoff << PAGE_SHIFT));
	get_page(page);
	vmf->page = page;
	return 0;
}

static vm_fault_t pfn_fault(struct vm_fault *vmf)
{
	calls[0]++;
	return vmf_insert_pfn(vmf->vma, vmf->address, vmalloc_to_pfn(buf));
}

static void t_close(struct vm_area_struct *vma)
{
	closes++;
}

static const struct vm_operations_struct t_vm_ops = { .fault = t_fault, .close = t_close };
static const struct vm_operations_struct pfn_vm_ops = { .fault = pfn_fault };

static int t_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff == 1000) {
		vm_flags_set(vma, VM_PFNMAP);
		vma->vm_ops = &pfn_vm_ops;
		return 0;
	}
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &t_vm_ops;
	return 0;
}

static const struct file_operations t_fops = { .mmap = t_mmap };
static struct miscdevice t_misc = { .minor = MISC_DYNAMIC_MINOR,
				    .name = "faulty",
				    .fops = &t_fops };
static struct kmm_process *proc;
static int fd;

static int setup(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	if (kmm_boot(&cfg))
		return -1;
	buf = vmalloc_user(BUF_PAGES * PAGE_SIZE);
	memset(calls, 0, sizeof(calls));
	closes = 0;
	t_misc.minor = MISC_DYNAMIC_MINOR;
	if (!buf || misc_register(&t_misc))
		return -1;
	proc = kmm_process_create("faulter");
	fd = kmm_open(proc, "/dev/faulty", O_RDWR);
	return fd >= 0 ? 0 : -1;
}

static int teardown(void **state)
{
	kmm_process_destroy(proc);
	misc_deregister(&t_misc);
	vfree(buf);
	kmm_shutdown();
	return 0;
}

static void the_handler_runs_once_per_touched_page_and_the_access_resumes(void **state)
{
	char *u = kmm_mmap(proc, fd, BUF_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	unsigned long before = kmm_process_faults(proc);

	assert_int_equal(kmm_mmap_err(u), 0);
	assert_int_equal(calls[0] + calls[3], 0);
	u[0] = 'a';
	u[1] = 'b';
	assert_int_equal(u[0], 'a');
	u[3 * PAGE_SIZE + 9] = 'z';
	assert_int_equal(calls[0], 1);
	assert_int_equal(calls[3], 1);
	assert_int_equal(calls[1], 0);
	assert_int_equal(buf[0], 'a');
	assert_int_equal(buf[3 * PAGE_SIZE + 9], 'z');
	buf[5 * PAGE_SIZE] = 'k';
	assert_int_equal(u[5 * PAGE_SIZE], 'k'); /* a read fault maps the same page */
	assert_int_equal(calls[5], 1);
	assert_int_equal(kmm_process_faults(proc) - before, 3);
	assert_int_equal(kmm_munmap(proc, u, BUF_PAGES * PAGE_SIZE), 0);
	assert_int_equal(closes, 1);
}

static int touch(volatile char *p, bool write, struct kmm_user_catch *c)
{
	if (kmm_user_expect(c) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
		kmm_user_done(c);
		return 0;
	}
	return c->sig;
}

static void vm_fault_sigbus_is_the_programs_sigbus(void **state)
{
	char *u = kmm_mmap(proc, fd, (BUF_PAGES + 2) * PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	struct kmm_user_catch c;

	assert_int_equal(kmm_mmap_err(u), 0);
	assert_int_equal(touch(u + BUF_PAGES * PAGE_SIZE, false, &c), SIGBUS);
	assert_int_equal(c.code, BUS_ADRERR);
	assert_ptr_equal((void *)c.addr, u + BUF_PAGES * PAGE_SIZE);
	assert_int_equal(touch(u, false, &c), 0);
}

static void a_write_to_a_read_only_mapping_is_sigsegv(void **state)
{
	char *u = kmm_mmap(proc, fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	struct kmm_user_catch c;

	assert_int_equal(touch(u, true, &c), SIGSEGV);
	assert_int_equal(c.code, SEGV_ACCERR);
	assert_int_equal(calls[0], 0); /* refused before the driver is asked */
	assert_int_equal(touch(u, false, &c), 0);
	assert_int_equal(touch(u, true, &c), SIGSEGV);
	assert_int_equal(kmm_mprotect(proc, u, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(touch(u, true, &c), 0);
	assert_int_equal(buf[0], 1);
	assert_int_equal(kmm_mprotect(proc, u, PAGE_SIZE, PROT_NONE), 0);
	assert_int_equal(touch(u, false, &c), SIGSEGV);
	assert_int_equal(calls[0], 1);
}

static void a_touch_outside_every_vma_is_sigsegv_maperr(void **state)
{
	char *u = kmm_mmap(proc, fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	struct kmm_user_catch c;

	assert_int_equal(kmm_munmap(proc, u, PAGE_SIZE), 0);
	assert_int_equal(touch(u, false, &c), SIGSEGV);
	assert_int_equal(c.code, SEGV_MAPERR);
}

static void anonymous_memory_is_zeroed_pages_faulted_in(void **state)
{
	unsigned char *a = kmm_mmap(proc, -1, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, 0);

	assert_int_equal(kmm_mmap_err(a), 0);
	assert_int_equal(a[100], 0);
	a[2 * PAGE_SIZE] = 9;
	assert_int_equal(a[2 * PAGE_SIZE], 9);
	assert_true(vmalloc_to_page(buf) != NULL);
	assert_int_equal(kmm_munmap(proc, a, 3 * PAGE_SIZE), 0);
}

static void vmf_insert_pfn_maps_a_raw_frame(void **state)
{
	char *u = kmm_mmap(proc, fd, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			   1000 * PAGE_SIZE);

	assert_int_equal(kmm_mmap_err(u), 0);
	buf[17] = 'q';
	assert_int_equal(u[17], 'q');
	assert_int_equal(u[PAGE_SIZE + 17], 'q');
	assert_int_equal(calls[0], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			the_handler_runs_once_per_touched_page_and_the_access_resumes, setup,
			teardown),
		cmocka_unit_test_setup_teardown(vm_fault_sigbus_is_the_programs_sigbus, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_write_to_a_read_only_mapping_is_sigsegv, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_touch_outside_every_vma_is_sigsegv_maperr, setup,
						teardown),
		cmocka_unit_test_setup_teardown(anonymous_memory_is_zeroed_pages_faulted_in, setup,
						teardown),
		cmocka_unit_test_setup_teardown(vmf_insert_pfn_maps_a_raw_frame, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
