/*
 * PS/2 keyboard input. The keyboard controller (the 8042) delivers one
 * byte per interrupt on port 0x60: a "scan code" in set 1, which the
 * controller translates to by default. A key's press sends its code, its
 * release the same code with bit 7 set. Shift, Control and Caps Lock are
 * tracked here to turn codes into characters (a US layout).
 *
 * Extended keys (arrows and such) arrive as 0xe0 then a code; they have
 * no character, so they are skipped.
 */
#include "kernel/dev/keyboard.h"
#include "kernel/cpu/io.h"
#include "kernel/cpu/trap.h"
#include "kernel/lib/types.h"

#define KBD_DATA	       0x60
#define KBD_STATUS	       0x64
#define KBD_STATUS_OUTPUT_FULL 0x01
#define KEY_RELEASED	       0x80
#define KEY_EXTENDED	       0xe0
#define KEY_LSHIFT	       0x2a
#define KEY_RSHIFT	       0x36
#define KEY_CTRL	       0x1d
#define KEY_CAPSLOCK	       0x3a

/* Scan code set 1 to characters, without and with Shift. 0: no char. */
static const char normal[128] = {
	0,   27,  '1',	'2',  '3',  '4', '5', '6',  '7', '8', '9', '0',
	'-', '=', '\b', '\t', 'q',  'w', 'e', 'r',  't', 'y', 'u', 'i',
	'o', 'p', '[',	']',  '\n', 0,	 'a', 's',  'd', 'f', 'g', 'h',
	'j', 'k', 'l',	';',  '\'', '`', 0,   '\\', 'z', 'x', 'c', 'v',
	'b', 'n', 'm',	',',  '.',  '/', 0,   '*',  0,	 ' ',
};
static const char shifted[128] = {
	0,   27,  '!',	'@',  '#',  '$', '%', '^', '&', '*', '(', ')',
	'_', '+', '\b', '\t', 'Q',  'W', 'E', 'R', 'T', 'Y', 'U', 'I',
	'O', 'P', '{',	'}',  '\n', 0,	 'A', 'S', 'D', 'F', 'G', 'H',
	'J', 'K', 'L',	':',  '"',  '~', 0,   '|', 'Z', 'X', 'C', 'V',
	'B', 'N', 'M',	'<',  '>',  '?', 0,   '*', 0,	' ',
};

static void (*deliver)(char c);
static bool shift, ctrl, capslock, extended;

static void
keyboard_interrupt(struct trap_frame *tf)
{
	(void)tf;
	while (inb(KBD_STATUS) & KBD_STATUS_OUTPUT_FULL) {
		uint8_t code = inb(KBD_DATA);
		bool released = code & KEY_RELEASED;
		uint8_t key = code & ~KEY_RELEASED;

		if (code == KEY_EXTENDED) {
			extended = true;
			continue;
		}
		if (extended) { /* right Ctrl is e0 1d; the rest we skip */
			extended = false;
			if (key == KEY_CTRL)
				ctrl = !released;
			continue;
		}
		if (key == KEY_LSHIFT || key == KEY_RSHIFT) {
			shift = !released;
			continue;
		}
		if (key == KEY_CTRL) {
			ctrl = !released;
			continue;
		}
		if (released)
			continue;
		if (key == KEY_CAPSLOCK) {
			capslock = !capslock;
			continue;
		}
		char c = shift ? shifted[key] : normal[key];
		if (capslock && c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		else if (capslock && c >= 'A' && c <= 'Z' && shift)
			c += 'a' - 'A';
		if (ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			c &= 0x1f; /* Ctrl-A is 1 ... Ctrl-Z is 26 */
		if (c && deliver)
			deliver(c);
	}
}

void
keyboard_init(void (*fn)(char c))
{
	deliver = fn;
	/* Drain whatever the firmware left, then listen. */
	for (int i = 0; i < 16 && (inb(KBD_STATUS) & KBD_STATUS_OUTPUT_FULL);
	     i++)
		inb(KBD_DATA);
	irq_register(IRQ_KEYBOARD, keyboard_interrupt);
}
