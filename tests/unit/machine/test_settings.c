/*
 * test_settings.c - every setting a user can get wrong is refused by name, with its value and
 * what is allowed, and a refused boot builds nothing and explains itself on one line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/slab.h>

#define MiB (1ULL << 20)

static int clean_env(void **state)
{
	unsetenv("KMM_PROFILE");
	unsetenv("KMM_MEM");
	unsetenv("KMM_CPUS");
	unsetenv("KMM_OPTIONS");
	unsetenv("KMM_DEBUG");
	return 0;
}

static int shutdown(void **state)
{
	kmm_shutdown();
	return clean_env(state);
}

/* kmm_config_check(@cfg) refuses @setting=@value, for a reason that contains @allowed. */
static void refused(const struct kmm_config *cfg, const char *setting, const char *value,
		    const char *allowed)
{
	struct kmm_setting_error why;

	memset(&why, 0, sizeof(why));
	assert_int_equal(kmm_config_check(cfg, &why), -EINVAL);
	assert_string_equal(why.setting, setting);
	assert_string_equal(why.value, value);
	if (!strstr(why.reason, allowed))
		fail_msg("reason \"%s\" lacks \"%s\"", why.reason, allowed);
}

static void env_refused(const char *var, const char *value, const char *allowed)
{
	setenv(var, value, 1);
	refused(NULL, var, value, allowed);
	unsetenv(var);
}

static void memory_beyond_the_profile_names_its_limit(void **state)
{
	setenv("KMM_PROFILE", "arm32", 1);
	env_refused("KMM_MEM", "4G", "the arm32 profile holds at most 2G of RAM");
	setenv("KMM_PROFILE", "x86_64", 1);
	env_refused("KMM_MEM", "65G", "at most 64G");
	unsetenv("KMM_PROFILE");
	env_refused("KMM_MEM", "0", "at least 8M");
	env_refused("KMM_MEM", "1K", "at least 8M");
	env_refused("KMM_MEM", "lots", "not a size");
}

static void config_fields_are_named_as_fields(void **state)
{
	struct kmm_config big = { .profile = "arm32", .mem_bytes = 3ULL << 30 };
	struct kmm_config cpus = { .cpus = 33 };
	struct kmm_config profile = { .profile = "pdp11" };
	struct kmm_config options = { .options = "gfp_wait_ms=soon" };

	refused(&big, "mem_bytes", "3G", "at most 2G");
	refused(&cpus, "cpus", "33", "1 to 32");
	refused(&profile, "profile", "pdp11", "x86_32, i386, arm32 or x86_64");
	refused(&options, "options", "gfp_wait_ms=soon", "gfp_wait_ms takes a number");
}

static void cpus_that_are_not_1_to_32_are_refused(void **state)
{
	env_refused("KMM_CPUS", "abc", "not a number");
	env_refused("KMM_CPUS", "0", "1 to 32");
	env_refused("KMM_CPUS", "33", "1 to 32");
	env_refused("KMM_CPUS", "-1", "not a number");
	env_refused("KMM_CPUS", "4294967297", "1 to 32");
}

static void options_name_the_wrong_item(void **state)
{
	env_refused("KMM_OPTIONS", "garbage", "'garbage' is not name=value");
	env_refused("KMM_OPTIONS", "nope=3",
		    "no option named 'nope'; the options are report_abort");
	env_refused("KMM_OPTIONS", "pcp_high=5,nope=3", "'nope'");
	env_refused("KMM_OPTIONS", "swiotlb=sometimes", "swiotlb takes auto, off, on or force");
	env_refused("KMM_OPTIONS", "report_abort=2", "from 0 to 1");
	env_refused("KMM_OPTIONS", "pcp_batch=0", "pcp_batch takes a number from 1");
	assert_int_equal(kmm_option_set("report_abort", "2"), -EINVAL);
	assert_int_equal(kmm_option_set("nope", "1"), -EINVAL);
}

static void good_settings_pass_the_check(void **state)
{
	struct kmm_config cfg = { .profile = "arm32", .mem_bytes = 2ULL << 30, .cpus = 32 };

	setenv("KMM_OPTIONS", "gfp_wait_ms=100,swiotlb=on,pcp_high=0", 1);
	assert_int_equal(kmm_config_check(&cfg, NULL), 0);
	setenv("KMM_MEM", "10M", 1); /* rounds down to 8M */
	setenv("KMM_CPUS", "1", 1);
	assert_int_equal(kmm_config_check(NULL, NULL), 0);
	assert_int_equal(kmm_boot(NULL), 0);
	assert_int_equal(kmm_option("gfp_wait_ms"), 100);
}

/* Boot with stderr in a file; return what was printed. */
static char *boot_stderr(const struct kmm_config *cfg, int *err)
{
	static char text[2048];
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	assert_non_null(f);
	fflush(stderr);
	dup2(fileno(f), 2);
	*err = kmm_boot(cfg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static int lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

static void a_refused_boot_explains_itself_once(void **state)
{
	char *said;
	int err;

	setenv("KMM_PROFILE", "arm32", 1);
	setenv("KMM_MEM", "4G", 1);
	said = boot_stderr(NULL, &err);
	assert_int_equal(err, -EINVAL);
	assert_false(kmm_booted());
	assert_string_equal(said, "kmm: KMM_MEM=4G: the arm32 profile holds at most 2G of RAM "
				  "(8M to 2G, in steps of 4M)\n");
}

/* KMM_DEBUG is read by the slab allocator's boot step: refused there, explained once. */
static void bad_slab_debug_fails_the_boot_and_says_why(void **state)
{
	struct kmm_config cfg = { .mem_bytes = 64 * MiB };
	char *said;
	int err;

	setenv("KMM_DEBUG", "slab_debug=XYZ", 1);
	said = boot_stderr(&cfg, &err);
	assert_int_equal(err, -EINVAL);
	assert_false(kmm_booted());
	assert_int_equal(lines(said), 1);
	assert_non_null(
		strstr(said, "kmm: KMM_DEBUG=slab_debug=XYZ: 'X' is not a slab_debug flag"));

	setenv("KMM_DEBUG", "garbage", 1);
	said = boot_stderr(&cfg, &err);
	assert_int_equal(err, -EINVAL);
	assert_int_equal(lines(said), 1);
	assert_non_null(strstr(said, "'garbage' is not a debug setting"));

	/* The refused boot left nothing behind: a good one follows. */
	setenv("KMM_DEBUG", "slab_debug=FZ,kmalloc-*;-,dma-* slub_debug", 1);
	said = boot_stderr(&cfg, &err);
	assert_int_equal(err, 0);
	assert_string_equal(said, "");
	assert_non_null(kmalloc(8, GFP_KERNEL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(memory_beyond_the_profile_names_its_limit,
						clean_env, shutdown),
		cmocka_unit_test_setup_teardown(config_fields_are_named_as_fields, clean_env,
						shutdown),
		cmocka_unit_test_setup_teardown(cpus_that_are_not_1_to_32_are_refused, clean_env,
						shutdown),
		cmocka_unit_test_setup_teardown(options_name_the_wrong_item, clean_env, shutdown),
		cmocka_unit_test_setup_teardown(good_settings_pass_the_check, clean_env, shutdown),
		cmocka_unit_test_setup_teardown(a_refused_boot_explains_itself_once, clean_env,
						shutdown),
		cmocka_unit_test_setup_teardown(bad_slab_debug_fails_the_boot_and_says_why,
						clean_env, shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
