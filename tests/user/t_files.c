/*
 * t_files: reading files. open and openat, read and readv, lseek, fstat
 * and newfstatat, close, getdents64 on a directory, and the errors:
 * ENOENT, EBADF, EISDIR, ENOTDIR, EFAULT, ENAMETOOLONG, EINVAL. Also the
 * iovec count of readv and writev, readv from a pipe (it stops when the
 * pipe is empty), and lseek past INT64_MAX; the character devices
 * /dev/null and /dev/zero.
 *
 * The files are /etc/motd (its contents are known), the /etc and /tests
 * directories, this program's own binary, and a pipe.
 */
#include "t.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>

#define MOTD_LEN 49

/* The kernel's struct linux_dirent64. */
struct kdirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Its d_type values. */
#define KDT_UNKNOWN 0
#define KDT_REG	    8

_Static_assert(sizeof(struct stat) == 144, "the x86-64 struct stat");
_Static_assert(offsetof(struct kdirent64, d_name) == 19, "linux_dirent64");

static int
open_motd(void)
{
	int fd = T_SYS(syscall(SYS_open, t_path("/etc/motd"), O_RDONLY));

	T_REQUIRE(fd >= 0);
	return fd;
}

/* Read to the end of the file, in reads of at most chunk bytes. */
static long
read_all(int fd, char *buf, long size, long chunk)
{
	long total = 0, r;

	while (total < size) {
		long n = size - total < chunk ? size - total : chunk;
		r = syscall(SYS_read, fd, buf + total, n);
		if (r == -1) {
			T_FAILF("read returned -1 errno %d (%s)", errno,
				t_errname(errno));
			return -1;
		}
		if (r == 0)
			break;
		total += r;
	}
	return total;
}

/* The last component of a path. */
static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void
open_motd_read(void)
{
	char buf[256];
	int fd = open_motd();

	T_CHECK(fd > 2);
	T_EQ(read_all(fd, buf, sizeof(buf), sizeof(buf)), MOTD_LEN);
	T_MEM_EQ(buf, T_MOTD, MOTD_LEN);
	T_SYS_EQ(syscall(SYS_read, fd, buf, sizeof(buf)), 0);
	T_SYS_EQ(syscall(SYS_read, fd, buf, 0), 0);
	T_SYS_EQ(syscall(SYS_close, fd), 0);
}

static void
read_in_pieces(void)
{
	char buf[256];
	int fd = open_motd();

	T_EQ(read_all(fd, buf, sizeof(buf), 7), MOTD_LEN);
	T_MEM_EQ(buf, T_MOTD, MOTD_LEN);
	syscall(SYS_close, fd);

	fd = open_motd();
	T_EQ(read_all(fd, buf, 10, 3), 10);
	T_MEM_EQ(buf, T_MOTD, 10);
	syscall(SYS_close, fd);
}

static void
openat_dirfd(void)
{
	char buf[64];
	int dir, fd, file;

	fd = T_SYS(
		syscall(SYS_openat, AT_FDCWD, t_path("/etc/motd"), O_RDONLY));
	T_EQ(read_all(fd, buf, sizeof(buf), sizeof(buf)), MOTD_LEN);
	T_MEM_EQ(buf, T_MOTD, MOTD_LEN);
	syscall(SYS_close, fd);

	dir = T_SYS(syscall(SYS_openat, AT_FDCWD, t_path("/etc"),
			    O_RDONLY | O_DIRECTORY));
	fd = T_SYS(syscall(SYS_openat, dir, "motd", O_RDONLY));
	T_EQ(read_all(fd, buf, sizeof(buf), sizeof(buf)), MOTD_LEN);
	T_MEM_EQ(buf, T_MOTD, MOTD_LEN);
	syscall(SYS_close, fd);
	fd = T_SYS(syscall(SYS_openat, dir, "./motd", O_RDONLY));
	syscall(SYS_close, fd);
	T_SYS_ERR(syscall(SYS_openat, dir, "nothing-here", O_RDONLY), ENOENT);

	/* An absolute path ignores dirfd, even a bad one. */
	if (t_path("/")[0] == '/') {
		fd = T_SYS(syscall(SYS_openat, 999, t_path("/etc/motd"),
				   O_RDONLY));
		syscall(SYS_close, fd);
	}
	T_SYS_ERR(syscall(SYS_openat, 999, "motd", O_RDONLY), EBADF);
	T_SYS_ERR(syscall(SYS_openat, -5, "motd", O_RDONLY), EBADF);

	/* A relative path needs dirfd to be a directory. */
	file = open_motd();
	T_SYS_ERR(syscall(SYS_openat, file, "motd", O_RDONLY), ENOTDIR);
	syscall(SYS_close, file);
	syscall(SYS_close, dir);
}

