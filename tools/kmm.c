/*
 * kmm - the command-line face of the simulated machine.
 *
 * Every command boots one machine from the machine options and the environment, shows it and
 * shuts it down. Arguments and settings are checked before the boot, and a refusal names the
 * input and what is allowed, on one line of stderr. Exit status: 0 done, 1 the machine failed,
 * 2 a bad command, option, argument or setting.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include <kmm/proc.h>

#include "commands.h"
#include "json.h"

#ifndef KMM_VERSION_STRING
#define KMM_VERSION_STRING "unknown"
#endif

#define EXIT_USAGE 2

/* Which options a command takes beyond the machine's. */
enum {
	OPT_JSON = 1 << 0,
	OPT_OPTIONS = 1 << 1,
	OPT_ONCE = 1 << 2,
	OPT_HTML = 1 << 3,
	OPT_PID = 1 << 4,
};

struct command {
	const char *name;
	int (*run)(const struct kmm_cli *cli);
	int (*check)(const struct kmm_cli *cli); /* the arguments, before the boot */
	unsigned int opts;
	const char *synopsis; /* after "kmm NAME" */
	const char *summary;
	const char *help;
};

static int takes_nothing(const struct kmm_cli *cli);
static int check_top(const struct kmm_cli *cli);
static int check_proc(const struct kmm_cli *cli);
static int run_proc(const struct kmm_cli *cli);
static int check_report(const struct kmm_cli *cli);

