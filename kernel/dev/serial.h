/*
 * The first serial port (COM1), a 16550-compatible UART at I/O port 0x3f8:
 * the console that works everywhere QEMU runs, and on real PCs that still
 * have the port (or a header on the board).
 */
#ifndef KERNEL_DEV_SERIAL_H
#define KERNEL_DEV_SERIAL_H

#include "kernel/lib/types.h"

/* Probe and program COM1 (115200 8N1). Returns false if there is none. */
bool serial_init(void);
void serial_write(const char *s, size_t n);
/* Call @fn with each byte received, from the COM1 interrupt. */
void serial_on_input(void (*fn)(char c));

#endif /* KERNEL_DEV_SERIAL_H */
