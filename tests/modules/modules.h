/* modules.h - what the test modules in tests/modules/ tell the tests that load them. */
#ifndef KMM_TESTS_MODULES_H
#define KMM_TESTS_MODULES_H

#include <stdbool.h>

struct parmod_seen {
	int size;
	unsigned long mask;
	bool debug;
	const char *label, *name;
	unsigned int nr_ports;
	int ports[4];
	const char *modname, *basename;
	int inits, exits;
};

extern struct parmod_seen parmod_seen;
extern int twofile_inits;

#endif
