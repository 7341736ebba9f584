/*
 * t.h: the kit for Sprout's user-space ABI tests (tests/user/t_*.c).
 *
 * Each program tests one area of the system-call ABI. main() names the
 * suite with t_init() and runs the cases with T_RUN(); each case prints
 * one line,
 *
 *   test files/open_motd: OK
 *   test files/bad_fd: FAILED
 *
 * and each failed check prints an indented line before it saying where
 * and what went wrong. main() returns t_done(), the number of failed
 * cases (at most 255, so that the exit status never wraps to 0).
 *
 * Every case runs in a child process of its own, so a case that crashes,
 * hangs or changes its process (its cwd, its signal mask, its break)
 * cannot harm the others. There are no pipes: the child tells its verdict
 * through its exit status (T_PASS or T_FAIL); anything else, a signal
 * included, is a failure. A case still running after T_TIMEOUT_MS is
 * killed and fails. All output goes straight to fd 1, one write() per
 * line and never through stdio buffers, so the lines of parents and
 * children never interleave.
 *
 * The cases call the kernel with raw system calls, syscall(SYS_xxx, ...),
 * wherever the C library could hide what the kernel did, and check the
 * raw result: the value, or -1 with errno set.
 *
 * Files: in Sprout the initramfs is the root directory; on Linux the
 * directory named by the environment variable SPROUT_ROOT stands in for
 * it, and t_path("/etc/motd") gives the right name on either.
 */
#ifndef TESTS_USER_T_H
#define TESTS_USER_T_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The verdicts a case's process exits with. */
#define T_PASS 100
#define T_FAIL 101

/* How long a case may run, and how long a case waits for its children. */
#ifndef T_TIMEOUT_MS
#define T_TIMEOUT_MS 10000
#endif
#define T_CHILD_TIMEOUT_MS 5000

/* How long a child that should be killed waits before giving up. */
#define T_LINGER_MS   4000
#define T_LINGER_EXIT 99

/* Pointers no system call may accept: unmapped, and in the kernel half. */
#define T_BAD_PTR    ((void *)1)
#define T_KERNEL_PTR ((void *)0xffff800000000000UL)

/* The contents of /etc/motd. */
#define T_MOTD "Welcome to Sprout, a teaching kernel for x86-64.\n"

static const char *t_suite __attribute__((unused)) = "user";
static const char *t_argv0 __attribute__((unused)) = "";
static int t_case_failed __attribute__((unused));
static int t_failures __attribute__((unused));

