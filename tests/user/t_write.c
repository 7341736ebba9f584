/*
 * t_write: changing the file tree. open with O_CREAT, O_EXCL, O_TRUNC
 * and O_APPEND; write, pwrite64 and pread64; files growing, holes read
 * as zeros, ftruncate and truncate; unlink (a file unlinked while open
 * stays usable), link, rename (of files and directories, over files and
 * empty directories), mkdir, rmdir, creat, unlinkat, mkdirat,
 * renameat; getdents64 after names come and go; st_size, st_nlink,
 * st_mtime; running a program from a written copy; and the errors:
 * ENOENT, ENOTDIR, EISDIR, EEXIST, ENOTEMPTY, EINVAL, EBADF, ESPIPE.
 *
 * Each case works in a scratch directory of its own, /tmp/t_write.<pid>
 * (t_path: under SPROUT_ROOT on Linux), and removes it at the end.
 * Directory link counts (2 plus subdirectories) are those of ext4 and
 * tmpfs, which Sprout's tree copies; some Linux file systems (btrfs)
 * count otherwise.
 *
 * That the memory of removed files comes back is checked in the kernel
 * (the ramfs-pages test of test=mm), where it can be counted exactly.
 */
#include "t.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#define EXEC_CHILD "--exit-7"
#define BIG_SIZE   (4 << 20)

/* The kernel's struct linux_dirent64. */
struct kdirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static char scratch[PATH_MAX];

/* Make this case's scratch directory. */
static void
scratch_begin(void)
{
	snprintf(scratch, sizeof(scratch), "%s/t_write.%d", t_path("/tmp"),
		 (int)getpid());
	T_REQUIRE(T_SYS(syscall(SYS_mkdir, scratch, 0755)) == 0);
}

/* scratch + "/" + name; the result lives until the eighth call after. */
static const char *
in_scratch(const char *name)
{
	static char bufs[8][PATH_MAX + 256];
	static int next;
	char *buf = bufs[next++ % 8];

	snprintf(buf, sizeof(bufs[0]), "%s/%s", scratch, name);
	return buf;
}

/* Remove @dir and everything in it; rmdir's result. */
static long
remove_tree(const char *dir)
{
	char buf[4096] __attribute__((aligned(8)));
	char path[PATH_MAX + 256];
	int removed;
	long n;
	int fd = syscall(SYS_open, dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return -1;
	do { /* until a whole listing removes nothing */
		removed = 0;
		syscall(SYS_lseek, fd, 0L, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
			for (long pos = 0; pos < n;) {
				struct kdirent64 *d = (void *)(buf + pos);
				pos += d->d_reclen;
				if (!strcmp(d->d_name, ".") ||
				    !strcmp(d->d_name, ".."))
					continue;
				snprintf(path, sizeof(path), "%s/%s", dir,
					 d->d_name);
				if (syscall(SYS_unlink, path) == 0 ||
				    remove_tree(path) == 0)
					removed++;
			}
	} while (removed);
	syscall(SYS_close, fd);
	return syscall(SYS_rmdir, dir);
}

/* Remove the scratch directory; it must be gone then. */
static void
scratch_end(void)
{
	struct stat st;

	remove_tree(scratch);
	T_SYS_ERR(syscall(SYS_stat, scratch, &st), ENOENT);
}

/* Make file @name holding @text; 0 or -1. */
static void
put_file(const char *name, const char *text)
{
	int fd = T_SYS(syscall(SYS_open, in_scratch(name),
			       O_WRONLY | O_CREAT | O_TRUNC, 0644));

	T_REQUIRE(fd >= 0);
	T_SYS_EQ(syscall(SYS_write, fd, text, strlen(text)),
		 (long)strlen(text));
	syscall(SYS_close, fd);
}

/* File @name must hold exactly @text. */
static void
check_file(const char *name, const char *text)
{
	char buf[256] = { 0 };
	int fd = T_SYS(syscall(SYS_open, in_scratch(name), O_RDONLY));

	T_REQUIRE(fd >= 0);
	T_SYS_EQ(syscall(SYS_read, fd, buf, sizeof(buf) - 1),
		 (long)strlen(text));
	T_STR_EQ(buf, text);
	syscall(SYS_close, fd);
}

static long
size_of(const char *name)
{
	struct stat st;

	if (syscall(SYS_stat, in_scratch(name), &st) != 0)
		return -1;
	return st.st_size;
}

static void
create_write_read(void)
{
	struct stat st;
	char buf[16] = { 0 };

	scratch_begin();
	int fd = T_SYS(
		syscall(SYS_open, in_scratch("f"), O_RDWR | O_CREAT, 0644));
	T_REQUIRE(fd >= 0);
	T_SYS_EQ(syscall(SYS_fstat, fd, &st), 0);
	T_CHECK(S_ISREG(st.st_mode));
	T_EQ(st.st_size, 0);
	T_EQ(st.st_nlink, 1);
	T_SYS_EQ(syscall(SYS_write, fd, "hello", 5), 5);
	T_SYS_EQ(syscall(SYS_write, fd, ", world", 7), 7);
	T_SYS_EQ(syscall(SYS_fstat, fd, &st), 0);
	T_EQ(st.st_size, 12);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0L, SEEK_SET), 0);
	T_SYS_EQ(syscall(SYS_read, fd, buf, sizeof(buf)), 12);
	T_STR_EQ(buf, "hello, world");
	/* Overwrite in the middle: the size stays. */
	T_SYS_EQ(syscall(SYS_lseek, fd, 5L, SEEK_SET), 5);
	T_SYS_EQ(syscall(SYS_write, fd, "!", 1), 1);
	syscall(SYS_close, fd);
	check_file("f", "hello! world");
	/* O_CREAT of an existing file opens it as it is. */
	fd = T_SYS(
		syscall(SYS_open, in_scratch("f"), O_RDONLY | O_CREAT, 0644));
	T_SYS_EQ(syscall(SYS_fstat, fd, &st), 0);
	T_EQ(st.st_size, 12);
	syscall(SYS_close, fd);
	/* creat: made, or emptied. */
	fd = T_SYS(syscall(SYS_creat, in_scratch("f"), 0644));
	T_EQ(size_of("f"), 0);
	syscall(SYS_close, fd);
	scratch_end();
}

