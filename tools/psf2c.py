#!/usr/bin/env python3
"""Turn a PC Screen Font (PSF) into C source for the framebuffer console.

    tools/psf2c.py FONT.psf[.gz] OUT.c

The console draws bytes, one glyph per byte, and reads a byte as a
Latin-1 character (code points 0..255). So the C file holds exactly 256
glyphs, in code-point order: the font's own order is its business, and
its Unicode table says which glyph shows which code point. A code point
the font lacks gets the font's replacement glyph (U+FFFD), or '?'.

The two PSF versions (both may be gzipped, as Debian ships them):

  PSF1 (Linux 1.x, 8 pixels wide):
    offset 0  2 bytes  magic 0x36 0x04
           2  1 byte   mode: bit 0 = 512 glyphs (else 256),
                             bit 1 or 2 = a Unicode table follows
           3  1 byte   charsize: bytes per glyph = its height
    then the glyphs, then the table: per glyph, 16-bit little-endian
    code points, 0xfffe before multi-code-point sequences (skipped
    here), 0xffff ending that glyph's entry.

  PSF2:
    offset 0  4 bytes  magic 0x72 0xb5 0x4a 0x86
           4  u32      version (0)
           8  u32      headersize: where the glyphs start
          12  u32      flags: bit 0 = a Unicode table follows
          16  u32      length: number of glyphs
          20  u32      charsize: bytes per glyph
          24  u32      height, in pixel rows
          28  u32      width, in pixels
    each row takes (width + 7) / 8 bytes; the table is as PSF1's but
    in UTF-8, 0xfe before sequences and 0xff ending an entry.

In both, a glyph is its rows top to bottom, and in each row the most
significant bit of the first byte is the leftmost pixel.

tests/run.py imports this file to draw the text it looks for on the
screen with the very same glyphs.

Plain Python 3 standard library only.
"""
import gzip
import os
import struct
import sys

PSF1_MAGIC = b"\x36\x04"
PSF2_MAGIC = b"\x72\xb5\x4a\x86"
PSF1_MODE_512 = 0x01
PSF1_MODE_HAS_TABLE = 0x06
PSF2_HAS_TABLE = 0x01
REPLACEMENT = 0xFFFD


class FontError(Exception):
    pass


class Font:
    """width, height, row_bytes, glyphs (a list of bytes objects), and
    unicode: code point -> glyph index (empty if the font has no table)."""

    def __init__(self, width, height, glyphs, unicode):
        self.width, self.height = width, height
        self.row_bytes = (width + 7) // 8
        self.glyphs, self.unicode = glyphs, unicode

    def glyph_index(self, code_point):
        """The glyph that shows @code_point: by the Unicode table, or (a
        font without one) the glyph at that position."""
        if not self.unicode:
            return code_point if code_point < len(self.glyphs) else None
        return self.unicode.get(code_point)

    def latin1_glyphs(self):
        """256 glyphs, one per Latin-1 code point."""
        fallback = self.glyph_index(REPLACEMENT)
        if fallback is None:
            fallback = self.glyph_index(ord("?"))
        if fallback is None:
            raise FontError("the font has neither U+FFFD nor '?'")
        out = []
        for cp in range(256):
            index = self.glyph_index(cp)
            out.append(self.glyphs[fallback if index is None else index])
        return out


def read_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def parse_psf1(data):
    if len(data) < 4:
        raise FontError("truncated PSF1 header")
    mode, charsize = data[2], data[3]
    count = 512 if mode & PSF1_MODE_512 else 256
    end = 4 + count * charsize
    if charsize == 0 or len(data) < end:
        raise FontError("truncated PSF1 glyphs")
    glyphs = [data[4 + i * charsize:4 + (i + 1) * charsize] for i in range(count)]
    unicode = {}
    if mode & PSF1_MODE_HAS_TABLE:
        pos = end
        for index in range(count):
            in_sequence = False
            while True:
                if pos + 2 > len(data):
                    raise FontError("truncated PSF1 Unicode table")
                (cp,) = struct.unpack_from("<H", data, pos)
                pos += 2
                if cp == 0xFFFF:
                    break
                if cp == 0xFFFE:
                    in_sequence = True  # combining sequences: not used
                elif not in_sequence:
                    unicode.setdefault(cp, index)
    return Font(8, charsize, glyphs, unicode)


