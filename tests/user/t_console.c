/*
 * t_console: the console, a terminal on fds 0-2. write and writev to
 * fd 1, fstat of fd 0, the terminal ioctls TCGETS and TIOCGWINSZ (with
 * exactly the kernel's structures, which are not the C library's), and
 * ENOTTY for the same ioctls on a regular file and a directory.
 *
 * On Linux, fd 0 must be a terminal too (a pseudo-terminal will do):
 * the ioctl cases fail otherwise. The writes print a few indented lines.
 */
#include "t.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>

/* The size of the kernel's struct termios, which TCGETS fills. */
#define KTERMIOS_SIZE 36

/* The kernel's struct winsize. */
struct kwinsize {
	unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};

static void
write_stdout(void)
{
	static const char line[] = "  console: a line from write\n";

	T_SYS_EQ(syscall(SYS_write, 1, line, sizeof(line) - 1),
		 sizeof(line) - 1);
	T_SYS_EQ(syscall(SYS_write, 1, line, 0), 0);
	T_SYS_EQ(syscall(SYS_write, 1, "  console: in ", 14), 14);
	T_SYS_EQ(syscall(SYS_write, 1, "two writes\n", 11), 11);
}

static void
writev_stdout(void)
{
	struct iovec iov[4] = {
		{ "  console: ", 11 },
		{ "a line ", 7 },
		{ "nothing", 0 },
		{ "from writev\n", 12 },
	};

	T_SYS_EQ(syscall(SYS_writev, 1, iov, 4), 30);
	T_SYS_EQ(syscall(SYS_writev, 1, iov, 0), 0);
}

static void
write_errors(void)
{
	struct iovec bad = { T_BAD_PTR, 10 };
	struct iovec good = { "x", 1 };

	T_SYS_ERR(syscall(SYS_write, 1, T_BAD_PTR, 10), EFAULT);
	T_SYS_ERR(syscall(SYS_write, 1, T_KERNEL_PTR, 10), EFAULT);
	T_SYS_ERR(syscall(SYS_writev, 1, T_BAD_PTR, 1), EFAULT);
	T_SYS_ERR(syscall(SYS_writev, 1, T_KERNEL_PTR, 1), EFAULT);
	T_SYS_ERR(syscall(SYS_writev, 1, &bad, 1), EFAULT);
	T_SYS_ERR(syscall(SYS_writev, 1, &good, -1), EINVAL);
	T_SYS_ERR(syscall(SYS_writev, 1, &good, IOV_MAX + 1), EINVAL);
	T_SYS_ERR(syscall(SYS_write, 999, "x", 1), EBADF);
	T_SYS_ERR(syscall(SYS_write, -1, "x", 1), EBADF);
}

static void
console_is_chardev(void)
{
	struct stat st;

	T_SYS_EQ(syscall(SYS_fstat, 0, &st), 0);
	T_CHECK(S_ISCHR(st.st_mode));
}

/* TCGETS on fd, checked; the kernel's termios goes to out. */
static void
tcgets(int fd, unsigned char out[KTERMIOS_SIZE])
{
	unsigned char raw[64];
	int changed = 0;

	memset(raw, 0xaa, sizeof(raw));
	T_SYS_EQ(syscall(SYS_ioctl, fd, TCGETS, raw), 0);
	for (int i = 0; i < KTERMIOS_SIZE; i++)
		changed |= raw[i] != 0xaa;
	if (!changed)
		T_FAILF("TCGETS on fd %d wrote nothing", fd);
	for (size_t i = KTERMIOS_SIZE; i < sizeof(raw); i++)
		if (raw[i] != 0xaa) {
			T_FAILF("TCGETS on fd %d wrote byte %zu, past the "
				"kernel's struct termios",
				fd, i);
			break;
		}
	memcpy(out, raw, KTERMIOS_SIZE);
}

/* Do fds a and b name the same file? */
static int
same_file(int a, int b)
{
	struct stat sa, sb;

	if (syscall(SYS_fstat, a, &sa) || syscall(SYS_fstat, b, &sb))
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
	       sa.st_rdev == sb.st_rdev;
}

static void
tcgets_console(void)
{
	unsigned char t0[KTERMIOS_SIZE], t[KTERMIOS_SIZE];

	tcgets(0, t0);
	/* fds 1 and 2 give the same answer when they are the same tty. */
	for (int fd = 1; fd <= 2; fd++) {
		if (!same_file(0, fd))
			continue;
		tcgets(fd, t);
		T_MEM_EQ(t, t0, KTERMIOS_SIZE);
	}
}

static void
winsize_console(void)
{
	unsigned char raw[32];
	struct kwinsize *ws = (struct kwinsize *)raw;

	memset(raw, 0xaa, sizeof(raw));
	T_SYS_EQ(syscall(SYS_ioctl, 0, TIOCGWINSZ, raw), 0);
	T_CHECK(ws->ws_row != 0xaaaa);
	T_CHECK(ws->ws_col != 0xaaaa);
	T_CHECK(ws->ws_xpixel != 0xaaaa);
	T_CHECK(ws->ws_ypixel != 0xaaaa);
	for (size_t i = sizeof(*ws); i < sizeof(raw); i++)
		if (raw[i] != 0xaa) {
			T_FAILF("TIOCGWINSZ wrote byte %zu, past struct "
				"winsize",
				i);
			break;
		}
}

static void
enotty(void)
{
	unsigned char raw[64];
	int file, dir;

	file = T_SYS(syscall(SYS_open, t_path("/etc/motd"), O_RDONLY));
	dir = T_SYS(syscall(SYS_open, t_path("/etc"), O_RDONLY));
	T_SYS_ERR(syscall(SYS_ioctl, file, TCGETS, raw), ENOTTY);
	T_SYS_ERR(syscall(SYS_ioctl, file, TIOCGWINSZ, raw), ENOTTY);
	T_SYS_ERR(syscall(SYS_ioctl, dir, TCGETS, raw), ENOTTY);
	T_SYS_ERR(syscall(SYS_ioctl, dir, TIOCGWINSZ, raw), ENOTTY);
	T_SYS_ERR(syscall(SYS_ioctl, 999, TCGETS, raw), EBADF);
	T_SYS_ERR(syscall(SYS_ioctl, -1, TIOCGWINSZ, raw), EBADF);
	syscall(SYS_close, file);
	syscall(SYS_close, dir);
}

static void
ioctl_efault(void)
{
	T_SYS_ERR(syscall(SYS_ioctl, 0, TCGETS, T_BAD_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_ioctl, 0, TCGETS, T_KERNEL_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_ioctl, 0, TIOCGWINSZ, T_BAD_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_ioctl, 0, TIOCGWINSZ, T_KERNEL_PTR), EFAULT);
}

int
main(int argc, char **argv)
{
	unsigned char raw[64];

	t_init(argc, argv, "console");
	if (syscall(SYS_ioctl, 0, TCGETS, raw) == -1 && errno == ENOTTY)
		t_printf("  fd 0 is not a terminal: the ioctl cases need "
			 "one\n");
	T_RUN(write_stdout);
	T_RUN(writev_stdout);
	T_RUN(write_errors);
	T_RUN(console_is_chardev);
	T_RUN(tcgets_console);
	T_RUN(winsize_console);
	T_RUN(enotty);
	T_RUN(ioctl_efault);
	return t_done();
}
