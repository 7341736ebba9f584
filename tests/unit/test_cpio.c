/*
 * The cpio "newc" reader against the real thing: archives written by the
 * host's cpio(1) at test time, whose entries must come back exactly as
 * lstat() sees the files; then archives built by hand, damaged one way at
 * a time. Every archive is parsed from a heap buffer of exactly its size,
 * so a read one byte past the end is an ASan error.
 */
#define _GNU_SOURCE /* memmem */
#include "kernel/fs/cpio.h"
#include "kernel/lib/errno.h"
#include "tests/unit/unit.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* --- Collecting what cpio_parse() hands over --------------------------- */

#define SEEN_MAX 64

struct seen {
	char *name;
	uint32_t mode, uid, gid, nlink, ino, dev_major, dev_minor;
	uint64_t mtime;
	uint8_t *data;
	size_t size;
};

static struct seen seen[SEEN_MAX];
static size_t nseen;
static int stop_after; /* when > 0, visit returns 42 at that entry */

static void
forget_seen(void)
{
	for (size_t i = 0; i < nseen; i++) {
		free(seen[i].name);
		free(seen[i].data);
	}
	memset(seen, 0, sizeof(seen));
	nseen = 0;
	stop_after = 0;
}

/* Copy each entry out: the archive buffer is freed after parsing. */
static int
collect(const struct cpio_entry *e, void *ctx)
{
	(void)ctx;
	CHECK(e->name_len > 0);
	CHECK(e->name[e->name_len] == '\0');
	CHECK(strlen(e->name) == e->name_len);
	CHECK(nseen < SEEN_MAX);
	if (nseen == SEEN_MAX)
		return -1;
	struct seen *s = &seen[nseen++];
	s->name = strdup(e->name);
	s->mode = e->mode;
	s->uid = e->uid;
	s->gid = e->gid;
	s->nlink = e->nlink;
	s->ino = e->ino;
	s->dev_major = e->dev_major;
	s->dev_minor = e->dev_minor;
	s->mtime = e->mtime;
	s->size = e->size;
	s->data = malloc(e->size + 1);
	memcpy(s->data, e->data, e->size);
	if (stop_after > 0 && (int)nseen == stop_after)
		return 42;
	return 0;
}

static const struct seen *
find_seen(const char *name)
{
	for (size_t i = 0; i < nseen; i++)
		if (strcmp(seen[i].name, name) == 0)
			return &seen[i];
	return NULL;
}

static const char *last_error;
static size_t last_offset;

/* Parse a copy of @data in a buffer of exactly @n bytes. */
static int
parse(const void *data, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, data, n);
	forget_seen();
	int r = cpio_parse(copy, n, collect, NULL, &last_error, &last_offset);
	free(copy);
	return r;
}

/* The result must be -EINVAL with a message containing @words. */
#define CHECK_BAD(r, words)                                                 \
	do {                                                                \
		CHECK_INT((r), -EINVAL);                                    \
		CHECK(last_error != NULL);                                  \
		if (last_error && !strstr(last_error, (words))) {           \
			printf("  error \"%s\" lacks \"%s\"\n", last_error, \
			       (words));                                    \
			unit_case_failed = 1;                               \
		}                                                           \
	} while (0)

/* --- Archives by the host's cpio ---------------------------------------- */

static char tmpdir[256];

static void
run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		printf("  command failed: %s\n", cmd);
		unit_case_failed = 1;
	}
}

static void
make_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/sprout-cpio-XXXXXX",
		 t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(1);
	}
}

static void
remove_tmpdir(void)
{
	run("rm -rf '%s'", tmpdir);
}

static void
write_file(const char *rel, const void *data, size_t n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(fwrite(data, 1, n, f) == n);
	fclose(f);
}

