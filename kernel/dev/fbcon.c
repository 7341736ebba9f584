/*
 * Text on a framebuffer (see fbcon.h for the pixel layout).
 *
 * Drawing a character means painting its cell, a rectangle of
 * cell_width x cell_height pixels, from the glyph's bits: a 1 bit is a
 * pixel in the foreground colour, a 0 bit one in the background colour.
 * Cell (row r, column c) starts at pixel (c * cell_width, r * cell_height):
 *
 *        column 0   column 1   column 2
 *       +--------+--------+--------+--
 * row 0 |   ##   | #####  |        |     one cell: 8 x 16 pixels
 *       |  #  #  | #    # |        |     (x scale, on big screens)
 *       | ###### | #####  |        |
 *       +--------+--------+--------+--
 * row 1 |        |        |        |
 *
 * The screen is only ever written, and only by fbcon_draw(): writing
 * text changes con->cells, and drawing paints each cell whose look
 * (its cell, and whether it shows the cursor) differs from the look in
 * con->shown. Scrolling copies every row of cells up by one, so after a
 * scroll the cells that changed are those that differ from the ones
 * above them, and a write that scrolls many times is drawn once.
 *
 * The cursor is the cell at (row, column) drawn with foreground and
 * background swapped: a look of its own, so moving the cursor changes
 * the looks of two cells, and drawing repaints them both.
 *
 * A character in the last column leaves the column one past the grid:
 * the wrap to the next line waits for the next character, as on a
 * VT100, so a line exactly as wide as the screen followed by "\n" does
 * not leave an empty line behind. The cursor then shows on the last
 * column.
 */
#include "kernel/dev/fbcon.h"
#include "kernel/lib/string.h"

#define TAB_WIDTH     8
#define ATTR_NORMAL   0x07 /* light grey on black, as VGA's default */
#define CELL_BLANK    (' ' | ATTR_NORMAL << 8)
#define BIG_SCREEN_W  2560 /* from here on, glyphs are drawn twice as big */
#define BIG_SCREEN_H  1440
#define BITS_PER_BYTE 8

/* A look: a cell, and how it is drawn (see the top of the file). */
#define LOOK_CURSOR  (1u << 16)	 /* foreground and background swapped */
#define LOOK_UNKNOWN 0xffffffffu /* never drawn, or the drawing was cut short */

/* Stores to the framebuffer, at any alignment (x86 allows it; a 3-byte
 * pixel is seldom aligned). Volatile: the compiler must store exactly
 * this, not merge the stores into a call or split them into bytes. */
typedef uint32_t __attribute__((aligned(1))) fb_u32;
typedef uint16_t __attribute__((aligned(1))) fb_u16;

/* The 16 colours of the CGA and VGA text modes, as 0xRRGGBB. */
static const uint32_t cga_rgb[FBCON_COLOURS] = {
	0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, /* black blue green cyan */
	0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa, /* red magenta brown grey */
	0x555555, 0x5555ff, 0x55ff55, 0x55ffff, /* the bright ones */
	0xff5555, 0xff55ff, 0xffff55, 0xffffff, /* ... yellow, white */
};

/* An 8-bit colour intensity, as @size bits at bit @pos of a pixel. */
static uint32_t
channel_bits(uint32_t intensity, uint8_t pos, uint8_t size)
{
	if (size <= BITS_PER_BYTE)
		intensity >>= BITS_PER_BYTE - size;
	else
		intensity <<= size - BITS_PER_BYTE;
	return intensity << pos;
}

static uint32_t
pixel_value(const struct fb_surface *s, uint32_t rgb)
{
	return channel_bits(rgb >> 16 & 0xff, s->red_pos, s->red_size) |
	       channel_bits(rgb >> 8 & 0xff, s->green_pos, s->green_size) |
	       channel_bits(rgb & 0xff, s->blue_pos, s->blue_size);
}

static bool
channel_fits(uint8_t pos, uint8_t size, uint8_t bytes_per_pixel)
{
	return size > 0 && size <= 16 &&
	       pos + size <= bytes_per_pixel * BITS_PER_BYTE;
}

