/*
 * symbols.h - naming code addresses for stack traces (defined in symbols.c).
 *
 * dladdr() only knows exported symbols; static functions of kmm and of the program are named
 * from the ELF .symtab of their object file, read once at boot so that naming a frame later
 * allocates nothing and is safe even from a fault handler.
 */
#ifndef KMM_INTERNAL_SYMBOLS_H
#define KMM_INTERNAL_SYMBOLS_H

#include <stddef.h>
#include "machine/os.h"

/* Read the symbol tables of the loaded objects (idempotent; allocates). */
KMM_HIDDEN void symbols_load(void);

/*
 * Name @addr: on success *name is the function, *offset the distance into it and *size its
 * length, and true is returned. Never allocates.
 */
KMM_HIDDEN bool symbols_lookup(unsigned long addr, const char **name, unsigned long *offset,
			       unsigned long *size);

#endif /* KMM_INTERNAL_SYMBOLS_H */
