/*
 * t_proc: the /proc file system, as far as Sprout has it. /proc/self
 * and its stat (pid, name, state, parent, group, session, threads, 52
 * fields), status and cmdline (the arguments, after fork and after
 * execve); a child in the listing of /proc while it lives, a zombie's
 * stat (state Z, exit code, empty cmdline), and once it is reaped ENOENT
 * by name, ESRCH through an open directory, an open file or the working
 * directory; names that are no process (999999, 0, 01, abc); uptime (its
 * format; it grows), meminfo (MemTotal, MemFree, MemAvailable), version
 * (uname's words); the types and modes of the files; reading in pieces
 * (one snapshot); listing with small buffers; writing, which fails; and
 * the tree of parents in /proc, which must be the tree fork made.
 *
 * /proc is the same path on Linux and in Sprout: no t_path() here.
 */
#include "t.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define TEXT_MAX      8192
#define STAT_FIELDS   52
#define COMM_MAX      15 /* the kernel keeps 15 bytes of a name */
#define ZOMBIE_EXIT   7
#define CMDLINE_CHILD "--cmdline-child"
#define SPIN_LOOPS    1000000
#define NAMES_MAX     1024
#define NAME_LEN      64

/* The kernel's struct linux_dirent64. */
struct kdirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static char **main_argv;

/* A file's whole text, read @piece bytes at a time, NUL added: its
 * length, or -1 with errno. */
static long
read_text(const char *path, char *buf, size_t size, size_t piece)
{
	int fd = syscall(SYS_open, path, O_RDONLY);
	size_t len = 0;
	long n = 0;

	if (fd < 0)
		return -1;
	while (len < size - 1) {
		size_t want = size - 1 - len < piece ? size - 1 - len : piece;
		n = syscall(SYS_read, fd, buf + len, want);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	int saved = errno;
	syscall(SYS_close, fd);
	errno = saved;
	if (n < 0)
		return -1;
	buf[len] = '\0';
	return (long)len;
}

/* /proc/PID/stat, taken apart: field n of proc(5) is f[n] (from 4 on;
 * 1 is the pid, 2 the name, 3 the state). */
struct pstat {
	int nfields;
	char comm[NAME_LEN];
	char state;
	long long f[STAT_FIELDS + 8];
};

static int
parse_stat(const char *text, struct pstat *s)
{
	const char *open = strchr(text, '('), *close = strrchr(text, ')');

	memset(s, 0, sizeof(*s));
	if (!open || !close || close < open)
		return -1;
	s->f[1] = atoll(text);
	snprintf(s->comm, sizeof(s->comm), "%.*s", (int)(close - open - 1),
		 open + 1);
	s->nfields = 2;
	for (const char *p = close + 1; *p && *p != '\n';) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		s->nfields++;
		if (s->nfields == 3)
			s->state = *p;
		else if (s->nfields < (int)(sizeof(s->f) / sizeof(s->f[0])))
			s->f[s->nfields] = strtoll(p, NULL, 10);
		while (*p && *p != ' ' && *p != '\n')
			p++;
	}
	return 0;
}

/* /proc/WHO/stat ("self" or a pid), parsed; -1 with errno if unread. */
static int
stat_of(const char *who, struct pstat *s)
{
	char path[64], text[TEXT_MAX];

	snprintf(path, sizeof(path), "/proc/%s/stat", who);
	if (read_text(path, text, sizeof(text), TEXT_MAX) < 0)
		return -1;
	return parse_stat(text, s);
}

static const char *
pid_name(long pid)
{
	static char bufs[4][24];
	static int next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, sizeof(bufs[0]), "%ld", pid);
	return buf;
}

/* The names in directory @dir, listed with getdents64 calls of @bufsize
 * bytes: how many, or -1. */
