/*
 * Hardened usercopy's whitelists, as Debian's kernel enforces them: a copy of a size not known
 * at build time may touch only the usercopy region of a slab object (all of a kmalloc object,
 * [useroffset, useroffset + usersize) of a kmem_cache_create_usercopy() object, nothing of a
 * kmem_cache_create() object); a fixed-size copy is checked against the object's end only.
 * Refused copies are reported in the kernel's words and counted; hardened_usercopy=0 turns
 * the checks off.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/mm_user.h>
#include <kmm/process.h>
#include <kmm/report.h>
#include <kmm/slab.h>
#include <kmm/uaccess.h>
#include "user/process.h"

static struct kmm_process *proc, *prev;
static char *user;

static int boot_with(const char *options)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .options = options };

	if (kmm_boot(&cfg))
		return -1;
	proc = kmm_process_create("copier");
	user = kmm_mmap(proc, -1, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (kmm_mmap_err(user))
		return -1;
	prev = process_enter(proc);
	return 0;
}

static int boot(void **state)
{
	return boot_with(NULL);
}

static int boot_unhardened(void **state)
{
	return boot_with("hardened_usercopy=0");
}

static int teardown(void **state)
{
	process_leave(prev);
	kmm_shutdown();
	return 0;
}

/* As a driver's read(): the length comes from the user, so the compiler cannot know it. */
static unsigned long __attribute__((noinline))
driver_read(void *ubuf, const void *obj, unsigned long count)
{
	return copy_to_user(ubuf, obj, count);
}

static unsigned long __attribute__((noinline))
driver_write(void *obj, const void *ubuf, unsigned long count)
{
	return copy_from_user(obj, ubuf, count);
}

struct session {
	unsigned long key[4]; /* never for the user */
	char name[32]; /* the usercopy region */
	unsigned long refs;
};

static void a_cache_without_a_whitelist_refuses_variable_copies(void **state)
{
	struct kmem_cache *s = kmem_cache_create("plain_obj", 64, 0, 0, NULL);
	char *obj = kmem_cache_alloc(s, GFP_KERNEL);
	unsigned long before = kmm_usercopy_reports();

	memset(obj, 'k', 64);
	kmm_report_capture_begin();
	assert_int_equal(driver_read(user, obj, 16), 16);
	assert_int_equal(driver_write(obj + 8, user, 4), 4);
	assert_int_equal(kmm_report_capture_end(), 2);
	assert_int_equal(
		kmm_report_captured_find("usercopy: Kernel memory exposure attempt "
					 "detected from SLUB object 'plain_obj' (offset 0, "
					 "size 16)!"),
		1);
	assert_int_equal(kmm_report_captured_find("usercopy: Kernel memory overwrite attempt "
						  "detected to SLUB object 'plain_obj' (offset 8, "
						  "size 4)!"),
			 1);
	assert_int_equal(kmm_usercopy_reports() - before, 2);
	/* A fixed-size copy is the compiler's to check: inside the object, it goes. */
	kmm_report_capture_begin();
	assert_int_equal(copy_to_user(user, obj, 16), 0);
	assert_int_equal(kmm_report_capture_end(), 0);
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
}

static void a_whitelisted_region_may_be_copied_and_nothing_else(void **state)
{
	struct kmem_cache *s = kmem_cache_create_usercopy(
		"session", sizeof(struct session), 0, 0, offsetof(struct session, name),
		sizeof(((struct session *)0)->name), NULL);
	struct session *obj = kmem_cache_alloc(s, GFP_KERNEL);

	strcpy(obj->name, "alice");
	kmm_report_capture_begin();
	assert_int_equal(driver_read(user, obj->name, sizeof(obj->name)), 0);
	assert_int_equal(driver_write(obj->name + 4, user, 28), 0);
	assert_int_equal(kmm_report_capture_end(), 0);
	kmm_report_capture_begin();
	assert_int_equal(driver_read(user, obj->name, sizeof(obj->name) + 8), 40);
	assert_int_equal(driver_read(user, obj, 8), 8);
	assert_int_equal(kmm_report_capture_end(), 2);
	assert_int_equal(kmm_report_captured_find("usercopy: Kernel memory exposure attempt "
						  "detected from SLUB object 'session' (offset 32, "
						  "size 40)!"),
			 1);
	assert_int_equal(kmm_report_captured_find("from SLUB object 'session' (offset 0, size "
						  "8)!"),
			 1);
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
}

static void a_kmalloc_object_is_all_copyable(void **state)
{
	char *obj = kmalloc(100, GFP_KERNEL);

	memset(obj, 'k', 100);
	kmm_report_capture_begin();
	assert_int_equal(driver_read(user, obj, 128), 0); /* kmalloc-128: ksize() */
	assert_int_equal(driver_read(user, obj + 100, 29), 29);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured_find("from SLUB object 'kmalloc-128' (offset 100, "
						  "size 29)!"),
			 1);
	kfree(obj);
}

static void a_region_that_does_not_fit_is_a_warning_and_none(void **state)
{
	struct kmem_cache *s;
	char *obj;

	kmm_report_capture_begin();
	s = kmem_cache_create_usercopy("too_wide", 32, 0, 0, 16, 32, NULL);
	assert_non_null(s);
	assert_int_equal(kmm_report_capture_end(), 1);
	assert_int_equal(kmm_report_captured("slab_usercopy_region"), 1);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	kmm_report_capture_begin();
	assert_int_equal(driver_read(user, obj + 16, 8), 8);
	assert_int_equal(kmm_report_capture_end(), 1);
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
}

static void hardened_usercopy_off_checks_nothing(void **state)
{
	struct kmem_cache *s = kmem_cache_create("plain_off", 64, 0, 0, NULL);
	char *obj = kmem_cache_alloc(s, GFP_KERNEL);

	kmm_report_capture_begin();
	assert_int_equal(driver_read(user, obj, 64), 0);
	assert_int_equal(kmm_report_capture_end(), 0);
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_cache_without_a_whitelist_refuses_variable_copies,
						boot, teardown),
		cmocka_unit_test_setup_teardown(a_whitelisted_region_may_be_copied_and_nothing_else,
						boot, teardown),
		cmocka_unit_test_setup_teardown(a_kmalloc_object_is_all_copyable, boot, teardown),
		cmocka_unit_test_setup_teardown(a_region_that_does_not_fit_is_a_warning_and_none,
						boot, teardown),
		cmocka_unit_test_setup_teardown(hardened_usercopy_off_checks_nothing,
						boot_unhardened, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
