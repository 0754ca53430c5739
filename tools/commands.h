/*
 * commands.h - the kmm tool's subcommands, one file each.
 */
#ifndef KMM_TOOLS_COMMANDS_H
#define KMM_TOOLS_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>
#include <kmm/kmm.h>

struct kmm_cli {
	const char *command;
	struct kmm_config config;
	/* The machine options as typed, to name them in an error. */
	const char *profile_text, *mem_text, *cpus_text;
	bool json;
	bool show_options;
	bool once;
	bool help;
	const char *html; /* report --html FILE */
	long pid; /* --pid: a running program's machine instead of a fresh one */
	char **args;
	int nargs;
};

int cmd_info(const struct kmm_cli *cli);
int cmd_demo(const struct kmm_cli *cli);
int cmd_slabinfo(const struct kmm_cli *cli);
int cmd_top(const struct kmm_cli *cli);
int cmd_report(const struct kmm_cli *cli);

/* The memory report as one HTML page at @path (report.c); 0 or a negative errno. */
int report_write_html(const char *path);
/* The demo's report, kmm-report.html in the current folder; says where, or why not. */
int demo_write_report(void);

/* slabtop's screen of @n caches, which it sorts (slabinfo.c). */
struct kmm_slab_info;
void top_print_rows(FILE *out, struct kmm_slab_info *info, int n, int max_rows);

/* A running program's views (live.c): print one, or refresh top's screen until 'q'. */
int live_proc(const struct kmm_cli *cli, const char *view);
int live_top(const struct kmm_cli *cli, int rows);

/* The demo's slab step (slabinfo.c). */
int demo_step_slab(void);
/* The demo's framebuffer step (demo_fbmem.c). */
int demo_step_fbmem(void);
int demo_step_ringdma(void);

#endif /* KMM_TOOLS_COMMANDS_H */