static void
append_two_descriptors(void)
{
	scratch_begin();
	put_file("log", "start\n");
	int a = T_SYS(
		syscall(SYS_open, in_scratch("log"), O_WRONLY | O_APPEND));
	int b = T_SYS(
		syscall(SYS_open, in_scratch("log"), O_WRONLY | O_APPEND));
	T_REQUIRE(a >= 0 && b >= 0);
	T_SYS_EQ(syscall(SYS_write, a, "a1\n", 3), 3);
	T_SYS_EQ(syscall(SYS_write, b, "b1\n", 3), 3);
	/* A seek does not stop an append going to the end. */
	T_SYS_EQ(syscall(SYS_lseek, a, 0L, SEEK_SET), 0);
	T_SYS_EQ(syscall(SYS_write, a, "a2\n", 3), 3);
	T_SYS_EQ(syscall(SYS_lseek, a, 0L, SEEK_CUR), 15);
	syscall(SYS_close, a);
	syscall(SYS_close, b);
	check_file("log", "start\na1\nb1\na2\n");
	scratch_end();
}

static void
trunc_and_excl(void)
{
	scratch_begin();
	put_file("f", "0123456789");
	int fd = T_SYS(syscall(SYS_open, in_scratch("f"), O_WRONLY | O_TRUNC));
	T_EQ(size_of("f"), 0);
	T_SYS_EQ(syscall(SYS_write, fd, "ab", 2), 2);
	syscall(SYS_close, fd);
	check_file("f", "ab");
	T_SYS_ERR(syscall(SYS_open, in_scratch("f"),
			  O_WRONLY | O_CREAT | O_EXCL, 0644),
		  EEXIST);
	fd = T_SYS(syscall(SYS_open, in_scratch("new"),
			   O_WRONLY | O_CREAT | O_EXCL, 0644));
	T_CHECK(fd >= 0);
	syscall(SYS_close, fd);
	T_EQ(size_of("new"), 0);
	scratch_end();
}

