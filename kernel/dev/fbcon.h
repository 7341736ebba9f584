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
 * Two arrays describe the screen. @cells is the text as it should be;
 * writing changes only it, which is quick. @shown is what the pixels
 * show now, one "look" per cell: the cell it was drawn from, plus a bit
 * if it was drawn as the cursor. Drawing compares the two and paints the
 * cells that differ, so ten lines scrolled in one write cost one
 * drawing, not ten. Neither step ever reads the framebuffer, which on
 * real hardware is slow to read (uncached or write-combining memory,
 * across a bus).
 *
 * Who draws: writing and drawing are separate so that the caller can
 * write with interrupts off (quick) and draw with them on (slow). A
 * write that finds nobody drawing makes its caller "the drawer"; a
 * write that interrupts the drawer only changes the cells and sets
 * @dirty, and the drawer goes round again before it stops:
 *
 *        fbcon_write()  (interrupts off)
 *              |  cells change, dirty = true
 *              v
 *       drawing already? --yes--> return false: the drawer below us,
 *              | no                 whom we interrupted, will see dirty
 *              v
 *   drawing = true, return true
 *              |
 *              v
 *   +--> fbcon_draw()  (interrupts on, if the caller had them on)
 *   |          |  dirty = false, then draw each cell that differs
 *   |          v
 *   |   fbcon_draw_done()  (interrupts off)
 *   +-- dirty again? yes: a write came in meanwhile
 *              | no
 *              v
 *   drawing = false, return true: done
 *
 * One CPU only: interrupts nest into a write, but no other CPU writes
 * at the same time (that would need a lock).
 */
struct fbcon {
	struct fb_surface screen;
	const struct font *font;
	uint32_t scale;		/* 1 or 2: a font pixel is scale x scale */
	uint32_t cell_width;	/* font width * scale, in pixels */
	uint32_t cell_height;	/* font height * scale */
	uint32_t columns, rows; /* the grid; it fits the screen */
	uint16_t *cells;	/* columns * rows, row after row */
	uint32_t *shown;	/* the look of each cell on screen */
	uint32_t row, column;	/* where the next character goes */
	uint32_t cursor;	/* the cell that shows the cursor */
	bool dirty;		/* changed since the last drawing */
	bool drawing;		/* someone is drawing (see above) */
	uint32_t palette[FBCON_COLOURS]; /* pixel values of the 16 colours */
};

/* Set up @con on @screen with @font, using @cells and @shown (room for
 * @max_cells each) for the text, all blank. Draws nothing, and ignores
 * @screen->pixels: fbcon_set_pixels() says where to draw. False,
 * leaving @con unusable, when the surface is not one fbcon can draw on. */
bool fbcon_init(struct fbcon *con, const struct fb_surface *screen,
		const struct font *font, uint16_t *cells, uint32_t *shown,
		size_t max_cells);

/* Interrupts off. Become the drawer before writing, if nobody is and
 * there is somewhere to draw: then writes made meanwhile, with
 * interrupts off, only change the cells, and the caller draws them all
 * afterwards, as fbcon_write()'s drawer does. */
bool fbcon_claim(struct fbcon *con);

/* Interrupts off. Write @n bytes in colour @attr, handling \n \r \b \t,
 * and leave the cursor after them; only the cells change. True: the
 * caller is now the drawer and must draw (fbcon_draw() until
 * fbcon_draw_done()). False: someone else will, or there is nowhere to
 * draw yet. */
bool fbcon_write(struct fbcon *con, const char *s, size_t n, uint8_t attr);

/* Interrupts off. Draw at @pixels (the framebuffer, mapped) from now on:
 * clear the screen, so that every cell not blank is to be drawn. Returns
 * as fbcon_write() does. */
bool fbcon_set_pixels(struct fbcon *con, uint8_t *pixels);

/* The drawer only, interrupts on or off. Draw every cell whose look
 * differs from what the screen shows. */
void fbcon_draw(struct fbcon *con);

/* The drawer only, interrupts off. True when nothing is left to draw:
 * the caller is no longer the drawer. False: something changed during
 * the drawing; draw again. */
bool fbcon_draw_done(struct fbcon *con);

/* A panic, interrupts off: any drawer it interrupted will never resume,
 * and may have stopped halfway through a cell. Forget it and what the
 * screen shows, so the next write redraws every cell. With nowhere to
 * draw yet, draw at @pixels (may be NULL: still nowhere). */
void fbcon_take_over(struct fbcon *con, uint8_t *pixels);

#endif /* KERNEL_DEV_FBCON_H */