/* The output of `cd tmpdir && sh -c @cmd`, in a malloc'd buffer. */
static uint8_t *
capture(const char *cmd, size_t *n)
{
	char full[1024];
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);

	snprintf(full, sizeof(full), "cd '%s' && %s", tmpdir, cmd);
	FILE *p = popen(full, "r");
	CHECK(p != NULL);
	for (size_t got; p && (got = fread(buf + len, 1, cap - len, p)) > 0;) {
		len += got;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	CHECK(p && pclose(p) == 0);
	*n = len;
	return buf;
}

/* Compare one entry with what lstat() says of the file it came from. */
static void
check_against_file(const char *name)
{
	char path[512];
	struct stat st;
	const struct seen *s = find_seen(name);

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	CHECK(lstat(path, &st) == 0);
	if (!s) {
		printf("  entry \"%s\" missing\n", name);
		unit_case_failed = 1;
		return;
	}
	CHECK_INT(s->mode, st.st_mode);
	CHECK_INT(s->uid, st.st_uid);
	CHECK_INT(s->gid, st.st_gid);
	CHECK_INT(s->nlink, st.st_nlink);
	CHECK_INT(s->ino, (uint32_t)st.st_ino);
	CHECK_INT(s->dev_major, major(st.st_dev));
	CHECK_INT(s->dev_minor, minor(st.st_dev));
	CHECK_INT(s->mtime, st.st_mtime);
	if (S_ISREG(st.st_mode)) {
		CHECK_INT(s->size, st.st_size);
		FILE *f = fopen(path, "rb");
		uint8_t *want = malloc(st.st_size + 1);
		CHECK(fread(want, 1, st.st_size, f) == (size_t)st.st_size);
		fclose(f);
		CHECK(memcmp(s->data, want, st.st_size) == 0);
		free(want);
	} else if (S_ISLNK(st.st_mode)) {
		char target[256];
		ssize_t len = readlink(path, target, sizeof(target));
		CHECK_INT(s->size, len);
		CHECK(len >= 0 && memcmp(s->data, target, len) == 0);
	} else {
		CHECK_INT(s->size, 0);
	}
}

static const char *const tree[] = {
	"hello.txt",	"empty", "sub", "sub/deeper", "sub/nested.bin",
	"sub/deeper/x", "link",	 "a",	"bb",	      "ccc",
	"dddd",
};

/* A tree with directories, a file in a subdirectory, an empty file, a
 * symlink and names of every length modulo 4 (every padding). */
static void
make_tree(void)
{
	uint8_t bin[1001];

	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (uint8_t)(i * 7 + 3);
	run("mkdir -p '%s/sub/deeper'", tmpdir);
	write_file("hello.txt", "hello, world\n", 13);
	write_file("empty", "", 0);
	write_file("sub/nested.bin", bin, sizeof(bin));
	write_file("sub/deeper/x", "x", 1);
	write_file("a", "1", 1);
	write_file("bb", "22", 2);
	write_file("ccc", "333", 3);
	write_file("dddd", "4444", 4);
	run("ln -s hello.txt '%s/link'", tmpdir);
}

static void
real_archive_round_trip(void)
{
	size_t n;

	make_tmpdir();
	make_tree();
	uint8_t *ar = capture("find . | cpio -o -H newc --quiet", &n);
	CHECK(n > 0 && n % 512 == 0); /* cpio pads to whole blocks */
	CHECK_INT(parse(ar, n), 0);
	CHECK(last_error == NULL);
	CHECK_INT(nseen, ARRAY_SIZE(tree)); /* "." is not passed on */
	for (size_t i = 0; i < ARRAY_SIZE(tree); i++)
		check_against_file(tree[i]);
	const struct seen *s = find_seen("link");
	CHECK(s && S_ISLNK(s->mode) && s->size == 9 &&
	      memcmp(s->data, "hello.txt", 9) == 0);
	s = find_seen("sub");
	CHECK(s && S_ISDIR(s->mode));
	s = find_seen("empty");
	CHECK(s && S_ISREG(s->mode) && s->size == 0);

	/* Checking only, without a callback. */
	CHECK_INT(cpio_parse(ar, n, NULL, NULL, NULL, NULL), 0);
	free(ar);
	forget_seen();
	remove_tmpdir();
}

