/*
 * symbols.c - function names for stack traces, from the ELF symbol tables of the program and
 * its shared objects.
 *
 * At boot, for each loaded object (dl_iterate_phdr), the file is read and its STT_FUNC symbols
 * are kept in one array sorted by run-time address, names copied into one string pool. A lookup
 * is a binary search. Loading happens once per process under load_lock; lookups read the
 * finished tables without locking (they are published with a release store).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/symbols.h"

struct symbol {
	unsigned long start;
	unsigned long size;
	const char *name;
};

struct symbol_table {
	struct symbol *syms;
	size_t nr;
	char *names;
};

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static struct symbol_table *table;

struct loader {
	struct symbol *syms;
	size_t nr, cap;
	char *names;
	size_t names_len, names_cap;
};

static char *read_file(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0 && (buf = malloc((size_t)st.st_size))) {
		size_t done = 0;

		while (done < (size_t)st.st_size) {
			ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

			if (n <= 0)
				break;
			done += (size_t)n;
		}
		*len = done;
	}
	close(fd);
	return buf;
}

static bool add_symbol(struct loader *l, unsigned long start, unsigned long size, const char *name)
{
	size_t len = strlen(name) + 1;

	if (l->nr == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct symbol *s = realloc(l->syms, cap * sizeof(*s));

		if (!s)
			return false;
		l->syms = s;
		l->cap = cap;
	}
	if (l->names_len + len > l->names_cap) {
		size_t cap = (l->names_cap + len) * 2;
		char *n = realloc(l->names, cap);

		if (!n)
			return false;
		l->names = n;
		l->names_cap = cap;
	}
	memcpy(l->names + l->names_len, name, len);
	/* Names are pool offsets until the pool stops moving. */
	l->syms[l->nr++] = (struct symbol){ start, size, (const char *)l->names_len };
	l->names_len += len;
	return true;
}

static bool in_file(size_t len, unsigned long off, unsigned long size)
{
	return off <= len && size <= len - off;
}

/* Add the function symbols of one ELF image loaded at @base. */
static void load_image(struct loader *l, const char *image, size_t len, unsigned long base)
{
	const ElfW(Ehdr) *eh = (const void *)image;
	const ElfW(Shdr) * sh;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    !in_file(len, eh->e_shoff, (unsigned long)eh->e_shnum * sizeof(*sh)))
		return;
	sh = (const void *)(image + eh->e_shoff);
	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		const ElfW(Shdr) * strtab;
		const ElfW(Sym) * syms;

		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		strtab = &sh[sh[i].sh_link];
		if (!in_file(len, sh[i].sh_offset, sh[i].sh_size) ||
		    !in_file(len, strtab->sh_offset, strtab->sh_size))
			continue;
		syms = (const void *)(image + sh[i].sh_offset);
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*syms); k++) {
			const ElfW(Sym) *s = &syms[k];

			if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || !s->st_value || !s->st_size ||
			    s->st_name >= strtab->sh_size)
				continue;
			if (!add_symbol(l, base + s->st_value, s->st_size,
					image + strtab->sh_offset + s->st_name))
				return;
		}
	}
}

static int load_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct loader *l = arg;
	const char *path = info->dlpi_name && *info->dlpi_name ? info->dlpi_name : "/proc/self/exe";
	size_t len = 0;
	char *image;

	/* Only the program and objects named like kmm: libc's own frames need no names. */
	if (*info->dlpi_name && !strstr(info->dlpi_name, "kmm"))
		return 0;
	image = read_file(path, &len);
	if (image)
		load_image(l, image, len, info->dlpi_addr);
	free(image);
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

void symbols_load(void)
{
	struct loader l = { 0 };
	struct symbol_table *t;

	pthread_mutex_lock(&load_lock);
	if (__atomic_load_n(&table, __ATOMIC_ACQUIRE) || !(t = calloc(1, sizeof(*t)))) {
		pthread_mutex_unlock(&load_lock);
		return;
	}
	dl_iterate_phdr(load_object, &l);
	for (size_t i = 0; i < l.nr; i++)
		l.syms[i].name = l.names + (size_t)l.syms[i].name;
	qsort(l.syms, l.nr, sizeof(*l.syms), by_start);
	*t = (struct symbol_table){ l.syms, l.nr, l.names };
	__atomic_store_n(&table, t, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&load_lock);
}

bool symbols_lookup(unsigned long addr, const char **name, unsigned long *offset,
		    unsigned long *size)
{
	const struct symbol_table *t = __atomic_load_n(&table, __ATOMIC_ACQUIRE);
	size_t lo = 0, hi;

	if (!t || !t->nr)
		return false;
	hi = t->nr;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].start <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (addr < t->syms[lo].start || addr >= t->syms[lo].start + t->syms[lo].size)
		return false;
	*name = t->syms[lo].name;
	*offset = addr - t->syms[lo].start;
	*size = t->syms[lo].size;
	return true;
}
