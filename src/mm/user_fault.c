/*
 * user_fault.c - page faults in a process's user window: the driver's fault handler supplies
 * the page, kmm maps it, the access resumes; or the process gets SIGSEGV/SIGBUS.
 *
 * Each process registers its window with the fault dispatcher. A touch of a page that is not
 * present comes here from the signal handler, in the faulting thread, which acts as the
 * process (process context: the fault handler may sleep). user_fault_in() is also what
 * copy_to_user() and friends use to reach a page, so the driver sees the same faults either
 * way, and a bad user pointer in a copy becomes a short count instead of a signal.
 *
 * A signal goes to the thread's innermost kmm_user_expect() point if it armed one. Otherwise
 * a SIGSEGV is printed as Linux prints an unhandled one ("segfault at") and handed to the
 * host's previous action (by default the host process dies of it); a SIGBUS ends the host
 * process with SIGBUS, as it would end the program.
 *
 * The handler sees vmf->flags as x86's do_user_addr_fault() and GUP set them: FAULT_FLAG_DEFAULT
 * (+USER from user mode, +WRITE) for a CPU fault, ALLOW_RETRY|KILLABLE for MAP_POPULATE, and
 * ORIG_PTE_VALID once the page table covering the address exists. A handler that answers
 * VM_FAULT_NOPAGE without installing anything makes the access fault again, as on Linux; after
 * fault_retry_limit such answers in a row kmm reports a soft lockup and stops the access with
 * SIGBUS (Linux would spin), so a test never hangs.
 *
 * Locking: mm->lock held for reading around the handler, as the kernel holds mmap_lock.
 * Recovery points are per thread.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include <kmm/fault.h>
#include <kmm/context.h>
#include <kmm/gfp.h>
#include <kmm/page_alloc.h>
#include "machine/fault.h"
#include "machine/options.h"
#include "machine/report.h"
#include "user/process.h"

static unsigned long user_faults;
static __thread struct kmm_user_catch *user_catch_top __attribute__((tls_model("initial-exec")));

/* The signal for a fault handler's error answer, as x86's mm_fault_error() sends it. */
static int signal_for(vm_fault_t ret, int *code)
{
	if (ret & VM_FAULT_SIGSEGV) {
		*code = SEGV_MAPERR; /* bad_area_nosemaphore(): as if nothing were mapped there */
		return SIGSEGV;
	}
	*code = ret & (VM_FAULT_HWPOISON | VM_FAULT_HWPOISON_LARGE) ? BUS_MCEERR_AR : BUS_ADRERR;
	return SIGBUS;
}

/*
 * Does the page table covering @addr exist? The kernel allocates it with the first pte
 * installed in its PMD_SIZE span; kmm's ptes are per VMA, so a present pte of @vma in that
 * span stands for it.
 */
static bool page_table_exists(struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long span = (unsigned long)PAGE_SIZE << (PAGE_SHIFT - 3); /* PMD_SIZE: 512 ptes */
	unsigned long start = addr & ~(span - 1), end = start + span;

	if (start < vma->vm_start)
		start = vma->vm_start;
	if (end > vma->vm_end)
		end = vma->vm_end;
	for (unsigned long a = start; a < end; a += PAGE_SIZE)
		if (pte_flags(&vma->kmm_ptes[(a - vma->vm_start) >> PAGE_SHIFT]) & PTE_PRESENT)
			return true;
	return false;
}

/* Anonymous memory: a zeroed page of its own, from any zone. */
static vm_fault_t anon_fault(struct vm_fault *vmf)
{
	struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_ZERO);

	if (!page)
		return VM_FAULT_OOM;
	vmf->page = page;
	return 0;
}

/* Ask the VMA for the page at @addr and map it. 0 or a signal. */
static int serve(struct vm_area_struct *vma, unsigned long addr, unsigned int flags, int *code)
{
	bool write = flags & FAULT_FLAG_WRITE;
	struct vm_fault vmf = {
		.vma = vma,
		.flags = flags | (page_table_exists(vma, addr) ? FAULT_FLAG_ORIG_PTE_VALID : 0),
		.pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT),
		.address = addr & PAGE_MASK,
		.real_address = addr,
	};
	vm_fault_t ret;
	int err;

	if (vma->vm_ops && vma->vm_ops->fault)
		ret = vma->vm_ops->fault(&vmf);
	else if (!vma->vm_file)
		ret = anon_fault(&vmf);
	else
		ret = VM_FAULT_SIGBUS; /* a file mapping nothing can fill */
	if (ret & VM_FAULT_ERROR)
		return signal_for(ret, code);
	if (ret & VM_FAULT_NOPAGE)
		return 0;
	if (!vmf.page)
		return signal_for(VM_FAULT_SIGBUS, code);
	/* A write to a private mapping: the program's own copy, the driver's page untouched. */
	if (write && vma_is_cow(vma)) {
		err = vma_copy_on_write(vma, vmf.address, vmf.page);
		put_page(vmf.page);
		return err ? signal_for(VM_FAULT_OOM, code) : 0;
	}
	/* the reference the handler took now belongs to the mapping */
	err = vma_map_pfn(vma, vmf.address, page_to_pfn(vmf.page), true, vmf.page);
	if (err)
		put_page(vmf.page);
	if (err && err != -EBUSY)
		return signal_for(VM_FAULT_SIGBUS, code);
	return 0;
}

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The handler keeps answering VM_FAULT_NOPAGE and installing nothing: Linux returns to the
 * access, which faults again, forever; its watchdog would call the CPU stuck. kmm stops here.
 */