/* The 070702 variant: the check field is verified for regular files. */
static void
real_crc_archive(void)
{
	size_t n;

	make_tmpdir();
	make_tree();
	uint8_t *ar = capture("find . | cpio -o -H crc --quiet", &n);
	CHECK(memcmp(ar, CPIO_NEWC_CRC_MAGIC, 6) == 0);
	CHECK_INT(parse(ar, n), 0);
	CHECK_INT(nseen, ARRAY_SIZE(tree));
	for (size_t i = 0; i < ARRAY_SIZE(tree); i++)
		check_against_file(tree[i]);

	/* Damage one byte of hello.txt's data. */
	uint8_t *p = memmem(ar, n, "hello, world", 12);
	CHECK(p != NULL);
	if (p) {
		p[0] ^= 0x20;
		CHECK_BAD(parse(ar, n), "checksum");
		CHECK_INT(last_offset, p - ar);
	}
	free(ar);
	forget_seen();
	remove_tmpdir();
}

/* GNU cpio keeps a leading "/" (and drops a leading "./" itself), and
 * writes no entry for a parent directory it was not given. */
static void
real_archive_names(void)
{
	size_t n;

	make_tmpdir();
	make_tree();
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "echo '%s/sub/deeper/x' | cpio -o -H newc --quiet", tmpdir);
	uint8_t *ar = capture(cmd, &n);
	CHECK(memmem(ar, n, tmpdir, strlen(tmpdir)) == ar + 110);
	CHECK_INT(parse(ar, n), 0);
	CHECK_INT(nseen, 1);
	char want[512];
	snprintf(want, sizeof(want), "%s/sub/deeper/x", tmpdir + 1);
	CHECK(nseen == 1 && strcmp(seen[0].name, want) == 0);
	free(ar);

	/* A file without its parent directory; "./" and plain names. */
	ar = capture("printf 'sub/nested.bin\\n./hello.txt\\nbb\\n' | "
		     "cpio -o -H newc --quiet",
		     &n);
	CHECK_INT(parse(ar, n), 0);
	CHECK_INT(nseen, 3);
	check_against_file("sub/nested.bin");
	check_against_file("hello.txt");
	check_against_file("bb");
	CHECK(find_seen("sub") == NULL);
	free(ar);
	forget_seen();
	remove_tmpdir();
}

/* Two archives back to back, the first padded to 512 bytes by cpio. */
static void
real_concatenated_archives(void)
{
	size_t n1, n2;

	make_tmpdir();
	make_tree();
	uint8_t *a1 = capture("echo hello.txt | cpio -o -H newc --quiet", &n1);
	uint8_t *a2 =
		capture("printf 'sub\\nsub/nested.bin\\n' | cpio -o -H newc "
			"--quiet",
			&n2);
	uint8_t *both = malloc(n1 + n2);
	memcpy(both, a1, n1);
	memcpy(both + n1, a2, n2);
	CHECK_INT(parse(both, n1 + n2), 0);
	CHECK_INT(nseen, 3);
	check_against_file("hello.txt");
	check_against_file("sub");
	check_against_file("sub/nested.bin");
	free(a1);
	free(a2);
	free(both);
	forget_seen();
	remove_tmpdir();
}

/* --- Archives by hand ---------------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t len;
};

static void
put(struct buf *b, const void *data, size_t n)
{
	b->p = realloc(b->p, b->len + n + 1);
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void
pad4(struct buf *b)
{
	while (b->len % 4)
		put(b, "", 1);
}

#define FIELD(i) (6 + 8 * (i)) /* where header field i starts */
enum {
	INO,
	MODE,
	UID,
	GID,
	NLINK,
	MTIME,
	FILESIZE,
	DEVMAJOR,
	DEVMINOR,
	RDEVMAJOR,
	RDEVMINOR,
	NAMESIZE,
	CHECKSUM,
	NFIELDS
};

