/*
 * Deliberate misuse of user mappings: a program that ignores SIGBUS or SIGSEGV dies of it
 * (checked in a child process); a driver copying past a slab object to or from user space is
 * reported once per copy, in the kernel's words, and refused; remapping frames nothing backs
 * fails without mapping anything; a fault handler that answers VM_FAULT_NOPAGE for ever and
 * installs nothing is reported as a soft lockup after fault_retry_limit tries, not spun on.
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
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/fs.h>
#include <kmm/mm_user.h>
#include <kmm/page_alloc.h>
#include <kmm/process.h>
#include <kmm/report.h>
#include <kmm/slab.h>
#include <kmm/uaccess.h>
#include <kmm/vmalloc.h>

struct record {
	char name[24];
	char secret[40];
};

static struct kmem_cache *records;
static void *page_buf;

static vm_fault_t one_page_fault(struct vm_fault *vmf)
{
	struct page *page;

	if (vmf->pgoff > 0)
		return VM_FAULT_SIGBUS;
	page = vmalloc_to_page(page_buf);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct one_page_ops = { .fault = one_page_fault };

/* The classic nopage bug: the page goes to the mapping without a reference of its own. */
static vm_fault_t forgetful_fault(struct vm_fault *vmf)
{
	vmf->page = vmalloc_to_page(page_buf);
	return 0;
}

static const struct vm_operations_struct forgetful_ops = { .fault = forgetful_fault };

static unsigned long liar_calls;

/* Says it installed the page itself, and never does: the access can only fault again. */
static vm_fault_t liar_fault(struct vm_fault *vmf)
{
	liar_calls++;
	return VM_FAULT_NOPAGE;
}

static const struct vm_operations_struct liar_ops = { .fault = liar_fault };

static int m_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff == 9) {
		vma->vm_ops = &forgetful_ops;
		return 0;
	}
	if (vma->vm_pgoff == 11) {
		vma->vm_ops = &liar_ops;
		return 0;
	}
	if (vma->vm_pgoff == 7)
		return remap_pfn_range(vma, vma->vm_start, 0x7ff00000UL, PAGE_SIZE,
				       vma->vm_page_prot);
	vma->vm_ops = &one_page_ops;
	return 0;
}

/* A driver bug: the whole record goes out, and the copy length comes from the user. */
static long m_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct record *r = kmem_cache_zalloc(records, GFP_KERNEL);
	long err = 0;

	if (cmd == 1 && copy_to_user((void *)arg, r, sizeof(*r) + 16))
		err = -EFAULT;
	if (cmd == 2 && copy_from_user(r->secret, (void *)arg, 64))
		err = -EFAULT;
	kmem_cache_free(records, r);
	return err;
}

static ssize_t m_read(struct file *file, char *buf, size_t count, loff_t *pos)
{
	static const char zeros[64];

	if (count > sizeof(zeros))
		count = sizeof(zeros);
	return copy_to_user(buf, zeros, count) ? -EFAULT : (ssize_t)count;
}

static const struct file_operations m_fops = {
	.mmap = m_mmap,
	.read = m_read,
	.unlocked_ioctl = m_ioctl,
};
static struct miscdevice m_misc = { .minor = MISC_DYNAMIC_MINOR, .name = "buggy", .fops = &m_fops };
static struct kmm_process *proc;
static int fd;

static int setup(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	if (kmm_boot(&cfg))
		return -1;
	records = kmem_cache_create("record", sizeof(struct record), 0, 0, NULL);
	page_buf = vmalloc_user(PAGE_SIZE);
	m_misc.minor = MISC_DYNAMIC_MINOR;
	if (!records || !page_buf || misc_register(&m_misc))
		return -1;
	proc = kmm_process_create("victim");
	fd = kmm_open(proc, "/dev/buggy", O_RDWR);
	return fd >= 0 ? 0 : -1;
}

static int teardown(void **state)
{
	kmm_process_destroy(proc);
	misc_deregister(&m_misc);
	vfree(page_buf);
	kmem_cache_destroy(records);
	kmm_shutdown();
	return 0;
}

/* Run @touch in a child process and return the signal that ended it (0 if none did). */
static int child_dies_of(void (*touch)(volatile char *), volatile char *addr)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL); /* the program has no handler of its own */
		touch(addr);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void read_byte(volatile char *p)
{
	struct kmm_user_catch c;

	/* arm and drop a recovery point: kmm's handler is back, nobody catches */
	kmm_user_arm(&c);
	kmm_user_done(&c);
	(void)*p;
}

static void write_byte(volatile char *p)
{
	struct kmm_user_catch c;

	kmm_user_arm(&c);
	kmm_user_done(&c);
	*p = 1;
}

static void an_unhandled_vm_fault_sigbus_kills_the_program_with_sigbus(void **state)
{
	char *u = kmm_mmap(proc, fd, 2 * PAGE_SIZE, PROT_READ, MAP_SHARED, 0);

	assert_int_equal(kmm_mmap_err(u), 0);
	assert_int_equal(child_dies_of(read_byte, u + PAGE_SIZE), SIGBUS);
	assert_int_equal(child_dies_of(read_byte, u), 0);
}

