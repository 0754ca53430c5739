/*
 * kmm/fixmap.h - the fixmap: kernel virtual pages at addresses fixed at compile time, counted
 * down from FIXADDR_TOP, into which any physical page can be mapped.
 *
 *	__fix_to_virt(idx) == FIXADDR_TOP - idx * PAGE_SIZE
 *
 * The first FIX_KMAP_BEGIN indices are named slots (an early console, the local APIC, ...);
 * then KM_MAX_IDX kmap_local slots per CPU, which highmem.c manages.
 */
#ifndef KMM_FIXMAP_H
#define KMM_FIXMAP_H

#include "types.h"
#include "layout.h"

/* kmap_local nesting depth per CPU (the kernel's KM_MAX_IDX). */
#ifndef KM_MAX_IDX
#define KM_MAX_IDX 16
#endif

enum fixed_addresses {
	FIX_HOLE,
	FIX_EARLYCON_MEM_BASE,
	FIX_APIC_BASE,
	FIX_IO_APIC_BASE_0,
	FIX_TEXT_POKE1,
	FIX_TEXT_POKE0,
	FIX_DBGP_BASE,
	FIX_KMAP_BEGIN = 16, /* the profile's named-slot count */
};

/* The kmap slots depend on the booted machine's CPU count. */
#define FIX_KMAP_END (FIX_KMAP_BEGIN + KM_MAX_IDX * (int)kmm_layout.nr_cpus - 1)
#define __end_of_fixed_addresses (FIX_KMAP_END + 1)

#define __fix_to_virt(x) (FIXADDR_TOP - ((unsigned long)(x) << PAGE_SHIFT))
#define __virt_to_fix(x) ((FIXADDR_TOP - ((x)&PAGE_MASK)) >> PAGE_SHIFT)

/**
 * fix_to_virt - virtual address of a fixmap slot
 * @idx: an index below __end_of_fixed_addresses
 *
 * Context: any.
 * Return: the address.
 */
static inline unsigned long fix_to_virt(unsigned int idx)
{
	return __fix_to_virt(idx);
}

/**
 * virt_to_fix - fixmap index of an address in the fixmap
 * @vaddr: an address between FIXADDR_START and FIXADDR_TOP
 *
 * Context: any.
 * Return: the index.
 */
static inline unsigned long virt_to_fix(unsigned long vaddr)
{
	return __virt_to_fix(vaddr);
}

/**
 * __set_fixmap - map a physical page at a named fixmap slot
 * @idx: a named slot, below FIX_KMAP_BEGIN (the kmap slots belong to kmap_local)
 * @phys: physical address of RAM (the page containing it is mapped)
 * @read_only: map it read-only
 *
 * Context: process context. A bad index or a non-RAM address is reported and refused.
 */
void __set_fixmap(enum fixed_addresses idx, phys_addr_t phys, bool read_only);

/**
 * __clear_fixmap - unmap a named fixmap slot
 * @idx: a named slot
 *
 * Context: process context.
 */
void __clear_fixmap(enum fixed_addresses idx);

#define set_fixmap(idx, phys) __set_fixmap(idx, phys, false)
#define set_fixmap_nocache(idx, phys) __set_fixmap(idx, phys, false)
#define set_fixmap_io(idx, phys) __set_fixmap(idx, phys, false)
#define set_fixmap_ro(idx, phys) __set_fixmap(idx, phys, true)
#define clear_fixmap(idx) __clear_fixmap(idx)

/**
 * set_fixmap_offset - set_fixmap() and return the address of @phys inside the slot
 * @idx: a named slot
 * @phys: physical address, not necessarily page-aligned
 *
 * Context: process context.
 * Return: the virtual address of @phys.
 */
static inline void *set_fixmap_offset(enum fixed_addresses idx, phys_addr_t phys)
{
	__set_fixmap(idx, phys, false);
	return (void *)(__fix_to_virt(idx) + (unsigned long)(phys & ~PAGE_MASK));
}

#endif /* KMM_FIXMAP_H */
