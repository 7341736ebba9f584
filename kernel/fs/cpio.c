/*
 * The cpio "newc" reader behind cpio_parse() (see kernel/fs/cpio.h).
 *
 * An archive is a run of records, each a header, a name and the data:
 *
 *   offset  size  field      (all ASCII; numbers are 8 hex digits)
 *        0     6  magic      "070701", or "070702" with a data checksum
 *        6     8  ino        inode number (with the device, finds links)
 *       14     8  mode       file type and permissions, as st_mode
 *       22     8  uid
 *       30     8  gid
 *       38     8  nlink
 *       46     8  mtime      seconds since 1970
 *       54     8  filesize   bytes of data
 *       62     8  devmajor   the device holding the file
 *       70     8  devminor
 *       78     8  rdevmajor  for a device node: its own number
 *       86     8  rdevminor
 *       94     8  namesize   bytes of name, its NUL included
 *      102     8  check      070702: sum of the data bytes; else 0
 *      110        name       namesize bytes, the last one NUL
 *                 padding    zeros up to a multiple of 4
 *                 data       filesize bytes
 *                 padding    zeros up to a multiple of 4
 *
 * The multiples of 4 are counted from the start of the archive (of the
 * whole block, when archives are concatenated: each starts on a multiple
 * of 4, so the two agree). The entry named "TRAILER!!!" ends an archive.
 *
 * Every number comes from the archive, so each one is checked against
 * the bytes left before it is used; the arithmetic is arranged so that no
 * sum can wrap around. The file uses no other kernel code.
 */
#include "kernel/fs/cpio.h"
#include "kernel/lib/errno.h"

#define MAGIC_LEN	  6
#define FIELD_LEN	  8
#define RECORD_ALIGN	  4
#define TRAILER_NAMESIZE  11	  /* "TRAILER!!!" and its NUL */
#define MODE_TYPE_MASK	  0170000 /* S_IFMT */
#define MODE_TYPE_REGULAR 0100000 /* S_IFREG */
#define HEX_DIGIT_INVALID 16

/* The header's numeric fields, in order, each FIELD_LEN digits long. */
enum field {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
	FIELD_COUNT
};

/* Say which field held the bad digit: the fields look alike in a dump. */
static const char *const bad_field[FIELD_COUNT] = {
	[F_INO] = "the ino field of a header is not 8 hex digits",
	[F_MODE] = "the mode field of a header is not 8 hex digits",
	[F_UID] = "the uid field of a header is not 8 hex digits",
	[F_GID] = "the gid field of a header is not 8 hex digits",
	[F_NLINK] = "the nlink field of a header is not 8 hex digits",
	[F_MTIME] = "the mtime field of a header is not 8 hex digits",
	[F_FILESIZE] = "the filesize field of a header is not 8 hex digits",
	[F_DEVMAJOR] = "the devmajor field of a header is not 8 hex digits",
	[F_DEVMINOR] = "the devminor field of a header is not 8 hex digits",
	[F_RDEVMAJOR] = "the rdevmajor field of a header is not 8 hex digits",
	[F_RDEVMINOR] = "the rdevminor field of a header is not 8 hex digits",
	[F_NAMESIZE] = "the namesize field of a header is not 8 hex digits",
	[F_CHECK] = "the check field of a header is not 8 hex digits",
};

struct walk {
	const uint8_t *base;
	size_t size;
	const char **error;
	size_t *error_offset;
};

static int
fail(struct walk *w, size_t offset, const char *why)
{
	if (w->error)
		*w->error = why;
	if (w->error_offset)
		*w->error_offset = offset;
	return -EINVAL;
}

static bool
bytes_equal(const uint8_t *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != (uint8_t)b[i])
			return false;
	return true;
}

/* GNU cpio writes upper-case digits, other tools lower-case: take both. */
static unsigned
hex_digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return HEX_DIGIT_INVALID;
}

/*
 * Read the 8-digit field at @at. Unlike Linux, which stops at the first
 * non-digit, any other character is an error: it means a damaged header.
 */