static const struct command commands[] = {
	{ "info", cmd_info, takes_nothing, OPT_JSON | OPT_OPTIONS, "[--json] [--options]",
	  "the machine's memory layout, buddyinfo and meminfo",
	  "Boot a machine and print its virtual memory layout, the swiotlb pool, what the\n"
	  "vmalloc area, pkmap and fixmap hold, /proc/buddyinfo and /proc/meminfo.\n"
	  "  --json      the same as one JSON object\n"
	  "  --options   also list every run-time option (KMM_OPTIONS) with its value\n" },
	{ "demo", cmd_demo, takes_nothing, OPT_JSON, "[--json]",
	  "a guided tour of the default machine, one step per layer",
	  "Boot a machine and walk through it: the buddy allocator, a sleeping allocation in\n"
	  "atomic context, a double free, slab caches, a framebuffer driver mapped into a\n"
	  "process, vmalloc with a guard page, a NIC receiving by DMA. Reports go to stderr.\n"
	  "  --json      print only a summary of the run (each step, its reports), as JSON\n" },
	{ "slabinfo", cmd_slabinfo, takes_nothing, OPT_JSON, "[--json]", "/proc/slabinfo",
	  "Boot a machine and print /proc/slabinfo, in the kernel's format.\n"
	  "  --json      every cache as a JSON object\n" },
	{ "top", cmd_top, check_top, OPT_JSON | OPT_ONCE | OPT_PID,
	  "[--pid PID] [--once] [--json] [ROWS]", "the biggest slab caches, as slabtop shows them",
	  "Boot a machine and print slabtop's summary and its ROWS biggest caches (30 when\n"
	  "ROWS is left out), once. With --pid, watch a running program's machine instead:\n"
	  "the screen is redrawn every second, fitted to the terminal, until q.\n"
	  "  --pid PID   a program run with KMM_OPTIONS=proc_socket=1\n"
	  "  --once      print once and exit\n"
	  "  --json      the summary and the caches as JSON\n" },
	{ "proc", run_proc, check_proc, OPT_JSON | OPT_PID, "[--pid PID] [--json] NAME",
	  "/proc/NAME of the machine",
	  "Boot a machine and print one of its /proc files: NAME is one of\n"
	  "  %s.\n"
	  "  --pid PID   the view of a running program's machine (one run with\n"
	  "              KMM_OPTIONS=proc_socket=1) instead of a fresh one\n"
	  "  --json      the view as JSON: meminfo, buddyinfo, zoneinfo, slabinfo and vmstat\n"
	  "              as numbers, any other view as its lines\n" },
	{ "report", cmd_report, check_report, OPT_HTML, "--html FILE",
	  "a picture of the machine's memory, as one HTML page",
	  "Boot a machine and write FILE, one self-contained HTML page with SVG: the virtual\n"
	  "layout to scale (the small areas zoomed), the physical map by zone with the free\n"
	  "buddy blocks by order, every slab cache as a bar of used and free objects, the\n"
	  "vmalloc areas with their callers, the pkmap and fixmap slots in use. Hover for the\n"
	  "numbers. kmm demo writes one of its own machine, kmm-report.html.\n"
	  "  --html FILE where to write the page\n" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char machine_help[] =
	"machine options (every command):\n"
	"  --profile P   x86_32 (the default), i386, arm32 or x86_64\n"
	"  --mem SIZE    RAM, in steps of 4M: 8M to 4G on x86_32 and i386, to 2G on arm32,\n"
	"                to 64G on x86_64 (default 1G)\n"
	"  --cpus N      1 to 32 (default 2)\n"
	"  -h, --help    this command's help\n"
	"The environment gives what the options leave out: KMM_PROFILE, KMM_MEM, KMM_CPUS,\n"
	"KMM_OPTIONS=\"name=value,...\" (kmm info --options lists them) and\n"
	"KMM_DEBUG=\"slab_debug=FLAGS[,cache...]\" (docs/options.md).\n";

static void list_proc_names(FILE *out)
{
	for (unsigned int i = 0; kmm_proc_name(i); i++)
		fprintf(out, "%s%s", i ? (kmm_proc_name(i + 1) ? ", " : " or ") : "",
			kmm_proc_name(i));
}

static void usage(FILE *out)
{
	fprintf(out, "usage: kmm <command> [options] [arguments]\n\n"
		     "Boot a simulated Linux machine in this process and look at its memory.\n\n"
		     "commands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-10s %s\n\n", "help", "this text, or a command's (kmm help info)");
	fputs(machine_help, out);
	fprintf(out, "\nkmm --version prints the version. Exit status: 0 done, 1 the machine "
		     "failed,\n2 a bad command, option, argument or setting.\n");
}

static void command_usage(const struct command *c, FILE *out)
{
	fprintf(out, "usage: kmm %s %s%s[machine options]\n\n", c->name, c->synopsis,
		*c->synopsis ? " " : "");
	if (c->run == run_proc) {
		/* The list of views comes from the library, which knows them. */
		const char *mark = strstr(c->help, "%s");

		fwrite(c->help, 1, (size_t)(mark - c->help), out);
		list_proc_names(out);
		fputs(mark + 2, out);
	} else {
		fputs(c->help, out);
	}
	fputc('\n', out);
	fputs(machine_help, out);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	fprintf(stderr, "kmm: unknown command '%s'; the commands are", name);
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(stderr, " %s", commands[i].name);
	fprintf(stderr, " and help (kmm --help)\n");
	return EXIT_USAGE;
}

static int takes_nothing(const struct kmm_cli *cli)
{
	if (!cli->nargs)
		return 0;
	fprintf(stderr, "kmm: %s %s: %s takes no arguments\n", cli->command, cli->args[0],
		cli->command);
	return -EINVAL;
}

static int check_top(const struct kmm_cli *cli)
{
	char *end;
	long rows;

	if (cli->nargs > 1) {
		fprintf(stderr, "kmm: top %s %s: top takes one number of rows\n", cli->args[0],
			cli->args[1]);
		return -EINVAL;
	}
	if (!cli->nargs)
		return 0;
	errno = 0;
	rows = strtol(cli->args[0], &end, 10);
	if (end == cli->args[0] || *end || errno || rows < 1 || rows > 100000) {
		fprintf(stderr, "kmm: top %s: ROWS is a number of rows from 1 to 100000\n",
			cli->args[0]);
		return -EINVAL;
	}
	return 0;
}

static int check_proc(const struct kmm_cli *cli)
{
	if (cli->nargs == 1) {
		for (unsigned int i = 0; kmm_proc_name(i); i++)
			if (strcmp(kmm_proc_name(i), cli->args[0]) == 0)
				return 0;
		fprintf(stderr, "kmm: proc %s: no such view; the views are ", cli->args[0]);
	} else if (cli->nargs == 0) {
		fprintf(stderr, "kmm: proc: which view? NAME is one of ");
	} else {
		fprintf(stderr, "kmm: proc %s %s: one view at a time; NAME is one of ",
			cli->args[0], cli->args[1]);
	}
	list_proc_names(stderr);
	fprintf(stderr, "\n");
	return -EINVAL;
}

static int check_report(const struct kmm_cli *cli)
{
	if (takes_nothing(cli))
		return -EINVAL;
	if (!cli->html) {
		fprintf(stderr, "kmm: report: which file? kmm report --html FILE\n");
		return -EINVAL;
	}
	return 0;
}

static int run_proc(const struct kmm_cli *cli)
{
	if (cli->pid)
		return live_proc(cli, cli->args[0]);
	if (cli->json)
		return json_proc(cli->args[0], stdout);
	return kmm_proc_show(cli->args[0], stdout);
}

/* --cpus N: a whole number; the library checks the range (0 is a refusal here, not "unset"). */
static int parse_cpus(const char *text, unsigned int *cpus)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(text, &end, 10);
	if (*text < '0' || *text > '9' || *end || errno || n > 1000) {
		fprintf(stderr, "kmm: --cpus %s: not a number of CPUs; a machine has 1 to 32\n",
			text);
		return -EINVAL;
	}
	if (n == 0) {
		fprintf(stderr, "kmm: --cpus %s: a machine has 1 to 32 CPUs\n", text);
		return -EINVAL;
	}
	*cpus = (unsigned int)n;
	return 0;
}

static int parse_mem(const char *text, unsigned long long *bytes)
{
	if (kmm_parse_size(text, bytes)) {
		fprintf(stderr,
			"kmm: --mem %s: not a size; write bytes, or a number with K, M or G "
			"(512M)\n",
			text);
		return -EINVAL;
	}
	if (*bytes == 0) {
		fprintf(stderr, "kmm: --mem %s: a machine needs at least 8M of RAM\n", text);
		return -EINVAL;
	}
	return 0;
}

static int parse_pid(const char *text, long *pid)
{
	char *end;

	errno = 0;
	*pid = strtol(text, &end, 10);
	if (*text < '1' || *text > '9' || *end || errno || *pid > 0x7fffffff) {
		fprintf(stderr, "kmm: --pid %s: not a process id\n", text);
		return -EINVAL;
	}
	return 0;
}

static int bad_option(const struct command *c, char **argv, int c_opt)
{
	const char *arg = argv[optind - 1];

	if (c_opt == ':')
		fprintf(stderr, "kmm: %s %s: needs a value (kmm %s --help)\n", c->name, arg,
			c->name);
	else if (optopt && arg[0] == '-' && arg[1] != '-')
		fprintf(stderr, "kmm: %s -%c: unknown option (kmm %s --help)\n", c->name, optopt,
			c->name);
	else
		fprintf(stderr, "kmm: %s %s: unknown option (kmm %s --help)\n", c->name, arg,
			c->name);
	return -EINVAL;
}

/* An option of another command. */
static int not_here(const struct command *c, const char *name)
{
	fprintf(stderr, "kmm: %s %s: unknown option for %s (kmm %s --help)\n", c->name, name,
		c->name, c->name);
	return -EINVAL;
}

/* Parse argv (argv[0] is the command's name); a refusal has been explained. */
static int parse_args(const struct command *c, int argc, char **argv, struct kmm_cli *cli)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "options", no_argument, NULL, 'o' },
		{ "once", no_argument, NULL, '1' },
		{ "html", required_argument, NULL, 'H' },
		{ "pid", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":p:m:c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			cli->config.profile = optarg;
			cli->profile_text = optarg;
			break;
		case 'm':
			cli->mem_text = optarg;
			if (parse_mem(optarg, &cli->config.mem_bytes))
				return -EINVAL;
			break;
		case 'c':
			cli->cpus_text = optarg;
			if (parse_cpus(optarg, &cli->config.cpus))
				return -EINVAL;
			break;
		case 'j':
		case 'o':
		case '1':
			if (!(c->opts & (opt == 'j' ? OPT_JSON :
					 opt == 'o' ? OPT_OPTIONS :
						      OPT_ONCE)))
				return not_here(c, opt == 'j' ? "--json" :
						   opt == 'o' ? "--options" :
								"--once");
			cli->json |= opt == 'j';
			cli->show_options |= opt == 'o';
			cli->once |= opt == '1';
			break;
		case 'H':
			if (!(c->opts & OPT_HTML))
				return not_here(c, "--html");
			cli->html = optarg;
			break;
		case 'P':
			if (!(c->opts & OPT_PID))
				return not_here(c, "--pid");
			if (parse_pid(optarg, &cli->pid))
				return -EINVAL;
			break;
		case 'h':
			cli->help = true;
			break;
		default:
			return bad_option(c, argv, opt);
		}
	}
	cli->args = argv + optind;
	cli->nargs = argc - optind;
	return 0;
}

