/*
 * t_dirs: the working directory and permission checks. getcwd, chdir
 * (and relative names after it, and its inheritance by a child),
 * access and faccessat with F_OK, R_OK and X_OK, and their errors:
 * ENOENT, ENOTDIR, ERANGE, EACCES, EINVAL, EBADF, EFAULT. Also reading
 * a directory (/tests/data) in small steps with getdents64: one entry
 * at a time, EINVAL for a buffer too small for the next entry, and no
 * entry lost to EFAULT.
 *
 * Changing the tree (making and removing names) is t_write's.
 */
#include "t.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>

static char cwd[PATH_MAX];

/* getcwd() with the raw call's checks; the result is in cwd. */
static const char *
get_cwd(void)
{
	long r;

	memset(cwd, 0, sizeof(cwd));
	r = syscall(SYS_getcwd, cwd, sizeof(cwd));
	if (r == -1) {
		T_FAILF("getcwd returned -1 errno %d (%s)", errno,
			t_errname(errno));
		return "";
	}
	if (cwd[0] != '/')
		T_FAILF("getcwd gave \"%s\", not an absolute path", cwd);
	/* The raw call returns the length with the NUL. */
	if ((size_t)r != strlen(cwd) + 1)
		T_FAILF("getcwd returned %ld for \"%s\"", r, cwd);
	return cwd;
}

/* The directory standing for Sprout's root, as getcwd names it. */
static char base[PATH_MAX];

static void
enter_root(void)
{
	T_SYS_EQ(syscall(SYS_chdir, t_path("/")), 0);
	snprintf(base, sizeof(base), "%s", get_cwd());
}

/* base + "/" + name, without doubling the slash when base is "/". */
static const char *
under_base(const char *name)
{
	static char buf[PATH_MAX + 256];

	snprintf(buf, sizeof(buf), "%s/%s", strcmp(base, "/") ? base : "",
		 name);
	return buf;
}

static void
getcwd_sizes(void)
{
	char buf[PATH_MAX];
	size_t len;

	enter_root();
	len = strlen(base);
	T_SYS_EQ(syscall(SYS_getcwd, buf, len + 1), len + 1);
	T_STR_EQ(buf, base);
	T_SYS_ERR(syscall(SYS_getcwd, buf, len), ERANGE);
	T_SYS_ERR(syscall(SYS_getcwd, buf, 1), ERANGE);
	T_SYS_ERR(syscall(SYS_getcwd, buf, 0), ERANGE);
	T_SYS_ERR(syscall(SYS_getcwd, T_BAD_PTR, sizeof(buf)), EFAULT);
	T_SYS_ERR(syscall(SYS_getcwd, T_KERNEL_PTR, sizeof(buf)), EFAULT);
}

static void
chdir_and_back(void)
{
	enter_root();
	T_SYS_EQ(syscall(SYS_chdir, "etc"), 0);
	T_STR_EQ(get_cwd(), under_base("etc"));
	T_SYS_EQ(syscall(SYS_chdir, "."), 0);
	T_STR_EQ(get_cwd(), under_base("etc"));
	T_SYS_EQ(syscall(SYS_chdir, ".."), 0);
	T_STR_EQ(get_cwd(), base);
	T_SYS_EQ(syscall(SYS_chdir, "./tests/../etc/"), 0);
	T_STR_EQ(get_cwd(), under_base("etc"));
	T_SYS_EQ(syscall(SYS_chdir, "/"), 0);
	T_STR_EQ(get_cwd(), "/");
	T_SYS_EQ(syscall(SYS_chdir, ".."), 0);
	T_STR_EQ(get_cwd(), "/");
	T_SYS_EQ(syscall(SYS_chdir, t_path("/tests")), 0);
	T_STR_EQ(get_cwd(), under_base("tests"));
}

static void
relative_names(void)
{
	char buf[64];
	int fd;

	enter_root();
	T_SYS_EQ(syscall(SYS_chdir, t_path("/etc")), 0);
	fd = T_SYS(syscall(SYS_open, "motd", O_RDONLY));
	T_SYS_EQ(syscall(SYS_read, fd, buf, sizeof(buf)), strlen(T_MOTD));
	T_MEM_EQ(buf, T_MOTD, strlen(T_MOTD));
	syscall(SYS_close, fd);
	fd = T_SYS(syscall(SYS_openat, AT_FDCWD, "motd", O_RDONLY));
	syscall(SYS_close, fd);
	fd = T_SYS(syscall(SYS_open, "./motd", O_RDONLY));
	syscall(SYS_close, fd);
	fd = T_SYS(syscall(SYS_open, "../etc/motd", O_RDONLY));
	syscall(SYS_close, fd);
	fd = T_SYS(syscall(SYS_open, "../tests", O_RDONLY | O_DIRECTORY));
	syscall(SYS_close, fd);
	T_SYS_EQ(syscall(SYS_access, "motd", R_OK), 0);
	T_SYS_ERR(syscall(SYS_open, "etc/motd", O_RDONLY), ENOENT);
}

