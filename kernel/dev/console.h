/*
 * The console: where kernel messages go. Each kind of output device is a
 * backend; console_write() sends text to every backend that exists and is
 * selected (the console= command-line word; default: all that exist).
 * The screens show text in colour (printk's errors in red); the serial
 * port gets the text alone.
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

/* Colours, as VGA text attributes: background << 4 | foreground, each
 * one of the 16 CGA colours. Both screen consoles take them as they are. */
enum console_colour {
	CONSOLE_NORMAL = 0x07,	/* light grey on black */
	CONSOLE_DEBUG = 0x08,	/* dark grey */
	CONSOLE_ERROR = 0x0c,	/* light red */
	CONSOLE_WARNING = 0x0e, /* yellow */
};

/* Bring up the serial port: the one console that needs no boot info, so
 * that even a boot-info error can be reported. */
void console_init_early(void);
/* Bring up the screen consoles that the boot info says exist. */
void console_init(const struct boot_info *bi);
/* Once the kernel's page tables exist: move the framebuffer console to
 * its own write-combining mapping. */
void console_map(void);
/* A panic has begun, interrupts off: make sure its report reaches every
 * screen, whatever the consoles were in the middle of. */
void console_panic(void);
/* Keep only the consoles in @mask (those that exist). */
void console_select(unsigned mask);
/* Which consoles exist, and which are selected: CONSOLE_* bits. */
unsigned console_present(void);
unsigned console_selected(void);
/* Around a write made with interrupts off: console_hold() before them,
 * console_release(its result) after, with interrupts on again, so that
 * the slow part (drawing pixels) runs with interrupts as the caller had
 * them. Writes work without these too. */
bool console_hold(void);
void console_release(bool held);
/* Write to every selected console, in the normal colour. */
void console_write(const char *s, size_t n);
void console_write_colour(const char *s, size_t n, enum console_colour colour);

#endif /* KERNEL_DEV_CONSOLE_H */