static void an_unhandled_write_to_a_read_only_mapping_kills_it_with_sigsegv(void **state)
{
	char *u = kmm_mmap(proc, fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 0);

	assert_int_equal(child_dies_of(write_byte, u), SIGSEGV);
	assert_int_equal(kmm_munmap(proc, u, PAGE_SIZE), 0);
	assert_int_equal(child_dies_of(read_byte, u), SIGSEGV);
}

static void usercopy_past_a_slab_object_is_reported_once_per_copy(void **state)
{
	char *u = kmm_mmap(proc, -1, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   0);
	unsigned long before = kmm_usercopy_reports();

	kmm_report_capture_begin();
	assert_int_equal(kmm_ioctl(proc, fd, 1, (unsigned long)u), -EFAULT);
	assert_int_equal(kmm_ioctl(proc, fd, 2, (unsigned long)u), -EFAULT);
	assert_int_equal(kmm_report_capture_end(), 2);
	assert_int_equal(kmm_report_captured("usercopy"), 2);
	assert_non_null(strstr(kmm_report_captured_text(0),
			       "usercopy: Kernel memory exposure attempt detected from SLUB object "
			       "'record' (offset 0, size 80)!"));
	assert_non_null(strstr(kmm_report_captured_text(1),
			       "usercopy: Kernel memory overwrite attempt detected to SLUB object "
			       "'record' (offset 24, size 64)!"));
	assert_int_equal(kmm_usercopy_reports() - before, 2);
	/* refused: not one byte went out */
	assert_int_equal(u[0], 0);
}

static void remapping_frames_nothing_backs_maps_nothing(void **state)
{
	kmm_report_capture_begin();
	assert_int_equal(
		kmm_mmap_err(kmm_mmap(proc, fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 7 * PAGE_SIZE)),
		-EINVAL);
	assert_int_equal(kmm_report_capture_end(), 0);
	assert_null(find_vma(kmm_process_mm(proc), 0));
}

static void a_fault_handler_without_get_page_is_caught_at_vfree(void **state)
{
	volatile char *u = kmm_mmap(proc, fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 9 * PAGE_SIZE);
	struct kmm_user_catch c;

	if (kmm_user_expect(&c) == 0) {
		(void)u[0];
		kmm_user_done(&c);
	}
	assert_int_equal(c.sig, 0);
	kmm_report_capture_begin();
	/* munmap drops the reference the mapping never got: the buffer's own page is freed */
	assert_int_equal(kmm_munmap(proc, (void *)u, PAGE_SIZE), 0);
	assert_int_equal(kmm_report_captured(NULL), 0);
	vfree(page_buf);
	page_buf = NULL;
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("BUG: Bad page state"), 1);
	assert_int_equal(kmm_report_captured_find("VM_BUG_ON_PAGE(page_ref_count(page) == 0)"), 1);
}

static void a_fault_handler_answering_nopage_for_ever_is_a_soft_lockup(void **state)
{
	volatile char *u =
		kmm_mmap(proc, fd, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 11 * PAGE_SIZE);
	struct kmm_user_catch c;
	char buf[8];

	assert_int_equal(kmm_mmap_err((void *)u), 0);
	assert_int_equal(kmm_option_set("fault_retry_limit", "50"), 0);
	liar_calls = 0;
	kmm_report_capture_begin();
	if (kmm_user_expect(&c) == 0) {
		(void)u[0];
		kmm_user_done(&c);
	}
	/* Linux would retry for ever; kmm stops the access after the limit, with SIGBUS */
	assert_int_equal(c.sig, SIGBUS);
	assert_int_equal(c.code, BUS_ADRERR);
	assert_int_equal(liar_calls, 51);
	/* a copy_to_user into the page is stopped the same way: a short copy, not a hang */
	assert_int_equal(kmm_read(proc, fd, (void *)u, sizeof(buf)), -EFAULT);
	assert_int_equal(kmm_report_capture_end(), 2);
	assert_int_equal(kmm_report_captured("soft_lockup"), 2);
	assert_non_null(strstr(kmm_report_captured_text(0),
			       "watchdog: BUG: soft lockup - CPU#0 stuck for 0s! [victim:"));
	assert_non_null(strstr(kmm_report_captured_text(0), "liar_fault"));
	assert_int_equal(kmm_option_set("fault_retry_limit", "10000"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			an_unhandled_vm_fault_sigbus_kills_the_program_with_sigbus, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			an_unhandled_write_to_a_read_only_mapping_kills_it_with_sigsegv, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			usercopy_past_a_slab_object_is_reported_once_per_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(remapping_frames_nothing_backs_maps_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_fault_handler_without_get_page_is_caught_at_vfree,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_fault_handler_answering_nopage_for_ever_is_a_soft_lockup, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