static void
set_field(struct buf *b, size_t rec, int field, uint32_t value)
{
	char digits[9];
	snprintf(digits, sizeof(digits), "%08x", value);
	memcpy(b->p + rec + FIELD(field), digits, 8);
}

/* Append an entry; returns where its header starts. */
static size_t
entry(struct buf *b, const char *name, uint32_t mode, const char *data)
{
	size_t rec = b->len;
	uint32_t namesize = strlen(name) + 1, size = strlen(data);
	char header[111];

	snprintf(header, sizeof(header),
		 "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 1000 + (unsigned)rec, mode, 0, 0, 1, 1700000000, size, 8, 1, 0,
		 0, namesize, 0);
	put(b, header, 110);
	put(b, name, namesize);
	pad4(b);
	put(b, data, size);
	pad4(b);
	return rec;
}

static size_t
trailer(struct buf *b)
{
	return entry(b, "TRAILER!!!", 0, "");
}

/* Three entries and a trailer: the small archive the damage goes into. */
static struct buf
small(void)
{
	struct buf b = { 0 };
	entry(&b, "etc", 040755, "");
	entry(&b, "etc/motd", 0100644, "Welcome to Sprout\n");
	entry(&b, "bin", 040755, "");
	trailer(&b);
	return b;
}

static void
hand_made_small(void)
{
	struct buf b = small();
	CHECK_INT(parse(b.p, b.len), 0);
	CHECK_INT(nseen, 3);
	if (nseen == 3) {
		CHECK_STR(seen[1].name, "etc/motd");
		CHECK_INT(seen[1].mode, 0100644);
		CHECK_INT(seen[1].size, 18);
		CHECK(memcmp(seen[1].data, "Welcome to Sprout\n", 18) == 0);
		CHECK_INT(seen[1].mtime, 1700000000);
		CHECK_INT(seen[1].dev_major, 8);
	}
	free(b.p);
}

static void
upper_and_lower_case_hex(void)
{
	struct buf b = { 0 };
	size_t rec = entry(&b, "f", 0100644, "0123456789abcdef");
	trailer(&b);
	memcpy(b.p + rec + FIELD(MODE), "000081A4", 8);
	memcpy(b.p + rec + FIELD(FILESIZE), "0000001", 7);
	b.p[rec + FIELD(FILESIZE) + 7] = '0';
	CHECK_INT(parse(b.p, b.len), 0);
	CHECK(nseen == 1 && seen[0].mode == 0100644 && seen[0].size == 16);
	free(b.p);
}

static void
names_are_normalised(void)
{
	static const char *const in[] = { "./x",    "/x",  "x",
					  ".//./x", "//x", "././x" };
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		struct buf b = { 0 };
		entry(&b, ".", 040755, "");
		entry(&b, in[i], 0100644, "data");
		trailer(&b);
		CHECK_INT(parse(b.p, b.len), 0);
		CHECK_INT(nseen, 1);
		if (nseen == 1)
			CHECK_STR(seen[0].name, "x");
		free(b.p);
	}

	/* The root, however written, is skipped; names that only look like
	 * it are not. */
	struct buf b = { 0 };
	entry(&b, ".", 040755, "");
	entry(&b, "./", 040755, "");
	entry(&b, "/", 040755, "");
	entry(&b, ".//./", 040755, "");
	entry(&b, "./.hidden", 0100644, "");
	entry(&b, "...", 0100644, "");
	entry(&b, "a..", 0100644, "");
	entry(&b, "..b/c", 0100644, "");
	entry(&b, "d/./e", 0100644, "");
	trailer(&b);
	CHECK_INT(parse(b.p, b.len), 0);
	CHECK_INT(nseen, 5);
	CHECK(find_seen(".hidden") && find_seen("...") && find_seen("a..") &&
	      find_seen("..b/c") && find_seen("d/./e"));
	free(b.p);
}

