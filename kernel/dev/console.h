/*
 * The console: where kernel messages go. Each kind of output device is a
 * backend; console_write() sends text to every backend that exists and is
 * selected (the console= command-line word; default: all that exist).
 */
#ifndef KERNEL_DEV_CONSOLE_H
#define KERNEL_DEV_CONSOLE_H

#include "kernel/lib/types.h"

struct boot_info;

enum console_kind {
	CONSOLE_SERIAL = 1 << 0,
	CONSOLE_VGA = 1 << 1,
	CONSOLE_FB = 1 << 2,
};

/* Bring up the serial port: the one console that needs no boot info, so
 * that even a boot-info error can be reported. */
void console_init_early(void);
/* Bring up the screen consoles that the boot info says exist. */
void console_init(const struct boot_info *bi);
/* Keep only the consoles in @mask (those that exist). */
void console_select(unsigned mask);
/* Which consoles exist, and which are selected: CONSOLE_* bits. */
unsigned console_present(void);
unsigned console_selected(void);
void console_write(const char *s, size_t n);

#endif /* KERNEL_DEV_CONSOLE_H */