static void
lseek_whence(void)
{
	char buf[16];
	int fd = open_motd(), fd2;

	T_SYS_EQ(syscall(SYS_lseek, fd, 11, SEEK_SET), 11);
	T_SYS_EQ(syscall(SYS_read, fd, buf, 6), 6);
	T_MEM_EQ(buf, "Sprout", 6);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_CUR), 17);
	T_SYS_EQ(syscall(SYS_lseek, fd, -6L, SEEK_CUR), 11);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_END), MOTD_LEN);
	T_SYS_EQ(syscall(SYS_lseek, fd, -4L, SEEK_END), MOTD_LEN - 4);
	T_SYS_EQ(syscall(SYS_read, fd, buf, sizeof(buf)), 4);
	T_MEM_EQ(buf, "64.\n", 4);

	/* Past the end is allowed; reading there gives end of file. */
	T_SYS_EQ(syscall(SYS_lseek, fd, 1000, SEEK_SET), 1000);
	T_SYS_EQ(syscall(SYS_read, fd, buf, sizeof(buf)), 0);

	/* A negative offset is not; the offset stays where it was. */
	T_SYS_ERR(syscall(SYS_lseek, fd, -1L, SEEK_SET), EINVAL);
	T_SYS_ERR(syscall(SYS_lseek, fd, -2000L, SEEK_CUR), EINVAL);
	T_SYS_ERR(syscall(SYS_lseek, fd, -100L, SEEK_END), EINVAL);
	T_SYS_ERR(syscall(SYS_lseek, fd, 0, 7), EINVAL);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_CUR), 1000);
	T_SYS_ERR(syscall(SYS_lseek, 999, 0, SEEK_SET), EBADF);

	/* Two opens are two offsets. */
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_SET), 0);
	fd2 = open_motd();
	T_SYS_EQ(syscall(SYS_read, fd, buf, 8), 8);
	T_SYS_EQ(syscall(SYS_lseek, fd2, 0, SEEK_CUR), 0);
	T_SYS_EQ(syscall(SYS_read, fd2, buf, 3), 3);
	T_MEM_EQ(buf, "Wel", 3);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_CUR), 8);
	syscall(SYS_close, fd);
	syscall(SYS_close, fd2);
}

/* A forked child shares the open file, offset included. */
static void
fork_shares_offset(void)
{
	char buf[8];
	int fd = open_motd();
	pid_t pid = t_fork();

	if (pid == 0) {
		long r = syscall(SYS_read, fd, buf, 8);
		_exit(r == 8 && memcmp(buf, "Welcome ", 8) == 0 ? 0 : 1);
	}
	T_EXITED(t_wait(pid), 0);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_CUR), 8);
	T_SYS_EQ(syscall(SYS_read, fd, buf, 2), 2);
	T_MEM_EQ(buf, "to", 2);
	syscall(SYS_close, fd);
}

static void
fstat_file(void)
{
	unsigned char raw[256];
	struct stat *st = (struct stat *)raw;
	int fd = open_motd();

	memset(raw, 0xa5, sizeof(raw));
	T_SYS_EQ(syscall(SYS_fstat, fd, st), 0);
	T_CHECK(S_ISREG(st->st_mode));
	T_EQ(st->st_size, MOTD_LEN);
	T_CHECK(st->st_nlink >= 1);
	T_CHECK(st->st_mode & S_IRUSR);
	/* The kernel writes a struct stat and nothing after it. */
	for (size_t i = sizeof(struct stat); i < sizeof(raw); i++)
		if (raw[i] != 0xa5) {
			T_FAILF("fstat wrote byte %zu, past struct stat", i);
			break;
		}
	syscall(SYS_close, fd);
}

