/*
 * kmm/proc.h - the kernel's /proc views of the machine, printed in their exact formats.
 */
#ifndef KMM_PROC_H
#define KMM_PROC_H

#include <stdio.h>

/**
 * kmm_proc_show - print a /proc file
 * @name: "buddyinfo", "meminfo", "zoneinfo", "iomem" (and later layers' files)
 * @out: where to print
 *
 * Context: process context.
 * Return: 0, or -ENOENT for an unknown name.
 */
int kmm_proc_show(const char *name, FILE *out);

void kmm_proc_buddyinfo(FILE *out);
void kmm_proc_meminfo(FILE *out);
void kmm_proc_zoneinfo(FILE *out);
void kmm_proc_iomem(FILE *out);

/**
 * kmm_print_layout - the "Virtual kernel memory layout:" lines the kernel prints at boot
 * @out: where to print
 */
void kmm_print_layout(FILE *out);

#endif /* KMM_PROC_H */