static int
list_dir(const char *dir, size_t bufsize, char (*names)[NAME_LEN], int max)
{
	static char buf[TEXT_MAX] __attribute__((aligned(8)));
	int fd = syscall(SYS_open, dir, O_RDONLY | O_DIRECTORY);
	int count = 0;
	long n;

	if (fd < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, fd, buf, bufsize)) > 0) {
		for (long off = 0; off < n;) {
			struct kdirent64 *d = (struct kdirent64 *)(buf + off);
			off += d->d_reclen;
			if (count < max)
				snprintf(names[count++], NAME_LEN, "%s",
					 d->d_name);
		}
	}
	syscall(SYS_close, fd);
	return n < 0 ? -1 : count;
}

/* How many times @name is in the listing of @dir. */
static int
listed(const char *dir, const char *name, size_t bufsize)
{
	static char names[NAMES_MAX][NAME_LEN];
	int n = list_dir(dir, bufsize, names, NAMES_MAX), times = 0;

	for (int i = 0; i < n; i++)
		times += strcmp(names[i], name) == 0;
	return times;
}

/* The value of line "@key:\t..." of a status text, without the newline. */
static const char *
status_value(const char *text, const char *key)
{
	static char value[256];
	size_t klen = strlen(key);

	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > klen + 1 && strncmp(line, key, klen) == 0 &&
		    line[klen] == ':') {
			const char *v = line + klen + 1;
			while (*v == '\t' || *v == ' ')
				v++;
			snprintf(value, sizeof(value), "%.*s",
				 (int)(line + len - v), v);
			return value;
		}
		line += len + (end ? 1 : 0);
	}
	return NULL;
}

/* The name the kernel gives this program: its file name, cut at 15. */
static const char *
my_comm(void)
{
	static char comm[COMM_MAX + 1];
	const char *slash = strrchr(main_argv[0], '/');

	snprintf(comm, sizeof(comm), "%s", slash ? slash + 1 : main_argv[0]);
	return comm;
}

/* Fork a child that waits until *@release is closed, then exits 0. */
static pid_t
fork_waiting_child(int *release)
{
	int fds[2];
	char c;

	T_REQUIRE(syscall(SYS_pipe2, fds, 0) == 0);
	pid_t pid = t_fork();
	if (pid == 0) {
		syscall(SYS_close, fds[1]);
		syscall(SYS_read, fds[0], &c, 1);
		_exit(0);
	}
	syscall(SYS_close, fds[0]);
	*release = fds[1];
	return pid;
}

/* --- A process's own files --------------------------------------------- */

static void
self_stat(void)
{
	struct pstat s;

	T_REQUIRE(stat_of("self", &s) == 0);
	T_EQ(s.f[1], syscall(SYS_getpid));
	T_STR_EQ(s.comm, my_comm());
	T_EQ(s.state, 'R'); /* it is running: it is reading */
	T_EQ(s.f[4], syscall(SYS_getppid));
	T_EQ(s.f[5], syscall(SYS_getpgid, 0));
	T_EQ(s.f[6], syscall(SYS_getsid, 0));
	T_EQ(s.f[20], 1); /* num_threads */
	T_CHECK(s.nfields >= STAT_FIELDS);
	T_CHECK(s.f[22] >= 0); /* starttime */
}

static void
self_status(void)
{
	char text[TEXT_MAX];
	const char *v;

	T_REQUIRE(read_text("/proc/self/status", text, sizeof(text), TEXT_MAX) >
		  0);
	T_STR_EQ(status_value(text, "Name"), my_comm());
	v = status_value(text, "State");
	T_STR_EQ(v, "R (running)");
	v = status_value(text, "Tgid");
	T_EQ(v ? atol(v) : -1, syscall(SYS_getpid));
	v = status_value(text, "Pid");
	T_EQ(v ? atol(v) : -1, syscall(SYS_getpid));
	v = status_value(text, "PPid");
	T_EQ(v ? atol(v) : -1, syscall(SYS_getppid));
	v = status_value(text, "Threads");
	T_EQ(v ? atol(v) : -1, 1);
	v = status_value(text, "VmRSS");
	T_CHECK(v && atol(v) > 0 && strstr(v, " kB"));
}