/* This program's own binary: a big, executable regular file. */
static void
fstat_self(void)
{
	struct stat st;
	char head[4];
	int fd;

	fd = T_SYS(syscall(SYS_open, t_self(), O_RDONLY));
	T_REQUIRE(fd >= 0);
	T_SYS_EQ(syscall(SYS_fstat, fd, &st), 0);
	T_CHECK(S_ISREG(st.st_mode));
	T_CHECK(st.st_mode & S_IXUSR);
	T_CHECK(st.st_size > 4096);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_END), st.st_size);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_SET), 0);
	T_SYS_EQ(syscall(SYS_read, fd, head, 4), 4);
	T_MEM_EQ(head, "\177ELF", 4);
	syscall(SYS_close, fd);
}

static void
fstat_dir(void)
{
	struct stat st;
	int fd = T_SYS(
		syscall(SYS_open, t_path("/etc"), O_RDONLY | O_DIRECTORY));

	T_SYS_EQ(syscall(SYS_fstat, fd, &st), 0);
	T_CHECK(S_ISDIR(st.st_mode));
	T_CHECK(st.st_nlink >= 1);
	syscall(SYS_close, fd);
}

static void
newfstatat_paths(void)
{
	struct stat a, b;
	int fd = open_motd(), dir;

	T_SYS_EQ(syscall(SYS_fstat, fd, &a), 0);
	memset(&b, 0, sizeof(b));
	T_SYS_EQ(syscall(SYS_newfstatat, AT_FDCWD, t_path("/etc/motd"), &b, 0),
		 0);
	T_CHECK(S_ISREG(b.st_mode));
	T_EQ(b.st_size, MOTD_LEN);
	T_EQ(b.st_ino, a.st_ino);
	T_EQ(b.st_dev, a.st_dev);
	T_EQ(b.st_mode, a.st_mode);

	/* What musl's lstat() asks for. */
	memset(&b, 0, sizeof(b));
	T_SYS_EQ(syscall(SYS_newfstatat, AT_FDCWD, t_path("/etc/motd"), &b,
			 AT_SYMLINK_NOFOLLOW),
		 0);
	T_EQ(b.st_ino, a.st_ino);
	T_EQ(b.st_size, MOTD_LEN);

	dir = T_SYS(syscall(SYS_open, t_path("/etc"), O_RDONLY | O_DIRECTORY));
	memset(&b, 0, sizeof(b));
	T_SYS_EQ(syscall(SYS_newfstatat, dir, "motd", &b, 0), 0);
	T_EQ(b.st_ino, a.st_ino);
	T_SYS_EQ(syscall(SYS_newfstatat, AT_FDCWD, t_path("/etc"), &b, 0), 0);
	T_CHECK(S_ISDIR(b.st_mode));

	T_SYS_ERR(syscall(SYS_newfstatat, AT_FDCWD, t_path("/etc/none"), &b, 0),
		  ENOENT);
	T_SYS_ERR(
		syscall(SYS_newfstatat, AT_FDCWD, t_path("/etc/motd/x"), &b, 0),
		ENOTDIR);
	T_SYS_ERR(syscall(SYS_newfstatat, dir, "", &b, 0), ENOENT);
	T_SYS_ERR(syscall(SYS_newfstatat, fd, "motd", &b, 0), ENOTDIR);
	T_SYS_ERR(syscall(SYS_newfstatat, 999, "motd", &b, 0), EBADF);
	T_SYS_ERR(syscall(SYS_newfstatat, AT_FDCWD, t_path("/etc/motd"),
			  T_BAD_PTR, 0),
		  EFAULT);
	T_SYS_ERR(syscall(SYS_newfstatat, AT_FDCWD, t_path("/etc/motd"),
			  T_KERNEL_PTR, 0),
		  EFAULT);
	T_SYS_ERR(syscall(SYS_newfstatat, AT_FDCWD, NULL, &b, 0), EFAULT);
	syscall(SYS_close, dir);
	syscall(SYS_close, fd);
}

static void
close_and_ebadf(void)
{
	char buf[4];
	struct stat st;
	int fd = open_motd(), again;

	T_SYS_EQ(syscall(SYS_close, fd), 0);
	T_SYS_ERR(syscall(SYS_close, fd), EBADF);
	T_SYS_ERR(syscall(SYS_read, fd, buf, sizeof(buf)), EBADF);
	T_SYS_ERR(syscall(SYS_fstat, fd, &st), EBADF);
	T_SYS_ERR(syscall(SYS_lseek, fd, 0, SEEK_SET), EBADF);
	T_SYS_ERR(syscall(SYS_close, -1), EBADF);
	T_SYS_ERR(syscall(SYS_close, 4096), EBADF);
	T_SYS_ERR(syscall(SYS_read, -1, buf, sizeof(buf)), EBADF);
	T_SYS_ERR(syscall(SYS_read, 999, buf, sizeof(buf)), EBADF);

	/* open() returns the lowest free descriptor: the one just freed. */
	again = open_motd();
	T_EQ(again, fd);
	syscall(SYS_close, again);
}