static bool
surface_usable(const struct fb_surface *s, const struct font *font)
{
	uint8_t bpp = s->bytes_per_pixel;

	return bpp >= 2 && bpp <= 4 && s->width >= font->width &&
	       s->height >= font->height &&
	       s->pitch >= (uint64_t)s->width * bpp &&
	       channel_fits(s->red_pos, s->red_size, bpp) &&
	       channel_fits(s->green_pos, s->green_size, bpp) &&
	       channel_fits(s->blue_pos, s->blue_size, bpp);
}

/* A pixel into the framebuffer, least significant byte first: one
 * 32-bit store for a 4-byte pixel, a 16-bit one for a 2-byte pixel, and
 * 16 + 8 bits for a 3-byte one. */
static inline void
fbcon_put_pixel(uint8_t *p, uint32_t value, uint8_t bytes)
{
	if (bytes == 4) {
		*(volatile fb_u32 *)p = value;
		return;
	}
	*(volatile fb_u16 *)p = (uint16_t)value;
	if (bytes == 3)
		*(volatile uint8_t *)(p + 2) = (uint8_t)(value >> 16);
}

/* Paint the whole surface, margins included, in palette colour 0. That
 * is black, and black is 0 in every pixel format. */
static void
fbcon_clear_pixels(struct fbcon *con)
{
	const struct fb_surface *s = &con->screen;
	uint8_t *line = s->pixels;
	uint32_t bytes = s->width * s->bytes_per_pixel;

	for (uint32_t y = 0; y < s->height; y++, line += s->pitch) {
		uint32_t i = 0;
		for (; i + 4 <= bytes; i += 4)
			*(volatile fb_u32 *)(line + i) = 0;
		for (; i < bytes; i++)
			*(volatile uint8_t *)(line + i) = 0;
	}
}

/* Paint cell @i (row i / columns, column i % columns) as @look: each
 * pixel of the glyph becomes scale x scale pixels of the screen. */
static void
fbcon_draw_cell(struct fbcon *con, uint32_t i, uint32_t look)
{
	const struct fb_surface *s = &con->screen;
	const struct font *f = con->font;
	const uint8_t *glyph = font_glyph(f, (uint8_t)look);
	uint8_t attr = (uint8_t)(look >> 8), bpp = s->bytes_per_pixel;
	uint32_t fg = con->palette[attr & 0x0f], bg = con->palette[attr >> 4];
	uint32_t shift = con->scale / 2; /* scale is 1 or 2: / is >> shift */

	if (look & LOOK_CURSOR) {
		uint32_t t = fg;
		fg = bg;
		bg = t;
	}
	uint32_t colour[2] = { bg, fg }; /* by the glyph's bit */
	uint8_t *line =
		s->pixels +
		(size_t)(i / con->columns) * con->cell_height * s->pitch +
		(size_t)(i % con->columns) * con->cell_width * bpp;
	for (uint32_t y = 0; y < con->cell_height; y++, line += s->pitch) {
		const uint8_t *bits = glyph + (y >> shift) * f->row_bytes;
		for (uint32_t x = 0; x < con->cell_width; x++) {
			uint32_t gx = x >> shift;
			uint32_t bit =
				bits[gx / BITS_PER_BYTE] >> (7 - gx % 8) & 1;
			fbcon_put_pixel(line + x * bpp, colour[bit], bpp);
		}
	}
}

/* Move every row of cells up by one and blank the last. Nothing is
 * drawn: the next fbcon_draw() finds the cells that changed. */
static void
fbcon_scroll(struct fbcon *con)
{
	size_t row_size = con->columns * sizeof(con->cells[0]);
	uint16_t *last = con->cells + (con->rows - 1) * con->columns;

	for (uint16_t *row = con->cells; row < last; row += con->columns)
		memcpy(row, row + con->columns, row_size);
	for (uint32_t c = 0; c < con->columns; c++)
		last[c] = CELL_BLANK;
}

static void
fbcon_newline(struct fbcon *con)
{
	con->column = 0;
	if (con->row + 1 < con->rows)
		con->row++;
	else
		fbcon_scroll(con);
}

