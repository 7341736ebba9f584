/*
 * The framebuffer console drawing into RAM: every case builds the screen
 * it expects, pixel by pixel, from the text that should be on it (a
 * reference renderer written separately from fbcon.c, straight from the
 * pixel format), and compares every byte, row padding included.
 */
#include "kernel/dev/fbcon.h"
#include "tests/unit/unit.h"

#include <stdint.h>
#include <stdlib.h>

#define GUARD 0xab /* row padding: fbcon must never write it */

/* A made-up font: each glyph a pattern that differs from every other,
 * except the space, which is blank as in every real font. */
static uint8_t glyph_bits[256 * 2 * 20];
static struct font font8 = { .width = 8, .height = 16, .row_bytes = 1 };
static struct font font12 = { .width = 12, .height = 20, .row_bytes = 2 };

static void
make_font(struct font *f)
{
	size_t glyph_bytes = f->row_bytes * f->height;

	for (int c = 0; c < 256; c++)
		for (size_t i = 0; i < glyph_bytes; i++)
			glyph_bits[c * glyph_bytes + i] =
				c == ' ' ? 0
					 : (uint8_t)(c * 37 + i * 11) ^ 0x5a;
	f->glyphs = glyph_bits;
}

/* A framebuffer in RAM and its format. */
struct fake_fb {
	struct fb_surface s;
	uint8_t *mem;
	size_t size;
};

enum layout { XRGB32, BGR24, RGB24, RGB565 };

static struct fake_fb
fake_fb(uint32_t width, uint32_t height, enum layout layout,
	uint32_t pitch_slack)
{
	struct fake_fb fb = { .s = { .width = width, .height = height } };
	struct fb_surface *s = &fb.s;

	switch (layout) {
	case XRGB32:
		s->bytes_per_pixel = 4;
		s->red_pos = 16, s->green_pos = 8, s->blue_pos = 0;
		s->red_size = s->green_size = s->blue_size = 8;
		break;
	case BGR24: /* red in the first byte */
		s->bytes_per_pixel = 3;
		s->red_pos = 0, s->green_pos = 8, s->blue_pos = 16;
		s->red_size = s->green_size = s->blue_size = 8;
		break;
	case RGB24:
		s->bytes_per_pixel = 3;
		s->red_pos = 16, s->green_pos = 8, s->blue_pos = 0;
		s->red_size = s->green_size = s->blue_size = 8;
		break;
	case RGB565:
		s->bytes_per_pixel = 2;
		s->red_pos = 11, s->green_pos = 5, s->blue_pos = 0;
		s->red_size = 5, s->green_size = 6, s->blue_size = 5;
		break;
	}
	s->pitch = width * s->bytes_per_pixel + pitch_slack;
	fb.size = (size_t)s->pitch * height;
	fb.mem = malloc(fb.size);
	memset(fb.mem, GUARD, fb.size);
	s->pixels = fb.mem;
	return fb;
}

/* --- The reference: what the screen must look like ------------------ */

static const uint32_t rgb_of[16] = {
	0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa,
	0xaa5500, 0xaaaaaa, 0x555555, 0x5555ff, 0x55ff55, 0x55ffff,
	0xff5555, 0xff55ff, 0xffff55, 0xffffff,
};

