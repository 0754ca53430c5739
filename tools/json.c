/*
 * json.c - the views as JSON: meminfo, buddyinfo, zones (from zoneinfo), slabinfo, vmstat,
 * and every other /proc view as its lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kmm/kmm.h>
#include <kmm/proc.h>
#include <kmm/slab.h>

#include "json.h"
#include "view_text.h"

#define MAX_CACHES 512

void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '<') /* so no text can close the <script> holding a report's data */
			fputs("\\u003c", out);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void json_begin(FILE *out, const char *view)
{
	fprintf(out, "{\n  \"schema_version\": %d,\n  \"view\": ", KMM_JSON_SCHEMA);
	json_string(out, view);
	fprintf(out, ",\n  \"profile\": ");
	json_string(out, kmm_layout.profile);
	fprintf(out, ",\n  \"cpus\": %u,\n", kmm_layout.nr_cpus);
}

/* Call @line for each line of @text (which it cuts up); the line has no newline. */
static void text_lines(char *text, void (*line)(char *text, void *arg), void *arg)
{
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		line(l, arg);
}

/* The same for each line of what @show prints. */
static void each_line(void (*show)(FILE *out), void (*line)(char *text, void *arg), void *arg)
{
	char *text = view_text(show);

	if (text)
		text_lines(text, line, arg);
	free(text);
}

struct list {
	FILE *out;
	int n;
};

static void sep(struct list *l)
{
	fputs(l->n++ ? ",\n    " : "\n    ", l->out);
}

/* "MemTotal:        1047552 kB" -> "MemTotal_kB": 1047552; "HugePages_Total: 0" as is. */
static void meminfo_line(char *text, void *arg)
{
	struct list *l = arg;
	char *colon = strchr(text, ':');
	unsigned long long v;
	char unit[8] = "";

	if (!colon || sscanf(colon + 1, "%llu %7s", &v, unit) < 1)
		return;
	*colon = '\0';
	sep(l);
	fprintf(l->out, "\"%s%s\": %llu", text, strcmp(unit, "kB") ? "" : "_kB", v);
}

void json_meminfo(FILE *out)
{
	struct list l = { out, 0 };

	fputc('{', out);
	each_line(kmm_proc_meminfo, meminfo_line, &l);
	fputs("\n  }", out);
}

/* "Node 0, zone   Normal  0 1 2 ..." -> {"node": 0, "zone": "Normal", "free_blocks": [...]} */
static void buddyinfo_line(char *text, void *arg)
{
	struct list *l = arg;
	char zone[32], *p;
	int node, used;

	if (sscanf(text, "Node %d, zone %31s%n", &node, zone, &used) != 2)
		return;
	sep(l);
	fprintf(l->out, "{ \"node\": %d, \"zone\": \"%s\", \"free_blocks\": [", node, zone);
	p = text + used;
	for (int order = 0;; order++) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);

		if (end == p)
			break;
		fprintf(l->out, "%s%lu", order ? ", " : "", n);
		p = end;
	}
	fputs("] }", l->out);
}

void json_buddyinfo(FILE *out)
{
	struct list l = { out, 0 };

	fputc('[', out);
	each_line(kmm_proc_buddyinfo, buddyinfo_line, &l);
	fputs("\n  ]", out);
}

/*
 * zoneinfo's numbers per zone: the free pages, the watermarks, the spanned, present and
 * managed pages and the first pfn (the per-CPU pagesets are left out).
 */
struct zones {
	struct list l;
	bool in_zone, in_pagesets;
};

