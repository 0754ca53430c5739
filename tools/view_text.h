/*
 * view_text.h - a /proc view as text, for the programs that print some of its lines: the
 * demo's steps and the kernel test's host programs.
 */
#ifndef KMM_TOOLS_VIEW_TEXT_H
#define KMM_TOOLS_VIEW_TEXT_H

#include <stdio.h>
#include <stdlib.h>

/* What @show prints, as a malloc'd string the caller frees; NULL when memory ran out. */
static inline char *view_text(void (*show)(FILE *out))
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		return NULL;
	show(mem);
	fclose(mem);
	return text;
}

#endif /* KMM_TOOLS_VIEW_TEXT_H */
