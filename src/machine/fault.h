/*
 * fault.h - the page-fault dispatcher (defined in fault.c).
 *
 * Subsystems own address ranges and say what a fault inside one means: mm/vmalloc.c the
 * vmalloc area, mm/highmem.c pkmap and the kmap fixmap slots, mm/user_fault.c each
 * simulated process's user window, whose handlers supply a page and let the access resume.
 * A fault in the kernel window that no handler fixes becomes an Oops report.
 */
#ifndef KMM_INTERNAL_FAULT_H
#define KMM_INTERNAL_FAULT_H

#include <kmm/fault.h>
#include "machine/os.h"

enum fault_action {
	FAULT_NOT_MINE, /* let a wider range, or the previous host handler, have it */
	FAULT_FIXED, /* the handler mapped something: retry the access */
};

/* Called from the signal handler in the faulting thread; may call fault_oops(). */
typedef enum fault_action (*fault_handler_fn)(const struct os_fault *fault, void *arg);

/* Own [start, end) with @fn; the narrowest range containing an address is asked first.
 * Returns a handle >= 0, or -ENOSPC when the table is full. Process context. */
KMM_HIDDEN int fault_register(unsigned long start, unsigned long end, fault_handler_fn fn,
			      void *arg);

/* Forget a range registered by fault_register(). Process context. */
KMM_HIDDEN void fault_unregister(int handle);

/* Report @fault as the kernel's Oops, with @what (kmm's own note, may be NULL), then return
 * to the thread's kmm_fault_expect() point, or abort. */
KMM_HIDDEN void fault_oops(const struct os_fault *fault, const char *what)
	__attribute__((noreturn));

/* Report @addr, a bad pointer kmm found before an access through it would fault, as the Oops
 * that access would have made (a general protection fault for a non-canonical address), naming
 * @rip as the faulting function, with @what (kmm's note); then return: the caller recovers. */
KMM_HIDDEN void fault_report_bad_pointer(unsigned long addr, bool write, const char *rip,
					 const char *what);

/* Write "symbol+0xoff/0xlen" for a code address (the kernel's %pS), or its hex value. */
KMM_HIDDEN const char *fault_symbol(const void *addr, char *buf, size_t len);

#endif /* KMM_INTERNAL_FAULT_H */