/* Write all of s to fd 1 with as few write() calls as the kernel allows. */
static inline void
t_write_all(const char *s, size_t n)
{
	while (n > 0) {
		long r = syscall(SYS_write, 1, s, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		s += r;
		n -= r;
	}
}

/* printf to fd 1 in one write(); errno is kept. */
static inline void __attribute__((format(printf, 1, 2)))
t_printf(const char *fmt, ...)
{
	char buf[1024];
	int saved = errno;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	if (n > 0)
		t_write_all(buf, n);
	errno = saved;
}

static inline const char *
t_errname(int e)
{
	static const char *const names[] = {
		[0] = "0",
		[EPERM] = "EPERM",
		[ENOENT] = "ENOENT",
		[ESRCH] = "ESRCH",
		[EINTR] = "EINTR",
		[EIO] = "EIO",
		[ENXIO] = "ENXIO",
		[E2BIG] = "E2BIG",
		[ENOEXEC] = "ENOEXEC",
		[EBADF] = "EBADF",
		[ECHILD] = "ECHILD",
		[EAGAIN] = "EAGAIN",
		[ENOMEM] = "ENOMEM",
		[EACCES] = "EACCES",
		[EFAULT] = "EFAULT",
		[EBUSY] = "EBUSY",
		[EEXIST] = "EEXIST",
		[ENODEV] = "ENODEV",
		[ENOTDIR] = "ENOTDIR",
		[EISDIR] = "EISDIR",
		[EINVAL] = "EINVAL",
		[ENFILE] = "ENFILE",
		[EMFILE] = "EMFILE",
		[ENOTTY] = "ENOTTY",
		[ETXTBSY] = "ETXTBSY",
		[ENOSPC] = "ENOSPC",
		[ESPIPE] = "ESPIPE",
		[EROFS] = "EROFS",
		[EPIPE] = "EPIPE",
		[ERANGE] = "ERANGE",
		[ENAMETOOLONG] = "ENAMETOOLONG",
		[ENOSYS] = "ENOSYS",
		[ENOTEMPTY] = "ENOTEMPTY",
		[ELOOP] = "ELOOP",
	};

	if (e >= 0 && e < (int)(sizeof(names) / sizeof(names[0])) && names[e])
		return names[e];
	return "?";
}

static inline const char *
t_signame(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",
		[SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
		[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
		[SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",
		[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1",
		[SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
		[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",
		[SIGTERM] = "SIGTERM", [SIGCHLD] = "SIGCHLD",
		[SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP",
		[SIGSYS] = "SIGSYS",
	};

	if (sig > 0 && sig < (int)(sizeof(names) / sizeof(names[0])) &&
	    names[sig])
		return names[sig];
	return "?";
}

/* A wait status in words: "exited with status 3", ... */
static inline const char *
t_describe(int status, char *buf, size_t size)
{
	if (status == -1)
		snprintf(buf, size, "gave no status");
	else if (WIFEXITED(status))
		snprintf(buf, size, "exited with status %d",
			 WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "was killed by signal %d (%s)",
			 WTERMSIG(status), t_signame(WTERMSIG(status)));
	else
		snprintf(buf, size, "gave wait status 0x%x", status);
	return buf;
}

/* Report a failed check of the current case. */
static inline void __attribute__((format(printf, 3, 4)))
t_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t_printf("  %s:%d: %s\n", file, line, msg);
	t_case_failed = 1;
}

#define T_FAILF(...) t_fail(__FILE__, __LINE__, __VA_ARGS__)

/* cond must hold. */
#define T_CHECK(cond)                                                          \
	do {                                                                   \
		if (!(cond))                                                   \
			t_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond); \
	} while (0)

/* cond must hold, or the case ends here. */
#define T_REQUIRE(cond)                                                  \
	do {                                                             \
		if (!(cond)) {                                           \
			t_fail(__FILE__, __LINE__, "REQUIRE(%s) failed", \
			       #cond);                                   \
			_exit(T_FAIL);                                   \
		}                                                        \
	} while (0)

/* Two integers (or pointers) must be equal. */
#define T_EQ(got, want)                                                   \
	do {                                                              \
		long long g_ = (long long)(got), w_ = (long long)(want);  \
		if (g_ != w_)                                             \
			t_fail(__FILE__, __LINE__,                        \
			       "%s is %lld (0x%llx), want %lld (0x%llx)", \
			       #got, g_, (unsigned long long)g_, w_,      \
			       (unsigned long long)w_);                   \
	} while (0)

/* Two strings must be equal. */
#define T_STR_EQ(got, want)                                               \
	do {                                                              \
		const char *g_ = (got), *w_ = (want);                     \
		if (g_ == NULL || strcmp(g_, w_) != 0)                    \
			t_fail(__FILE__, __LINE__,                        \
			       "%s is \"%.200s\", want \"%.200s\"", #got, \
			       g_ ? g_ : "(null)", w_);                   \
	} while (0)

/* n bytes must be equal. */
#define T_MEM_EQ(got, want, n) \
	t_mem_eq(__FILE__, __LINE__, #got, (got), (want), (n))

static inline void
t_mem_eq(const char *file, int line, const char *what, const void *got,
	 const void *want, size_t n)
{
	const unsigned char *g = got, *w = want;

	for (size_t i = 0; i < n; i++) {
		if (g[i] != w[i]) {
			t_fail(file, line,
			       "%s differs at byte %zu: 0x%02x, want 0x%02x",
			       what, i, g[i], w[i]);
			return;
		}
	}
}

/*
 * A system call that must succeed: the value of the expression is its
 * result. errno is cleared first, so a failure is reported truthfully.
 */
#define T_SYS(expr)                                                          \
	({                                                                   \
		errno = 0;                                                   \
		long r_ = (long)(expr);                                      \
		if (r_ == -1)                                                \
			t_fail(__FILE__, __LINE__,                           \
			       "%s returned -1 errno %d (%s), want success", \
			       #expr, errno, t_errname(errno));              \
		r_;                                                          \
	})

/* A system call that must fail with errno want. */
#define T_SYS_ERR(expr, want)                                            \
	do {                                                             \
		errno = 0;                                               \
		long r_ = (long)(expr);                                  \
		int e_ = errno;                                          \
		if (r_ != -1 || e_ != (want))                            \
			t_fail(__FILE__, __LINE__,                       \
			       "%s returned %ld errno %d (%s), want -1 " \
			       "errno %d (%s)",                          \
			       #expr, r_, r_ == -1 ? e_ : 0,             \
			       t_errname(r_ == -1 ? e_ : 0), (want),     \
			       t_errname(want));                         \
	} while (0)

/* A system call that must return exactly want. */
#define T_SYS_EQ(expr, want)                                              \
	do {                                                              \
		errno = 0;                                                \
		long r_ = (long)(expr), w_ = (long)(want);                \
		int e_ = errno;                                           \
		if (r_ != w_)                                             \
			t_fail(__FILE__, __LINE__,                        \
			       "%s returned %ld errno %d (%s), want %ld", \
			       #expr, r_, r_ == -1 ? e_ : 0,              \
			       t_errname(r_ == -1 ? e_ : 0), w_);         \
	} while (0)

/* Sleep for ms milliseconds (restarted if interrupted). */
static inline void
t_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (syscall(SYS_nanosleep, &ts, &ts) == -1 && errno == EINTR)
		;
}

/* CLOCK_MONOTONIC in milliseconds, straight from the kernel. */
static inline long long
t_now_ms(void)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Wait for the child pid and return its wait status; after ms
 * milliseconds kill it and set *timed_out. Returns -1 if wait4 fails.
 */
static inline int
t_reap(long pid, long ms, int *timed_out)
{
	long long deadline = t_now_ms() + ms;
	long step = 1;
	int status = 0;

	*timed_out = 0;
	for (;;) {
		long r = syscall(SYS_wait4, pid, &status, WNOHANG, NULL);
		if (r == pid)
			return status;
		if (r == -1 && errno != EINTR)
			return -1;
		if (t_now_ms() >= deadline) {
			*timed_out = 1;
			syscall(SYS_kill, pid, SIGKILL);
			r = syscall(SYS_wait4, pid, &status, 0, NULL);
			return r == pid ? status : -1;
		}
		t_sleep_ms(step);
		if (step < 16)
			step *= 2;
	}
}

/* fork(); if that fails, the case fails and ends. */
static inline pid_t
t_fork(void)
{
	pid_t pid = fork();

	if (pid == -1) {
		T_FAILF("fork returned -1 errno %d (%s)", errno,
			t_errname(errno));
		_exit(T_FAIL);
	}
	return pid;
}

/*
 * The wait status of the child pid, which is killed if it takes longer
 * than T_CHILD_TIMEOUT_MS. -1 (and a failed case) if it cannot be had.
 */
#define t_wait(pid) t_wait_at(__FILE__, __LINE__, (pid))

static inline int
t_wait_at(const char *file, int line, pid_t pid)
{
	int timed_out, status = t_reap(pid, T_CHILD_TIMEOUT_MS, &timed_out);

	if (status == -1)
		t_fail(file, line, "wait4(%d) returned -1 errno %d (%s)",
		       (int)pid, errno, t_errname(errno));
	else if (timed_out)
		t_fail(file, line, "child %d still ran after %d ms: killed",
		       (int)pid, T_CHILD_TIMEOUT_MS);
	return timed_out ? -1 : status;
}

/* The wait status must say: exited with status code. */
#define T_EXITED(status, code) \
	t_check_exited(__FILE__, __LINE__, (status), (code))

static inline void
t_check_exited(const char *file, int line, int status, int code)
{
	char d[64];

	if (status != -1 && !(WIFEXITED(status) && WEXITSTATUS(status) == code))
		t_fail(file, line, "child %s, want exit status %d",
		       t_describe(status, d, sizeof(d)), code);
}

/* The wait status must say: killed by signal sig. */
#define T_SIGNALED(status, sig) \
	t_check_signaled(__FILE__, __LINE__, (status), (sig))

static inline void
t_check_signaled(const char *file, int line, int status, int sig)
{
	char d[64];

	if (status != -1 && !(WIFSIGNALED(status) && WTERMSIG(status) == sig))
		t_fail(file, line, "child %s, want killed by signal %d (%s)",
		       t_describe(status, d, sizeof(d)), sig, t_signame(sig));
}

/*
 * For a child that should be killed: wait to be, but not for ever (the
 * test might be wrong), then exit with T_LINGER_EXIT.
 */
static inline void __attribute__((noreturn)) t_linger(void)
{
	for (int i = 0; i < T_LINGER_MS / 10; i++)
		t_sleep_ms(10);
	_exit(T_LINGER_EXIT);
}

/* SPROUT_ROOT made absolute by t_init(), so that chdir cannot move it. */
static char t_root_abs[2048] __attribute__((unused));

/* SPROUT_ROOT, or "" when it is not set. */
static inline const char *
t_root(void)
{
	const char *root = getenv("SPROUT_ROOT");

	if (t_root_abs[0])
		return t_root_abs;
	return root ? root : "";
}

/*
 * The name of the absolute path abs ("/etc/motd") under SPROUT_ROOT. The
 * result lives until the eighth call after.
 */
static inline const char *
t_path(const char *abs)
{
	static char bufs[8][3072];
	static int next;
	char *buf = bufs[next++ % 8];

	snprintf(buf, sizeof(bufs[0]), "%s%s", t_root(), abs);
	return buf;
}

/* The path this program was started by. */
static inline const char *
t_self(void)
{
	return t_argv0;
}

static inline void
t_init(int argc, char **argv, const char *suite)
{
	const char *root = getenv("SPROUT_ROOT");
	char cwd[1024];

	t_suite = suite;
	t_argv0 = argc > 0 && argv[0] ? argv[0] : "";
	if (root && root[0] && root[0] != '/' &&
	    syscall(SYS_getcwd, cwd, sizeof(cwd)) > 0)
		snprintf(t_root_abs, sizeof(t_root_abs), "%s/%s", cwd, root);
}

/* Run fn in a child process and print its verdict line. */
#define T_RUN(fn) t_run(#fn, fn)

static inline void
t_run(const char *name, void (*fn)(void))
{
	int status, timed_out;
	char d[64];
	pid_t pid;

	pid = fork();
	if (pid == -1) {
		t_printf("  fork returned -1 errno %d (%s)\n", errno,
			 t_errname(errno));
		status = -1;
		timed_out = 0;
	} else if (pid == 0) {
		t_case_failed = 0;
		fn();
		_exit(t_case_failed ? T_FAIL : T_PASS);
	} else {
		status = t_reap(pid, T_TIMEOUT_MS, &timed_out);
		if (status == -1)
			t_printf("  wait4 for the case returned -1 errno "
				 "%d (%s)\n",
				 errno, t_errname(errno));
	}

	if (timed_out)
		t_printf("  the case still ran after %d ms: killed\n",
			 T_TIMEOUT_MS);
	else if (status != -1 && status != T_PASS << 8 && status != T_FAIL << 8)
		t_printf("  the case %s\n", t_describe(status, d, sizeof(d)));
	if (!timed_out && status == T_PASS << 8) {
		t_printf("test %s/%s: OK\n", t_suite, name);
	} else {
		t_printf("test %s/%s: FAILED\n", t_suite, name);
		t_failures++;
	}
}

/* What main() returns: the number of failed cases. */
static inline int
t_done(void)
{
	return t_failures > 255 ? 255 : t_failures;
}

#endif /* TESTS_USER_T_H */