static void
holes_read_as_zeros(void)
{
	char buf[10010], zero[10000] = { 0 };

	scratch_begin();
	int fd = T_SYS(
		syscall(SYS_open, in_scratch("h"), O_RDWR | O_CREAT, 0644));
	T_REQUIRE(fd >= 0);
	/* Seeking past the end changes nothing by itself. */
	T_SYS_EQ(syscall(SYS_lseek, fd, 10000L, SEEK_SET), 10000);
	T_EQ(size_of("h"), 0);
	T_SYS_EQ(syscall(SYS_write, fd, "x", 1), 1);
	T_EQ(size_of("h"), 10001);
	T_SYS_EQ(syscall(SYS_pread64, fd, buf, sizeof(buf), 0L), 10001);
	T_MEM_EQ(buf, zero, 10000);
	T_EQ(buf[10000], 'x');
	/* Reading at or past the end gives 0. */
	T_SYS_EQ(syscall(SYS_read, fd, buf, 10), 0);
	T_SYS_EQ(syscall(SYS_pread64, fd, buf, 10, 20000L), 0);
	syscall(SYS_close, fd);
	scratch_end();
}

static void
truncate_grow_shrink(void)
{
	char buf[8192], want[8192];

	scratch_begin();
	memset(want, 'a', 50);
	memset(want + 50, 0, sizeof(want) - 50);
	int fd = T_SYS(
		syscall(SYS_open, in_scratch("t"), O_RDWR | O_CREAT, 0644));
	T_REQUIRE(fd >= 0);
	memset(buf, 'a', 100);
	T_SYS_EQ(syscall(SYS_write, fd, buf, 100), 100);
	T_SYS_EQ(syscall(SYS_ftruncate, fd, 50L), 0);
	T_EQ(size_of("t"), 50);
	/* Growing again: what was cut reads as zeros. */
	T_SYS_EQ(syscall(SYS_ftruncate, fd, 8192L), 0);
	T_EQ(size_of("t"), 8192);
	T_SYS_EQ(syscall(SYS_pread64, fd, buf, sizeof(buf), 0L), 8192);
	T_MEM_EQ(buf, want, sizeof(want));
	/* The offset is the descriptor's: a write after a shrink leaves a
	 * hole. */
	T_SYS_EQ(syscall(SYS_lseek, fd, 0L, SEEK_CUR), 100);
	T_SYS_EQ(syscall(SYS_truncate, in_scratch("t"), 10L), 0);
	T_EQ(size_of("t"), 10);
	T_SYS_EQ(syscall(SYS_write, fd, "z", 1), 1);
	T_EQ(size_of("t"), 101);
	T_SYS_EQ(syscall(SYS_pread64, fd, buf, 101, 0L), 101);
	T_MEM_EQ(buf, want, 10);
	T_MEM_EQ(buf + 10, want + 50, 90);
	T_EQ(buf[100], 'z');
	T_SYS_ERR(syscall(SYS_ftruncate, fd, -1L), EINVAL);
	syscall(SYS_close, fd);
	/* Only a descriptor open for writing may truncate. */
	fd = T_SYS(syscall(SYS_open, in_scratch("t"), O_RDONLY));
	T_SYS_ERR(syscall(SYS_ftruncate, fd, 0L), EINVAL);
	syscall(SYS_close, fd);
	T_SYS_ERR(syscall(SYS_truncate, scratch, 0L), EISDIR);
	T_SYS_ERR(syscall(SYS_truncate, in_scratch("none"), 0L), ENOENT);
	scratch_end();
}

static void
positioned_io(void)
{
	char buf[8] = { 0 };
	int pipefd[2];

	scratch_begin();
	put_file("p", "0123456789");
	int fd = T_SYS(syscall(SYS_open, in_scratch("p"), O_RDWR));
	T_SYS_EQ(syscall(SYS_pwrite64, fd, "AB", 2, 3L), 2);
	T_SYS_EQ(syscall(SYS_pread64, fd, buf, 4, 2L), 4);
	T_STR_EQ(buf, "2AB5");
	/* The file's offset did not move. */
	T_SYS_EQ(syscall(SYS_lseek, fd, 0L, SEEK_CUR), 0);
	T_SYS_ERR(syscall(SYS_pread64, fd, buf, 1, -1L), EINVAL);
	syscall(SYS_close, fd);
	T_REQUIRE(syscall(SYS_pipe, pipefd) == 0);
	T_SYS_ERR(syscall(SYS_pread64, pipefd[0], buf, 1, 0L), ESPIPE);
	T_SYS_ERR(syscall(SYS_pwrite64, pipefd[1], "x", 1, 0L), ESPIPE);
	scratch_end();
}

