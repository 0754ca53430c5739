/*
 * kmm/proc.h - the kernel's /proc views of the machine, printed in their exact formats.
 */
#ifndef KMM_PROC_H
#define KMM_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/**
 * kmm_proc_show - print a /proc file
 * @name: "buddyinfo", "meminfo", "zoneinfo", "iomem", "vmstat" (and later layers' files)
 * @out: where to print
 *
 * Context: process context.
 * Return: 0, or -ENOENT for an unknown name.
 */
int kmm_proc_show(const char *name, FILE *out);

/**
 * kmm_proc_name - the name of a /proc file kmm_proc_show() knows
 * @index: 0, 1, ... in turn
 *
 * Context: any; needs no machine.
 * Return: the @index-th name, or NULL past the last.
 */
const char *kmm_proc_name(unsigned int index);

/**
 * kmm_proc_socket_path - where a program's machine serves its /proc views
 * @pid: the program's process id
 * @buf: receives the path: $XDG_RUNTIME_DIR/kmm-PID.sock, or /tmp/kmm-PID.sock
 * @len: room in @buf
 *
 * A machine booted with the proc_socket option answers there: a client writes a view's name
 * and a newline and reads the view's text to the end of the stream ("kmm proc --pid").
 *
 * Context: any; needs no machine.
 * Return: 0, or -ENAMETOOLONG.
 */
int kmm_proc_socket_path(long pid, char *buf, size_t len);

void kmm_proc_buddyinfo(FILE *out);
void kmm_proc_meminfo(FILE *out);
void kmm_proc_zoneinfo(FILE *out);
void kmm_proc_iomem(FILE *out);
void kmm_proc_vmstat(FILE *out);

/**
 * kmm_stats_print - every kmm event counter, as "name value" lines or one JSON object
 * @out: where to print
 * @json: JSON instead of text
 */
void kmm_stats_print(FILE *out, bool json);

/**
 * kmm_print_layout - the "Virtual kernel memory layout:" lines the kernel prints at boot
 * @out: where to print
 */
void kmm_print_layout(FILE *out);

#endif /* KMM_PROC_H */
