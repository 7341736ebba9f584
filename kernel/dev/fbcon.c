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
 * The screen is only ever written. What it shows is kept in con->cells,
 * which every change goes through: a cell is redrawn only when its
 * contents change, so scrolling (copying every row up by one) redraws
 * just the characters that differ from the ones above them.
 *
 * The cursor is the cell at (row, column) drawn with foreground and
 * background swapped. Each write first redraws that cell plainly, then
 * draws the cursor where the write left off.
 *
 * A character in the last column leaves the column one past the grid:
 * the wrap to the next line waits for the next character, as on a
 * VT100, so a line exactly as wide as the screen followed by "\n" does
 * not leave an empty line behind. The cursor then shows on the last
 * column.
 */
#include "kernel/dev/fbcon.h"

#define TAB_WIDTH     8
#define ATTR_NORMAL   0x07 /* light grey on black, as VGA's default */
#define CELL_BLANK    (' ' | ATTR_NORMAL << 8)
#define BIG_SCREEN_W  2560 /* from here on, glyphs are drawn twice as big */
#define BIG_SCREEN_H  1440
#define BITS_PER_BYTE 8

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

/* A pixel, least significant byte first. Byte stores need no alignment
 * (a 3-byte pixel never has any), and write-combining memory merges
 * them into bursts anyway. */
static inline void
put_pixel(uint8_t *p, uint32_t value, uint8_t bytes)
{
	p[0] = (uint8_t)value;
	p[1] = (uint8_t)(value >> 8);
	if (bytes > 2)
		p[2] = (uint8_t)(value >> 16);
	if (bytes > 3)
		p[3] = (uint8_t)(value >> 24);
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

/* Paint the whole surface, margins included, in palette colour 0. */
static void
fbcon_clear_pixels(struct fbcon *con)
{
	const struct fb_surface *s = &con->screen;
	uint8_t *line = s->pixels;

	for (uint32_t y = 0; y < s->height; y++, line += s->pitch)
		for (uint32_t x = 0; x < s->width; x++)
			put_pixel(line + x * s->bytes_per_pixel,
				  con->palette[0], s->bytes_per_pixel);
}

/* Paint cell (@row, @column) from con->cells; @inverse for the cursor. */
static void
fbcon_draw_cell(struct fbcon *con, uint32_t row, uint32_t column, bool inverse)
{
	const struct fb_surface *s = &con->screen;
	uint16_t cell = con->cells[row * con->columns + column];
	const uint8_t *glyph = font_glyph(con->font, (uint8_t)cell);
	uint8_t attr = (uint8_t)(cell >> 8);
	uint32_t fg = con->palette[attr & 0x0f], bg = con->palette[attr >> 4];
	uint8_t bpp = s->bytes_per_pixel;

	if (!s->pixels)
		return;
	if (inverse) {
		uint32_t t = fg;
		fg = bg;
		bg = t;
	}
	uint8_t *line = s->pixels + (size_t)row * con->cell_height * s->pitch +
			(size_t)column * con->cell_width * bpp;
	for (uint32_t y = 0; y < con->cell_height; y++, line += s->pitch) {
		const uint8_t *bits =
			glyph + (y / con->scale) * con->font->row_bytes;
		for (uint32_t x = 0; x < con->cell_width; x++) {
			uint32_t gx = x / con->scale;
			bool on = bits[gx / BITS_PER_BYTE] & (0x80 >> gx % 8);
			put_pixel(line + x * bpp, on ? fg : bg, bpp);
		}
	}
}

/* Change one cell, and the screen only if the cell really changes. */
static void
fbcon_set_cell(struct fbcon *con, uint32_t row, uint32_t column, uint16_t cell)
{
	uint16_t *c = &con->cells[row * con->columns + column];

	if (*c == cell)
		return;
	*c = cell;
	fbcon_draw_cell(con, row, column, false);
}

/* Move every row up by one and blank the last: by cells, drawing only
 * those that change, never by reading pixels back. */
static void
fbcon_scroll(struct fbcon *con)
{
	for (uint32_t r = 0; r + 1 < con->rows; r++)
		for (uint32_t c = 0; c < con->columns; c++)
			fbcon_set_cell(con, r, c,
				       con->cells[(r + 1) * con->columns + c]);
	for (uint32_t c = 0; c < con->columns; c++)
		fbcon_set_cell(con, con->rows - 1, c, CELL_BLANK);
}

/* The cursor's cell; @inverse: show it, else hide it. */
static void
fbcon_draw_cursor(struct fbcon *con, bool inverse)
{
	fbcon_draw_cell(con, con->row, MIN(con->column, con->columns - 1),
			inverse);
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
	fbcon_set_cell(con, con->row, con->column++,
		       (uint16_t)((uint8_t)c | attr << 8));
}

bool
fbcon_init(struct fbcon *con, const struct fb_surface *screen,
	   const struct font *font, uint16_t *cells, size_t max_cells)
{
	if (!surface_usable(screen, font) || max_cells == 0)
		return false;
	con->screen = *screen;
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
	for (int i = 0; i < FBCON_COLOURS; i++)
		con->palette[i] = pixel_value(screen, cga_rgb[i]);
	for (uint32_t i = 0; i < con->columns * con->rows; i++)
		cells[i] = CELL_BLANK;
	con->row = con->column = 0;
	fbcon_set_pixels(con, screen->pixels);
	return true;
}

void
fbcon_set_pixels(struct fbcon *con, uint8_t *pixels)
{
	con->screen.pixels = pixels;
	if (!pixels)
		return;
	fbcon_clear_pixels(con);
	for (uint32_t r = 0; r < con->rows; r++)
		for (uint32_t c = 0; c < con->columns; c++)
			if (con->cells[r * con->columns + c] != CELL_BLANK)
				fbcon_draw_cell(con, r, c, false);
	fbcon_draw_cursor(con, true);
}

void
fbcon_write(struct fbcon *con, const char *s, size_t n, uint8_t attr)
{
	fbcon_draw_cursor(con, false);
	for (size_t i = 0; i < n; i++)
		fbcon_putc(con, s[i], attr);
	fbcon_draw_cursor(con, true);
}
