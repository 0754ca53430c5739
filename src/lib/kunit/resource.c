/*
 * resource.c - a test's resources: what the runner frees, newest first, when the case ends.
 *
 * Each test keeps a list of struct kunit_resource; a resource is counted once for being on
 * the list and once for every finder holding it (refcount), and its free callback runs when
 * the last count goes. The list and the counts are under kunit_lock, the callbacks run
 * outside it, since they free memory and may report.
 * Context: any, except where a function says process context.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/kunit/kunit.h"
#include "lib/list.h"

static void release(struct kunit_resource *res)
{
	if (res->free)
		res->free(res);
	if (res->should_kfree)
		free(res);
}

int __kunit_add_resource(struct kunit *test, kunit_resource_init_t init,
			 kunit_resource_free_t free_fn, struct kunit_resource *res, void *data)
{
	int ret = 0;

	res->free = free_fn;
	res->refcount = 1;
	if (init) {
		ret = init(res, data);
		if (ret)
			return ret;
	} else {
		res->data = data;
	}
	pthread_mutex_lock(&kunit_lock);
	list_add(&res->node, &test->resources);
	pthread_mutex_unlock(&kunit_lock);
	return 0;
}

bool kunit_resource_name_match(struct kunit *test, struct kunit_resource *res, void *match_name)
{
	(void)test;
	return res->name && strcmp(res->name, match_name) == 0;
}

struct kunit_resource *kunit_find_resource(struct kunit *test, kunit_resource_match_t match,
					   void *match_data)
{
	struct kunit_resource *res, *found = NULL;

	pthread_mutex_lock(&kunit_lock);
	list_for_each_entry (res, &test->resources, node) {
		if (match(test, res, match_data)) {
			found = res;
			found->refcount++;
			break;
		}
	}
	pthread_mutex_unlock(&kunit_lock);
	return found;
}

void kunit_get_resource(struct kunit_resource *res)
{
	pthread_mutex_lock(&kunit_lock);
	res->refcount++;
	pthread_mutex_unlock(&kunit_lock);
}

void kunit_put_resource(struct kunit_resource *res)
{
	bool last;

	pthread_mutex_lock(&kunit_lock);
	last = --res->refcount == 0;
	pthread_mutex_unlock(&kunit_lock);
	if (last)
		release(res);
}

int kunit_add_named_resource(struct kunit *test, kunit_resource_init_t init,
			     kunit_resource_free_t free_fn, struct kunit_resource *res,
			     const char *name, void *data)
{
	struct kunit_resource *existing;

	if (!name)
		return -EINVAL;
	existing = kunit_find_resource(test, kunit_resource_name_match, (void *)name);
	if (existing) {
		kunit_put_resource(existing);
		return -EEXIST;
	}
	res->name = name;
	return __kunit_add_resource(test, init, free_fn, res, data);
}

struct kunit_resource *kunit_alloc_and_get_resource(struct kunit *test, kunit_resource_init_t init,
						    kunit_resource_free_t free_fn,
						    gfp_t internal_gfp, void *context)
{
	struct kunit_resource *res = calloc(1, sizeof(*res));

	(void)internal_gfp;
	if (!res)
		return NULL;
	res->should_kfree = true;
	if (__kunit_add_resource(test, init, free_fn, res, context)) {
		free(res);
		return NULL;
	}
	/* The caller's reference, on top of the list's. */
	pthread_mutex_lock(&kunit_lock);
	res->refcount++;
	pthread_mutex_unlock(&kunit_lock);
	return res;
}

void kunit_remove_resource(struct kunit *test, struct kunit_resource *res)
{
	bool was_listed;

	pthread_mutex_lock(&kunit_lock);
	was_listed = !list_empty(&res->node);
	if (was_listed) {
		list_del(&res->node);
		INIT_LIST_HEAD(&res->node);
	}
	pthread_mutex_unlock(&kunit_lock);
	(void)test;
	if (was_listed)
		kunit_put_resource(res);
}

int kunit_destroy_resource(struct kunit *test, kunit_resource_match_t match, void *match_data)
{
	struct kunit_resource *res = kunit_find_resource(test, match, match_data);

	if (!res)
		return -ENOENT;
	kunit_remove_resource(test, res);
	kunit_put_resource(res);
	return 0;
}

void kunit_cleanup(struct kunit *test)
{
	for (;;) {
		struct kunit_resource *res = NULL;

		pthread_mutex_lock(&kunit_lock);
		if (!list_empty(&test->resources)) {
			res = list_first_entry(&test->resources, struct kunit_resource, node);
			list_del(&res->node);
			INIT_LIST_HEAD(&res->node);
		}
		pthread_mutex_unlock(&kunit_lock);
		if (!res)
			break;
		kunit_put_resource(res);
	}
}