/* Read a whole directory with buffers of size bytes; 0 if all is well. */
struct seen {
	int dot, dotdot, motd;
	uint64_t motd_ino;
	unsigned char motd_type;
	int entries;
};

static void
list_dir(int fd, size_t size, struct seen *seen)
{
	static char buf[8192] __attribute__((aligned(8)));
	long n;

	memset(seen, 0, sizeof(*seen));
	for (int calls = 0; calls < 1000; calls++) {
		n = syscall(SYS_getdents64, fd, buf, size);
		if (n == -1) {
			T_FAILF("getdents64 returned -1 errno %d (%s)", errno,
				t_errname(errno));
			return;
		}
		if (n == 0)
			return;
		if ((size_t)n > size) {
			T_FAILF("getdents64 returned %ld for %zu bytes", n,
				size);
			return;
		}
		for (long off = 0; off < n;) {
			struct kdirent64 *d = (struct kdirent64 *)(buf + off);
			size_t len = strnlen(d->d_name, d->d_reclen);

			if (d->d_reclen % 8 || off + d->d_reclen > n ||
			    19 + len + 1 > d->d_reclen) {
				T_FAILF("bad record at %ld: d_reclen %u", off,
					d->d_reclen);
				return;
			}
			if (d->d_ino == 0)
				T_FAILF("\"%s\" has d_ino 0", d->d_name);
			if (strcmp(d->d_name, ".") == 0)
				seen->dot++;
			if (strcmp(d->d_name, "..") == 0)
				seen->dotdot++;
			if (strcmp(d->d_name, "motd") == 0) {
				seen->motd++;
				seen->motd_ino = d->d_ino;
				seen->motd_type = d->d_type;
			}
			seen->entries++;
			off += d->d_reclen;
		}
	}
	T_FAILF("getdents64 never returned 0");
}

static void
getdents_etc(void)
{
	struct seen seen;
	struct stat st;
	char buf[64];
	int fd;

	T_SYS_EQ(syscall(SYS_newfstatat, AT_FDCWD, t_path("/etc/motd"), &st, 0),
		 0);
	fd = T_SYS(syscall(SYS_open, t_path("/etc"), O_RDONLY | O_DIRECTORY));
	T_REQUIRE(fd >= 0);
	list_dir(fd, 4096, &seen);
	T_EQ(seen.dot, 1);
	T_EQ(seen.dotdot, 1);
	T_EQ(seen.motd, 1);
	T_EQ(seen.motd_ino, st.st_ino);
	/* Some Linux file systems do not know the type: KDT_UNKNOWN. */
	T_CHECK(seen.motd_type == KDT_REG || seen.motd_type == KDT_UNKNOWN);
	T_SYS_EQ(syscall(SYS_getdents64, fd, buf, sizeof(buf)), 0);
	syscall(SYS_close, fd);
}

/* A buffer with room for one entry at a time still sees them all. */
static void
getdents_small_buffer(void)
{
	struct seen big, small;
	int fd;

	fd = T_SYS(syscall(SYS_open, t_path("/etc"), O_RDONLY | O_DIRECTORY));
	T_REQUIRE(fd >= 0);
	list_dir(fd, 4096, &big);
	syscall(SYS_close, fd);
	fd = T_SYS(syscall(SYS_open, t_path("/etc"), O_RDONLY | O_DIRECTORY));
	list_dir(fd, 32, &small);
	syscall(SYS_close, fd);
	T_EQ(small.entries, big.entries);
	T_EQ(small.dot, 1);
	T_EQ(small.dotdot, 1);
	T_EQ(small.motd, 1);
}

