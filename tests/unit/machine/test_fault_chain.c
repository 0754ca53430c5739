/*
 * kmm's SIGSEGV handler and another one that chains to whatever it found installed (as
 * libFuzzer's does): a fault that neither owns must end the process with SIGSEGV after one
 * pass through each, not bounce between the two until the stack runs out.
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <kmm/fault.h>
#include "common/kmm_test.h"

static volatile unsigned long *passes; /* shared with the child */
static struct sigaction upstream;

static void chaining_handler(int sig, siginfo_t *info, void *uctx)
{
	__atomic_add_fetch(passes, 1, __ATOMIC_RELAXED);
	if (upstream.sa_flags & SA_SIGINFO)
		upstream.sa_sigaction(sig, info, uctx);
}

static void child(void)
{
	struct sigaction sa = { .sa_sigaction = chaining_handler, .sa_flags = SA_SIGINFO };
	struct kmm_fault_catch c;
	volatile char *nobodys = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (nobodys == MAP_FAILED || kmm_test_boot("x86_32", 64ULL << 20))
		_exit(2);
	/* The other handler arrives after kmm's and chains to it... */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &upstream);
	/* ...and kmm, arming a recovery point, puts itself first again, chaining to that one. */
	kmm_fault_arm(&c);
	kmm_fault_done(&c);
	*nobodys = 1; /* outside every range kmm watches */
	_exit(3);
}

static void an_unowned_fault_between_two_chaining_handlers_kills_once(void **state)
{
	int status;
	pid_t pid;

	passes = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(passes != MAP_FAILED);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
	/* the other handler saw the fault once (twice: the retry after kmm gave it up) */
	assert_in_range(*passes, 1, 2);
	munmap((void *)passes, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_unowned_fault_between_two_chaining_handlers_kills_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
