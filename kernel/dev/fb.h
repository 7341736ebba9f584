/*
 * The framebuffer console: text drawn in the linear framebuffer that the
 * boot loader describes (always there on UEFI machines, which have no
 * VGA text mode). kernel/dev/fbcon.c does the drawing; this file finds
 * the framebuffer and maps it.
 */
#ifndef KERNEL_DEV_FB_H
#define KERNEL_DEV_FB_H

#include "kernel/lib/types.h"

struct boot_framebuffer;

/* Start the console on an RGB framebuffer; false if it cannot be drawn
 * on (a format fbcon does not know). Runs before the kernel's page
 * tables exist, and draws nothing: text waits in the cells until
 * fb_map(). */
bool fb_init(const struct boot_framebuffer *bf);

/* Once the kernel's page tables exist: map the framebuffer
 * write-combining, clear it and draw the text so far, and draw there
 * from now on. False if the console has nowhere to draw (the mapping
 * failed and no other reaches it). */
bool fb_map(void);

/* Write @n bytes in @colour (a VGA attribute, enum console_colour). */
void fb_write(const char *s, size_t n, uint8_t colour);

/* Around writes made with interrupts off (printk's): fb_hold() takes the
 * drawer's part first, if it is free, so the writes only change cells;
 * fb_release(what fb_hold returned), with interrupts back on, draws them. */
bool fb_hold(void);
void fb_release(bool held);

/* A panic has begun, interrupts off: draw its report whatever the
 * console was doing, even before fb_map() if the framebuffer is in the
 * early direct map. */
void fb_panic(void);

#endif /* KERNEL_DEV_FB_H */