/* /tests holds this program. */
static void
getdents_tests_dir(void)
{
	static char buf[4096] __attribute__((aligned(8)));
	const char *me = base_name(t_self());
	int fd, found = 0;
	long n;

	fd = T_SYS(syscall(SYS_open, t_path("/tests"), O_RDONLY | O_DIRECTORY));
	T_REQUIRE(fd >= 0);
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct kdirent64 *d = (struct kdirent64 *)(buf + off);
			if (strcmp(d->d_name, me) == 0) {
				found = 1;
				T_CHECK(d->d_type == KDT_REG ||
					d->d_type == KDT_UNKNOWN);
			}
			off += d->d_reclen;
		}
	}
	T_EQ(n, 0);
	if (!found)
		T_FAILF("\"%s\" is not in %s", me, t_path("/tests"));
	syscall(SYS_close, fd);
}

static void
getdents_errors(void)
{
	static char buf[4096] __attribute__((aligned(8)));
	int dir, file = open_motd();

	dir = T_SYS(syscall(SYS_open, t_path("/etc"), O_RDONLY | O_DIRECTORY));
	T_SYS_ERR(syscall(SYS_getdents64, dir, buf, 1), EINVAL);
	T_SYS_ERR(syscall(SYS_getdents64, file, buf, sizeof(buf)), ENOTDIR);
	T_SYS_ERR(syscall(SYS_getdents64, 999, buf, sizeof(buf)), EBADF);
	T_SYS_ERR(syscall(SYS_getdents64, dir, T_BAD_PTR, 4096), EFAULT);
	T_SYS_ERR(syscall(SYS_getdents64, dir, T_KERNEL_PTR, 4096), EFAULT);
	syscall(SYS_close, dir);
	syscall(SYS_close, file);
}

static void
enoent(void)
{
	T_SYS_ERR(syscall(SYS_open, t_path("/etc/no-such-file"), O_RDONLY),
		  ENOENT);
	T_SYS_ERR(syscall(SYS_open, t_path("/no-such-dir/motd"), O_RDONLY),
		  ENOENT);
	T_SYS_ERR(syscall(SYS_openat, AT_FDCWD, t_path("/etc/none"), O_RDONLY),
		  ENOENT);
	T_SYS_ERR(syscall(SYS_open, "", O_RDONLY), ENOENT);
}

static void
eisdir(void)
{
	char buf[16];
	int fd;

	T_SYS_ERR(syscall(SYS_open, t_path("/etc"), O_WRONLY), EISDIR);
	T_SYS_ERR(syscall(SYS_open, t_path("/etc"), O_RDWR), EISDIR);
	fd = T_SYS(syscall(SYS_open, t_path("/etc"), O_RDONLY));
	T_SYS_ERR(syscall(SYS_read, fd, buf, sizeof(buf)), EISDIR);
	syscall(SYS_close, fd);
}

static void
enotdir(void)
{
	T_SYS_ERR(syscall(SYS_open, t_path("/etc/motd/x"), O_RDONLY), ENOTDIR);
	T_SYS_ERR(syscall(SYS_open, t_path("/etc/motd/"), O_RDONLY), ENOTDIR);
	T_SYS_ERR(
		syscall(SYS_open, t_path("/etc/motd"), O_RDONLY | O_DIRECTORY),
		ENOTDIR);
}

static void
efault(void)
{
	struct stat st;
	char *page;
	int fd = open_motd();

	T_SYS_ERR(syscall(SYS_read, fd, T_BAD_PTR, 10), EFAULT);
	T_SYS_ERR(syscall(SYS_read, fd, T_KERNEL_PTR, 10), EFAULT);
	T_SYS_ERR(syscall(SYS_fstat, fd, T_BAD_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_fstat, fd, T_KERNEL_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_open, NULL, O_RDONLY), EFAULT);
	T_SYS_ERR(syscall(SYS_open, T_BAD_PTR, O_RDONLY), EFAULT);
	T_SYS_ERR(syscall(SYS_open, T_KERNEL_PTR, O_RDONLY), EFAULT);
	T_SYS_ERR(syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY), EFAULT);
	T_SYS_ERR(syscall(SYS_newfstatat, AT_FDCWD, T_KERNEL_PTR, &st, 0),
		  EFAULT);

	/* A path that runs, unterminated, into an unmapped page. */
	page = (char *)syscall(SYS_mmap, NULL, 8192, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_REQUIRE(page != MAP_FAILED);
	T_SYS_EQ(syscall(SYS_munmap, page + 4096, 4096), 0);
	memset(page, 'a', 4096);
	T_SYS_ERR(syscall(SYS_open, page + 4096 - 100, O_RDONLY), EFAULT);

	/* The failures did not move the offset. */
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_CUR), 0);
	syscall(SYS_close, fd);
}