static void
dot_dot_is_refused(void)
{
	static const char *const bad[] = { "..",     "../x",	"./../x",
					   "/../x",  "a/..",	"a/../b",
					   "a/b/..", "a//../b", "../" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct buf b = { 0 };
		entry(&b, "ok", 0100644, "");
		size_t rec = entry(&b, bad[i], 0100644, "");
		trailer(&b);
		CHECK_BAD(parse(b.p, b.len), "a name climbs out with ..");
		CHECK_INT(last_offset, rec + 110);
		CHECK_INT(nseen, 1); /* the entries before were visited */
		free(b.p);
	}
}

static void
bad_magic(void)
{
	static const char *const magics[] = { "070700",
					      "070703",
					      "070707",
					      "171701",
					      "07070\0",
					      "\x7f"
					      "ELF\2\1" };
	for (size_t i = 0; i < ARRAY_SIZE(magics); i++) {
		struct buf b = small();
		memcpy(b.p, magics[i], 6);
		CHECK_BAD(parse(b.p, b.len), "bad magic");
		CHECK_INT(last_offset, 0);
		memcpy(b.p, CPIO_NEWC_MAGIC, 6);
		memcpy(b.p + 116, magics[i], 6); /* the second header */
		CHECK_BAD(parse(b.p, b.len), "bad magic");
		CHECK_INT(last_offset, 116);
		CHECK_INT(nseen, 1);
		free(b.p);
	}
}

/* A bad character at every digit of every field, each named. */
static void
non_hex_digit_in_each_field(void)
{
	static const char *const names[NFIELDS] = {
		"ino",	     "mode",	 "uid",	     "gid",	 "nlink",
		"mtime",     "filesize", "devmajor", "devminor", "rdevmajor",
		"rdevminor", "namesize", "check",
	};
	static const uint8_t bad[] = { 'g', 'G', ' ', 'x', '\0', '-', 0xff };
	struct buf b = small();
	size_t rec = 116; /* the second entry: after "etc" (110 + 4 + 2) */

	CHECK(memcmp(b.p + rec, "070701", 6) == 0);
	for (int f = 0; f < NFIELDS; f++) {
		char want[64];
		snprintf(want, sizeof(want), "the %s field", names[f]);
		for (int d = 0; d < 8; d++) {
			size_t at = rec + FIELD(f) + d;
			uint8_t saved = b.p[at];
			b.p[at] = bad[(f + d) % sizeof(bad)];
			CHECK_BAD(parse(b.p, b.len), want);
			CHECK_INT(last_offset, at);
			CHECK_INT(nseen, 1);
			b.p[at] = saved;
		}
	}
	CHECK_INT(parse(b.p, b.len), 0);
	free(b.p);
}

static void
namesize_zero(void)
{
	struct buf b = small();
	set_field(&b, 0, NAMESIZE, 0);
	CHECK_BAD(parse(b.p, b.len), "namesize is 0");
	CHECK_INT(last_offset, FIELD(NAMESIZE));
	free(b.p);
}

static void
name_not_terminated(void)
{
	struct buf b = { 0 };
	size_t rec = entry(&b, "abc", 0100644, "");
	trailer(&b);
	/* Shorter than the name: the NUL is not where namesize says. */
	set_field(&b, rec, NAMESIZE, 3);
	CHECK_BAD(parse(b.p, b.len), "not NUL-terminated");
	CHECK_INT(last_offset, rec + 110 + 2);
	/* Longer: the NUL comes before the end. */
	set_field(&b, rec, NAMESIZE, 5);
	CHECK_BAD(parse(b.p, b.len), "NUL byte before its end");
	CHECK_INT(last_offset, rec + 110 + 3);
	free(b.p);

	/* The NUL replaced. */
	b = (struct buf){ 0 };
	rec = entry(&b, "abc", 0100644, "");
	trailer(&b);
	b.p[rec + 110 + 3] = 'd';
	CHECK_BAD(parse(b.p, b.len), "not NUL-terminated");
	free(b.p);
}

