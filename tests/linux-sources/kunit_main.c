/*
 * kunit_main.c - the program the kernel's KUnit suites are linked into: boot, run the suites
 * the arguments select (kunit.filter_glob=GLOB), print KTAP, exit 0 when all passed.
 */
#include <kmm/kunit.h>

int main(int argc, char **argv)
{
	return kmm_kunit_main(argc, argv);
}