static void
enametoolong(void)
{
	static char path[PATH_MAX + 64];
	const char *root = t_root();
	size_t rootlen = strlen(root), tail = strlen("etc/motd"), slashes;
	int fd;

	/* A component longer than NAME_MAX (255 bytes). */
	snprintf(path, sizeof(path), "%s/etc/", root);
	memset(path + rootlen + 5, 'n', 256);
	path[rootlen + 5 + 256] = '\0';
	T_SYS_ERR(syscall(SYS_open, path, O_RDONLY), ENAMETOOLONG);
	path[rootlen + 5 + 255] = '\0';
	T_SYS_ERR(syscall(SYS_open, path, O_RDONLY), ENOENT);

	/*
	 * A whole path of PATH_MAX - 1 bytes (the longest there is, with its
	 * NUL) opens; one byte more does not. Extra slashes pad it.
	 */
	T_REQUIRE(rootlen + tail + 1 < PATH_MAX - 1);
	slashes = PATH_MAX - 1 - rootlen - tail;
	memcpy(path, root, rootlen);
	memset(path + rootlen, '/', slashes);
	strcpy(path + rootlen + slashes, "etc/motd");
	T_EQ(strlen(path), PATH_MAX - 1);
	fd = T_SYS(syscall(SYS_open, path, O_RDONLY));
	syscall(SYS_close, fd);
	memset(path + rootlen, '/', slashes + 1);
	strcpy(path + rootlen + slashes + 1, "etc/motd");
	T_EQ(strlen(path), PATH_MAX);
	T_SYS_ERR(syscall(SYS_open, path, O_RDONLY), ENAMETOOLONG);

	memset(path, 'a', PATH_MAX + 32);
	path[0] = '/';
	path[PATH_MAX + 32] = '\0';
	T_SYS_ERR(syscall(SYS_open, path, O_RDONLY), ENAMETOOLONG);
}

static void
readv_iovecs(void)
{
	char a[5], b[10], c[100], big[64];
	struct iovec iov[4] = {
		{ a, sizeof(a) },
		{ NULL, 0 },
		{ b, sizeof(b) },
		{ c, sizeof(c) },
	};
	struct iovec one = { big, sizeof(big) };
	int fd = open_motd();

	T_SYS_EQ(syscall(SYS_readv, fd, iov, 4), MOTD_LEN);
	T_MEM_EQ(a, T_MOTD, 5);
	T_MEM_EQ(b, T_MOTD + 5, 10);
	T_MEM_EQ(c, T_MOTD + 15, MOTD_LEN - 15);
	T_SYS_EQ(syscall(SYS_readv, fd, iov, 4), 0);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_SET), 0);
	T_SYS_EQ(syscall(SYS_readv, fd, iov, 0), 0);
	T_SYS_EQ(syscall(SYS_readv, fd, &one, 1), MOTD_LEN);
	T_MEM_EQ(big, T_MOTD, MOTD_LEN);
	syscall(SYS_close, fd);
}

static void
readv_writev_errors(void)
{
	static struct iovec many[IOV_MAX + 1];
	char buf[16];
	struct iovec iov = { buf, sizeof(buf) };
	struct iovec huge = { buf, (size_t)SSIZE_MAX + 1 };
	struct iovec bad = { T_BAD_PTR, 16 };
	int fd = open_motd();

	T_SYS_ERR(syscall(SYS_readv, fd, &iov, -1), EINVAL);
	T_SYS_ERR(syscall(SYS_readv, fd, many, IOV_MAX + 1), EINVAL);
	T_SYS_ERR(syscall(SYS_readv, fd, &huge, 1), EINVAL);
	T_SYS_ERR(syscall(SYS_readv, fd, T_BAD_PTR, 1), EFAULT);
	T_SYS_ERR(syscall(SYS_readv, fd, T_KERNEL_PTR, 1), EFAULT);
	T_SYS_ERR(syscall(SYS_readv, fd, &bad, 1), EFAULT);
	T_SYS_ERR(syscall(SYS_readv, 999, &iov, 1), EBADF);
	/* IOV_MAX empty iovecs are fine. */
	T_SYS_EQ(syscall(SYS_readv, fd, many, IOV_MAX), 0);

	/* The file is open for reading only. */
	T_SYS_ERR(syscall(SYS_write, fd, "x", 1), EBADF);
	T_SYS_ERR(syscall(SYS_writev, fd, &iov, 1), EBADF);
	T_SYS_ERR(syscall(SYS_writev, 999, &iov, 1), EBADF);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_CUR), 0);
	syscall(SYS_close, fd);
}