/* Explain a setting the library refused, naming the flag when the value came from one. */
static void explain(const struct kmm_cli *cli, const struct kmm_setting_error *why)
{
	if (strcmp(why->setting, "profile") == 0)
		fprintf(stderr, "kmm: --profile %s: %s\n", cli->profile_text, why->reason);
	else if (strcmp(why->setting, "mem_bytes") == 0)
		fprintf(stderr, "kmm: --mem %s: %s\n", cli->mem_text, why->reason);
	else if (strcmp(why->setting, "cpus") == 0)
		fprintf(stderr, "kmm: --cpus %s: %s\n", cli->cpus_text, why->reason);
	else
		fprintf(stderr, "kmm: %s=%s: %s\n", why->setting, why->value, why->reason);
}

static int run(const struct command *c, struct kmm_cli *cli)
{
	struct kmm_setting_error why;
	int err;

	if (cli->pid) {
		/* A running program's machine: nothing to boot here. */
		if (cli->profile_text || cli->mem_text || cli->cpus_text || cli->json) {
			fprintf(stderr,
				"kmm: %s --pid %ld: the machine options and --json do not "
				"apply to a running program's machine\n",
				c->name, cli->pid);
			return EXIT_USAGE;
		}
		return c->run(cli) ? 1 : 0;
	}

	if (kmm_config_check(&cli->config, &why)) {
		explain(cli, &why);
		return EXIT_USAGE;
	}
	err = kmm_boot(&cli->config);
	if (err == -EINVAL) /* a setting the boot itself reads (KMM_DEBUG), explained */
		return EXIT_USAGE;
	if (err) {
		fprintf(stderr, "kmm: cannot boot the machine: %s\n", strerror(-err));
		return 1;
	}
	err = c->run(cli);
	kmm_shutdown();
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct kmm_cli cli = { 0 };
	const struct command *c;
	const char *name;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		if (!strcmp(name, "help") && argc > 2) {
			c = find_command(argv[2]);
			if (!c) {
				fprintf(stderr, "kmm: help %s: unknown command (kmm --help)\n",
					argv[2]);
				return EXIT_USAGE;
			}
			command_usage(c, stdout);
			return 0;
		}
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V") || !strcmp(name, "version")) {
		printf("kmm %s\n", KMM_VERSION_STRING);
		return 0;
	}
	c = find_command(name);
	if (!c)
		return unknown_command(name);
	cli.command = c->name;
	if (parse_args(c, argc - 1, argv + 1, &cli))
		return EXIT_USAGE;
	if (cli.help) {
		command_usage(c, stdout);
		return 0;
	}
	if (c->check(&cli))
		return EXIT_USAGE;
	return run(c, &cli);
}