static void
ref_pixel(const struct fb_surface *s, uint8_t *p, uint32_t rgb)
{
	uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
	uint32_t v = (r >> (8 - s->red_size)) << s->red_pos |
		     (g >> (8 - s->green_size)) << s->green_pos |
		     (b >> (8 - s->blue_size)) << s->blue_pos;

	for (int i = 0; i < s->bytes_per_pixel; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The screen with @lines of text (a line may be shorter than the row),
 * all in colour @attr, the cursor at (@crow, @ccol), each font pixel
 * drawn @scale x @scale. */
static uint8_t *
ref_screen(const struct fake_fb *fb, const struct font *f, int scale,
	   const char *const *lines, int nlines, uint8_t attr, int crow,
	   int ccol)
{
	const struct fb_surface *s = &fb->s;
	uint32_t cw = f->width * scale, ch = f->height * scale;
	uint32_t columns = s->width / cw, rows = s->height / ch;
	uint8_t *out = malloc(fb->size);

	memset(out, GUARD, fb->size);
	for (uint32_t y = 0; y < s->height; y++)
		for (uint32_t x = 0; x < s->width; x++) {
			uint32_t col = x / cw, row = y / ch, rgb = 0;
			if (col < columns && row < rows) {
				/* Written cells have @attr; the rest are
				 * blank, light grey on black. */
				char c = ' ';
				uint8_t a = 0x07;
				if ((int)row < nlines &&
				    col < strlen(lines[row]))
					c = lines[row][col], a = attr;
				uint32_t gx = x % cw / scale,
					 gy = y % ch / scale;
				const uint8_t *g =
					f->glyphs +
					(uint8_t)c * f->row_bytes * f->height +
					gy * f->row_bytes;
				bool on = g[gx / 8] >> (7 - gx % 8) & 1;
				if ((int)row == crow && (int)col == ccol)
					on = !on;
				rgb = on ? rgb_of[a & 15] : rgb_of[a >> 4];
			}
			ref_pixel(s,
				  out + y * s->pitch + x * s->bytes_per_pixel,
				  rgb);
		}
	return out;
}

/* Compare every byte; on a difference, say which pixel. */
static void
check_screen(const struct fake_fb *fb, const uint8_t *want, int line)
{
	for (size_t i = 0; i < fb->size; i++)
		if (fb->mem[i] != want[i]) {
			size_t y = i / fb->s.pitch, x = i % fb->s.pitch;
			printf("  %s:%d: byte %zu (row %zu, byte %zu of it) is "
			       "0x%02x, want 0x%02x\n",
			       __FILE__, line, i, y, x, fb->mem[i], want[i]);
			unit_case_failed = 1;
			return;
		}
}

#define CHECK_SCREEN(fb, f, scale, lines, attr, crow, ccol)                 \
	do {                                                                \
		uint8_t *want_ = ref_screen(&(fb), (f), (scale), (lines),   \
					    (int)ARRAY_SIZE(lines), (attr), \
					    (crow), (ccol));                \
		check_screen(&(fb), want_, __LINE__);                       \
		free(want_);                                                \
	} while (0)

static uint16_t cells[64 * 1024];
static uint32_t shown[64 * 1024];

/* What fb.c does: whoever is told to draw draws until nothing is left. */
static void
draw_if_drawer(struct fbcon *con, bool drawer)
{
	if (!drawer)
		return;
	do
		fbcon_draw(con);
	while (!fbcon_draw_done(con));
}

static void
write_str(struct fbcon *con, const char *s, uint8_t attr)
{
	draw_if_drawer(con, fbcon_write(con, s, strlen(s), attr));
}

/* A console on @fb, its screen cleared, as after fb_map(). */
static bool
start(struct fbcon *con, struct fake_fb *fb, const struct font *f)
{
	if (!fbcon_init(con, &fb->s, f, cells, shown, ARRAY_SIZE(cells)))
		return false;
	draw_if_drawer(con, fbcon_set_pixels(con, fb->mem));
	return true;
}

/* Nothing was drawn at all: every byte is still the guard. */
static bool
untouched(const struct fake_fb *fb)
{
	for (size_t i = 0; i < fb->size; i++)
		if (fb->mem[i] != GUARD)
			return false;
	return true;
}

/* --- The cases ------------------------------------------------------ */

/* fbcon_init() draws nothing. Once it has pixels, a fresh console is
 * blank, with the cursor at the top left; the margins (here 3 pixels
 * right, 5 below) are cleared too. */
static void
blank_screen(void)
{
	struct fake_fb fb = fake_fb(43, 37, XRGB32, 0);
	struct fbcon con;
	static const char *const none[] = { "" };

	CHECK(fbcon_init(&con, &fb.s, &font8, cells, shown, ARRAY_SIZE(cells)));
	CHECK(untouched(&fb));
	CHECK_INT(con.columns, 5);
	CHECK_INT(con.rows, 2);
	draw_if_drawer(&con, fbcon_set_pixels(&con, fb.mem));
	CHECK_SCREEN(fb, &font8, 1, none, 0x07, 0, 0);
	free(fb.mem);
}

static void
text_at_32bpp(void)
{
	struct fake_fb fb = fake_fb(80, 48, XRGB32, 12);
	struct fbcon con;
	static const char *const lines[] = { "Hello", "world!" };

	CHECK(start(&con, &fb, &font8));
	write_str(&con, "Hello\nworld!", 0x07);
	CHECK_SCREEN(fb, &font8, 1, lines, 0x07, 1, 6);
	free(fb.mem);
}

/* 24 bits a pixel, an odd pitch (a row is 7 bytes longer than its
 * pixels), both channel orders. */
static void
text_at_24bpp_odd_pitch(void)
{
	static const char *const lines[] = { "Sprout $", "~{|}" };

	for (enum layout l = BGR24; l <= RGB24; l++) {
		struct fake_fb fb = fake_fb(74, 50, l, 7);
		struct fbcon con;
		CHECK_INT(fb.s.pitch % 2, 1);
		CHECK(start(&con, &fb, &font8));
		write_str(&con, "Sprout $\n~{|}", 0x0e);
		CHECK_SCREEN(fb, &font8, 1, lines, 0x0e, 1, 4);
		free(fb.mem);
	}
}

static void
text_at_16bpp(void)
{
	struct fake_fb fb = fake_fb(64, 32, RGB565, 2);
	struct fbcon con;
	static const char *const lines[] = { "5:6:5" };

	CHECK(start(&con, &fb, &font8));
	write_str(&con, "5:6:5", 0x0c);
	CHECK_SCREEN(fb, &font8, 1, lines, 0x0c, 0, 5);
	free(fb.mem);
}

/* The palette's exact bytes, written out by hand: light red 0xff5555
 * and yellow 0xffff55 on black, in two pixel formats. */
static void
colours(void)
{
	struct fake_fb fb = fake_fb(24, 16, XRGB32, 0);
	struct fake_fb fb24 = fake_fb(16, 16, BGR24, 1);
	struct fbcon con, con24;
	uint8_t *glyph = glyph_bits + 'E' * 16;
	int x = 0, y = 0;

	/* A pixel that is on in 'E' and off in 'Y'. */
	while (y < 15 && !((glyph[y] >> (7 - x) & 1) &&
			   !(glyph_bits['Y' * 16 + y] >> (7 - x) & 1)))
		if (++x == 8)
			x = 0, y++;
	CHECK(fbcon_init(&con, &fb.s, &font8, cells, shown, 1024));
	CHECK(fbcon_init(&con24, &fb24.s, &font8, cells + 1024, shown + 1024,
			 1024));
	draw_if_drawer(&con, fbcon_set_pixels(&con, fb.mem));
	draw_if_drawer(&con24, fbcon_set_pixels(&con24, fb24.mem));
	write_str(&con, "EY", 0x0c);
	write_str(&con24, "E", 0x0e);
	uint8_t *p = fb.mem + y * fb.s.pitch + x * 4;
	CHECK(p[0] == 0x55 && p[1] == 0x55 && p[2] == 0xff && p[3] == 0);
	p += 8 * 4; /* the same pixel of 'Y': background, black */
	CHECK(p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0);
	p = fb24.mem + y * fb24.s.pitch + x * 3;
	CHECK(p[0] == 0xff && p[1] == 0xff && p[2] == 0x55);
	free(fb.mem);
	free(fb24.mem);
}

/* \r, \b and \t move the cursor and erase nothing; a full row wraps. */
static void
control_characters(void)
{
	struct fake_fb fb = fake_fb(96, 80, XRGB32, 4); /* 12 x 5 cells */
	struct fbcon con;
	static const char *const lines[] = { "cb", "aXc", "        x",
					     "123456789012" };

	CHECK(start(&con, &fb, &font8));
	write_str(&con, "ab\rc\nabc\b\bX\n\tx\n123456789012", 0x07);
	/* 12 characters filled row 3; the wrap waits for the next one,
	 * and the cursor shows on the last column meanwhile. */
	CHECK_INT(con.row, 3);
	CHECK_INT(con.column, 12);
	CHECK_SCREEN(fb, &font8, 1, lines, 0x07, 3, 11);
	write_str(&con, "\n", 0x07); /* no empty line */
	CHECK_INT(con.row, 4);
	CHECK_INT(con.column, 0);
	write_str(&con, "123456789012z", 0x07);
	CHECK_INT(con.row, 4); /* wrapped, then scrolled */
	CHECK_INT(con.column, 1);
	free(fb.mem);
}

/* Writing past the last row scrolls: the top line goes, the others move
 * up, and the screen matches, pixel for pixel, a fresh drawing of the
 * new text. */
static void
scrolling(void)
{
	struct fake_fb fb = fake_fb(40, 52, BGR24, 5); /* 5 x 3 cells */
	struct fbcon con;
	static const char *const lines[] = { "two", "three", "four" };

	CHECK(start(&con, &fb, &font8));
	write_str(&con, "one\ntwo\nthree\nfour", 0x07);
	CHECK_INT(con.row, 2);
	CHECK_SCREEN(fb, &font8, 1, lines, 0x07, 2, 4);
	/* Three more rows, two of them one line wrapped. */
	write_str(&con, "\nabcdefghij\nklmno", 0x07);
	static const char *const wrapped[] = { "abcde", "fghij", "klmno" };
	CHECK_SCREEN(fb, &font8, 1, wrapped, 0x07, 2, 4);
	free(fb.mem);
}

/* Scrolling redraws only the cells that change: a cell whose character
 * stays the same is not touched (here its pixels were scribbled on, and
 * stay scribbled), which is what keeps scrolling cheap. */
static void
scrolling_draws_only_changes(void)
{
	struct fake_fb fb = fake_fb(16, 32, XRGB32, 0); /* 2 x 2 cells */
	struct fbcon con;

	CHECK(start(&con, &fb, &font8));
	write_str(&con, "ab\n", 0x07);
	write_str(&con, "a", 0x07);
	fb.mem[0] = 0x42;     /* cell (0, 0): "a" before and after the scroll */
	fb.mem[8 * 4] = 0x42; /* cell (0, 1): "b" becomes " " */
	write_str(&con, "\n", 0x07);
	CHECK_INT(fb.mem[0], 0x42);
	CHECK_INT(fb.mem[8 * 4], 0x00);
	free(fb.mem);
}

/* Before the framebuffer is mapped there are only cells; mapping it
 * draws them all. */
static void
text_before_pixels(void)
{
	struct fake_fb fb = fake_fb(64, 48, RGB24, 3);
	struct fbcon con;
	static const char *const lines[] = { "early", "text" };

	CHECK(fbcon_init(&con, &fb.s, &font8, cells, shown, ARRAY_SIZE(cells)));
	CHECK(!fbcon_write(&con, "early\ntext", 10, 0x07));
	CHECK(untouched(&fb));
	draw_if_drawer(&con, fbcon_set_pixels(&con, fb.mem));
	CHECK_SCREEN(fb, &font8, 1, lines, 0x07, 1, 4);
	free(fb.mem);
}

/* A write that scrolls many times is drawn once, from the cells as they
 * end up: here eight lines through a 3-row screen end with the same
 * three lines showing, the cursor where it was, so nothing at all is
 * drawn (the scribbles on the screen stay). Before, each scroll redrew
 * the screen. */
static void
many_scrolls_drawn_once(void)
{
	struct fake_fb fb = fake_fb(40, 48, XRGB32, 0); /* 5 x 3 cells */
	struct fbcon con;
	static const char *const lines[] = { "xx", "yy", "zz" };

	CHECK(start(&con, &fb, &font8));
	write_str(&con, "xx\nyy\nzz", 0x07);
	CHECK_SCREEN(fb, &font8, 1, lines, 0x07, 2, 2);
	memset(fb.mem, 0x42, fb.size);
	write_str(&con, "\naa\nbb\ncc\nxx\nyy\nzz", 0x07);
	CHECK_INT(con.row, 2);
	CHECK_INT(con.column, 2);
	for (size_t i = 0; i < fb.size; i++)
		if (fb.mem[i] != 0x42) {
			CHECK(!"a cell was drawn that had not changed");
			break;
		}
	free(fb.mem);
}

/* An interrupt handler that writes while the drawer is drawing changes
 * only the cells, and the drawer goes round again before it stops: the
 * loop fb.c runs, taken apart step by step. */
static void
writer_interrupting_the_drawer(void)
{
	struct fake_fb fb = fake_fb(64, 32, BGR24, 1); /* 8 x 2 cells */
	struct fbcon con;
	static const char *const lines[] = { "task", "irq" };

	CHECK(start(&con, &fb, &font8));
	CHECK(fbcon_write(&con, "task\n", 5, 0x07)); /* the drawer */
	fbcon_draw(&con);
	/* The interrupt: a drawer is at work, so the cells only. */
	CHECK(!fbcon_write(&con, "irq", 3, 0x07));
	CHECK(!fbcon_draw_done(&con)); /* the drawer sees it */
	fbcon_draw(&con);
	CHECK(fbcon_draw_done(&con));
	CHECK_SCREEN(fb, &font8, 1, lines, 0x07, 1, 3);
	/* Nobody is drawing any more: the next writer draws. */
	CHECK(fbcon_write(&con, "", 0, 0x07));
	fbcon_draw(&con);
	CHECK(fbcon_draw_done(&con));
	free(fb.mem);
}

/* printk's way: claim the drawer's part first, write with interrupts
 * off (cells only, nothing drawn yet), then draw it all at once. A
 * second claim while the first is held fails, as a nested printk's does. */
static void
claim_then_write(void)
{
	struct fake_fb fb = fake_fb(64, 32, XRGB32, 4); /* 8 x 2 cells */
	struct fbcon con;
	static const char *const lines[] = { "held", "line" };

	CHECK(start(&con, &fb, &font8));
	uint8_t *before = malloc(fb.size);
	memcpy(before, fb.mem, fb.size);
	CHECK(fbcon_claim(&con));
	CHECK(!fbcon_claim(&con));
	CHECK(!fbcon_write(&con, "held\n", 5, 0x07));
	CHECK(!fbcon_write(&con, "line", 4, 0x07));
	CHECK(memcmp(before, fb.mem, fb.size) == 0); /* nothing drawn yet */
	free(before);
	fbcon_draw(&con);
	CHECK(fbcon_draw_done(&con));
	CHECK_SCREEN(fb, &font8, 1, lines, 0x07, 1, 4);
	/* Released: the next claim succeeds. */
	CHECK(fbcon_claim(&con));
	CHECK(fbcon_draw_done(&con));
	free(fb.mem);
}

/* A panic that interrupted the drawer (which will never finish, and
 * may have left a cell half drawn) still gets its report on screen, and
 * the whole grid is redrawn. Before any pixels, fbcon_take_over() gives
 * it somewhere to draw (this screen has no margins: nothing clears
 * them, as fbcon_set_pixels() would). */
static void
panic_takes_over(void)
{
	struct fake_fb fb = fake_fb(40, 32, RGB565, 2); /* 5 x 2 cells */
	struct fbcon con;
	static const char *const lines[] = { "boot", "PANIC" };

	CHECK(start(&con, &fb, &font8));
	write_str(&con, "boot\n", 0x0c);
	CHECK(fbcon_write(&con, "", 0, 0x0c)); /* a drawer, never done */
	for (uint32_t y = 0; y < 16; y++)      /* its cells half drawn */
		memset(fb.mem + y * fb.s.pitch, 0x42, 40 * 2);
	CHECK(!fbcon_write(&con, "lost?", 5, 0x0c));
	fbcon_take_over(&con, NULL);
	write_str(&con, "\rPANIC", 0x0c);
	CHECK_SCREEN(fb, &font8, 1, lines, 0x0c, 1, 4);
	free(fb.mem);

	/* Before fbcon_set_pixels(): the early pixels, the cells so far. */
	fb = fake_fb(40, 32, RGB565, 2);
	CHECK(fbcon_init(&con, &fb.s, &font8, cells, shown, ARRAY_SIZE(cells)));
	CHECK(!fbcon_write(&con, "boot\n", 5, 0x0c));
	CHECK(untouched(&fb));
	fbcon_take_over(&con, fb.mem);
	write_str(&con, "PANIC", 0x0c);
	CHECK_SCREEN(fb, &font8, 1, lines, 0x0c, 1, 4);
	free(fb.mem);
}

/* Glyphs wider than a byte a row. */
static void
wide_font(void)
{
	struct fake_fb fb = fake_fb(50, 45, XRGB32, 8); /* 4 x 2 cells */
	struct fbcon con;
	static const char *const lines[] = { "wide", "ok" };

	make_font(&font12);
	CHECK(start(&con, &fb, &font12));
	write_str(&con, "wideok", 0x07);
	CHECK_SCREEN(fb, &font12, 1, lines, 0x07, 1, 2);
	free(fb.mem);
	make_font(&font8);
}

/* A big screen gets glyphs twice the size. */
static void
big_screen_scale(void)
{
	struct fake_fb fb = fake_fb(2560, 1440, XRGB32, 0);
	struct fbcon con;
	static const char *const lines[] = { "big" };

	CHECK(start(&con, &fb, &font8));
	CHECK_INT(con.cell_width, 16);
	CHECK_INT(con.columns, 160);
	CHECK_INT(con.rows, 45);
	write_str(&con, "big", 0x07);
	CHECK_SCREEN(fb, &font8, 2, lines, 0x07, 0, 3);
	free(fb.mem);
}

/* The grid never outgrows the cells it is given. */
static void
grid_fits_the_cells(void)
{
	struct fake_fb fb = fake_fb(800, 600, XRGB32, 0); /* 100 x 37 */
	struct fbcon con;

	CHECK(fbcon_init(&con, &fb.s, &font8, cells, shown, 1000));
	CHECK_INT(con.columns, 100);
	CHECK_INT(con.rows, 10);
	free(fb.mem);
}

/* Formats fbcon cannot draw are refused, not drawn wrongly. */
static void
refuses_bad_formats(void)
{
	struct fake_fb fb = fake_fb(64, 64, XRGB32, 0);
	struct fb_surface s;
	struct fbcon con;

	s = fb.s, s.bytes_per_pixel = 1;
	CHECK(!fbcon_init(&con, &s, &font8, cells, shown, ARRAY_SIZE(cells)));
	s = fb.s, s.pitch = 64 * 4 - 1;
	CHECK(!fbcon_init(&con, &s, &font8, cells, shown, ARRAY_SIZE(cells)));
	s = fb.s, s.red_pos = 30; /* past the 32 bits of a pixel */
	CHECK(!fbcon_init(&con, &s, &font8, cells, shown, ARRAY_SIZE(cells)));
	s = fb.s, s.width = 4; /* narrower than one glyph */
	CHECK(!fbcon_init(&con, &s, &font8, cells, shown, ARRAY_SIZE(cells)));
	CHECK(!fbcon_init(&con, &fb.s, &font8, cells, shown, 0));
	free(fb.mem);
}

int
main(void)
{
	unit_suite = "fbcon";
	make_font(&font8);
	UNIT_RUN(blank_screen);
	UNIT_RUN(text_at_32bpp);
	UNIT_RUN(text_at_24bpp_odd_pitch);
	UNIT_RUN(text_at_16bpp);
	UNIT_RUN(colours);
	UNIT_RUN(control_characters);
	UNIT_RUN(scrolling);
	UNIT_RUN(scrolling_draws_only_changes);
	UNIT_RUN(text_before_pixels);
	UNIT_RUN(many_scrolls_drawn_once);
	UNIT_RUN(writer_interrupting_the_drawer);
	UNIT_RUN(claim_then_write);
	UNIT_RUN(panic_takes_over);
	UNIT_RUN(wide_font);
	UNIT_RUN(big_screen_scale);
	UNIT_RUN(grid_fits_the_cells);
	UNIT_RUN(refuses_bad_formats);
	return unit_failures;
}