/* Does /proc/self/cmdline hold argv, each with its NUL? */
static int
cmdline_is(char **argv)
{
	char text[TEXT_MAX], want[TEXT_MAX];
	size_t len = 0;

	for (int i = 0; argv[i]; i++) {
		size_t n = strlen(argv[i]) + 1;
		if (len + n > sizeof(want))
			return 0;
		memcpy(want + len, argv[i], n);
		len += n;
	}
	long got = read_text("/proc/self/cmdline", text, sizeof(text), 7);
	return got == (long)len && memcmp(text, want, len) == 0;
}

/* This case runs in a fork of main: the same arguments. */
static void
cmdline_after_fork(void)
{
	T_CHECK(cmdline_is(main_argv));
}

static void
cmdline_after_exec(void)
{
	char *argv[] = { (char *)t_self(), CMDLINE_CHILD, "two words", "",
			 "last",	   NULL };
	char *envp[] = { "T_PROC=1", NULL };
	pid_t pid = t_fork();

	if (pid == 0) {
		syscall(SYS_execve, t_self(), argv, envp);
		_exit(100);
	}
	T_EXITED(t_wait(pid), 0);
}

/* --- Other processes -------------------------------------------------- */

static void
child_listed_then_gone(void)
{
	int release;
	char path[64];
	struct pstat s;
	pid_t pid = fork_waiting_child(&release);

	T_EQ(listed("/proc", pid_name(pid), TEXT_MAX), 1);
	T_REQUIRE(stat_of(pid_name(pid), &s) == 0);
	T_EQ(s.f[1], pid);
	T_EQ(s.f[4], syscall(SYS_getpid));
	T_STR_EQ(s.comm, my_comm());
	snprintf(path, sizeof(path), "/proc/%d", pid);
	int dirfd = syscall(SYS_open, path, O_RDONLY | O_DIRECTORY);
	T_CHECK(dirfd >= 0);
	T_EQ(listed(path, "stat", TEXT_MAX), 1);

	syscall(SYS_close, release);
	T_EXITED(t_wait(pid), 0);
	T_EQ(listed("/proc", pid_name(pid), TEXT_MAX), 0);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	T_SYS_ERR(syscall(SYS_open, path, O_RDONLY), ENOENT);
	/* The directory, still open, has no process behind it now. */
	T_SYS_ERR(syscall(SYS_openat, dirfd, "stat", O_RDONLY), ESRCH);
	T_SYS_EQ(syscall(SYS_close, dirfd), 0);
}

static void
zombie(void)
{
	char path[64], text[TEXT_MAX];
	struct pstat s = { 0 };
	pid_t pid = t_fork();

	if (pid == 0)
		_exit(ZOMBIE_EXIT);
	/* It is a zombie once it has exited: wait for that, not reaping. */
	long long deadline = t_now_ms() + T_CHILD_TIMEOUT_MS;
	while (stat_of(pid_name(pid), &s) == 0 && s.state != 'Z' &&
	       t_now_ms() < deadline)
		t_sleep_ms(1);
	T_EQ(s.state, 'Z');
	T_EQ(s.f[1], pid);
	T_EQ(s.f[4], syscall(SYS_getpid));
	T_EQ(s.f[52], ZOMBIE_EXIT << 8); /* exit_code: a wait status */
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	T_CHECK(read_text(path, text, sizeof(text), TEXT_MAX) > 0);
	T_STR_EQ(status_value(text, "State"), "Z (zombie)");
	/* Its memory, and the arguments in it, are gone. */
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	T_SYS_EQ(read_text(path, text, sizeof(text), TEXT_MAX), 0);

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = syscall(SYS_open, path, O_RDONLY);
	T_CHECK(fd >= 0);
	T_EXITED(t_wait(pid), ZOMBIE_EXIT);
	/* Open before the reaping, read after it. */
	T_SYS_ERR(syscall(SYS_read, fd, text, sizeof(text)), ESRCH);
	T_SYS_EQ(syscall(SYS_close, fd), 0);
	T_SYS_ERR(syscall(SYS_open, path, O_RDONLY), ENOENT);
}

