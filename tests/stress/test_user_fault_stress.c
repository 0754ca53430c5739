/*
 * Several threads of one simulated process fault the pages of one mapping at once, each in
 * its own random order, while another thread copies the driver's buffer out through read():
 * every byte lands where the driver sees it, the handler's page references all come back at
 * munmap, and nothing races (run under TSan). Each page is stored to by one thread only: a
 * store to a page another thread's fault has just mapped is ordered by the host's page
 * tables, which TSan cannot see. Seeded; the seed is printed so a failure can be replayed
 * (KMM_STRESS_SEED).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <kmm/kmm.h>
#include <kmm/fs.h>
#include <kmm/mm_user.h>
#include <kmm/page_alloc.h>
#include <kmm/process.h>
#include <kmm/uaccess.h>
#include <kmm/vmalloc.h>

#define PAGES 512
#define THREADS 4

static unsigned int seed;
static char *buf;
static int handler_calls;
static struct kmm_process *proc;
static char *user;

static vm_fault_t s_fault(struct vm_fault *vmf)
{
	struct page *page;

	if (vmf->pgoff >= PAGES)
		return VM_FAULT_SIGBUS;
	__atomic_add_fetch(&handler_calls, 1, __ATOMIC_RELAXED);
	page = vmalloc_to_page(buf + (vmf->pgoff << PAGE_SHIFT));
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct s_vm_ops = { .fault = s_fault };

static int s_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &s_vm_ops;
	return 0;
}

/* Copies the driver's view of page 0..PAGES-1 to the user in one go. */
static ssize_t s_read(struct file *file, char *ubuf, size_t count, loff_t *pos)
{
	if (count > PAGES * PAGE_SIZE)
		count = PAGES * PAGE_SIZE;
	return count - copy_to_user(ubuf, buf, count);
}

static const struct file_operations s_fops = { .mmap = s_mmap, .read = s_read };
static struct miscdevice s_misc = { .minor = MISC_DYNAMIC_MINOR,
				    .name = "stress",
				    .fops = &s_fops };

static void *toucher(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg, s = seed + id * 7919;
	unsigned int order[PAGES];
	struct kmm_user_catch c;

	for (unsigned int i = 0; i < PAGES; i++)
		order[i] = i;
	for (unsigned int i = PAGES - 1; i > 0; i--) {
		unsigned int j = rand_r(&s) % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	if (kmm_user_expect(&c) == 0) {
		for (unsigned int i = 0; i < PAGES; i++)
			if (order[i] % THREADS == id)
				user[order[i] * PAGE_SIZE + id] = (char)(id + 1);
		kmm_user_done(&c);
	}
	return (void *)(uintptr_t)c.sig;
}

static void *reader(void *arg)
{
	int fd = kmm_open(proc, "/dev/stress", O_RDONLY);
	char *dst = kmm_mmap(proc, -1, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, 0);
	long ok = 1;

	for (int r = 0; r < 4; r++) {
		kmm_lseek(proc, fd, 0, SEEK_SET);
		ok &= kmm_read(proc, fd, dst, PAGES * PAGE_SIZE) == PAGES * PAGE_SIZE;
	}
	kmm_munmap(proc, dst, PAGES * PAGE_SIZE);
	kmm_close(proc, fd);
	return (void *)ok;
}

static void threads_faulting_one_mapping_map_each_page_once(void **state)
{
	pthread_t t[THREADS + 1];
	int fd;

	assert_int_equal(kmm_boot(NULL), 0);
	buf = vmalloc_user(PAGES * PAGE_SIZE);
	assert_non_null(buf);
	assert_int_equal(misc_register(&s_misc), 0);
	proc = kmm_process_create("stress");
	fd = kmm_open(proc, "/dev/stress", O_RDWR);
	user = kmm_mmap(proc, fd, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	assert_int_equal(kmm_mmap_err(user), 0);

	for (uintptr_t i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, toucher, (void *)i), 0);
	assert_int_equal(pthread_create(&t[THREADS], NULL, reader, NULL), 0);
	for (int i = 0; i < THREADS; i++) {
		void *sig;

		pthread_join(t[i], &sig);
		assert_int_equal((uintptr_t)sig, 0);
	}
	{
		void *ok;

		pthread_join(t[THREADS], &ok);
		assert_int_equal((uintptr_t)ok, 1);
	}
	assert_int_equal(handler_calls, PAGES);
	for (unsigned int p = 0; p < PAGES; p++)
		for (unsigned int id = 0; id < THREADS; id++)
			assert_int_equal(buf[p * PAGE_SIZE + id], p % THREADS == id ? id + 1 : 0);
	assert_int_equal(kmm_munmap(proc, user, PAGES * PAGE_SIZE), 0);
	for (unsigned int p = 0; p < PAGES; p++)
		assert_int_equal(page_count(vmalloc_to_page(buf + p * PAGE_SIZE)), 1);
	kmm_process_destroy(proc);
	misc_deregister(&s_misc);
	vfree(buf);
	kmm_shutdown();
}

int main(void)
{
	const char *env = getenv("KMM_STRESS_SEED");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threads_faulting_one_mapping_map_each_page_once),
	};

	seed = env ? (unsigned int)strtoul(env, NULL, 0) : 20261123u;
	printf("user fault stress seed %u (KMM_STRESS_SEED to replay)\n", seed);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
