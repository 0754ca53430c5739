/*
 * fault.c - the page-fault dispatcher: what a host SIGSEGV/SIGBUS inside memory kmm owns means.
 *
 * A small table of address ranges, each with the handler of the subsystem that owns it (the
 * vmalloc area, pkmap, the fixmap, later each simulated process's user window), plus the whole
 * kernel window as the catch-all. On a fault the narrowest range containing the address is
 * asked first; a handler either fixes the fault (maps a page: the access is retried) or turns
 * it into an Oops report. Faults outside every range go to whoever handled them before kmm.
 *
 * After an Oops the faulting instruction cannot be resumed: the thread jumps back to its
 * innermost kmm_fault_expect() recovery point, or the process aborts.
 *
 * Locking: fault_lock (a mutex, process context) serialises registration. The signal handler
 * takes no lock: a slot is filled first and published by a release store of its state, and
 * the handler reads the states with acquire loads. Recovery points are per thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include <kmm/context.h>
#include "machine/fault.h"
#include "machine/machine.h"
#include "machine/report.h"
#include "machine/symbols.h"
#include "machine/initcall.h"

#define FAULT_RANGES 32

enum slot_state {
	SLOT_FREE,
	SLOT_LIVE,
};

struct fault_range {
	int state; /* enum slot_state; release/acquire */
	unsigned long start, end;
	fault_handler_fn fn;
	void *arg;
};

static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fault_range ranges[FAULT_RANGES];
static int window_handle = -1;
static unsigned long oops_count;
static __thread struct kmm_fault_catch *catch_top __attribute__((tls_model("initial-exec")));

int fault_register(unsigned long start, unsigned long end, fault_handler_fn fn, void *arg)
{
	int handle = -ENOSPC;

	pthread_mutex_lock(&fault_lock);
	for (int i = 0; i < FAULT_RANGES; i++) {
		struct fault_range *r = &ranges[i];

		if (__atomic_load_n(&r->state, __ATOMIC_RELAXED) != SLOT_FREE)
			continue;
		r->start = start;
		r->end = end;
		r->fn = fn;
		r->arg = arg;
		__atomic_store_n(&r->state, SLOT_LIVE, __ATOMIC_RELEASE);
		handle = i;
		break;
	}
	pthread_mutex_unlock(&fault_lock);
	return handle;
}

void fault_unregister(int handle)
{
	if (handle < 0 || handle >= FAULT_RANGES)
		return;
	pthread_mutex_lock(&fault_lock);
	__atomic_store_n(&ranges[handle].state, SLOT_FREE, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&fault_lock);
}

const char *fault_symbol(const void *addr, char *buf, size_t len)
{
	const char *name;
	unsigned long offset, size;

	if (symbols_lookup((unsigned long)addr, &name, &offset, &size))
		snprintf(buf, len, "%s+0x%lx/0x%lx", name, offset, size);
	else
		snprintf(buf, len, "0x%lx", (unsigned long)addr);
	return buf;
}

/* Addresses print as the kernel's %px: as wide as the profile's pointers. */
void fault_oops(const struct os_fault *fault, const char *what)
{
	unsigned long n = __atomic_add_fetch(&oops_count, 1, __ATOMIC_RELAXED);
	unsigned long code = (fault->error_code & 1) | (fault->write ? 2 : 0);
	struct kmm_fault_catch *c = catch_top;
	char sym[256];

	report_start("page_fault", "BUG: unable to handle page fault for address: %0*lx",
		     machine_addr_width(), fault->addr);
	report_add("#PF: supervisor %s access in kernel mode", fault->write ? "write" : "read");
	report_add("#PF: error_code(0x%04lx) - %s", code,
		   code & 1 ? "permissions violation" : "not-present page");
	report_add("Oops: %04lx [#%lu] PREEMPT SMP", code, n);
	report_add_task();
	if (fault->ip)
		report_add("RIP: 0010:%s", fault_symbol((void *)fault->ip, sym, sizeof(sym)));
	if (what)
		report_add("kmm: %s", what);
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
	if (c) {
		catch_top = c->prev;
		c->addr = fault->addr;
		c->write = fault->write;
		siglongjmp(c->env, 1);
	}
	abort();
}