/*
 * The iovec count: readv and writev take an unsigned long, but only its
 * low 32 bits count (Linux's import_iovec takes an unsigned int), and
 * more than IOV_MAX of those is EINVAL. (What 1 << 32 gives is left out:
 * 0 iovecs since Linux 4.1, EINVAL before it.)
 */
static void
vector_count(void)
{
	int fd = open_motd();

	T_SYS_ERR(syscall(SYS_writev, 1, NULL, -1L), EINVAL);
	T_SYS_ERR(syscall(SYS_writev, 1, NULL, (1L << 32) + IOV_MAX + 1),
		  EINVAL);
	T_SYS_ERR(syscall(SYS_readv, fd, NULL, -1L), EINVAL);
	T_SYS_ERR(syscall(SYS_readv, fd, NULL, (1L << 32) + IOV_MAX + 1),
		  EINVAL);
	T_SYS_ERR(syscall(SYS_readv, fd, NULL, 1L << 31), EINVAL);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_CUR), 0);
	syscall(SYS_close, fd);
}

/*
 * readv from a pipe takes what is there and does not wait for more
 * once it has something (Linux hands the pipe the whole vector in one
 * read): here the first buffer takes all there is, exactly, and the
 * second would wait for ever.
 */
static void
readv_pipe_stops(void)
{
	char a[4], b[16];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int fds[2];

	T_SYS_EQ(syscall(SYS_pipe2, fds, 0), 0);
	T_SYS_EQ(syscall(SYS_write, fds[1], "abcd", 4), 4);
	T_SYS_EQ(syscall(SYS_readv, fds[0], iov, 2), 4);
	T_MEM_EQ(a, "abcd", 4);
	/* With more there, it goes on into the next buffer. */
	T_SYS_EQ(syscall(SYS_write, fds[1], "efghijkl", 8), 8);
	T_SYS_EQ(syscall(SYS_readv, fds[0], iov, 2), 8);
	T_MEM_EQ(a, "efgh", 4);
	T_MEM_EQ(b, "ijkl", 4);
	syscall(SYS_close, fds[0]);
	syscall(SYS_close, fds[1]);
}

/*
 * An offset that would pass INT64_MAX is EINVAL, and the offset stays.
 * (Where lseek may go short of that depends on the file system: ext4
 * stops at 16 TiB, tmpfs does not; that is not tested. Nor is SEEK_END
 * on a directory: ext4 seeks to the end of its hashes, tmpfs refuses.)
 */
static void
lseek_overflow(void)
{
	int fd = open_motd();

	T_SYS_EQ(syscall(SYS_lseek, fd, 1, SEEK_SET), 1);
	T_SYS_ERR(syscall(SYS_lseek, fd, INT64_MAX, SEEK_CUR), EINVAL);
	T_SYS_ERR(syscall(SYS_lseek, fd, INT64_MAX, SEEK_END), EINVAL);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_CUR), 1);
	syscall(SYS_close, fd);
}

/* --- /dev/null and /dev/zero ------------------------------------------ */

/* A character device with Linux's numbers, readable and writable by
 * all, of size 0. */
static void
check_memdev(int fd, unsigned minor)
{
	struct stat st;

	T_SYS_EQ(syscall(SYS_fstat, fd, &st), 0);
	T_CHECK(S_ISCHR(st.st_mode));
	T_EQ(st.st_mode & 07777, 0666);
	T_EQ(major(st.st_rdev), 1);
	T_EQ(minor(st.st_rdev), minor);
	T_EQ(st.st_rdev, 1 << 8 | minor);
	T_EQ(st.st_size, 0);
}

/* Always ready, both ways. */
static void
check_always_ready(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };

	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 0), 1);
	T_EQ(pfd.revents, POLLIN | POLLOUT);
}

