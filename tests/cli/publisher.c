/*
 * publisher.c - a program whose machine changes while kmm watches it: booted with the
 * proc_socket option, it allocates one "live_obj" object every 10 ms (up to 5000) until its
 * stdin closes, then frees them and shuts down. Prints "ready" once its views are served.
 */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include <kmm/kmm.h>
#include <kmm/slab.h>

#define MAX_OBJS 5000

struct live_obj {
	char payload[200];
};

static void *objs[MAX_OBJS];

int main(void)
{
	struct kmm_config cfg = { .mem_bytes = 64 << 20, .cpus = 1, .options = "proc_socket=1" };
	struct kmem_cache *cache;
	int n = 0;

	if (kmm_boot(&cfg))
		return 1;
	cache = KMEM_CACHE(live_obj, 0);
	if (!cache)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		char c;

		if (poll(&p, 1, 10) > 0 && read(STDIN_FILENO, &c, 1) <= 0)
			break;
		if (n < MAX_OBJS)
			objs[n] = kmem_cache_alloc(cache, GFP_KERNEL), n++;
	}
	while (n)
		kmem_cache_free(cache, objs[--n]);
	kmem_cache_destroy(cache);
	kmm_shutdown();
	return 0;
}
