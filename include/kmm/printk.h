/*
 * kmm/printk.h - the kernel log for driver code: printk with the kernel's pointer extensions.
 *
 * kmm has one log stream, the process's stdout, and no log levels: a driver's pr_info and
 * pr_err lines come out in the order they were printed, each as the driver formatted it.
 * Context: any; the line is written with one stdio call, so lines of threads do not mix.
 */
#ifndef KMM_PRINTK_H
#define KMM_PRINTK_H

#include <stdarg.h>

/**
 * kmm_vprintk - print one formatted kernel log message to stdout
 * @fmt: a printf format with the kernel's extensions: %px (the raw pointer, zero-padded hex
 *       as the kernel prints it) and %pGg (a gfp_t, passed by address, named as in the kernel)
 * @args: the arguments @fmt consumes
 *
 * Other %p forms print as plain %p. A zero printed with %#x keeps its prefix ("0x0"), as the
 * kernel's vsprintf does and C's does not. A leading KERN_<LEVEL> marker ("\001" and a digit)
 * is dropped.
 *
 * Context: any.
 * Return: the number of bytes written.
 */
int kmm_vprintk(const char *fmt, va_list args);

/**
 * kmm_printk - kmm_vprintk() with variable arguments
 * @fmt: as for kmm_vprintk()
 *
 * Context: any.
 * Return: the number of bytes written.
 */
int kmm_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