static void
chdir_errors(void)
{
	enter_root();
	T_SYS_EQ(syscall(SYS_chdir, "etc"), 0);
	T_SYS_ERR(syscall(SYS_chdir, "motd"), ENOTDIR);
	T_SYS_ERR(syscall(SYS_chdir, "motd/"), ENOTDIR);
	T_SYS_ERR(syscall(SYS_chdir, "motd/x"), ENOTDIR);
	T_SYS_ERR(syscall(SYS_chdir, "no-such-dir"), ENOENT);
	T_SYS_ERR(syscall(SYS_chdir, ""), ENOENT);
	T_SYS_ERR(syscall(SYS_chdir, NULL), EFAULT);
	T_SYS_ERR(syscall(SYS_chdir, T_BAD_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_chdir, T_KERNEL_PTR), EFAULT);
	/* None of that moved us. */
	T_STR_EQ(get_cwd(), under_base("etc"));
}

/* A child starts in its parent's directory; its chdir is its own. */
static void
cwd_per_process(void)
{
	pid_t pid;

	enter_root();
	T_SYS_EQ(syscall(SYS_chdir, "etc"), 0);
	pid = t_fork();
	if (pid == 0) {
		char buf[PATH_MAX];
		int ok = syscall(SYS_getcwd, buf, sizeof(buf)) > 0 &&
			 strcmp(buf, under_base("etc")) == 0 &&
			 syscall(SYS_access, "motd", F_OK) == 0 &&
			 syscall(SYS_chdir, "/") == 0;
		_exit(ok ? 0 : 1);
	}
	T_EXITED(t_wait(pid), 0);
	T_STR_EQ(get_cwd(), under_base("etc"));
}

static void
access_modes(void)
{
	const char *motd = t_path("/etc/motd");

	T_SYS_EQ(syscall(SYS_access, motd, F_OK), 0);
	T_SYS_EQ(syscall(SYS_access, motd, R_OK), 0);
	T_SYS_ERR(syscall(SYS_access, motd, X_OK), EACCES);
	T_SYS_ERR(syscall(SYS_access, motd, R_OK | X_OK), EACCES);
	T_SYS_EQ(syscall(SYS_access, t_self(), X_OK), 0);
	T_SYS_EQ(syscall(SYS_access, t_self(), R_OK | X_OK), 0);
	T_SYS_EQ(syscall(SYS_access, t_path("/etc"), F_OK), 0);
	T_SYS_EQ(syscall(SYS_access, t_path("/etc"), R_OK | X_OK), 0);
	T_SYS_EQ(syscall(SYS_access, t_path("/tests"), X_OK), 0);
}

static void
access_errors(void)
{
	T_SYS_ERR(syscall(SYS_access, t_path("/etc/none"), F_OK), ENOENT);
	T_SYS_ERR(syscall(SYS_access, t_path("/none/motd"), R_OK), ENOENT);
	T_SYS_ERR(syscall(SYS_access, t_path("/etc/motd/x"), F_OK), ENOTDIR);
	T_SYS_ERR(syscall(SYS_access, "", F_OK), ENOENT);
	T_SYS_ERR(syscall(SYS_access, t_path("/etc/motd"), 8), EINVAL);
	T_SYS_ERR(syscall(SYS_access, t_path("/etc/motd"), -1), EINVAL);
	T_SYS_ERR(syscall(SYS_access, NULL, F_OK), EFAULT);
	T_SYS_ERR(syscall(SYS_access, T_BAD_PTR, F_OK), EFAULT);
	T_SYS_ERR(syscall(SYS_access, T_KERNEL_PTR, F_OK), EFAULT);
}

static void
faccessat_dirfd(void)
{
	int dir, file;

	T_SYS_EQ(syscall(SYS_faccessat, AT_FDCWD, t_path("/etc/motd"), R_OK),
		 0);
	dir = T_SYS(syscall(SYS_open, t_path("/etc"), O_RDONLY | O_DIRECTORY));
	file = T_SYS(syscall(SYS_open, t_path("/etc/motd"), O_RDONLY));
	T_SYS_EQ(syscall(SYS_faccessat, dir, "motd", F_OK), 0);
	T_SYS_EQ(syscall(SYS_faccessat, dir, "motd", R_OK), 0);
	T_SYS_ERR(syscall(SYS_faccessat, dir, "motd", X_OK), EACCES);
	T_SYS_EQ(syscall(SYS_faccessat, dir, "../tests", X_OK), 0);
	T_SYS_ERR(syscall(SYS_faccessat, dir, "none", F_OK), ENOENT);
	T_SYS_ERR(syscall(SYS_faccessat, dir, "motd", 8), EINVAL);
	T_SYS_ERR(syscall(SYS_faccessat, 999, "motd", F_OK), EBADF);
	T_SYS_ERR(syscall(SYS_faccessat, file, "motd", F_OK), ENOTDIR);
	T_SYS_ERR(syscall(SYS_faccessat, dir, NULL, F_OK), EFAULT);
	T_SYS_ERR(syscall(SYS_faccessat, dir, T_KERNEL_PTR, F_OK), EFAULT);
	/* An absolute path ignores dirfd. */
	if (t_path("/")[0] == '/')
		T_SYS_EQ(syscall(SYS_faccessat, 999, t_path("/etc/motd"), R_OK),
			 0);
	syscall(SYS_close, file);
	syscall(SYS_close, dir);
}