static void
name_runs_past_the_end(void)
{
	struct buf b = { 0 };
	size_t rec = entry(&b, "abc", 0100644, "");
	trailer(&b);
	set_field(&b, rec, NAMESIZE, 0x00100000 - 1);
	CHECK_BAD(parse(b.p, b.len), "longer than PATH_MAX");
	set_field(&b, rec, NAMESIZE, b.len - 110 + 1);
	CHECK_BAD(parse(b.p, b.len), "a name runs past the end");
	CHECK_INT(last_offset, 110);
	set_field(&b, rec, NAMESIZE, 0xffffffff);
	CHECK_BAD(parse(b.p, b.len), "longer than PATH_MAX");
	/* A long name is fine when it is all there. */
	free(b.p);
	char name[4096];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	b = (struct buf){ 0 };
	entry(&b, name, 0100644, "");
	trailer(&b);
	CHECK_INT(parse(b.p, b.len), 0);
	CHECK(nseen == 1 && seen[0].name && strlen(seen[0].name) == 4095);
	free(b.p);
}

static void
filesize_runs_past_the_end(void)
{
	struct buf b = small();
	size_t motd = 116;
	static const uint32_t sizes[] = { 0xffffffff, 0x80000000, 0x10000 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		set_field(&b, motd, FILESIZE, sizes[i]);
		CHECK_BAD(parse(b.p, b.len), "data runs past the end");
		CHECK_INT(last_offset, motd + 120);
	}
	free(b.p);

	/* The last data byte there, but not the padding after it. */
	b = (struct buf){ 0 };
	entry(&b, "f", 0100644, "abcde");
	CHECK_INT(b.len, 120);
	CHECK_BAD(parse(b.p, 116), "data runs past the end");
	CHECK_INT(last_offset, 112);
	CHECK_BAD(parse(b.p, 117), "padding after a file's data");
	CHECK_INT(last_offset, 117);
	CHECK_BAD(parse(b.p, 119), "padding after a file's data");
	free(b.p);
}

static void
no_trailer(void)
{
	struct buf b = { 0 };
	entry(&b, "etc", 040755, "");
	entry(&b, "etc/motd", 0100644, "hi\n");
	CHECK_BAD(parse(b.p, b.len), "ends before its TRAILER!!!");
	CHECK_INT(last_offset, b.len);
	CHECK_INT(nseen, 2);
	/* Zero padding is not a trailer, however much of it there is. */
	size_t end = b.len;
	put(&b, "\0\0\0\0\0\0\0\0", 8);
	CHECK_BAD(parse(b.p, b.len), "before its TRAILER!!!");
	CHECK_INT(last_offset, end);
	for (int i = 0; i < 64; i++)
		put(&b, "\0\0\0\0\0\0\0\0", 8);
	CHECK_BAD(parse(b.p, b.len), "before its TRAILER!!!");
	free(b.p);

	CHECK_BAD(parse("", 0), "ends before its TRAILER!!!");
	/* A trailer with an extra character is an ordinary entry. */
	b = (struct buf){ 0 };
	entry(&b, "TRAILER!!!!", 0100644, "");
	CHECK_BAD(parse(b.p, b.len), "ends before its TRAILER!!!");
	CHECK_INT(nseen, 1);
	free(b.p);
}