static void
unlink_while_open(void)
{
	struct stat st;
	char buf[16] = { 0 };

	scratch_begin();
	put_file("gone", "data");
	int fd = T_SYS(syscall(SYS_open, in_scratch("gone"), O_RDWR));
	T_REQUIRE(fd >= 0);
	T_SYS_EQ(syscall(SYS_unlink, in_scratch("gone")), 0);
	T_SYS_ERR(syscall(SYS_stat, in_scratch("gone"), &st), ENOENT);
	T_SYS_EQ(syscall(SYS_fstat, fd, &st), 0);
	T_EQ(st.st_nlink, 0);
	T_EQ(st.st_size, 4);
	/* Still readable and writable through the descriptor. */
	T_SYS_EQ(syscall(SYS_read, fd, buf, 2), 2);
	T_SYS_EQ(syscall(SYS_write, fd, "TA+more", 7), 7);
	T_SYS_EQ(syscall(SYS_pread64, fd, buf, sizeof(buf), 0L), 9);
	T_STR_EQ(buf, "daTA+more");
	/* The name is free for a new file. */
	put_file("gone", "new");
	check_file("gone", "new");
	syscall(SYS_close, fd);
	check_file("gone", "new");
	scratch_end();
}

static void
links(void)
{
	struct stat st;

	scratch_begin();
	put_file("a", "shared");
	T_SYS_EQ(syscall(SYS_link, in_scratch("a"), in_scratch("b")), 0);
	T_SYS_EQ(syscall(SYS_stat, in_scratch("a"), &st), 0);
	T_EQ(st.st_nlink, 2);
	T_SYS_ERR(syscall(SYS_link, in_scratch("a"), in_scratch("b")), EEXIST);
	T_SYS_ERR(syscall(SYS_link, scratch, in_scratch("d")), EPERM);
	T_SYS_EQ(syscall(SYS_unlink, in_scratch("a")), 0);
	T_SYS_EQ(syscall(SYS_stat, in_scratch("b"), &st), 0);
	T_EQ(st.st_nlink, 1);
	check_file("b", "shared");
	scratch_end();
}

static void
rename_files(void)
{
	char buf[8] = { 0 };
	struct stat st;

	scratch_begin();
	put_file("a", "A");
	put_file("b", "B");
	int old_b = T_SYS(syscall(SYS_open, in_scratch("b"), O_RDONLY));
	T_SYS_EQ(syscall(SYS_rename, in_scratch("a"), in_scratch("b")), 0);
	T_SYS_ERR(syscall(SYS_stat, in_scratch("a"), &st), ENOENT);
	check_file("b", "A");
	/* The file it replaced lives on while open. */
	T_SYS_EQ(syscall(SYS_read, old_b, buf, sizeof(buf)), 1);
	T_STR_EQ(buf, "B");
	syscall(SYS_close, old_b);
	/* Onto itself: nothing happens. */
	T_SYS_EQ(syscall(SYS_rename, in_scratch("b"), in_scratch("b")), 0);
	check_file("b", "A");
	T_SYS_ERR(syscall(SYS_rename, in_scratch("none"), in_scratch("c")),
		  ENOENT);
	/* renameat with AT_FDCWD and with a directory descriptor. */
	int dir = T_SYS(syscall(SYS_open, scratch, O_RDONLY | O_DIRECTORY));
	T_SYS_EQ(syscall(SYS_renameat, dir, "b", AT_FDCWD, in_scratch("c")), 0);
	check_file("c", "A");
	syscall(SYS_close, dir);
	scratch_end();
}

