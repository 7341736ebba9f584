/*
 * VGA text mode. The screen is an array of 16-bit cells in memory, one per
 * character position, row after row:
 *
 *    bit 15    12 11     8 7                0
 *   +-----------+---------+------------------+
 *   | backgrnd  | foregrnd|  character (CP437)|
 *   +-----------+---------+------------------+
 *
 * Writing a cell changes the screen at once. The blinking cursor is moved
 * separately, through the CRT controller's index/data ports.
 */
#include "kernel/dev/vga.h"
#include "kernel/cpu/io.h"
#include "kernel/lib/string.h"
#include "mm/memlayout.h"

#define VGA_TEXT_PHYS	 0xb8000
#define VGA_COLUMNS	 80
#define VGA_ROWS	 25
#define VGA_ATTR_NORMAL	 0x07 /* light grey on black */
#define CRTC_INDEX	 0x3d4
#define CRTC_DATA	 0x3d5
#define CRTC_CURSOR_HIGH 0x0e
#define CRTC_CURSOR_LOW	 0x0f
#define TAB_WIDTH	 8

static volatile uint16_t *vga_cells;
static int vga_row, vga_column;

static uint16_t
vga_cell(char c, uint8_t attr)
{
	return (uint16_t)(attr << 8) | (uint8_t)c;
}

static void
vga_move_cursor(void)
{
	uint16_t pos = (uint16_t)(vga_row * VGA_COLUMNS + vga_column);

	outb(CRTC_INDEX, CRTC_CURSOR_HIGH);
	outb(CRTC_DATA, pos >> 8);
	outb(CRTC_INDEX, CRTC_CURSOR_LOW);
	outb(CRTC_DATA, pos & 0xff);
}

/* Move every row up by one and blank the last. */
static void
vga_scroll(void)
{
	for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLUMNS; i++)
		vga_cells[i] = vga_cells[i + VGA_COLUMNS];
	for (int i = 0; i < VGA_COLUMNS; i++)
		vga_cells[(VGA_ROWS - 1) * VGA_COLUMNS + i] =
			vga_cell(' ', VGA_ATTR_NORMAL);
	vga_row = VGA_ROWS - 1;
}

static void
vga_newline(void)
{
	vga_column = 0;
	if (++vga_row == VGA_ROWS)
		vga_scroll();
}

static void
vga_putc(char c, uint8_t attr)
{
	switch (c) {
	case '\n':
		vga_newline();
		return;
	case '\r':
		vga_column = 0;
		return;
	case '\b':
		if (vga_column > 0)
			vga_column--;
		return;
	case '\t':
		do
			vga_putc(' ', attr);
		while (vga_column % TAB_WIDTH);
		return;
	}
	vga_cells[vga_row * VGA_COLUMNS + vga_column] = vga_cell(c, attr);
	if (++vga_column == VGA_COLUMNS)
		vga_newline();
}

/* Clear the screen: the BIOS and the boot loader leave their text. */
void
vga_init(void)
{
	vga_cells = phys_to_virt(VGA_TEXT_PHYS);
	for (int i = 0; i < VGA_ROWS * VGA_COLUMNS; i++)
		vga_cells[i] = vga_cell(' ', VGA_ATTR_NORMAL);
	vga_row = vga_column = 0;
	vga_move_cursor();
}

void
vga_write(const char *s, size_t n, uint8_t attr)
{
	if (!vga_cells)
		return;
	for (size_t i = 0; i < n; i++)
		vga_putc(s[i], attr);
	vga_move_cursor();
}
