/*
 * t_dirs: the working directory and permission checks. getcwd, chdir
 * (and relative names after it, and its inheritance by a child),
 * access and faccessat with F_OK, R_OK and X_OK, and their errors:
 * ENOENT, ENOTDIR, ERANGE, EACCES, EINVAL, EBADF, EFAULT.
 *
 * W_OK is not tested: the initramfs is read-only in Sprout (EROFS) but
 * the files are writable on Linux.
 */
#include "t.h"

#include <fcntl.h>
#include <limits.h>

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
	return t_done();
}