static void
directories(void)
{
	struct stat st;

	scratch_begin();
	T_SYS_EQ(syscall(SYS_stat, scratch, &st), 0);
	T_EQ(st.st_nlink, 2);
	T_SYS_EQ(syscall(SYS_mkdir, in_scratch("d"), 0755), 0);
	T_SYS_EQ(syscall(SYS_stat, in_scratch("d"), &st), 0);
	T_CHECK(S_ISDIR(st.st_mode));
	T_EQ(st.st_nlink, 2);
	T_SYS_EQ(syscall(SYS_stat, scratch, &st), 0);
	T_EQ(st.st_nlink, 3);
	T_SYS_ERR(syscall(SYS_mkdir, in_scratch("d"), 0755), EEXIST);
	T_SYS_ERR(syscall(SYS_mkdir, in_scratch("none/d"), 0755), ENOENT);
	put_file("d/f", "x");
	T_SYS_ERR(syscall(SYS_rmdir, in_scratch("d")), ENOTEMPTY);
	T_SYS_ERR(syscall(SYS_rmdir, in_scratch("d/f")), ENOTDIR);
	T_SYS_ERR(syscall(SYS_rmdir, in_scratch("d/.")), EINVAL);
	T_SYS_ERR(syscall(SYS_unlink, in_scratch("d")), EISDIR);
	T_SYS_EQ(syscall(SYS_unlink, in_scratch("d/f")), 0);
	T_SYS_EQ(syscall(SYS_rmdir, in_scratch("d")), 0);
	T_SYS_ERR(syscall(SYS_stat, in_scratch("d"), &st), ENOENT);
	T_SYS_EQ(syscall(SYS_stat, scratch, &st), 0);
	T_EQ(st.st_nlink, 2);
	T_SYS_ERR(syscall(SYS_rmdir, in_scratch("d")), ENOENT);
	/* The *at forms. */
	int dir = T_SYS(syscall(SYS_open, scratch, O_RDONLY | O_DIRECTORY));
	T_SYS_EQ(syscall(SYS_mkdirat, dir, "e", 0755), 0);
	T_SYS_ERR(syscall(SYS_unlinkat, dir, "e", 0), EISDIR);
	T_SYS_EQ(syscall(SYS_unlinkat, dir, "e", AT_REMOVEDIR), 0);
	T_SYS_ERR(syscall(SYS_unlinkat, dir, "e", 0x1), EINVAL);
	syscall(SYS_close, dir);
	scratch_end();
}

static void
rename_directories(void)
{
	char cwd[PATH_MAX];
	struct stat st;

	scratch_begin();
	T_SYS_EQ(syscall(SYS_mkdir, in_scratch("d1"), 0755), 0);
	T_SYS_EQ(syscall(SYS_mkdir, in_scratch("d1/sub"), 0755), 0);
	put_file("d1/sub/f", "deep");
	T_SYS_EQ(syscall(SYS_rename, in_scratch("d1"), in_scratch("d2")), 0);
	T_SYS_ERR(syscall(SYS_stat, in_scratch("d1"), &st), ENOENT);
	check_file("d2/sub/f", "deep");
	/* Into itself. */
	T_SYS_ERR(syscall(SYS_rename, in_scratch("d2"), in_scratch("d2/x")),
		  EINVAL);
	T_SYS_ERR(syscall(SYS_rename, in_scratch("d2"), in_scratch("d2/sub/x")),
		  EINVAL);
	/* Files and directories do not replace each other. */
	put_file("f", "file");
	T_SYS_ERR(syscall(SYS_rename, in_scratch("f"), in_scratch("d2")),
		  EISDIR);
	T_SYS_ERR(syscall(SYS_rename, in_scratch("d2"), in_scratch("f")),
		  ENOTDIR);
	T_SYS_ERR(syscall(SYS_rename, in_scratch("f/"), in_scratch("g")),
		  ENOTDIR);
	/* A directory replaces an empty one, not a full one. */
	T_SYS_EQ(syscall(SYS_mkdir, in_scratch("empty"), 0755), 0);
	T_SYS_EQ(syscall(SYS_mkdir, in_scratch("full"), 0755), 0);
	put_file("full/x", "x");
	T_SYS_ERR(syscall(SYS_rename, in_scratch("d2"), in_scratch("full")),
		  ENOTEMPTY);
	T_SYS_EQ(syscall(SYS_rename, in_scratch("d2"), in_scratch("empty")), 0);
	check_file("empty/sub/f", "deep");
	/* One level up, with the link counts following. */
	T_SYS_EQ(syscall(SYS_rename, in_scratch("empty/sub"),
			 in_scratch("full/sub")),
		 0);
	T_SYS_EQ(syscall(SYS_stat, in_scratch("empty"), &st), 0);
	T_EQ(st.st_nlink, 2);
	T_SYS_EQ(syscall(SYS_stat, in_scratch("full"), &st), 0);
	T_EQ(st.st_nlink, 3);
	/* A process in a directory that moves sees its new name. */
	T_SYS_EQ(syscall(SYS_chdir, in_scratch("full/sub")), 0);
	T_SYS_EQ(syscall(SYS_rename, in_scratch("full"), in_scratch("moved")),
		 0);
	T_SYS(syscall(SYS_getcwd, cwd, sizeof(cwd)));
	T_STR_EQ(cwd, in_scratch("moved/sub"));
	check_file("moved/sub/f", "deep");
	scratch_end();
}

