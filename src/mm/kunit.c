/*
 * kunit.c - a KUnit test's memory: kunit_kmalloc_array() and kunit_kfree() (kmm/kunit.h).
 *
 * Each allocation is a resource of the test (lib/kunit/resource.c) whose free callback
 * kfree()s it, so what a case leaves allocated goes back when the case ends, newest first, on
 * the case's own thread. The resource record itself comes from the host heap: it is the
 * runner's bookkeeping, not memory the test asked the kernel for, and must not show in the
 * slab counts a test checks.
 * Context: as for kmalloc() with the caller's gfp; kunit_kfree() in process context.
 */
#include <stdlib.h>
#include <kmm/kunit.h>
#include <kmm/slab.h>

static void free_memory(struct kunit_resource *res)
{
	kfree(res->data);
}

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	struct kunit_resource *res = calloc(1, sizeof(*res));
	void *p;

	if (!res)
		return NULL;
	p = kmalloc_array(n, size, gfp);
	if (!p) {
		free(res);
		return NULL;
	}
	res->should_kfree = true;
	__kunit_add_resource(test, NULL, free_memory, res, p);
	return p;
}

static bool is_memory(struct kunit *test, struct kunit_resource *res, void *ptr)
{
	(void)test;
	return res->free == free_memory && res->data == ptr;
}

void kunit_kfree(struct kunit *test, const void *ptr)
{
	if (!ptr)
		return;
	if (kunit_destroy_resource(test, is_memory, (void *)ptr))
		kunit_printk_fmt("", test, "kunit_kfree: %p was not allocated by this test\n", ptr);
}