static void
parent_dir(void)
{
	struct pstat s;
	long ppid = syscall(SYS_getppid);

	T_REQUIRE(stat_of(pid_name(ppid), &s) == 0);
	T_EQ(s.f[1], ppid);
	T_STR_EQ(s.comm, my_comm());
	T_EQ(listed("/proc", pid_name(ppid), TEXT_MAX), 1);
	T_EQ(listed("/proc", "1", TEXT_MAX), 1); /* init */
}

static void
no_such_process(void)
{
	struct stat st;

	T_SYS_ERR(syscall(SYS_open, "/proc/999999/stat", O_RDONLY), ENOENT);
	T_SYS_ERR(syscall(SYS_open, "/proc/999999", O_RDONLY), ENOENT);
	T_SYS_ERR(syscall(SYS_stat, "/proc/0", &st), ENOENT);
	T_SYS_ERR(syscall(SYS_stat, "/proc/01", &st), ENOENT);
	T_SYS_ERR(syscall(SYS_stat, "/proc/abc", &st), ENOENT);
	T_SYS_ERR(syscall(SYS_stat, "/proc/self/nosuch", &st), ENOENT);
}

/* --- Directories ------------------------------------------------------- */

static void
cwd_in_self(void)
{
	char cwd[256], want[64];
	struct pstat s;

	T_SYS_EQ(syscall(SYS_chdir, "/proc/self"), 0);
	snprintf(want, sizeof(want), "/proc/%ld", syscall(SYS_getpid));
	T_CHECK(syscall(SYS_getcwd, cwd, sizeof(cwd)) > 0);
	T_STR_EQ(cwd, want);
	T_REQUIRE(stat_of("self", &s) == 0);
	char text[TEXT_MAX];
	T_CHECK(read_text("stat", text, sizeof(text), TEXT_MAX) > 0);
	T_EQ(atol(text), syscall(SYS_getpid));
	T_SYS_EQ(syscall(SYS_chdir, ".."), 0);
	T_CHECK(syscall(SYS_getcwd, cwd, sizeof(cwd)) > 0);
	T_STR_EQ(cwd, "/proc");
}

/* Standing in a process's directory while the process is reaped. */
/* A stopped process shows T in stat and "T (stopped)" in status; when
 * it is continued, S again (it waits for its pipe). */
static void
stopped_state(void)
{
	int release;
	struct pstat s;
	char path[64], text[TEXT_MAX];
	pid_t pid = fork_waiting_child(&release);
	int status;

	T_SYS_EQ(syscall(SYS_kill, pid, SIGSTOP), 0);
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, WUNTRACED, NULL), pid);
	T_CHECK(WIFSTOPPED(status));
	T_REQUIRE(stat_of(pid_name(pid), &s) == 0);
	T_EQ(s.state, 'T');
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	T_REQUIRE(read_text(path, text, sizeof(text), TEXT_MAX) >= 0);
	T_STR_EQ(status_value(text, "State"), "T (stopped)");
	T_SYS_EQ(syscall(SYS_kill, pid, SIGCONT), 0);
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, WCONTINUED, NULL), pid);
	/* Continued: it goes back to waiting for the pipe. */
	for (int i = 0; i < 200; i++) {
		T_REQUIRE(stat_of(pid_name(pid), &s) == 0);
		if (s.state == 'S')
			break;
		usleep(10000);
	}
	T_EQ(s.state, 'S');
	syscall(SYS_close, release);
	T_EXITED(t_wait(pid), 0);
}

static void
cwd_outlives_process(void)
{
	int release;
	char path[64], cwd[256];
	pid_t pid = fork_waiting_child(&release);

	snprintf(path, sizeof(path), "/proc/%d", pid);
	T_SYS_EQ(syscall(SYS_chdir, path), 0);
	int fd = syscall(SYS_open, "status", O_RDONLY);
	T_CHECK(fd >= 0);
	syscall(SYS_close, release);
	T_EXITED(t_wait(pid), 0);
	T_SYS_ERR(syscall(SYS_open, "stat", O_RDONLY), ESRCH);
	T_SYS_ERR(syscall(SYS_read, fd, cwd, sizeof(cwd)), ESRCH);
	T_SYS_EQ(syscall(SYS_close, fd), 0);
	/* (Linux refuses even "..", and getcwd, there: Sprout does not.) */
	T_SYS_EQ(syscall(SYS_chdir, "/proc"), 0);
	T_CHECK(syscall(SYS_getcwd, cwd, sizeof(cwd)) > 0);
	T_STR_EQ(cwd, "/proc");
}