static int
read_field(struct walk *w, size_t at, enum field f, uint32_t *value)
{
	uint32_t v = 0;

	for (size_t i = 0; i < FIELD_LEN; i++) {
		unsigned d = hex_digit(w->base[at + i]);
		if (d == HEX_DIGIT_INVALID)
			return fail(w, at + i, bad_field[f]);
		v = v << 4 | d;
	}
	*value = v;
	return 0;
}

/*
 * Is @[0..n) the archive's root: empty, or "."? The leading "./" and "/"
 * are already gone, so this covers ".", "./", "/" and the like.
 */
static bool
is_root(const char *name, size_t n)
{
	return n == 0 || (n == 1 && name[0] == '.');
}

/* Drop any leading "./" and "/", as often as they come: ".//./a" is "a". */
static void
strip_leading(const char **name, size_t *n)
{
	while (*n > 0) {
		if ((*name)[0] == '/') {
			*name += 1;
			*n -= 1;
		} else if (*n >= 2 && (*name)[0] == '.' && (*name)[1] == '/') {
			*name += 2;
			*n -= 2;
		} else {
			break;
		}
	}
}

/*
 * Does a component of the path @name[0..n) equal ".."? Such an entry would
 * be unpacked outside the directory the archive is unpacked into, which no
 * honest archive needs, so it is refused outright.
 */
static bool
climbs_out(const char *name, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || name[i] == '/') {
			if (i - start == 2 && name[start] == '.' &&
			    name[start + 1] == '.')
				return true;
			start = i + 1;
		}
	}
	return false;
}

/* The 070702 checksum: the data's bytes added up, modulo 2^32. */
static uint32_t
data_sum(const uint8_t *data, size_t size)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < size; i++)
		sum += data[i];
	return sum;
}

/* Bytes of zero padding that take @offset up to a multiple of 4. */
static size_t
padding(size_t offset)
{
	return (RECORD_ALIGN - offset % RECORD_ALIGN) % RECORD_ALIGN;
}

/*
 * After a trailer: skip zero padding; then the end, or another archive.
 * Linux takes a '0' on a 4-byte boundary as the start of another archive
 * (and anything else as a compressed one, which Sprout does not read).
 * Returns 1 when another archive starts at the new *pos, 0 at the end.
 */
static int
after_trailer(struct walk *w, size_t *pos)
{
	size_t p = *pos;

	while (p < w->size && w->base[p] == 0)
		p++;
	*pos = p;
	if (p == w->size)
		return 0;
	if (w->base[p] != '0' || p % RECORD_ALIGN != 0)
		return fail(w, p,
			    "after the trailer comes something that is neither "
			    "zero padding nor another newc archive (compressed "
			    "archives are not supported)");
	return 1;
}

/*
 * Check the record at @pos, fill @e, and set *next to where the following
 * record starts. Returns 0, or -EINVAL.
 */