static void
dev_null(void)
{
	char buf[16] = "untouched";
	struct stat st;

	int fd = T_SYS(syscall(SYS_open, "/dev/null", O_RDWR));
	check_memdev(fd, 3);
	/* Reading: end of file at once. Writing: every byte taken. */
	T_SYS_EQ(syscall(SYS_read, fd, buf, sizeof(buf)), 0);
	T_STR_EQ(buf, "untouched");
	T_SYS_EQ(syscall(SYS_write, fd, "hello", 5), 5);
	T_SYS_EQ(syscall(SYS_write, fd, buf, 0), 0);
	/* It never looks at the bytes, but the range must be user memory. */
	T_SYS_EQ(syscall(SYS_write, fd, T_BAD_PTR, 5), 5);
	T_SYS_ERR(syscall(SYS_write, fd, T_KERNEL_PTR, 5), EFAULT);
	/* lseek goes nowhere, and says 0. */
	T_SYS_EQ(syscall(SYS_lseek, fd, 100, SEEK_SET), 0);
	T_SYS_EQ(syscall(SYS_lseek, fd, 7, SEEK_CUR), 0);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_END), 0);
	check_always_ready(fd);
	syscall(SYS_close, fd);

	/* As a shell's "> /dev/null" opens it. */
	fd = T_SYS(syscall(SYS_open, "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
			   0666));
	T_SYS_EQ(syscall(SYS_write, fd, "x\n", 2), 2);
	T_SYS_ERR(syscall(SYS_read, fd, buf, 1), EBADF);
	syscall(SYS_close, fd);
	T_SYS_EQ(syscall(SYS_newfstatat, AT_FDCWD, "/dev/null", &st, 0), 0);
	T_EQ(st.st_rdev, 1 << 8 | 3);
}

static void
dev_zero(void)
{
	static char big[1 << 20];
	char a[100], b[50];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

	int fd = T_SYS(syscall(SYS_open, "/dev/zero", O_RDWR));
	check_memdev(fd, 5);
	/* As many zeros as asked for, however many. */
	memset(a, 0x55, sizeof(a));
	T_SYS_EQ(syscall(SYS_read, fd, a, sizeof(a)), sizeof(a));
	for (size_t i = 0; i < sizeof(a); i++)
		if (a[i] != 0) {
			T_FAILF("byte %zu is 0x%02x, want 0", i, a[i]);
			break;
		}
	memset(big, 0x55, sizeof(big));
	T_SYS_EQ(syscall(SYS_read, fd, big, sizeof(big)), sizeof(big));
	T_EQ(big[0], 0);
	T_EQ(big[sizeof(big) / 2], 0);
	T_EQ(big[sizeof(big) - 1], 0);
	/* readv fills every buffer. */
	memset(a, 0x55, sizeof(a));
	memset(b, 0x55, sizeof(b));
	T_SYS_EQ(syscall(SYS_readv, fd, iov, 2), sizeof(a) + sizeof(b));
	T_EQ(a[sizeof(a) - 1], 0);
	T_EQ(b[sizeof(b) - 1], 0);
	T_SYS_ERR(syscall(SYS_read, fd, T_KERNEL_PTR, 10), EFAULT);
	T_SYS_ERR(syscall(SYS_read, fd, T_BAD_PTR, 10), EFAULT);
	/* Writing: every byte taken, as /dev/null. */
	T_SYS_EQ(syscall(SYS_write, fd, "hello", 5), 5);
	T_SYS_EQ(syscall(SYS_lseek, fd, 100, SEEK_SET), 0);
	check_always_ready(fd);
	syscall(SYS_close, fd);
}

int
main(int argc, char **argv)
{
	t_init(argc, argv, "files");
	T_RUN(open_motd_read);
	T_RUN(read_in_pieces);
	T_RUN(openat_dirfd);
	T_RUN(lseek_whence);
	T_RUN(fork_shares_offset);
	T_RUN(fstat_file);
	T_RUN(fstat_self);
	T_RUN(fstat_dir);
	T_RUN(newfstatat_paths);
	T_RUN(close_and_ebadf);
	T_RUN(getdents_etc);
	T_RUN(getdents_small_buffer);
	T_RUN(getdents_tests_dir);
	T_RUN(getdents_errors);
	T_RUN(enoent);
	T_RUN(eisdir);
	T_RUN(enotdir);
	T_RUN(efault);
	T_RUN(enametoolong);
	T_RUN(readv_iovecs);
	T_RUN(readv_writev_errors);
	T_RUN(vector_count);
	T_RUN(readv_pipe_stops);
	T_RUN(lseek_overflow);
	T_RUN(dev_null);
	T_RUN(dev_zero);
	return t_done();
}