static void
listing(void)
{
	static char names[NAMES_MAX][NAME_LEN];
	static char buf[64] __attribute__((aligned(8)));
	const char *me = pid_name(syscall(SYS_getpid));
	const char *want[] = { ".",	  "..",	     "self", "uptime",
			       "meminfo", "version", me };

	/* A big buffer, and one so small that each call gives one entry:
	 * the same names, each once. */
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		T_EQ(listed("/proc", want[i], TEXT_MAX), 1);
		T_EQ(listed("/proc", want[i], 56), 1);
	}
	int big = list_dir("/proc", TEXT_MAX, names, NAMES_MAX);
	int small = list_dir("/proc", 56, names, NAMES_MAX);
	T_CHECK(big > 7 && small > 7);
	const char *files[] = { ".", "..", "cmdline", "stat", "status" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		T_EQ(listed("/proc/self", files[i], TEXT_MAX), 1);
	/* No entry fits in 10 bytes. */
	int fd = syscall(SYS_open, "/proc", O_RDONLY | O_DIRECTORY);
	T_SYS_ERR(syscall(SYS_getdents64, fd, buf, 10), EINVAL);
	syscall(SYS_close, fd);
}

static void
types_and_modes(void)
{
	struct stat st;

	T_SYS_EQ(syscall(SYS_stat, "/proc", &st), 0);
	T_CHECK(S_ISDIR(st.st_mode));
	T_EQ(st.st_mode & 07777, 0555);
	T_SYS_EQ(syscall(SYS_stat, "/proc/self", &st), 0);
	T_CHECK(S_ISDIR(st.st_mode));
	T_EQ(st.st_mode & 07777, 0555);
	const char *files[] = { "/proc/self/stat",    "/proc/self/status",
				"/proc/self/cmdline", "/proc/uptime",
				"/proc/meminfo",      "/proc/version" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		T_SYS_EQ(syscall(SYS_stat, files[i], &st), 0);
		T_CHECK(S_ISREG(st.st_mode));
		T_EQ(st.st_mode & 07777, 0444);
		T_EQ(st.st_size, 0); /* made when read: no size before */
	}
	T_SYS_ERR(syscall(SYS_open, "/proc/self", O_WRONLY), EISDIR);
}

/* --- Reading and writing -------------------------------------------------- */

/* Read in pieces, with time passing between them: one text, one moment. */
static void
read_in_pieces(void)
{
	char text[TEXT_MAX];
	struct pstat s;
	int fd = syscall(SYS_open, "/proc/self/stat", O_RDONLY);
	long len = 0, n;
	volatile unsigned long spin = 0;

	T_REQUIRE(fd >= 0);
	while ((n = syscall(SYS_read, fd, text + len, 5)) > 0) {
		len += n;
		for (int i = 0; i < SPIN_LOOPS; i++)
			spin++;
	}
	T_EQ(n, 0);
	text[len] = '\0';
	T_CHECK(len > 0 && text[len - 1] == '\n' &&
		strchr(text, '\n') == text + len - 1);
	T_REQUIRE(parse_stat(text, &s) == 0);
	T_EQ(s.f[1], syscall(SYS_getpid));
	T_CHECK(s.nfields >= STAT_FIELDS);
	/* Read to the end, then from the start again: a new text. */
	T_SYS_EQ(syscall(SYS_read, fd, text, sizeof(text)), 0);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_SET), 0);
	n = syscall(SYS_read, fd, text, sizeof(text) - 1);
	T_CHECK(n > 0);
	text[n > 0 ? n : 0] = '\0';
	T_EQ(atol(text), syscall(SYS_getpid));
	syscall(SYS_close, fd);
}

