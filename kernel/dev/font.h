/*
 * A bitmap font: one small picture per character. The build makes
 * font_console (build/font.c) from a PSF console font with
 * tools/psf2c.py; nobody types glyphs in by hand.
 *
 * A glyph is @height rows, top to bottom; each row is @row_bytes bytes,
 * and the most significant bit of its first byte is the leftmost pixel.
 * The 'A' of an 8x16 font, one byte a row:
 *
 *   row  byte   pixels
 *    4   0x18   ...##...
 *    5   0x24   ..#..#..
 *    7   0x42   .#....#.
 *    9   0x7e   .######.
 *   12   0x42   .#....#.
 */
#ifndef KERNEL_DEV_FONT_H
#define KERNEL_DEV_FONT_H

#include "kernel/lib/types.h"

struct font {
	uint32_t width, height; /* of every glyph, in pixels */
	uint32_t row_bytes;	/* bytes per glyph row: (width + 7) / 8 */
	const uint8_t *glyphs;	/* 256 glyphs, by Latin-1 code point */
};

/* The console font, generated at build time. */
extern const struct font font_console;

/* The glyph that shows byte @c, read as a Latin-1 character. */
static inline const uint8_t *
font_glyph(const struct font *f, uint8_t c)
{
	return f->glyphs + (size_t)c * f->row_bytes * f->height;
}

#endif /* KERNEL_DEV_FONT_H */