def parse_psf2(data):
    if len(data) < 32:
        raise FontError("truncated PSF2 header")
    (_version, headersize, flags, count, charsize, height,
     width) = struct.unpack_from("<7I", data, 4)
    row_bytes = (width + 7) // 8
    if width == 0 or height == 0 or charsize != row_bytes * height:
        raise FontError("PSF2 glyph size %d does not match %dx%d"
                        % (charsize, width, height))
    end = headersize + count * charsize
    if len(data) < end:
        raise FontError("truncated PSF2 glyphs")
    glyphs = [data[headersize + i * charsize:headersize + (i + 1) * charsize]
              for i in range(count)]
    unicode = {}
    if flags & PSF2_HAS_TABLE:
        pos = end
        for index in range(count):
            stop = data.find(b"\xff", pos)
            if stop < 0:
                raise FontError("truncated PSF2 Unicode table")
            singles = data[pos:stop].split(b"\xfe")[0]  # before sequences
            for ch in singles.decode("utf-8", errors="replace"):
                unicode.setdefault(ord(ch), index)
            pos = stop + 1
    return Font(width, height, glyphs, unicode)


def load(path):
    """Read a PSF1 or PSF2 file, gzipped or not."""
    data = read_bytes(path)
    if data[:2] == PSF1_MAGIC:
        return parse_psf1(data)
    if data[:4] == PSF2_MAGIC:
        return parse_psf2(data)
    raise FontError("%s is not a PSF font (no PSF1 or PSF2 magic)" % path)


def source_path(c_file):
    """The font a generated C file was made from (its second line)."""
    with open(c_file) as f:
        f.readline()
        line = f.readline()
    prefix = " * from "
    if not line.startswith(prefix):
        raise FontError("%s was not made by tools/psf2c.py" % c_file)
    return line[len(prefix):].strip()


def glyph_comment(cp):
    if 0x20 < cp < 0x7F and chr(cp) not in "\\*/":
        return "0x%02x '%s'" % (cp, chr(cp))
    return "0x%02x" % cp


def to_c(font, path):
    glyphs = font.latin1_glyphs()
    glyph_bytes = font.row_bytes * font.height
    lines = [
        "/*",
        " * from %s" % path,
        " *",
        " * Generated by tools/psf2c.py: %d glyphs of %dx%d pixels, one per" % (
            len(glyphs), font.width, font.height),
        " * Latin-1 code point. Do not edit; the Makefile remakes it.",
        " */",
        '#include "kernel/dev/font.h"',
        "",
        "static const uint8_t glyphs[%d * %d] = {" % (len(glyphs), glyph_bytes),
    ]
    for cp, glyph in enumerate(glyphs):
        lines.append("\t/* %s */" % glyph_comment(cp))
        for i in range(0, glyph_bytes, 8):
            lines.append("\t" + " ".join("0x%02x," % b for b in glyph[i:i + 8]))
    lines += [
        "};",
        "",
        "const struct font font_console = {",
        "\t.width = %d," % font.width,
        "\t.height = %d," % font.height,
        "\t.row_bytes = %d," % font.row_bytes,
        "\t.glyphs = glyphs,",
        "};",
        "",
    ]
    return "\n".join(lines)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: tools/psf2c.py FONT.psf[.gz] OUT.c\n")
        return 2
    path, out = argv[1], argv[2]
    try:
        font = load(path)
        text = to_c(font, path)
    except (OSError, FontError) as e:
        sys.stderr.write("psf2c: %s\n" % e)
        return 1
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
