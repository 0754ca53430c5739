/*
 * copy_to_user and friends: good copies, short counts at the first bad page (never a
 * crash), fault handlers reached through a copy, and hardened usercopy's report for a copy
 * running off a slab object.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/fs.h>
#include <kmm/mm_user.h>
#include <kmm/process.h>
#include <kmm/report.h>
#include <kmm/slab.h>
#include <kmm/uaccess.h>
#include <kmm/vmalloc.h>
#include "user/process.h"

static struct kmm_process *proc, *prev;
static char *user; /* three pages: rw, rw, then a hole */

static int setup(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20 };

	if (kmm_boot(&cfg))
		return -1;
	proc = kmm_process_create("copier");
	user = kmm_mmap(proc, -1, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (kmm_mmap_err(user) || kmm_munmap(proc, user + 2 * PAGE_SIZE, PAGE_SIZE))
		return -1;
	prev = process_enter(proc); /* as if inside one of proc's system calls */
	return 0;
}

static int teardown(void **state)
{
	process_leave(prev);
	kmm_shutdown();
	return 0;
}

static void copies_within_user_memory_succeed(void **state)
{
	char k[100], back[100];
	int v = 0;

	memset(k, 'x', sizeof(k));
	assert_true(access_ok(user, 2 * PAGE_SIZE));
	assert_int_equal(copy_to_user(user + PAGE_SIZE - 50, k, sizeof(k)), 0);
	assert_int_equal(copy_from_user(back, user + PAGE_SIZE - 50, sizeof(back)), 0);
	assert_memory_equal(k, back, sizeof(k));
	assert_int_equal(put_user(1234, (int *)user), 0);
	assert_int_equal(get_user(v, (int *)user), 0);
	assert_int_equal(v, 1234);
	assert_int_equal(clear_user(user, 4), 0);
	assert_int_equal(get_user(v, (int *)user), 0);
	assert_int_equal(v, 0);
}

static void a_copy_stops_at_the_first_bad_page_and_says_how_much_is_left(void **state)
{
	char k[300];
	int v = 5;

	memset(k, 'y', sizeof(k));
	assert_int_equal(copy_to_user(user + 2 * PAGE_SIZE - 100, k, sizeof(k)), 200);
	assert_int_equal(user[2 * PAGE_SIZE - 1], 'y');
	memset(k, 'z', sizeof(k));
	assert_int_equal(copy_from_user(k, user + 2 * PAGE_SIZE - 100, sizeof(k)), 200);
	assert_int_equal(k[99], 'y');
	assert_int_equal(k[100], 0); /* the rest is zeroed */
	assert_int_equal(clear_user(user + 2 * PAGE_SIZE - 1, 2), 1);
	assert_int_equal(get_user(v, (int *)(user + 2 * PAGE_SIZE)), -EFAULT);
	assert_int_equal(v, 0);
	assert_int_equal(put_user(v, (int *)(user + 2 * PAGE_SIZE)), -EFAULT);
	/* kernel and wild pointers are not user memory at all */
	assert_false(access_ok(k, sizeof(k)));
	assert_int_equal(copy_to_user(k, "abc", 3), 3);
	assert_int_equal(copy_to_user((void *)16, "abc", 3), 3);
	assert_int_equal(copy_from_user(k, NULL, 8), 8);
}

static void strncpy_from_user_counts_and_faults(void **state)
{
	char k[16];
	char a4[4] = { 'a', 'a', 'a', 'a' };

	assert_int_equal(copy_to_user(user, "hello", 6), 0);
	assert_int_equal(strncpy_from_user(k, user, sizeof(k)), 5);
	assert_string_equal(k, "hello");
	assert_int_equal(strncpy_from_user(k, user, 3), 3);
	assert_int_equal(strnlen_user(user, 100), 6);
	assert_int_equal(copy_to_user(user + 2 * PAGE_SIZE - 4, a4, 4), 0);
	assert_int_equal(strncpy_from_user(k, user + 2 * PAGE_SIZE - 4, sizeof(k)), -EFAULT);
	assert_int_equal(strncpy_from_user(k, k, sizeof(k)), -EFAULT);
}

static void a_copy_beyond_a_slab_object_is_reported_and_refused(void **state)
{
	char *obj = kmalloc(64, GFP_KERNEL);
	const char *text;

	memset(obj, 1, 64);
	kmm_report_capture_begin();
	assert_int_equal(copy_to_user(user, obj, 80), 80);
	assert_int_equal(copy_from_user(obj + 16, user, 64), 64);
	assert_int_equal(copy_to_user(user, obj + 8, 56), 0);
	assert_int_equal(kmm_report_capture_end(), 2);
	text = kmm_report_captured_text(0);
	assert_non_null(strstr(text, "usercopy: Kernel memory exposure attempt detected from "
				     "SLUB object 'kmalloc-64' (offset 0, size 80)!"));
	assert_non_null(strstr(kmm_report_captured_text(1),
			       "usercopy: Kernel memory overwrite attempt detected to SLUB "
			       "object 'kmalloc-64' (offset 16, size 64)!"));
	assert_int_equal(kmm_usercopy_reports(), 2);
	kfree(obj);
}

static void a_copy_beyond_a_vmalloc_area_is_reported_and_refused(void **state)
{
	char *v = vmalloc(2 * PAGE_SIZE);

	kmm_report_capture_begin();
	assert_int_equal(copy_to_user(user, v + PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(copy_to_user(user, v + PAGE_SIZE, 2 * PAGE_SIZE + 1), 2 * PAGE_SIZE + 1);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_non_null(strstr(kmm_report_captured_text(0),
			       "usercopy: Kernel memory exposure attempt detected from vmalloc "
			       "(offset 4096, size 8193)!"));
	vfree(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(copies_within_user_memory_succeed, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_copy_stops_at_the_first_bad_page_and_says_how_much_is_left, setup,
			teardown),
		cmocka_unit_test_setup_teardown(strncpy_from_user_counts_and_faults, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_copy_beyond_a_slab_object_is_reported_and_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_copy_beyond_a_vmalloc_area_is_reported_and_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
