/*
 * proc_socket.c - the machine's /proc views served to other processes, so "kmm proc --pid"
 * and "kmm top --pid" can watch a running program's machine.
 *
 * With the proc_socket option, boot opens a Unix socket at kmm_proc_socket_path() and one
 * thread answers on it: a client writes a view's name and a newline, reads the view's text
 * until the end of the stream. The views are computed on request under the locks they take
 * anyway, so an allocation's fast path pays nothing. The thread polls with a short timeout and
 * stops at shutdown before anything it reads goes away (a late-level step: it stops first).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <kmm/proc.h>
#include "machine/initcall.h"
#include "machine/options.h"

#define POLL_MS 100

static int listen_fd = -1;
static pthread_t server;
static bool stopping;
static char socket_path[108];

int kmm_proc_socket_path(long pid, char *buf, size_t len)
{
	const char *dir = getenv("XDG_RUNTIME_DIR");
	int n = snprintf(buf, len, "%s/kmm-%ld.sock", dir && *dir ? dir : "/tmp", pid);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Read one "NAME\n" request from @fd and answer it. */
static void serve_one(int fd)
{
	char name[64];
	size_t got = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	while (got < sizeof(name) - 1) {
		ssize_t n = read(fd, name + got, 1);

		if (n <= 0 || name[got] == '\n')
			break;
		got++;
	}
	name[got] = '\0';
	out = open_memstream(&text, &len);
	if (!out)
		return;
	if (kmm_proc_show(name, out))
		fprintf(out, "kmm: no view named '%s'\n", name);
	fclose(out);
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, text + done, len - done);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	free(text);
}

static void *serve(void *arg)
{
	while (!__atomic_load_n(&stopping, __ATOMIC_ACQUIRE)) {
		struct pollfd p = { .fd = listen_fd, .events = POLLIN };
		int fd;

		if (poll(&p, 1, POLL_MS) <= 0)
			continue;
		fd = accept(listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		serve_one(fd);
		close(fd);
	}
	return NULL;
}

static int proc_socket_boot(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (!kmm_opts.proc_socket)
		return 0;
	if (kmm_proc_socket_path(getpid(), socket_path, sizeof(socket_path)))
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, socket_path, strlen(socket_path) + 1);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0)
		return -errno;
	unlink(socket_path);
	if (bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(listen_fd, 4)) {
		int err = -errno;

		fprintf(stderr, "kmm: proc_socket: cannot serve on %s: %s\n", socket_path,
			strerror(errno));
		close(listen_fd);
		listen_fd = -1;
		return err;
	}
	stopping = false;
	if (pthread_create(&server, NULL, serve, NULL)) {
		close(listen_fd);
		listen_fd = -1;
		unlink(socket_path);
		return -EAGAIN;
	}
	return 0;
}

static void proc_socket_exit(void)
{
	if (listen_fd < 0)
		return;
	__atomic_store_n(&stopping, true, __ATOMIC_RELEASE);
	pthread_join(server, NULL);
	close(listen_fd);
	listen_fd = -1;
	unlink(socket_path);
}

kmm_initcall(late, proc_socket, proc_socket_boot, proc_socket_exit);
