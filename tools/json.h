/*
 * json.h - the kmm tool's views as JSON (json.c), for scripts.
 *
 * Every document is one object whose first fields are "schema_version" (KMM_JSON_SCHEMA,
 * raised when a field changes meaning or goes away; new fields do not raise it), "view" and
 * the machine ("profile", "cpus"). The /proc views are taken from the kernel-format text the
 * library prints, so text and JSON cannot disagree: meminfo's "X: N kB" lines become "X_kB": N.
 */
#ifndef KMM_TOOLS_JSON_H
#define KMM_TOOLS_JSON_H

#include <stdio.h>

#define KMM_JSON_SCHEMA 1

/* @s as a JSON string, quotes included. */
void json_string(FILE *out, const char *s);

/* '{', the schema version, "view": @view, the machine and a trailing comma. */
void json_begin(FILE *out, const char *view);

/* The value of each view (an object or an array), without a key. */
void json_meminfo(FILE *out);
void json_buddyinfo(FILE *out);
void json_zones(FILE *out);
void json_slabinfo(FILE *out);
void json_vmstat(FILE *out);

/* /proc/@name as a whole document; -ENOENT for a view it does not know. */
int json_proc(const char *name, FILE *out);

#endif /* KMM_TOOLS_JSON_H */
