/*
 * Text on a framebuffer: a grid of character cells drawn with a bitmap
 * font into a surface of pixels. This part knows nothing of boot loaders
 * or page tables (kernel/dev/fb.c does), so the host unit tests run it on
 * a buffer in RAM.
 *
 * A framebuffer is rows of pixels, @pitch bytes apart; a row may be
 * longer than its pixels need (padding the display hardware wants). At
 * 24 bits per pixel, red at bit 16, green at 8, blue at 0:
 *
 *   pixels + 0 * pitch: B G R B G R B G R ... B G R . . . .
 *   pixels + 1 * pitch: B G R B G R B G R ... B G R . . . .
 *                       |pixel|pixel|          pixel  padding
 *                       |  0  |  1  |        width-1  up to pitch
 *
 * A pixel is a little-endian number of 2, 3 or 4 bytes; each colour
 * channel is @size bits of it starting at bit @pos.
 */
#ifndef KERNEL_DEV_FBCON_H
#define KERNEL_DEV_FBCON_H

#include "kernel/dev/font.h"
#include "kernel/lib/types.h"

#define FBCON_COLOURS 16 /* the CGA/VGA palette */

struct fb_surface {
	uint8_t *pixels;	 /* the top-left pixel; NULL: not drawable */
	uint32_t width, height;	 /* in pixels */
	uint32_t pitch;		 /* bytes from one row to the next */
	uint8_t bytes_per_pixel; /* 2, 3 or 4 */
	uint8_t red_pos, red_size;
	uint8_t green_pos, green_size;
	uint8_t blue_pos, blue_size;
};

/*
 * A cell is one character position: the byte to show and its colour, a
 * VGA text attribute (background << 4 | foreground, each a palette
 * index), packed as in VGA text memory: character | attribute << 8.
 *
 * The cells are the console's own copy of the screen. Scrolling moves
 * cells, never pixels, and draws only the cells whose contents changed:
 * it never reads the framebuffer, which on real hardware is slow to read
 * (uncached or write-combining memory, across a bus).
 */
struct fbcon {
	struct fb_surface screen;
	const struct font *font;
	uint32_t scale;			 /* each font pixel is scale x scale */
	uint32_t cell_width;		 /* font width * scale, in pixels */
	uint32_t cell_height;		 /* font height * scale */
	uint32_t columns, rows;		 /* the grid; it fits the screen */
	uint16_t *cells;		 /* columns * rows, row after row */
	uint32_t row, column;		 /* where the next character goes */
	uint32_t palette[FBCON_COLOURS]; /* pixel values of the 16 colours */
};

/* Set up @con on @screen with @font, using @cells (room for @max_cells)
 * as its copy of the text, and clear the screen. False, leaving @con
 * unusable, when the surface is not one fbcon can draw on. */
bool fbcon_init(struct fbcon *con, const struct fb_surface *screen,
		const struct font *font, uint16_t *cells, size_t max_cells);

/* Write @n bytes in colour @attr, handling \n \r \b \t, and leave the
 * cursor after them. With no pixels yet, only the cells change. */
void fbcon_write(struct fbcon *con, const char *s, size_t n, uint8_t attr);

/* Draw from now on at @pixels (the same framebuffer, mapped elsewhere):
 * clear it and draw every cell and the cursor. */
void fbcon_set_pixels(struct fbcon *con, uint8_t *pixels);

#endif /* KERNEL_DEV_FBCON_H */
