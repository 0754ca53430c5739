/*
 * kmm/fault.h - page faults in the kernel window, and catching them in tests.
 *
 * A touch of an unmapped kernel address (the guard page after a vmalloc area, a vfree'd area
 * in debug mode, a kmap slot no longer mapped) is reported as the kernel's Oops, "BUG: unable
 * to handle page fault for address: ...". The faulting instruction cannot be resumed, so kmm
 * then aborts the process, unless the thread armed a recovery point with kmm_fault_expect():
 * execution then continues there, as if kmm_fault_expect() had returned a second time.
 *
 *	struct kmm_fault_catch c;
 *
 *	if (kmm_fault_expect(&c) == 0) {
 *		p[size] = 1;                  (faults: control comes back with 1)
 *		kmm_fault_done(&c);
 *	} else {
 *		(c.addr is the address, c.write the kind of access)
 *	}
 *
 * As with any setjmp, locals changed between arming and the fault must be volatile. Arming
 * also takes SIGSEGV back from whoever replaced kmm's handler since boot (cmocka does so for
 * each test); their handler still gets the faults kmm does not own.
 */
#ifndef KMM_FAULT_H
#define KMM_FAULT_H

#include <setjmp.h>
#include "types.h"

struct kmm_fault_catch {
	sigjmp_buf env;
	unsigned long addr; /* set when a fault came back here */
	bool write;
	struct kmm_fault_catch *prev; /* the thread's enclosing recovery point */
};

/**
 * kmm_fault_arm - push a recovery point for the calling thread (use kmm_fault_expect())
 * @c: the recovery point, living in the caller's frame until kmm_fault_done()
 *
 * Context: any.
 */
void kmm_fault_arm(struct kmm_fault_catch *c);

/**
 * kmm_fault_done - pop a recovery point that saw no fault
 * @c: the recovery point; harmless if a fault already popped it
 *
 * Context: any.
 */
void kmm_fault_done(struct kmm_fault_catch *c);

/* Arm @c and save the caller's state: 0 now, 1 when a kernel-window fault comes back. */
#define kmm_fault_expect(c) (kmm_fault_arm(c), sigsetjmp((c)->env, 1))

/**
 * kmm_fault_oops_count - kernel-window faults reported since boot
 *
 * Context: any.
 * Return: the count (the N of "Oops: ... [#N]").
 */
unsigned long kmm_fault_oops_count(void);

#endif /* KMM_FAULT_H */