void fault_report_bad_pointer(unsigned long addr, bool write, const char *rip, const char *what)
{
	unsigned long n = __atomic_add_fetch(&oops_count, 1, __ATOMIC_RELAXED);
	long top = (long)addr >> 47;

	/* x86-64 (4-level paging) faults on addresses whose top 17 bits disagree before
	 * looking at the page tables, and says so. */
	if (machine_addr_width() == 16 && top != 0 && top != -1) {
		report_start("page_fault",
			     "general protection fault, probably for non-canonical address "
			     "0x%lx: 0000 [#%lu] PREEMPT SMP NOPTI",
			     addr, n);
	} else {
		report_start("page_fault", "BUG: unable to handle page fault for address: %0*lx",
			     machine_addr_width(), addr);
		report_add("#PF: supervisor %s access in kernel mode", write ? "write" : "read");
		report_add("#PF: error_code(0x%04x) - not-present page", write ? 2 : 0);
		report_add("Oops: %04x [#%lu] PREEMPT SMP", write ? 2 : 0, n);
	}
	report_add_task();
	report_add("RIP: 0010:%s", rip);
	if (what)
		report_add("kmm: %s", what);
	report_add_stack();
	report_add("---[ end trace 0000000000000000 ]---");
	report_finish();
}

/* The catch-all for the kernel window: nothing is mapped here that should be touched. */
static enum fault_action window_fault(const struct os_fault *fault, void *arg)
{
	fault_oops(fault, NULL);
}

/* The fault this thread is handing on to the handler kmm found installed, if any. */
static __thread void *chained_addr;
static __thread bool chaining;

static void on_fault(int sig, siginfo_t *info, void *uctx)
{
	struct fault_range *best = NULL;
	struct os_fault fault;

	if (chaining && info->si_addr == chained_addr) {
		/*
		 * The handler kmm chained to chained back to kmm (libFuzzer's does, to whatever it
		 * found): nobody owns this fault. The default action, when the access is retried,
		 * ends the process as if no one had been there, instead of recursing forever.
		 */
		chaining = false;
		os_fault_default(sig);
		return;
	}
	os_fault_decode(info, uctx, &fault);
	for (int i = 0; i < FAULT_RANGES; i++) {
		struct fault_range *r = &ranges[i];

		if (__atomic_load_n(&r->state, __ATOMIC_ACQUIRE) != SLOT_LIVE)
			continue;
		if (fault.addr < r->start || fault.addr >= r->end)
			continue;
		if (!best || r->end - r->start < best->end - best->start)
			best = r;
	}
	if (best && best->fn(&fault, best->arg) == FAULT_FIXED)
		return;
	/* A narrower owner declined: the window's catch-all still calls it an Oops. */
	if (best && window_handle >= 0 && best != &ranges[window_handle] &&
	    fault.addr >= kmm_layout.window_start && fault.addr < kmm_layout.window_end)
		window_fault(&fault, NULL);
	chaining = true;
	chained_addr = info->si_addr;
	os_fault_chain(sig, info, uctx);
	chaining = false;
}

void kmm_fault_arm(struct kmm_fault_catch *c)
{
	/* A test framework may have taken SIGSEGV over since boot (cmocka does, per test). */
	if (kmm_machine.booted)
		os_fault_handler_ensure(on_fault);
	c->addr = 0;
	c->write = false;
	c->prev = catch_top;
	catch_top = c;
}

void kmm_fault_done(struct kmm_fault_catch *c)
{
	if (catch_top == c)
		catch_top = c->prev;
}

unsigned long kmm_fault_oops_count(void)
{
	return __atomic_load_n(&oops_count, __ATOMIC_RELAXED);
}

/*
 * The machine boots without the dispatcher if the host refuses it: a stray kernel-window access
 * is then the host's plain SIGSEGV instead of an Oops, and nothing else changes.
 */
static int fault_init(void)
{
	if (os_fault_handler_install(on_fault))
		return 0;
	__atomic_store_n(&oops_count, 0, __ATOMIC_RELAXED);
	window_handle =
		fault_register(kmm_layout.window_start, kmm_layout.window_end, window_fault, NULL);
	return 0;
}

static void fault_exit(void)
{
	fault_unregister(window_handle);
	window_handle = -1;
	os_fault_handler_remove();
}

kmm_initcall(core, fault_dispatcher, fault_init, fault_exit);