static void
uptime(void)
{
	char text[256], frac1[3], frac2[3], nl;
	unsigned long long up, idle, later, later_idle;

	T_REQUIRE(read_text("/proc/uptime", text, sizeof(text), 256) > 0);
	T_REQUIRE(sscanf(text, "%llu.%2[0-9] %llu.%2[0-9]%c", &up, frac1, &idle,
			 frac2, &nl) == 5);
	T_EQ(strlen(frac1), 2);
	T_EQ(strlen(frac2), 2);
	T_EQ(nl, '\n');
	up = up * 100 + strtoul(frac1, NULL, 10);
	t_sleep_ms(50);
	T_REQUIRE(read_text("/proc/uptime", text, sizeof(text), 256) > 0);
	T_REQUIRE(sscanf(text, "%llu.%2[0-9] %llu.%2[0-9]", &later, frac1,
			 &later_idle, frac2) == 4);
	later = later * 100 + strtoul(frac1, NULL, 10);
	T_CHECK(later > up);
}

/* The number on line "@key:   N kB" of meminfo, or -1. */
static long long
meminfo_kb(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line;) {
		long long kb;
		char unit[4];
		if (strncmp(line, key, klen) == 0 && line[klen] == ':' &&
		    sscanf(line + klen + 1, "%lld %3s", &kb, unit) == 2 &&
		    strcmp(unit, "kB") == 0)
			return kb;
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return -1;
}

static void
meminfo(void)
{
	char text[TEXT_MAX];

	T_REQUIRE(read_text("/proc/meminfo", text, sizeof(text), TEXT_MAX) > 0);
	long long total = meminfo_kb(text, "MemTotal");
	long long free = meminfo_kb(text, "MemFree");
	long long avail = meminfo_kb(text, "MemAvailable");
	T_CHECK(total > 0);
	T_CHECK(free >= 0 && free <= total);
	T_CHECK(avail >= 0 && avail <= total);
	T_CHECK(strncmp(text, "MemTotal:", 9) == 0); /* the first line */
}

static void
version(void)
{
	char text[1024], want[512];
	struct utsname u;

	T_REQUIRE(syscall(SYS_uname, &u) == 0);
	snprintf(want, sizeof(want), "%s version %s ", u.sysname, u.release);
	T_REQUIRE(read_text("/proc/version", text, sizeof(text), 3) > 0);
	T_CHECK(strncmp(text, want, strlen(want)) == 0);
	T_CHECK(text[strlen(text) - 1] == '\n');
}

/* Root may open them for writing, and access(W_OK) says so (anyone
 * else gets EACCES); the write fails: EIO for /proc's own files, EINVAL
 * for a process's. */
static void
writing_fails(void)
{
	const char *paths[] = { "/proc/uptime", "/proc/self/stat" };
	const int errs[] = { EIO, EINVAL };

	for (int i = 0; i < 2; i++) {
		int fd = syscall(SYS_open, paths[i], O_WRONLY);
		if (fd < 0) {
			T_EQ(errno, EACCES);
			continue;
		}
		T_SYS_ERR(syscall(SYS_write, fd, "1\n", 2), errs[i]);
		syscall(SYS_close, fd);
	}
	long ok = syscall(SYS_access, "/proc/uptime", W_OK);
	T_CHECK(ok == 0 || errno == EACCES);
	int fd = syscall(SYS_open, "/proc/uptime", O_RDONLY);
	T_SYS_ERR(syscall(SYS_write, fd, "1\n", 2), EBADF);
	syscall(SYS_close, fd);
}

/* The exec'd child of cmdline_after_exec: exit 0 if /proc/self says
 * what its arguments are. */
static int
cmdline_child(char **argv)
{
	struct pstat s;

	if (!cmdline_is(argv))
		return 1;
	if (stat_of("self", &s) != 0 || strcmp(s.comm, my_comm()) != 0)
		return 2;
	return 0;
}

/*
 * The tree in /proc is the tree fork made. This process makes
 *
 *     me --- a -+- b --- d
 *               +- c
 *
 * (each one waits, reading a pipe that only closes when the case is
 * over), and then walks every process in /proc: those whose chain of
 * parents reaches this process must be exactly a, b, c and d, each with
 * the right parent.
 */
#define TREE_SIZE 4