/* The names in the scratch directory, as "name name ..." in the order
 * of the listing, sorted by the caller's choice of names. */
static int
listed(const char *name)
{
	static char buf[4096] __attribute__((aligned(8)));
	int fd = syscall(SYS_open, scratch, O_RDONLY | O_DIRECTORY), count = 0;
	long n;

	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long pos = 0; pos < n;) {
			struct kdirent64 *d = (void *)(buf + pos);
			pos += d->d_reclen;
			count += !strcmp(d->d_name, name);
		}
	syscall(SYS_close, fd);
	return count;
}

static void
getdents_after_changes(void)
{
	scratch_begin();
	put_file("f1", "1");
	put_file("f2", "2");
	put_file("f3", "3");
	T_SYS_EQ(syscall(SYS_mkdir, in_scratch("d"), 0755), 0);
	T_SYS_EQ(syscall(SYS_unlink, in_scratch("f2")), 0);
	T_SYS_EQ(syscall(SYS_rename, in_scratch("f3"), in_scratch("f4")), 0);
	T_EQ(listed("."), 1);
	T_EQ(listed(".."), 1);
	T_EQ(listed("f1"), 1);
	T_EQ(listed("f2"), 0);
	T_EQ(listed("f3"), 0);
	T_EQ(listed("f4"), 1);
	T_EQ(listed("d"), 1);
	scratch_end();
}

static void
errors(void)
{
	char buf[4];

	scratch_begin();
	put_file("f", "x");
	T_SYS_ERR(syscall(SYS_open, in_scratch("none"), O_RDONLY), ENOENT);
	T_SYS_ERR(syscall(SYS_open, in_scratch("none/f"), O_WRONLY | O_CREAT,
			  0644),
		  ENOENT);
	T_SYS_ERR(
		syscall(SYS_open, in_scratch("f/x"), O_WRONLY | O_CREAT, 0644),
		ENOTDIR);
	T_SYS_ERR(
		syscall(SYS_open, in_scratch("new/"), O_WRONLY | O_CREAT, 0644),
		EISDIR);
	T_SYS_ERR(syscall(SYS_open, scratch, O_WRONLY), EISDIR);
	T_SYS_ERR(syscall(SYS_open, scratch, O_RDONLY | O_CREAT, 0644), EISDIR);
	T_SYS_ERR(syscall(SYS_mkdir, in_scratch("f"), 0755), EEXIST);
	T_SYS_ERR(syscall(SYS_mkdir, in_scratch("f/d"), 0755), ENOTDIR);
	T_SYS_ERR(syscall(SYS_unlink, in_scratch("none")), ENOENT);
	T_SYS_ERR(syscall(SYS_unlink, in_scratch("f/")), ENOTDIR);
	int fd = T_SYS(syscall(SYS_open, in_scratch("f"), O_RDONLY));
	T_SYS_ERR(syscall(SYS_write, fd, "y", 1), EBADF);
	T_SYS_ERR(syscall(SYS_pwrite64, fd, "y", 1, 0L), EBADF);
	syscall(SYS_close, fd);
	fd = T_SYS(syscall(SYS_open, in_scratch("f"), O_WRONLY));
	T_SYS_ERR(syscall(SYS_read, fd, buf, 1), EBADF);
	T_SYS_ERR(syscall(SYS_write, fd, T_BAD_PTR, 1), EFAULT);
	syscall(SYS_close, fd);
	T_SYS_ERR(syscall(SYS_renameat2, AT_FDCWD, in_scratch("f"), AT_FDCWD,
			  in_scratch("g"), 0x80000000u),
		  EINVAL);
	scratch_end();
}

