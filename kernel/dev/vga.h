/*
 * The VGA text console: 80x25 characters at physical 0xb8000, which PC
 * BIOSes (and GRUB under BIOS) leave on the screen. UEFI machines have no
 * text mode; there the framebuffer console takes over.
 */
#ifndef KERNEL_DEV_VGA_H
#define KERNEL_DEV_VGA_H

#include "kernel/lib/types.h"

void vga_init(void);
/* Write @n bytes with attribute @attr (background << 4 | foreground). */
void vga_write(const char *s, size_t n, uint8_t attr);

#endif /* KERNEL_DEV_VGA_H */