static void zoneinfo_line(char *text, void *arg)
{
	static const char *const keys[] = { "boost",   "min",	  "low",     "high",
					    "spanned", "present", "managed", "cma" };
	struct zones *z = arg;
	char zone[32], key[32];
	unsigned long long v;
	int node;

	if (sscanf(text, "Node %d, zone %31s", &node, zone) == 2) {
		if (z->in_zone)
			fputs(" }", z->l.out);
		sep(&z->l);
		fprintf(z->l.out, "{ \"node\": %d, \"zone\": \"%s\"", node, zone);
		z->in_zone = true;
		z->in_pagesets = false;
		return;
	}
	if (!z->in_zone)
		return;
	if (sscanf(text, " pages free %llu", &v) == 1) {
		fprintf(z->l.out, ", \"free\": %llu", v);
	} else if (strstr(text, "pagesets")) {
		z->in_pagesets = true;
	} else if (sscanf(text, " start_pfn: %llu", &v) == 1) {
		fprintf(z->l.out, ", \"start_pfn\": %llu", v);
	} else if (!z->in_pagesets && sscanf(text, " %31s %llu", key, &v) == 2) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(key, keys[i]) == 0)
				fprintf(z->l.out, ", \"%s\": %llu", key, v);
	}
}

void json_zones(FILE *out)
{
	struct zones z = { { out, 0 }, false, false };

	fputc('[', out);
	each_line(kmm_proc_zoneinfo, zoneinfo_line, &z);
	if (z.in_zone)
		fputs(" }", out);
	fputs("\n  ]", out);
}

void json_slabinfo(FILE *out)
{
	struct kmm_slab_info *info = calloc(MAX_CACHES, sizeof(*info));
	int n = info ? kmm_slab_info(info, MAX_CACHES) : 0;

	if (n > MAX_CACHES)
		n = MAX_CACHES;
	fputc('[', out);
	for (int i = 0; i < n; i++) {
		const struct kmm_slab_info *c = &info[i];

		fprintf(out, "%s\n    { \"name\": ", i ? "," : "");
		json_string(out, c->name);
		fprintf(out,
			", \"active_objs\": %lu, \"num_objs\": %lu, \"objsize\": %u, "
			"\"objperslab\": %u, \"pagesperslab\": %u, \"active_slabs\": %lu, "
			"\"num_slabs\": %lu }",
			c->active_objs, c->num_objs, c->objsize, c->objperslab, c->pagesperslab,
			c->active_slabs, c->num_slabs);
	}
	fputs("\n  ]", out);
	free(info);
}

/* "name value" lines. */
static void vmstat_line(char *text, void *arg)
{
	struct list *l = arg;
	char key[64];
	unsigned long long v;

	if (sscanf(text, "%63s %llu", key, &v) != 2)
		return;
	sep(l);
	fprintf(l->out, "\"%s\": %llu", key, v);
}

void json_vmstat(FILE *out)
{
	struct list l = { out, 0 };

	fputc('{', out);
	each_line(kmm_proc_vmstat, vmstat_line, &l);
	fputs("\n  }", out);
}

static void text_line(char *text, void *arg)
{
	struct list *l = arg;

	sep(l);
	json_string(l->out, text);
}

/* A view with no structure of its own (iomem, vmallocinfo, ...): its lines, as printed. */
static int json_lines(FILE *out, const char *name)
{
	struct list l = { out, 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int err;

	if (!mem)
		return -ENOMEM;
	err = kmm_proc_show(name, mem);
	fclose(mem);
	if (!err) {
		json_begin(out, name);
		fputs("  \"lines\": [", out);
		text_lines(text, text_line, &l);
		fputs("\n  ]\n}\n", out);
	}
	free(text);
	return err;
}

int json_proc(const char *name, FILE *out)
{
	static const struct {
		const char *name;
		void (*json)(FILE *out);
	} views[] = {
		{ "meminfo", json_meminfo }, { "buddyinfo", json_buddyinfo },
		{ "zoneinfo", json_zones },  { "slabinfo", json_slabinfo },
		{ "vmstat", json_vmstat },
	};

	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		if (strcmp(views[i].name, name))
			continue;
		json_begin(out, name);
		fprintf(out, "  \"%s\": ", name);
		views[i].json(out);
		fputs("\n}\n", out);
		return 0;
	}
	return json_lines(out, name);
}