static void
truncated_at_every_offset(void)
{
	struct buf b = small();
	size_t end = b.len; /* the trailer's record ends here */

	put(&b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16); /* block padding */
	for (size_t n = 0; n < end; n++) {
		int r = parse(b.p, n);
		CHECK_INT(r, -EINVAL);
		if (r != -EINVAL)
			printf("  at %zu bytes\n", n);
		CHECK(last_offset <= n);
	}
	for (size_t n = end; n <= b.len; n++)
		CHECK_INT(parse(b.p, n), 0);
	free(b.p);
}

static void
visit_stops_the_walk(void)
{
	struct buf b = small();
	uint8_t *copy = malloc(b.len);
	memcpy(copy, b.p, b.len);
	forget_seen();
	stop_after = 2;
	const char *err = "untouched";
	CHECK_INT(cpio_parse(copy, b.len, collect, NULL, &err, NULL), 42);
	CHECK_INT(nseen, 2);
	CHECK(err == NULL);
	/* A stop wins over damage further on. */
	memcpy(copy + b.len - 124, "XXXXXX", 6);
	forget_seen();
	stop_after = 3;
	CHECK_INT(cpio_parse(copy, b.len, collect, NULL, NULL, NULL), 42);
	forget_seen();
	free(copy);
	free(b.p);
}

/* What may come after a trailer: zeros, another archive, nothing else. */
static void
after_the_trailer(void)
{
	struct buf b = { 0 };
	entry(&b, "one", 0100644, "1");
	trailer(&b);
	put(&b, "\0\0\0\0\0\0\0\0", 8);
	entry(&b, "two", 0100644, "22");
	entry(&b, "one", 0100644, "replaced"); /* later archives win */
	trailer(&b);
	CHECK_INT(parse(b.p, b.len), 0);
	CHECK_INT(nseen, 3);
	CHECK(nseen == 3 && strcmp(seen[2].name, "one") == 0 &&
	      seen[2].size == 8);
	size_t good = b.len;

	/* Junk after the last trailer. */
	put(&b, "\0\0\0\0junk", 8);
	CHECK_BAD(parse(b.p, b.len), "neither zero padding nor another");
	CHECK_INT(last_offset, good + 4);
	free(b.p);

	/* A second archive off the 4-byte grid. */
	b = (struct buf){ 0 };
	trailer(&b);
	put(&b, "\0", 1);
	entry(&b, "x", 0100644, "");
	CHECK_BAD(parse(b.p, b.len), "neither zero padding nor another");
	CHECK_INT(last_offset, 125);
	free(b.p);

	/* A second archive that is cut short. */
	b = (struct buf){ 0 };
	trailer(&b);
	put(&b, "0707", 4);
	CHECK_BAD(parse(b.p, b.len), "a header is cut off");
	free(b.p);

	/* Trailer only: an empty archive, fine. */
	b = (struct buf){ 0 };
	trailer(&b);
	CHECK_INT(parse(b.p, b.len), 0);
	CHECK_INT(nseen, 0);
	free(b.p);
}

int
main(void)
{
	unit_suite = "cpio";
	UNIT_RUN(real_archive_round_trip);
	UNIT_RUN(real_crc_archive);
	UNIT_RUN(real_archive_names);
	UNIT_RUN(real_concatenated_archives);
	UNIT_RUN(hand_made_small);
	UNIT_RUN(upper_and_lower_case_hex);
	UNIT_RUN(names_are_normalised);
	UNIT_RUN(dot_dot_is_refused);
	UNIT_RUN(bad_magic);
	UNIT_RUN(non_hex_digit_in_each_field);
	UNIT_RUN(namesize_zero);
	UNIT_RUN(name_not_terminated);
	UNIT_RUN(name_runs_past_the_end);
	UNIT_RUN(filesize_runs_past_the_end);
	UNIT_RUN(no_trailer);
	UNIT_RUN(truncated_at_every_offset);
	UNIT_RUN(visit_stops_the_walk);
	UNIT_RUN(after_the_trailer);
	forget_seen();
	return unit_failures;
}