/* A node of the tree: say who it is, make @kids children (the first
 * of which makes @grandkids of its own), then wait to be let go. */
static void
tree_node(int kids, int grandkids, int hold, int report)
{
	char c;
	pid_t self = getpid();

	(void)!write(report, &self, sizeof(self));
	for (int i = 0; i < kids; i++) {
		if (fork() == 0) {
			kids = i == 0 ? grandkids : 0;
			grandkids = 0;
			self = getpid();
			(void)!write(report, &self, sizeof(self));
			i = -1; /* start over, as the child */
		}
	}
	(void)!read(hold, &c, 1); /* until the test closes its end */
	while (wait(NULL) > 0)
		;
	_exit(0);
}

/* The parent of @pid, from /proc; -1 if it is gone. */
static long
parent_of(long pid)
{
	struct pstat s;

	return stat_of(pid_name(pid), &s) == 0 ? s.f[4] : -1;
}

static void
tree_matches_fork(void)
{
	static char names[NAMES_MAX][NAME_LEN];
	int hold[2], report[2];
	pid_t made[TREE_SIZE];

	T_REQUIRE(pipe(hold) == 0 && pipe(report) == 0);
	pid_t a = t_fork();
	if (a == 0) {
		close(hold[1]);
		close(report[0]);
		tree_node(2, 1, hold[0], report[1]);
	}
	close(hold[0]);
	close(report[1]);
	for (int i = 0; i < TREE_SIZE; i++)
		T_REQUIRE(read(report[0], &made[i], sizeof(made[i])) ==
			  sizeof(made[i]));

	/* Every process below this one, by the parents /proc gives. */
	pid_t me = getpid();
	int n = list_dir("/proc", TEXT_MAX, names, NAMES_MAX), below = 0;
	T_REQUIRE(n > 0);
	for (int i = 0; i < n; i++) {
		long pid = atol(names[i]);
		if (pid <= 0)
			continue;
		long p = parent_of(pid);
		int depth = 0;
		while (p > 1 && p != me && depth++ < 64)
			p = parent_of(p);
		if (p != me)
			continue;
		below++;
		int found = 0;
		for (int k = 0; k < TREE_SIZE; k++)
			found |= made[k] == pid;
		if (!found)
			T_FAILF("process %ld is below this one, but was not made "
				"by the case",
				pid);
	}
	T_EQ(below, TREE_SIZE);
	/* Each one's parent: a's is this process; b, c's are a; d's b.
	 * (made[] is in order of birth: a, b, then d or c.) */
	T_EQ(parent_of(a), me);
	long b = 0, c = 0, d = 0;
	for (int k = 1; k < TREE_SIZE; k++) {
		long pp = parent_of(made[k]);
		if (pp == a && !b)
			b = made[k];
		else if (pp == a)
			c = made[k];
		else
			d = made[k];
	}
	T_CHECK(b && c && d);
	long pd = parent_of(d);
	T_CHECK(pd == b || pd == c); /* whichever of a's children made d */
	T_EQ(parent_of(b) == a && parent_of(c) == a, 1);
	close(hold[1]); /* let them all go */
	T_EXITED(t_wait(a), 0);
}

int
main(int argc, char **argv)
{
	main_argv = argv;
	if (argc > 1 && strcmp(argv[1], CMDLINE_CHILD) == 0)
		return cmdline_child(argv);
	t_init(argc, argv, "proc");
	T_RUN(self_stat);
	T_RUN(self_status);
	T_RUN(cmdline_after_fork);
	T_RUN(cmdline_after_exec);
	T_RUN(child_listed_then_gone);
	T_RUN(zombie);
	T_RUN(stopped_state);
	T_RUN(parent_dir);
	T_RUN(no_such_process);
	T_RUN(cwd_in_self);
	T_RUN(cwd_outlives_process);
	T_RUN(listing);
	T_RUN(types_and_modes);
	T_RUN(read_in_pieces);
	T_RUN(uptime);
	T_RUN(meminfo);
	T_RUN(version);
	T_RUN(writing_fails);
	T_RUN(tree_matches_fork);
	return t_done();
}
