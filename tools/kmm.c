/*
 * kmm - the command-line face of the simulated machine.
 *
 *   kmm info [--profile P] [--mem SIZE] [--cpus N] [--json] [--options]
 *   kmm demo
 *   kmm proc NAME           (buddyinfo, meminfo, zoneinfo, iomem)
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include <kmm/proc.h>

#include "commands.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: kmm <command> [--profile x86_32|i386|arm32|x86_64] [--mem SIZE] "
		"[--cpus N] [--json] [--options]\n"
		"commands:\n"
		"  info         boot a machine, print its memory layout, buddyinfo and meminfo\n"
		"  demo         the guided tour of the default machine\n"
		"  slabinfo     print /proc/slabinfo\n"
		"  top [N]      the N biggest slab caches, as slabtop shows them\n"
		"  proc NAME    print /proc/NAME (buddyinfo, meminfo, zoneinfo, iomem)\n");
}

static int parse_args(int argc, char **argv, struct kmm_cli *cli)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "options", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "p:m:c:joh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			cli->config.profile = optarg;
			break;
		case 'm':
			if (kmm_parse_size(optarg, &cli->config.mem_bytes)) {
				fprintf(stderr, "kmm: bad size '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 'c':
			cli->config.cpus = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'j':
			cli->json = true;
			break;
		case 'o':
			cli->show_options = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	cli->args = argv + optind;
	cli->nargs = argc - optind;
	return 0;
}

int main(int argc, char **argv)
{
	struct kmm_cli cli = { 0 };
	const char *cmd;
	int err;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (parse_args(argc - 1, argv + 1, &cli)) {
		usage(stderr);
		return 2;
	}
	err = kmm_boot(&cli.config);
	if (err) {
		fprintf(stderr, "kmm: cannot boot the machine: %s\n", strerror(-err));
		return 1;
	}
	if (strcmp(cmd, "info") == 0)
		err = cmd_info(&cli);
	else if (strcmp(cmd, "demo") == 0)
		err = cmd_demo(&cli);
	else if (strcmp(cmd, "slabinfo") == 0)
		err = cmd_slabinfo(&cli);
	else if (strcmp(cmd, "top") == 0)
		err = cmd_top(&cli);
	else if (strcmp(cmd, "proc") == 0)
		err = cli.nargs == 1 ? kmm_proc_show(cli.args[0], stdout) : -EINVAL;
	else
		err = -EINVAL;
	if (err == -EINVAL)
		usage(stderr);
	kmm_shutdown();
	return err ? 1 : 0;
}
