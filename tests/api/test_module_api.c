/*
 * Modules as insmod and rmmod see them (kmm/module.h): the test modules in tests/modules/ are
 * compiled with the module flags, loaded with parameter strings, listed in /proc/modules and
 * unloaded; bad parameters and failing inits refuse the load with the kernel's messages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "common/kmm_test.h"
#include "modules/modules.h"
#include <kmm/module.h>
#include <kmm/proc.h>

static int boot(void **state)
{
	return kmm_test_boot("x86_32", 64ULL << 20);
}

static char *proc_modules(void)
{
	return kmm_test_text(kmm_proc_modules);
}

static void insmod_binds_parameters_and_rmmod_calls_exit(void **state)
{
	int inits = parmod_seen.inits, exits = parmod_seen.exits;
	char *text;

	assert_int_equal(kmm_module_load("parmod", "size=4096 debug=1 init_ret=0"), 0);
	assert_int_equal(parmod_seen.inits, inits + 1);
	assert_int_equal(parmod_seen.size, 4096);
	assert_true(parmod_seen.debug);
	assert_string_equal(parmod_seen.modname, "parmod");
	assert_string_equal(parmod_seen.basename, "parmod");
	assert_true(kmm_module_is_loaded("parmod"));
	text = proc_modules();
	assert_string_equal(text, "parmod 0 0 - Live 0x0000000000000000 (O)\n");
	free(text);
	assert_int_equal(kmm_module_load("parmod", NULL), -EEXIST);

	assert_int_equal(kmm_module_unload("parmod"), 0);
	assert_int_equal(parmod_seen.exits, exits + 1);
	assert_false(kmm_module_is_loaded("parmod"));
	text = proc_modules();
	assert_string_equal(text, "");
	free(text);
	assert_int_equal(kmm_module_unload("parmod"), -ENOENT);
}

static void every_parameter_kind_parses_as_the_kernel_does(void **state)
{
	assert_int_equal(kmm_module_load("parmod", " mask=0x10 label=\"a b\"  name=xyz "
						   "ports=1,-2,3 debug size=-5 init_ret=0"),
			 0);
	assert_int_equal(parmod_seen.mask, 0x10);
	assert_string_equal(parmod_seen.label, "a b");
	assert_string_equal(parmod_seen.name, "xyz");
	assert_int_equal(parmod_seen.nr_ports, 3);
	assert_int_equal(parmod_seen.ports[1], -2);
	assert_true(parmod_seen.debug);
	assert_int_equal(parmod_seen.size, -5);
	assert_int_equal(kmm_module_unload("parmod"), 0);

	/* '-' and '_' are the same in a name; "n" is false. */
	assert_int_equal(kmm_module_load("parmod", "init-ret=0 debug=n"), 0);
	assert_false(parmod_seen.debug);
	assert_int_equal(kmm_module_unload("parmod"), 0);
}

static void load_fails(const char *params, int err, const char *message)
{
	int inits = parmod_seen.inits;
	struct kmm_test_log log = kmm_test_log_begin();
	char *text;

	assert_int_equal(kmm_module_load("parmod", params), err);
	text = kmm_test_log_end(&log);
	assert_non_null(strstr(text, message));
	free(text);
	assert_int_equal(parmod_seen.inits, inits);
	assert_false(kmm_module_is_loaded("parmod"));
}

static void a_bad_value_refuses_the_load_before_init(void **state)
{
	load_fails("size=abc init_ret=0", -EINVAL, "parmod: `abc' invalid for parameter `size'\n");
	load_fails("init_ret=0 size=99999999999", -ERANGE,
		   "parmod: `99999999999' invalid for parameter `size'\n");
	load_fails("init_ret=0 name=much_too_long", -ENOSPC,
		   "name: string doesn't fit in 7 chars.\n");
	load_fails("init_ret=0 ports=1,2,3,4,5", -EINVAL, "ports: can only take 4 arguments\n");
	load_fails("init_ret=0 size", -EINVAL, "parmod: `' invalid for parameter `size'\n");
}

static void an_unknown_parameter_is_ignored_with_a_warning(void **state)
{
	struct kmm_test_log log = kmm_test_log_begin();
	char *text;

	assert_int_equal(kmm_module_load("parmod", "init_ret=0 nosuch=1"), 0);
	text = kmm_test_log_end(&log);
	assert_non_null(strstr(text, "parmod: unknown parameter 'nosuch' ignored\n"));
	free(text);
	assert_int_equal(kmm_module_unload("parmod"), 0);
}

static void a_failing_init_leaves_the_module_unloaded(void **state)
{
	int inits = parmod_seen.inits, exits = parmod_seen.exits;

	assert_int_equal(kmm_module_load("parmod", "init_ret=-19"), -ENODEV);
	assert_int_equal(parmod_seen.inits, inits + 1);
	assert_false(kmm_module_is_loaded("parmod"));
	assert_int_equal(kmm_module_unload("parmod"), -ENOENT);
	assert_int_equal(parmod_seen.exits, exits);
	/* And loads again once init succeeds. */
	assert_int_equal(kmm_module_load("parmod", "init_ret=0"), 0);
	assert_int_equal(kmm_module_unload("parmod"), 0);
}

static void a_module_spans_files_and_without_exit_stays(void **state)
{
	char *text;

	assert_int_equal(kmm_module_load("twofile", "count=3"), 0);
	assert_int_equal(twofile_inits, 3);
	assert_int_equal(kmm_module_load("parmod", "init_ret=0"), 0);
	text = proc_modules();
	assert_string_equal(text, "parmod 0 0 - Live 0x0000000000000000 (O)\n"
				  "twofile 0 0 - Live 0x0000000000000000 (O)\n");
	free(text);
	assert_int_equal(kmm_module_unload("twofile"), -EBUSY);
	assert_true(kmm_module_is_loaded("twofile"));
	assert_int_equal(kmm_module_unload("parmod"), 0);
	assert_int_equal(kmm_module_load("nosuch", NULL), -ENOENT);
}

static int count_tags(const struct kmm_module_info *info, void *arg)
{
	if (info->kind == KMM_MODINFO_TAG && strncmp(info->tag, "license=", 8) == 0)
		++*(int *)arg;
	return 0;
}

static void descriptors_are_found_by_module_name(void **state)
{
	int licenses = 0;

	kmm_module_for_each_info("parmod", count_tags, &licenses);
	assert_int_equal(licenses, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(insmod_binds_parameters_and_rmmod_calls_exit, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(every_parameter_kind_parses_as_the_kernel_does,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(a_bad_value_refuses_the_load_before_init, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(an_unknown_parameter_is_ignored_with_a_warning,
						boot, kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(a_failing_init_leaves_the_module_unloaded, boot,
						kmm_test_shutdown),
		cmocka_unit_test_setup_teardown(a_module_spans_files_and_without_exit_stays, boot,
						kmm_test_shutdown),
		cmocka_unit_test(descriptors_are_found_by_module_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