/* The kernel's struct linux_dirent64. */
struct kdirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * /tests/data holds ".", "..", "not-elf" and "short-elf": records of 24,
 * 24, 32 and 32 bytes. ONE_ENTRY bytes hold any one of them but never
 * two; NO_ENTRY bytes hold none.
 */
#define DATA_ENTRIES 4
#define ONE_ENTRY    32
#define NO_ENTRY     16

/* Count the records getdents64 put in buf (n bytes) by name. */
static int
count_records(const char *buf, long n, int *dot, int *dotdot, int *files)
{
	int records = 0;

	for (long off = 0; off < n; records++) {
		const struct kdirent64 *d = (const void *)(buf + off);
		if (d->d_reclen == 0 || d->d_reclen % 8 ||
		    off + d->d_reclen > n) {
			T_FAILF("bad record at %ld: d_reclen %u", off,
				d->d_reclen);
			return records;
		}
		if (strcmp(d->d_name, ".") == 0)
			++*dot;
		else if (strcmp(d->d_name, "..") == 0)
			++*dotdot;
		else if (strcmp(d->d_name, "not-elf") == 0 ||
			 strcmp(d->d_name, "short-elf") == 0)
			++*files;
		else
			T_FAILF("unexpected entry \"%s\"", d->d_name);
		off += d->d_reclen;
	}
	return records;
}

/*
 * A buffer too small for the next entry is EINVAL, up to the last entry
 * (it is not the end of the directory), and loses nothing; a buffer
 * with room for one entry gets them one call at a time, then 0.
 */
static void
getdents_one_at_a_time(void)
{
	static char buf[64] __attribute__((aligned(8)));
	int fd, dot = 0, dotdot = 0, files = 0;

	fd = T_SYS(syscall(SYS_open, t_path("/tests/data"),
			   O_RDONLY | O_DIRECTORY));
	T_REQUIRE(fd >= 0);
	for (int k = 0; k < DATA_ENTRIES; k++) {
		T_SYS_ERR(syscall(SYS_getdents64, fd, buf, NO_ENTRY), EINVAL);
		long n = syscall(SYS_getdents64, fd, buf, ONE_ENTRY);
		if (n <= 0) {
			T_FAILF("call %d for one entry returned %ld errno %d "
				"(%s)",
				k + 1, n, n ? errno : 0,
				t_errname(n ? errno : 0));
			break;
		}
		T_EQ(count_records(buf, n, &dot, &dotdot, &files), 1);
	}
	T_SYS_EQ(syscall(SYS_getdents64, fd, buf, NO_ENTRY), 0);
	T_SYS_EQ(syscall(SYS_getdents64, fd, buf, ONE_ENTRY), 0);
	T_EQ(dot, 1);
	T_EQ(dotdot, 1);
	T_EQ(files, 2);
	syscall(SYS_close, fd);
}

/* A getdents64 that fails with EFAULT loses no entry: the next call
 * still gets them all. */
static void
getdents_efault_loses_nothing(void)
{
	static char buf[4096] __attribute__((aligned(8)));
	int fd, dot = 0, dotdot = 0, files = 0, records = 0;
	long n;

	fd = T_SYS(syscall(SYS_open, t_path("/tests/data"),
			   O_RDONLY | O_DIRECTORY));
	T_REQUIRE(fd >= 0);
	T_SYS_ERR(syscall(SYS_getdents64, fd, T_BAD_PTR, sizeof(buf)), EFAULT);
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		records += count_records(buf, n, &dot, &dotdot, &files);
	T_EQ(n, 0);
	T_EQ(records, DATA_ENTRIES);
	T_EQ(dot, 1);
	T_EQ(dotdot, 1);
	T_EQ(files, 2);
	syscall(SYS_close, fd);
}

int
main(int argc, char **argv)
{
	t_init(argc, argv, "dirs");
	T_RUN(getcwd_sizes);
	T_RUN(chdir_and_back);
	T_RUN(relative_names);
	T_RUN(chdir_errors);
	T_RUN(cwd_per_process);
	T_RUN(access_modes);
	T_RUN(access_errors);
	T_RUN(faccessat_dirfd);
	T_RUN(getdents_one_at_a_time);
	T_RUN(getdents_efault_loses_nothing);
	return t_done();
}