static void
times_and_sizes(void)
{
	struct timespec t0, t1;
	struct stat st;

	scratch_begin();
	T_SYS_EQ(syscall(SYS_clock_gettime, CLOCK_REALTIME, &t0), 0);
	put_file("f", "0123456789");
	T_SYS_EQ(syscall(SYS_clock_gettime, CLOCK_REALTIME, &t1), 0);
	T_SYS_EQ(syscall(SYS_stat, in_scratch("f"), &st), 0);
	T_EQ(st.st_size, 10);
	/* Linux stamps files with a clock that may lag a tick behind. */
	T_CHECK(st.st_mtime >= t0.tv_sec - 1 && st.st_mtime <= t1.tv_sec);
	T_CHECK(st.st_ctime >= t0.tv_sec - 1 && st.st_ctime <= t1.tv_sec);
	T_SYS_EQ(syscall(SYS_stat, scratch, &st), 0);
	T_CHECK(st.st_mtime >= t0.tv_sec - 1 && st.st_mtime <= t1.tv_sec);
	scratch_end();
}

/* A big file, written, read back in part, emptied, and removed. */
static void
big_file(void)
{
	static char block[65536];
	char buf[16];

	scratch_begin();
	int fd = T_SYS(
		syscall(SYS_open, in_scratch("big"), O_RDWR | O_CREAT, 0644));
	T_REQUIRE(fd >= 0);
	for (int i = 0; i < BIG_SIZE / (int)sizeof(block); i++) {
		memset(block, 'a' + i % 26, sizeof(block));
		if (syscall(SYS_write, fd, block, sizeof(block)) !=
		    (long)sizeof(block)) {
			T_FAILF("write %d failed errno %d (%s)", i, errno,
				t_errname(errno));
			break;
		}
	}
	T_EQ(size_of("big"), BIG_SIZE);
	T_SYS_EQ(syscall(SYS_pread64, fd, buf, 2, 65536L * 27 - 1), 2);
	T_EQ(buf[0], 'a');
	T_EQ(buf[1], 'b');
	T_SYS_EQ(syscall(SYS_ftruncate, fd, 0L), 0);
	T_EQ(size_of("big"), 0);
	syscall(SYS_close, fd);
	T_SYS_EQ(syscall(SYS_unlink, in_scratch("big")), 0);
	scratch_end();
}

/* A copy of this program, written to the scratch directory, runs. */
static void
exec_written_copy(void)
{
	static char buf[65536];
	long n;

	scratch_begin();
	int in = T_SYS(syscall(SYS_open, t_self(), O_RDONLY));
	int out = T_SYS(syscall(SYS_open, in_scratch("copy"),
				O_WRONLY | O_CREAT | O_EXCL, 0755));
	T_REQUIRE(in >= 0 && out >= 0);
	while ((n = syscall(SYS_read, in, buf, sizeof(buf))) > 0)
		T_SYS_EQ(syscall(SYS_write, out, buf, n), n);
	syscall(SYS_close, in);
	syscall(SYS_close, out);
	pid_t pid = t_fork();
	if (pid == 0) {
		char *argv[] = { (char *)in_scratch("copy"), EXEC_CHILD, NULL };
		syscall(SYS_execve, argv[0], argv, environ);
		_exit(1);
	}
	T_EXITED(t_wait(pid), 7);
	scratch_end();
}

int
main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], EXEC_CHILD))
		return 7;
	t_init(argc, argv, "write");
	T_RUN(create_write_read);
	T_RUN(append_two_descriptors);
	T_RUN(trunc_and_excl);
	T_RUN(holes_read_as_zeros);
	T_RUN(truncate_grow_shrink);
	T_RUN(positioned_io);
	T_RUN(unlink_while_open);
	T_RUN(links);
	T_RUN(rename_files);
	T_RUN(directories);
	T_RUN(rename_directories);
	T_RUN(getdents_after_changes);
	T_RUN(errors);
	T_RUN(times_and_sizes);
	T_RUN(big_file);
	T_RUN(exec_written_copy);
	return t_done();
}