static int stuck(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr, double since,
		 int *code)
{
	struct kmm_process *p = mm->owner;
	void *fault = vma->vm_ops ? (void *)vma->vm_ops->fault : NULL;
	char sym[128];

	report_start("soft_lockup", "watchdog: BUG: soft lockup - CPU#%u stuck for %us! [%s:%d]",
		     smp_processor_id(), (unsigned int)(seconds_now() - since), p->comm, p->pid);
	report_add("kmm: %ld faults in a row at %lx: the fault handler %s answers "
		   "VM_FAULT_NOPAGE and installs nothing, so the access faults again for ever",
		   kmm_opts.fault_retry_limit, addr,
		   fault ? fault_symbol(fault, sym, sizeof(sym)) : "(none)");
	report_add_task();
	report_add_stack();
	report_add("kmm: the access is stopped with SIGBUS (fault_retry_limit option)");
	report_finish();
	*code = BUS_ADRERR;
	return SIGBUS;
}

int user_fault_in(struct mm_struct *mm, unsigned long addr, unsigned int flags, int *code)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	bool write = flags & FAULT_FLAG_WRITE;
	double since = 0;
	struct kmm_pte *pte;
	long retries = 0;
	int sig;

	if (!vma) {
		*code = SEGV_MAPERR;
		return SIGSEGV;
	}
	*code = SEGV_ACCERR;
	if (write ? !(vma->vm_flags & VM_WRITE) : !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return SIGSEGV;
	pte = &vma->kmm_ptes[(addr - vma->vm_start) >> PAGE_SHIFT];
	while (!(pte_flags(pte) & PTE_PRESENT)) {
		__atomic_add_fetch(&mm->owner->faults, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&user_faults, 1, __ATOMIC_RELAXED);
		sig = serve(vma, addr, flags, code);
		if (sig)
			return sig;
		/* NOPAGE with nothing installed: the access is retried, and faults again */
		if (!(pte_flags(pte) & PTE_PRESENT) && retries++ == 0)
			since = seconds_now();
		if (retries > kmm_opts.fault_retry_limit && !(pte_flags(pte) & PTE_PRESENT))
			return stuck(mm, vma, addr, since, code);
	}
	*code = SEGV_ACCERR;
	if (write && !(pte_flags(pte) & PTE_WRITE))
		return SIGSEGV;
	/* the first write to a private mapping's file page: copy on write */
	if (write && vma_is_cow(vma) && !(pte_flags(pte) & PTE_ANON) &&
	    vma_copy_on_write(vma, addr, NULL))
		return signal_for(VM_FAULT_OOM, code);
	return 0;
}

/* What Linux prints for a SIGSEGV nobody handles (show_unhandled_signals). */
static void print_segfault(struct kmm_process *p, const struct os_fault *fault)
{
	unsigned long error = 4 | (fault->write ? 2 : 0) | (fault->error_code & 1);

	fprintf(stderr, "%s[%d]: segfault at %lx ip %016lx sp 0000000000000000 error %lx\n",
		p->comm, p->pid, fault->addr, fault->ip, error);
}

static enum fault_action on_user_fault(const struct os_fault *fault, void *arg)
{
	struct kmm_process *p = arg, *prev;
	struct kmm_user_catch *c;
	int sig, code;

	pthread_rwlock_rdlock(&p->mm.lock);
	prev = process_enter(p);
	sig = user_fault_in(&p->mm, fault->addr,
			    FAULT_FLAG_DEFAULT | FAULT_FLAG_USER |
				    (fault->write ? FAULT_FLAG_WRITE : 0),
			    &code);
	process_leave(prev);
	pthread_rwlock_unlock(&p->mm.lock);
	if (!sig)
		return FAULT_FIXED;
	/* x86's do_sigbus() for a poisoned page, CONFIG_MEMORY_FAILURE as Debian has it */
	if (code == BUS_MCEERR_AR) {
		report_start("memory_failure",
			     "MCE: Killing %s:%d due to hardware memory corruption fault at %lx",
			     p->comm, p->pid, fault->addr);
		report_finish();
	}
	c = user_catch_top;
	if (c) {
		user_catch_top = c->prev;
		c->sig = sig;
		c->code = code;
		c->addr = fault->addr;
		c->addr_lsb = code == BUS_MCEERR_AR ? PAGE_SHIFT : 0;
		siglongjmp(c->env, 1);
	}
	if (sig == SIGBUS)
		os_die_of_signal(SIGBUS);
	print_segfault(p, fault);
	return FAULT_NOT_MINE; /* to the program's own SIGSEGV action, by default death */
}

int user_fault_register(struct kmm_process *p)
{
	p->fault_handle = fault_register(p->mm.start, p->mm.end, on_user_fault, p);
	return p->fault_handle < 0 ? p->fault_handle : 0;
}

void user_fault_unregister(struct kmm_process *p)
{
	fault_unregister(p->fault_handle);
	p->fault_handle = -1;
}

void kmm_user_arm(struct kmm_user_catch *c)
{
	struct kmm_fault_catch take_back;

	/* arming a kernel recovery point also reinstalls kmm's SIGSEGV handler */
	kmm_fault_arm(&take_back);
	kmm_fault_done(&take_back);
	c->sig = 0;
	c->code = 0;
	c->addr = 0;
	c->addr_lsb = 0;
	c->prev = user_catch_top;
	user_catch_top = c;
}

void kmm_user_done(struct kmm_user_catch *c)
{
	if (user_catch_top == c)
		user_catch_top = c->prev;
}

unsigned long kmm_user_faults(void)
{
	return __atomic_load_n(&user_faults, __ATOMIC_RELAXED);
}
