/*
 * runner: runs the user tests, one program after the other.
 *
 *   runner [NAME...]
 *
 * runs /tests/NAME for each NAME in that order (a NAME with a slash is
 * used as it is), or, with no arguments, every executable regular file in
 * /tests except itself, in name order. Each runs by fork, execve and
 * wait4, with the path as its only argument and the runner's environment;
 * its output goes straight to the console. After each the runner prints
 *
 *   runner: t_files exited 0
 *   runner: t_signals killed by signal 11
 *
 * and at the end "runner: N programs, M failed" (a program that does not
 * exit with status 0 failed). A program still running after PROGRAM_MS
 * is killed.
 *
 * In Sprout it is process 1, so it also reaps every orphan, and when it
 * is done it powers the machine off. It does that only when it is process
 * 1 and uname() says "Sprout"; anywhere else it exits with the number of
 * failed programs. On Linux, SPROUT_ROOT names the directory that stands
 * in for Sprout's root, as for the tests.
 */
#include "t.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define MAX_PROGRAMS 128
#define NAME_LEN     256
#define PROGRAM_MS   120000

/* The kernel's struct linux_dirent64. */
struct kdirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static char programs[MAX_PROGRAMS][NAME_LEN];
static int nprograms;

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Add a program to the list: at the end, or in name order. */
static void
add_program(const char *name, int sorted)
{
	int i;

	if (nprograms == MAX_PROGRAMS) {
		t_printf("runner: more than %d programs; %s left out\n",
			 MAX_PROGRAMS, name);
		return;
	}
	for (i = nprograms;
	     sorted && i > 0 && strcmp(programs[i - 1], name) > 0; i--)
		memcpy(programs[i], programs[i - 1], NAME_LEN);
	snprintf(programs[i], NAME_LEN, "%s", name);
	nprograms++;
}

/* Every executable regular file in /tests but ourselves. */
static void
find_programs(const char *self)
{
	static char buf[4096] __attribute__((aligned(8)));
	const char *dir = t_path("/tests");
	struct stat st;
	long n;
	int fd;

	fd = syscall(SYS_open, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		t_printf("runner: cannot open %s: errno %d (%s)\n", dir, errno,
			 t_errname(errno));
		return;
	}
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct kdirent64 *d = (struct kdirent64 *)(buf + off);
			off += d->d_reclen;
			if (d->d_name[0] == '.' ||
			    strcmp(d->d_name, "runner") == 0 ||
			    strcmp(d->d_name, self) == 0)
				continue;
			if (syscall(SYS_newfstatat, fd, d->d_name, &st, 0) ||
			    !S_ISREG(st.st_mode) || !(st.st_mode & 0111))
				continue;
			add_program(d->d_name, 1);
		}
	}
	if (n < 0)
		t_printf("runner: getdents64 on %s: errno %d (%s)\n", dir,
			 errno, t_errname(errno));
	syscall(SYS_close, fd);
}

/* Run one program; returns 1 if it failed. */
static int
run_program(const char *name, char **envp)
{
	char path[1024];
	long long deadline;
	int status = 0, killed = 0;
	long step = 1, r;
	pid_t pid;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", t_path("/tests"), name);

	pid = fork();
	if (pid == -1) {
		t_printf("runner: fork for %s: errno %d (%s)\n", name, errno,
			 t_errname(errno));
		return 1;
	}
	if (pid == 0) {
		char *argv[] = { path, NULL };
		syscall(SYS_execve, path, argv, envp);
		t_printf("runner: cannot execute %s: errno %d (%s)\n", path,
			 errno, t_errname(errno));
		_exit(127);
	}

	/* Wait for it, reaping any orphan that comes our way meanwhile. */
	deadline = t_now_ms() + PROGRAM_MS;
	for (;;) {
		r = syscall(SYS_wait4, -1, &status, WNOHANG, NULL);
		if (r == pid)
			break;
		if (r > 0)
			continue;
		if (r == -1 && errno != EINTR) {
			t_printf("runner: wait4 for %s: errno %d (%s)\n", name,
				 errno, t_errname(errno));
			return 1;
		}
		if (!killed && t_now_ms() > deadline) {
			t_printf("runner: %s still ran after %d s: killing "
				 "it\n",
				 base_name(name), PROGRAM_MS / 1000);
			syscall(SYS_kill, pid, SIGKILL);
			killed = 1;
		}
		t_sleep_ms(step);
		if (step < 32)
			step *= 2;
	}

	if (WIFEXITED(status)) {
		t_printf("runner: %s exited %d\n", base_name(name),
			 WEXITSTATUS(status));
		return WEXITSTATUS(status) != 0;
	}
	if (WIFSIGNALED(status))
		t_printf("runner: %s killed by signal %d\n", base_name(name),
			 WTERMSIG(status));
	else
		t_printf("runner: %s gave wait status 0x%x\n", base_name(name),
			 status);
	return 1;
}

/* Process 1 of a Sprout machine, and nothing else. */
static int
is_sprout_init(void)
{
	struct utsname u;

	if (syscall(SYS_getpid) != 1)
		return 0;
	memset(&u, 0, sizeof(u));
	if (syscall(SYS_uname, &u) != 0)
		return 0;
	return strcmp(u.sysname, "Sprout") == 0;
}

static void
reap_orphans(void)
{
	int status;

	while (syscall(SYS_wait4, -1, &status, WNOHANG, NULL) > 0)
		;
}

static void __attribute__((noreturn)) power_off(void)
{
	/* The guard again, right where it matters. */
	if (is_sprout_init()) {
		t_printf("runner: powering off\n");
		syscall(SYS_reboot, 0xfee1dead, 672274793, RB_POWER_OFF, NULL);
		t_printf("runner: reboot returned errno %d (%s)\n", errno,
			 t_errname(errno));
		/* Process 1 must not exit: wait for ever. */
		for (;;) {
			int status;
			if (syscall(SYS_wait4, -1, &status, 0, NULL) == -1)
				t_sleep_ms(1000);
		}
	}
	_exit(1);
}

int
main(int argc, char **argv, char **envp)
{
	const char *self = argc > 0 ? base_name(argv[0]) : "runner";
	int failed = 0;

	if (argc > 1)
		for (int i = 1; i < argc; i++)
			add_program(argv[i], 0);
	else
		find_programs(self);

	for (int i = 0; i < nprograms; i++)
		failed += run_program(programs[i], envp);
	reap_orphans();
	t_printf("runner: %d programs, %d failed\n", nprograms, failed);

	if (is_sprout_init())
		power_off();
	return failed > 255 ? 255 : failed;
}
