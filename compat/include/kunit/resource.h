/*
 * <kunit/resource.h> for test code: a test's resources, freed when its case ends.
 *
 * The functions are kmm's (kmm/kunit.h); these are the kernel's inline forms over them.
 */
#ifndef _KMM_COMPAT_KUNIT_RESOURCE_H
#define _KMM_COMPAT_KUNIT_RESOURCE_H

#include <kunit/test.h>

static inline int kunit_add_resource(struct kunit *test, kunit_resource_init_t init,
				     kunit_resource_free_t free, struct kunit_resource *res,
				     void *data)
{
	res->should_kfree = false;
	return __kunit_add_resource(test, init, free, res, data);
}

static inline struct kunit_resource *kunit_find_named_resource(struct kunit *test, const char *name)
{
	return kunit_find_resource(test, kunit_resource_name_match, (void *)name);
}

static inline void *kunit_alloc_resource(struct kunit *test, kunit_resource_init_t init,
					 kunit_resource_free_t free, gfp_t internal_gfp,
					 void *context)
{
	struct kunit_resource *res =
		kunit_alloc_and_get_resource(test, init, free, internal_gfp, context);

	if (!res)
		return NULL;
	kunit_put_resource(res);
	return res->data;
}

static inline bool kunit_resource_instance_match(struct kunit *test, struct kunit_resource *res,
						 void *match_data)
{
	(void)test;
	return res->data == match_data;
}

static inline int kunit_destroy_named_resource(struct kunit *test, const char *name)
{
	return kunit_destroy_resource(test, kunit_resource_name_match, (void *)name);
}

#endif
