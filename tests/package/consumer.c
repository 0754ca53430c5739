/*
 * consumer.c - a program built outside kmm's tree against the installed package: a kmem_cache
 * and kmalloc through the kernel's own headers, on a booted machine. <linux/module.h> must be
 * kmm's (the host's uapi header of that name has no MODULE_LICENSE, so this would not
 * compile). Prints one line and exits 0 when all is well.
 */
#include <stdio.h>
#include <string.h>

#include <linux/module.h>
#include <linux/slab.h>
#include <kmm/kmm.h>

MODULE_LICENSE("GPL");

struct item {
	int id;
	char name[20];
};

int main(void)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 1 };
	struct kmem_cache *cache;
	struct item *it;
	char *buf;

	if (kmm_boot(&cfg))
		return 1;
	cache = KMEM_CACHE(item, SLAB_HWCACHE_ALIGN);
	it = cache ? kmem_cache_alloc(cache, GFP_KERNEL) : NULL;
	buf = kmalloc(100, GFP_KERNEL);
	if (!it || !buf || ksize(buf) != 128)
		return 1;
	strcpy(it->name, "outside the tree");
	printf("consumer: %s, kmalloc(100) from kmalloc-%zu\n", it->name, ksize(buf));
	kfree(buf);
	kmem_cache_free(cache, it);
	kmem_cache_destroy(cache);
	kmm_shutdown();
	return 0;
}