static void
fbcon_putc(struct fbcon *con, char c, uint8_t attr)
{
	switch (c) {
	case '\n':
		fbcon_newline(con);
		return;
	case '\r':
		con->column = 0;
		return;
	case '\b':
		if (con->column > 0)
			con->column--;
		return;
	case '\t':
		do
			fbcon_putc(con, ' ', attr);
		while (con->column % TAB_WIDTH);
		return;
	}
	if (con->column == con->columns) /* the wrap left pending */
		fbcon_newline(con);
	con->cells[con->row * con->columns + con->column++] =
		(uint16_t)((uint8_t)c | attr << 8);
}

bool
fbcon_init(struct fbcon *con, const struct fb_surface *screen,
	   const struct font *font, uint16_t *cells, uint32_t *shown,
	   size_t max_cells)
{
	if (!surface_usable(screen, font) || max_cells == 0)
		return false;
	con->screen = *screen;
	con->screen.pixels = NULL; /* until fbcon_set_pixels() */
	con->font = font;
	con->scale = 1;
	if (screen->width >= BIG_SCREEN_W && screen->height >= BIG_SCREEN_H)
		con->scale = 2;
	con->cell_width = font->width * con->scale;
	con->cell_height = font->height * con->scale;
	/* As many whole cells as fit, and no more than @cells holds. */
	con->columns = MIN(screen->width / con->cell_width, max_cells);
	con->rows = MIN(screen->height / con->cell_height,
			max_cells / con->columns);
	con->cells = cells;
	con->shown = shown;
	for (int i = 0; i < FBCON_COLOURS; i++)
		con->palette[i] = pixel_value(screen, cga_rgb[i]);
	for (uint32_t i = 0; i < con->columns * con->rows; i++) {
		cells[i] = CELL_BLANK;
		shown[i] = LOOK_UNKNOWN;
	}
	con->row = con->column = con->cursor = 0;
	con->dirty = true;
	con->drawing = false;
	return true;
}

bool
fbcon_claim(struct fbcon *con)
{
	if (con->drawing || !con->screen.pixels)
		return false;
	con->drawing = true;
	return true;
}

bool
fbcon_write(struct fbcon *con, const char *s, size_t n, uint8_t attr)
{
	for (size_t i = 0; i < n; i++)
		fbcon_putc(con, s[i], attr);
	/* After a character in the last column, the cursor shows there. */
	con->cursor =
		con->row * con->columns + MIN(con->column, con->columns - 1);
	con->dirty = true;
	return fbcon_claim(con);
}

bool
fbcon_set_pixels(struct fbcon *con, uint8_t *pixels)
{
	con->screen.pixels = pixels;
	if (!pixels)
		return false;
	fbcon_clear_pixels(con);
	/* A blank cell is black: the space is blank in every font. */
	for (uint32_t i = 0; i < con->columns * con->rows; i++)
		con->shown[i] = CELL_BLANK;
	con->dirty = true;
	return fbcon_claim(con);
}

void
fbcon_draw(struct fbcon *con)
{
	uint32_t n = con->columns * con->rows;

	/* Clear the flag before looking at anything: a write that comes in
	 * from here on, even in the middle of this loop, sets it again and
	 * is drawn next time round. The fence keeps the compiler from
	 * moving the store after the loads below. */
	con->dirty = false;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	/* Each cell and the cursor are read once, with one load, which an
	 * interrupt cannot split. */
	uint32_t cursor = __atomic_load_n(&con->cursor, __ATOMIC_RELAXED);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t look =
			__atomic_load_n(&con->cells[i], __ATOMIC_RELAXED);
		if (i == cursor)
			look |= LOOK_CURSOR;
		if (look == con->shown[i])
			continue;
		con->shown[i] = look;
		fbcon_draw_cell(con, i, look);
	}
}

bool
fbcon_draw_done(struct fbcon *con)
{
	if (con->dirty)
		return false;
	con->drawing = false;
	return true;
}

void
fbcon_take_over(struct fbcon *con, uint8_t *pixels)
{
	if (!con->screen.pixels)
		con->screen.pixels = pixels;
	con->drawing = false;
	for (uint32_t i = 0; i < con->columns * con->rows; i++)
		con->shown[i] = LOOK_UNKNOWN;
	con->dirty = true;
}
