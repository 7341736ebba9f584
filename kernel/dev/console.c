/*
 * Console fan-out: one write, every selected output device.
 */
#include "kernel/dev/console.h"
#include "boot/bootinfo.h"
#include "kernel/dev/fb.h"
#include "kernel/dev/serial.h"
#include "kernel/dev/vga.h"

static unsigned present;	/* CONSOLE_* bits: devices found */
static unsigned selected = ~0u; /* CONSOLE_* bits: console= word */

void
console_init_early(void)
{
	if (serial_init())
		present |= CONSOLE_SERIAL;
}

void
console_init(const struct boot_info *bi)
{
	if (bi->vga_text) {
		vga_init();
		present |= CONSOLE_VGA;
	}
	if (bi->fb.type == BOOT_FB_RGB && fb_init(&bi->fb))
		present |= CONSOLE_FB;
}

void
console_map(void)
{
	if ((present & CONSOLE_FB) && !fb_map())
		present &= ~CONSOLE_FB;
}

void
console_panic(void)
{
	if (present & CONSOLE_FB)
		fb_panic();
}

void
console_select(unsigned mask)
{
	selected = mask;
}

unsigned
console_present(void)
{
	return present;
}

unsigned
console_selected(void)
{
	return present & selected;
}

bool
console_hold(void)
{
	return (present & selected & CONSOLE_FB) && fb_hold();
}

void
console_release(bool held)
{
	fb_release(held);
}

void
console_write_colour(const char *s, size_t n, enum console_colour colour)
{
	unsigned active = present & selected;

	if (active & CONSOLE_SERIAL)
		serial_write(s, n);
	if (active & CONSOLE_VGA)
		vga_write(s, n, colour);
	if (active & CONSOLE_FB)
		fb_write(s, n, colour);
}

void
console_write(const char *s, size_t n)
{
	console_write_colour(s, n, CONSOLE_NORMAL);
}
