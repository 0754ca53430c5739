/*
 * live.c - "kmm proc --pid PID NAME" and "kmm top --pid PID": the views of a running program's
 * machine, read from the socket it serves them on (the proc_socket option, fs/proc_socket.c).
 *
 * top redraws slabtop's screen every second, fitted to the terminal's height at each redraw,
 * until 'q' (or the program exits); with --once, or when stdout is not a terminal, it prints
 * one screen.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <kmm/proc.h>
#include <kmm/slab.h>

#include "commands.h"

#define MAX_CACHES 512

/* The text of @view in process @pid's machine, malloc'd in *@text; a negative errno. */
static int fetch(long pid, const char *view, char **text)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = 0, room = 4096;
	int fd, err = 0;

	if (kmm_proc_socket_path(pid, addr.sun_path, sizeof(addr.sun_path)))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) || dprintf(fd, "%s\n", view) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	*text = malloc(room);
	while (*text) {
		ssize_t n = read(fd, *text + len, room - len - 1);

		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			break;
		}
		len += (size_t)n;
		if (len + 1 == room) {
			char *more = realloc(*text, room *= 2);

			if (!more) {
				free(*text);
				*text = NULL;
			}
			*text = more;
		}
	}
	close(fd);
	if (!*text)
		return -ENOMEM;
	(*text)[len] = '\0';
	return err;
}

static int not_served(const struct kmm_cli *cli, int err)
{
	char path[108];

	kmm_proc_socket_path(cli->pid, path, sizeof(path));
	fprintf(stderr,
		"kmm: --pid %ld: no views at %s (%s); the program must run with "
		"KMM_OPTIONS=proc_socket=1\n",
		cli->pid, path, strerror(-err));
	return err;
}

int live_proc(const struct kmm_cli *cli, const char *view)
{
	char *text = NULL;
	int err = fetch(cli->pid, view, &text);

	if (err)
		return not_served(cli, err);
	fputs(text, stdout);
	free(text);
	return 0;
}

/* /proc/slabinfo's rows into @info; the number of caches. */
static int parse_slabinfo(char *text, struct kmm_slab_info *info)
{
	char *save = NULL;
	int n = 0;

	for (char *l = strtok_r(text, "\n", &save); l && n < MAX_CACHES;
	     l = strtok_r(NULL, "\n", &save)) {
		struct kmm_slab_info *c = &info[n];

		if (sscanf(l, "%63s %lu %lu %u %u %u : tunables %*u %*u %*u : slabdata %lu %lu",
			   c->name, &c->active_objs, &c->num_objs, &c->objsize, &c->objperslab,
			   &c->pagesperslab, &c->active_slabs, &c->num_slabs) == 8)
			n++;
	}
	return n;
}

static int screen_rows(void)
{
	struct winsize w;

	return ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_row > 8 ? w.ws_row : 40;
}

/* One screen: the header, slabtop's summary and as many caches as fit in @rows lines. */
static int draw(const struct kmm_cli *cli, int max_rows, bool live)
{
	struct kmm_slab_info *info = calloc(MAX_CACHES, sizeof(*info));
	char *text = NULL;
	int err = info ? fetch(cli->pid, "slabinfo", &text) : -ENOMEM;
	int n, fit = max_rows;

	if (err) {
		free(info);
		return err;
	}
	n = parse_slabinfo(text, info);
	if (live) {
		fit = screen_rows() - 9;
		if (fit > max_rows)
			fit = max_rows;
		printf("\033[H\033[2J");
		printf(" kmm top --pid %ld (q quits)\n", cli->pid);
	}
	top_print_rows(stdout, info, n, fit);
	fflush(stdout);
	free(text);
	free(info);
	return 0;
}

/* Wait up to a second for a key; true when it was 'q'. */
static bool quit_pressed(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	char c;

	if (poll(&p, 1, 1000) <= 0)
		return false;
	if (read(STDIN_FILENO, &c, 1) != 1)
		return true; /* stdin closed: nobody is left to press q */
	return c == 'q' || c == 'Q';
}

int live_top(const struct kmm_cli *cli, int rows)
{
	struct termios saved, raw;
	bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	int err;

	if (cli->once || !tty) {
		err = draw(cli, rows, false);
		return err ? not_served(cli, err) : 0;
	}
	err = draw(cli, rows, true);
	if (err)
		return not_served(cli, err);
	tcgetattr(STDIN_FILENO, &saved);
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	while (!err && !quit_pressed())
		err = draw(cli, rows, true);
	tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (err == -ECONNREFUSED || err == -ENOENT)
		printf("\nkmm: process %ld stopped serving its views\n", cli->pid);
	else if (err)
		return not_served(cli, err);
	return 0;
}