static int
read_record(struct walk *w, size_t pos, struct cpio_entry *e, bool *crc,
	    uint32_t *check, size_t *next)
{
	uint32_t field[FIELD_COUNT];
	size_t left = w->size - pos;

	/* Zeros where a header belongs: the padding of an archive whose
	 * trailer is missing (truncated, then padded to a block). */
	if (left == 0 || w->base[pos] == 0)
		return fail(w, pos, "the archive ends before its TRAILER!!!");
	if (left < CPIO_HEADER_SIZE)
		return fail(w, pos,
			    "a header is cut off by the end of the archive");
	if (bytes_equal(w->base + pos, CPIO_NEWC_MAGIC, MAGIC_LEN))
		*crc = false;
	else if (bytes_equal(w->base + pos, CPIO_NEWC_CRC_MAGIC, MAGIC_LEN))
		*crc = true;
	else
		return fail(w, pos,
			    "bad magic: a header does not start with 070701 "
			    "or 070702 (not a newc cpio archive?)");
	for (int f = 0; f < FIELD_COUNT; f++) {
		int err = read_field(w, pos + MAGIC_LEN + f * FIELD_LEN, f,
				     &field[f]);
		if (err)
			return err;
	}

	/* The name: namesize bytes, NUL-terminated there and only there. */
	size_t name_at = pos + CPIO_HEADER_SIZE;
	size_t namesize = field[F_NAMESIZE];
	const char *name = (const char *)w->base + name_at;
	left -= CPIO_HEADER_SIZE;
	if (namesize == 0)
		return fail(w, pos + MAGIC_LEN + F_NAMESIZE * FIELD_LEN,
			    "a header's namesize is 0 (the name must at least "
			    "hold its NUL)");
	if (namesize > CPIO_NAME_MAX) /* Linux's initramfs limit too */
		return fail(w, pos + MAGIC_LEN + F_NAMESIZE * FIELD_LEN,
			    "a name (with its NUL) is longer than PATH_MAX, "
			    "4096 bytes");
	if (namesize > left)
		return fail(w, name_at,
			    "a name runs past the end of the archive");
	if (name[namesize - 1] != '\0')
		return fail(w, name_at + namesize - 1,
			    "a name is not NUL-terminated where its namesize "
			    "says it ends");
	for (size_t i = 0; i + 1 < namesize; i++)
		if (name[i] == '\0')
			return fail(w, name_at + i,
				    "a name has a NUL byte before its end");
	left -= namesize;
	size_t pad = padding(name_at + namesize);
	if (pad > left)
		return fail(w, name_at + namesize,
			    "the padding after a name runs past the end of the "
			    "archive");
	left -= pad;

	/* The data, and the padding after it. */
	size_t data_at = name_at + namesize + pad;
	size_t filesize = field[F_FILESIZE];
	if (filesize > left)
		return fail(w, data_at,
			    "a file's data runs past the end of the archive");
	left -= filesize;
	pad = padding(data_at + filesize);
	if (pad > left)
		return fail(w, data_at + filesize,
			    "the padding after a file's data runs past the end "
			    "of the archive");

	*e = (struct cpio_entry){
		.name = name,
		.name_len = namesize - 1,
		.mode = field[F_MODE],
		.uid = field[F_UID],
		.gid = field[F_GID],
		.nlink = field[F_NLINK],
		.ino = field[F_INO],
		.dev_major = field[F_DEVMAJOR],
		.dev_minor = field[F_DEVMINOR],
		.rdev_major = field[F_RDEVMAJOR],
		.rdev_minor = field[F_RDEVMINOR],
		.mtime = field[F_MTIME],
		.data = w->base + data_at,
		.size = filesize,
		.offset = pos,
	};
	*check = field[F_CHECK];
	*next = data_at + filesize + pad;
	return 0;
}

int
cpio_parse(const void *archive, size_t size, cpio_visit_fn visit, void *ctx,
	   const char **error, size_t *error_offset)
{
	struct walk w = { archive, size, error, error_offset };
	size_t pos = 0;

	if (error)
		*error = NULL;
	if (error_offset)
		*error_offset = 0;

	for (;;) {
		struct cpio_entry e;
		uint32_t check;
		size_t next;
		bool crc;
		int err = read_record(&w, pos, &e, &crc, &check, &next);
		if (err)
			return err;

		/* The trailer is recognised by its name as written. */
		if (e.name_len + 1 == TRAILER_NAMESIZE &&
		    bytes_equal((const uint8_t *)e.name, CPIO_TRAILER,
				TRAILER_NAMESIZE)) {
			pos = next;
			err = after_trailer(&w, &pos);
			if (err <= 0)
				return err;
			continue;
		}

		strip_leading(&e.name, &e.name_len);
		if (climbs_out(e.name, e.name_len))
			return fail(&w, pos + CPIO_HEADER_SIZE,
				    "a name climbs out with ..");

		/* Like Linux, verify the checksum of regular files only:
		 * GNU cpio leaves it 0 for the rest, symlinks included. */
		if (crc && (e.mode & MODE_TYPE_MASK) == MODE_TYPE_REGULAR &&
		    data_sum(e.data, e.size) != check)
			return fail(&w, (size_t)(e.data - w.base),
				    "a file's data does not match the checksum "
				    "in its 070702 header");

		if (!is_root(e.name, e.name_len) && visit) {
			err = visit(&e, ctx);
			if (err)
				return err;
		}
		pos = next;
	}
}
