/*
 * t_jobs: job control on the terminal. The controlling terminal of a
 * session, its foreground group (tcgetpgrp, tcsetpgrp, tcgetsid,
 * TIOCSCTTY); a background group that reads the terminal gets SIGTTIN,
 * and stops, or fails with EIO when it ignores or blocks SIGTTIN, or
 * with EINTR after a handler; a background group may write unless
 * TOSTOP is set, and then gets SIGTTOU, unless it ignores or blocks it;
 * tcsetpgrp and tcsetattr from a background group get SIGTTOU; a group
 * stopped for output and continued in front finishes its write; an
 * orphaned group gets EIO instead of a stop; a stopped process whose
 * group an exit orphans is hung up (SIGHUP and SIGCONT); SIGTSTP,
 * SIGTTIN and SIGTTOU do nothing in an orphaned group, SIGSTOP stops;
 * tcsetpgrp's errors; and a session leader's exit hangs up the group
 * in front (SIGHUP) and leaves the terminal free.
 *
 * It needs a terminal on fd 0 that is no session's controlling terminal
 * yet: in Sprout the console (which only the interactive shell's
 * session takes), on Linux a new pseudo-terminal, as the harness gives
 * it. main() starts a session in a child (setsid), makes the terminal
 * its controlling terminal (TIOCSCTTY) and runs the cases there, each
 * in the session's foreground group. A case puts the processes it tests
 * into groups of their own, which are in the background; they report
 * through their exit status, as they must not write to the terminal.
 * Once that session has ended, the last case starts sessions of its
 * own, with the terminal free again.
 */
#include "t.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>

static struct termios saved; /* the terminal's settings, to put back */
static volatile sig_atomic_t hits;

static void
count(int sig)
{
	(void)sig;
	hits++;
}

/* Set sig's action to fn (SIG_IGN, SIG_DFL or a handler), no flags. */
static void
action(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigaction(sig, &sa, NULL);
}

static void
block(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* The raw ioctls, so that the C library hides nothing. */
static long
get_fg(void)
{
	int pgrp = -1;
	long r = syscall(SYS_ioctl, 0, TIOCGPGRP, &pgrp);

	return r < 0 ? r : pgrp;
}

static long
set_fg(int pgrp)
{
	return syscall(SYS_ioctl, 0, TIOCSPGRP, &pgrp);
}

static long
set_tostop(int on)
{
	struct termios t;

	if (tcgetattr(0, &t) < 0)
		return -1;
	if (on)
		t.c_lflag |= TOSTOP;
	else
		t.c_lflag &= ~TOSTOP;
	return syscall(SYS_ioctl, 0, TCSETS, &t);
}

/* The terminal back to the case's group, with SIGTTOU blocked for the
 * time: after a test gave it away, the case itself is in the
 * background. */
static long
take_back(void)
{
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGTTOU);
	sigprocmask(SIG_BLOCK, &set, &old);
	long r = set_fg(getpgrp());
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

/*
 * Fork a child in a new group of its own, in the background, which
 * runs fn and exits with what fn returns. It waits for a byte on a pipe
 * before it starts: go() sends it, once the parent is ready.
 */
static int go_pipe[2];

static pid_t
background(int (*fn)(void))
{
	T_REQUIRE(pipe(go_pipe) == 0);
	pid_t pid = t_fork();
	if (pid == 0) {
		char c;
		setpgid(0, 0);
		close(go_pipe[1]);
		if (read(go_pipe[0], &c, 1) != 1)
			_exit(90);
		_exit(fn());
	}
	setpgid(pid, pid); /* whichever runs first: the same group */
	close(go_pipe[0]);
	return pid;
}

static void
go(void)
{
	T_EQ(write(go_pipe[1], "g", 1), 1);
	close(go_pipe[1]);
}

/* The wait status of child pid once it stops or ends (WUNTRACED); -1
 * if neither happens within T_CHILD_TIMEOUT_MS. */
static int
wait_stopped(pid_t pid)
{
	long long deadline = t_now_ms() + T_CHILD_TIMEOUT_MS;
	int status;

	while (t_now_ms() < deadline) {
		long r = syscall(SYS_wait4, pid, &status, WUNTRACED | WNOHANG,
				 NULL);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		t_sleep_ms(2);
	}
	return -1;
}

/* Child pid must stop with sig; then it is killed and reaped. */
#define T_STOPS(pid, sig) t_stops(__FILE__, __LINE__, (pid), (sig))

static void
t_stops(const char *file, int line, pid_t pid, int sig)
{
	int status = wait_stopped(pid);

	if (!WIFSTOPPED(status) || WSTOPSIG(status) != sig) {
		char d[64];
		t_fail(file, line, "child %s, want stopped by %d (%s)",
		       status == -1 ? "did not stop in time"
				    : t_describe(status, d, sizeof(d)),
		       sig, t_signame(sig));
	}
	kill(pid, SIGKILL);
	t_wait(pid);
}

/* ---- The controlling terminal ---------------------------------------- */

static void
controlling_terminal(void)
{
	int sid = -1;

	/* The session's leader is our parent, and its group is in front. */
	T_SYS_EQ(get_fg(), getpgrp());
	T_SYS_EQ(syscall(SYS_ioctl, 0, TIOCGSID, &sid), 0);
	T_EQ(sid, getsid(0));
	T_EQ(sid, getppid());
	/* Only a session leader can take a controlling terminal. */
	T_SYS_ERR(syscall(SYS_ioctl, 0, TIOCSCTTY, 0), EPERM);
	/* The front group may put itself in front again. */
	T_SYS_EQ(set_fg(getpgrp()), 0);
	/* TCSETS keeps TOSTOP, and the terminal keeps it. */
	T_SYS_EQ(set_tostop(1), 0);
	struct termios t;
	T_SYS_EQ(tcgetattr(0, &t), 0);
	T_EQ(!!(t.c_lflag & TOSTOP), 1);
	T_SYS_EQ(set_tostop(0), 0);
	T_SYS_EQ(tcgetattr(0, &t), 0);
	T_EQ(!!(t.c_lflag & TOSTOP), 0);
}

/* ---- Reading from the background -------------------------------------- */

static int
read_terminal(void)
{
	char c;
	long r = syscall(SYS_read, 0, &c, 1);

	return r == -1 ? errno : 100 + (int)r;
}

/* The whole group of a background reader stops with SIGTTIN. */
static void
background_read_stops(void)
{
	pid_t reader = background(read_terminal);
	pid_t other = t_fork(); /* another member of the reader's group */
	if (other == 0) {
		setpgid(0, reader);
		t_linger();
	}
	T_SYS_EQ(setpgid(other, reader), 0);
	go();
	T_STOPS(reader, SIGTTIN);
	T_STOPS(other, SIGTTIN);
}

static int
read_ignoring_ttin(void)
{
	action(SIGTTIN, SIG_IGN);
	return read_terminal();
}

static int
read_blocking_ttin(void)
{
	block(SIGTTIN);
	return read_terminal();
}

/* Ignored or blocked, SIGTTIN cannot stop the reader: EIO instead. */
static void
background_read_eio(void)
{
	pid_t pid = background(read_ignoring_ttin);
	go();
	T_EXITED(t_wait(pid), EIO);
	pid = background(read_blocking_ttin);
	go();
	T_EXITED(t_wait(pid), EIO);
}

static int
read_with_handler(void)
{
	action(SIGTTIN, count); /* no SA_RESTART */
	int err = read_terminal();
	return err == EINTR && hits == 1 ? 0 : err == EINTR ? 1 : 2;
}

/* A handler for SIGTTIN runs, and the read fails with EINTR. */
static void
background_read_handler(void)
{
	pid_t pid = background(read_with_handler);
	go();
	T_EXITED(t_wait(pid), 0);
}

/* ---- Writing from the background -------------------------------------- */

static int
write_terminal(void)
{
	static const char line[] = "  jobs: a line from a background group\n";
	long r = syscall(SYS_write, 1, line, sizeof(line) - 1);

	return r == (long)sizeof(line) - 1 ? 0 : r == -1 ? errno : 1;
}

/* Without TOSTOP, a background group writes like any other. */
static void
background_write(void)
{
	T_SYS_EQ(set_tostop(0), 0);
	pid_t pid = background(write_terminal);
	go();
	T_EXITED(t_wait(pid), 0);
}

static int
write_ignoring_ttou(void)
{
	action(SIGTTOU, SIG_IGN);
	return write_terminal();
}

static int
write_blocking_ttou(void)
{
	block(SIGTTOU);
	return write_terminal();
}

/* With TOSTOP a background writer stops with SIGTTOU, unless it
 * ignores or blocks it: then it writes. */
static void
background_write_tostop(void)
{
	T_REQUIRE(set_tostop(1) == 0);
	pid_t stops = background(write_terminal);
	go();
	int status = wait_stopped(stops);
	pid_t ignoring = background(write_ignoring_ttou);
	go();
	int ignoring_status = t_wait(ignoring);
	pid_t blocking = background(write_blocking_ttou);
	go();
	int blocking_status = t_wait(blocking);
	/* Our own lines go out only with TOSTOP off again. */
	T_SYS_EQ(set_tostop(0), 0);
	T_EQ(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTTOU, 1);
	kill(stops, SIGKILL);
	T_SIGNALED(t_wait(stops), SIGKILL);
	T_EXITED(ignoring_status, 0);
	T_EXITED(blocking_status, 0);
}

/* Stopped for output, then given the terminal and continued (what a
 * shell's fg does): the write runs again, from the front, and is done. */
static void
continued_in_front(void)
{
	T_REQUIRE(set_tostop(1) == 0);
	pid_t pid = background(write_terminal);
	go();
	int stopped = wait_stopped(pid);
	long given = set_fg(pid);
	kill(pid, SIGCONT);
	int status = t_wait(pid);
	long back = take_back();
	T_SYS_EQ(set_tostop(0), 0);
	T_EQ(WIFSTOPPED(stopped) && WSTOPSIG(stopped) == SIGTTOU, 1);
	T_EQ(given, 0);
	T_EXITED(status, 0);
	T_EQ(back, 0);
}

/* ---- Changing the terminal from the background ------------------------ */

static int
take_terminal(void)
{
	if (set_fg(getpgrp()) != 0)
		return errno;
	return get_fg() == getpgrp() ? 0 : 1;
}

static int
take_terminal_blocking_ttou(void)
{
	block(SIGTTOU);
	return take_terminal();
}

static int
take_terminal_ignoring_ttou(void)
{
	action(SIGTTOU, SIG_IGN);
	return take_terminal();
}

/* tcsetpgrp from a background group: SIGTTOU, unless it is blocked or
 * ignored; then the group is in front (and we are not). */
static void
background_tcsetpgrp(void)
{
	pid_t pid = background(take_terminal);
	go();
	T_STOPS(pid, SIGTTOU);
	T_SYS_EQ(get_fg(), getpgrp());

	pid = background(take_terminal_blocking_ttou);
	go();
	T_EXITED(t_wait(pid), 0);
	T_SYS_EQ(get_fg(), pid);
	T_SYS_EQ(take_back(), 0);

	pid = background(take_terminal_ignoring_ttou);
	go();
	T_EXITED(t_wait(pid), 0);
	T_SYS_EQ(get_fg(), pid);
	T_SYS_EQ(take_back(), 0);
}

static int
set_attributes(void)
{
	struct termios t;

	if (tcgetattr(0, &t) != 0) /* reading them is allowed */
		return 10;
	return syscall(SYS_ioctl, 0, TCSETS, &t) == 0 ? 0 : errno;
}

static int
set_attributes_ignoring_ttou(void)
{
	action(SIGTTOU, SIG_IGN);
	return set_attributes();
}

/* tcsetattr from a background group: SIGTTOU, unless it is ignored. */
static void
background_tcsetattr(void)
{
	pid_t pid = background(set_attributes);
	go();
	T_STOPS(pid, SIGTTOU);
	pid = background(set_attributes_ignoring_ttou);
	go();
	T_EXITED(t_wait(pid), 0);
}

/* ---- An orphaned group ------------------------------------------------ */

/*
 * A group whose processes have no parent in another group of the
 * session is orphaned: no shell is left to continue it, so instead of
 * a stop it gets EIO, for a read, a write with TOSTOP, a tcsetattr.
 * The child makes such a group of its grandchild by exiting; the
 * grandchild's results come back through a pipe.
 */
static void
orphaned_group(void)
{
	int p[2];
	unsigned char results[3] = { 0, 0, 0 };

	T_REQUIRE(set_tostop(1) == 0);
	T_REQUIRE(pipe(p) == 0);
	pid_t child = t_fork();
	if (child == 0) {
		pid_t parent = getpid();
		if (t_fork() == 0) {
			setpgid(0, 0);
			while (getppid() == parent)
				t_sleep_ms(1); /* until it is an orphan */
			results[0] = read_terminal();
			results[1] = write_terminal();
			results[2] = set_attributes();
			write(p[1], results, sizeof(results));
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	T_EXITED(t_wait(child), 0);
	long n = read(p[0], results, sizeof(results));
	T_SYS_EQ(set_tostop(0), 0);
	T_EQ(n, 3);
	T_EQ(results[0], EIO);
	T_EQ(results[1], EIO);
	T_EQ(results[2], EIO);
}

/* ---- Hang-ups: orphaned groups, and the session leader's exit ------- */

/*
 * Everything read from fd until its end (every writer gone), at most
 * size bytes and T_CHILD_TIMEOUT_MS: the bytes read, or -1 if it took
 * longer.
 */
static long
read_all(int fd, char *buf, size_t size)
{
	long long deadline = t_now_ms() + T_CHILD_TIMEOUT_MS;
	size_t n = 0;

	while (n < size) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - t_now_ms();
		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		long r = read(fd, buf + n, size - n);
		if (r == 0)
			break;
		if (r > 0)
			n += r;
	}
	return (long)n;
}

static int report_fd = -1; /* where the handlers below write */
static volatile sig_atomic_t got_hup, got_cont;

static void
report_hup(int sig)
{
	(void)sig;
	got_hup = 1;
	write(report_fd, "H", 1);
}

static void
report_cont(int sig)
{
	(void)sig;
	got_cont = 1;
	write(report_fd, "C", 1);
}

/* Stop with SIGSTOP; once continued, wait (at most T_LINGER_MS) until
 * both SIGHUP and SIGCONT have come, each reported on fd, and exit. */
static void __attribute__((noreturn)) stop_until_hung_up(int fd)
{
	report_fd = fd;
	action(SIGHUP, report_hup);
	action(SIGCONT, report_cont);
	kill(getpid(), SIGSTOP);
	long long deadline = t_now_ms() + T_LINGER_MS;
	while (!(got_hup && got_cont) && t_now_ms() < deadline)
		t_sleep_ms(1);
	_exit(0);
}

/* Child pid must stop, else it is killed; its parent exits with 0 or
 * 1. pid goes to the case on fd, so that it can end it if need be. */
static void __attribute__((noreturn)) leave_when_stopped(pid_t pid, int fd)
{
	int status;

	write(fd, &pid, sizeof(pid));
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)) {
		kill(pid, SIGKILL);
		_exit(1);
	}
	_exit(0);
}

/* What a hung-up process reported: H and C, in either order (Linux
 * runs the handler of the later signal first). The process is killed
 * if it is still there. */
static void
check_hung_up(int report, int pids)
{
	char got[8];
	pid_t pid = 0;

	long n = read_all(report, got, sizeof(got));
	T_EQ(read(pids, &pid, sizeof(pid)), sizeof(pid));
	if (n < 0 && pid > 0)
		kill(pid, SIGKILL); /* never hung up: still stopped */
	T_EQ(n, 2);
	T_CHECK(n == 2 && memchr(got, 'H', 2) && memchr(got, 'C', 2));
}

/*
 * A parent that exits leaves its child's group orphaned (it was the
 * group's only member with a parent in another group of the session),
 * and the child is stopped: the group gets SIGHUP, then SIGCONT.
 *
 *   the case (the session's group)
 *     parent (the same group)    exits
 *       child (a group of its own), stopped: hung up
 */
static void
orphaned_by_parent_hung_up(void)
{
	int report[2], pids[2];

	T_REQUIRE(pipe(report) == 0 && pipe(pids) == 0);
	pid_t parent = t_fork();
	if (parent == 0) {
		pid_t child = t_fork();
		if (child == 0) {
			setpgid(0, 0);
			stop_until_hung_up(report[1]);
		}
		setpgid(child, child);
		leave_when_stopped(child, pids[1]);
	}
	close(report[1]);
	close(pids[1]);
	T_EXITED(t_wait(parent), 0);
	check_hung_up(report[0], pids[0]);
}

/*
 * The same, when the process that exits is in the group itself: it was
 * the group's link to the session, its child is stopped.
 *
 *   the case (the session's group)
 *     leader (a group of its own)      exits
 *       child (the leader's group), stopped: hung up
 */
static void
orphaned_by_member_hung_up(void)
{
	int report[2], pids[2];

	T_REQUIRE(pipe(report) == 0 && pipe(pids) == 0);
	pid_t leader = t_fork();
	if (leader == 0) {
		setpgid(0, 0);
		pid_t child = t_fork();
		if (child == 0)
			stop_until_hung_up(report[1]);
		leave_when_stopped(child, pids[1]);
	}
	close(report[1]);
	close(pids[1]);
	T_EXITED(t_wait(leader), 0);
	check_hung_up(report[0], pids[0]);
}

/* In an orphaned group: SIGTSTP, SIGTTIN and SIGTTOU do not stop the
 * caller (1 each), and SIGSTOP still stops a child of the group (4). */
static int
stop_signals_when_orphaned(void)
{
	int result = 0, status;

	kill(getpid(), SIGTSTP);
	result |= 1;
	kill(getpid(), SIGTTIN);
	result |= 2;
	kill(getpid(), SIGTTOU);
	result |= 4;
	pid_t child = fork(); /* in our group: it stays orphaned */
	if (child == 0) {
		kill(getpid(), SIGSTOP);
		_exit(0);
	}
	if (waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status) &&
	    WSTOPSIG(status) == SIGSTOP)
		result |= 8;
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	return result;
}

/*
 * The terminal's stop signals do nothing to an orphaned group, which no
 * shell could continue; SIGSTOP still stops. The child makes its
 * grandchild's group orphaned by exiting; the grandchild's result comes
 * back through a pipe (and if it stopped after all, it is killed).
 */
static void
orphaned_ignores_stop_signals(void)
{
	int p[2];
	pid_t pid = 0;
	unsigned char result = 0;

	T_REQUIRE(pipe(p) == 0);
	pid_t child = t_fork();
	if (child == 0) {
		pid_t parent = getpid();
		pid_t grandchild = t_fork();
		if (grandchild == 0) {
			setpgid(0, 0);
			while (getppid() == parent)
				t_sleep_ms(1); /* until it is an orphan */
			result = stop_signals_when_orphaned();
			write(p[1], &result, 1);
			_exit(0);
		}
		setpgid(grandchild, grandchild);
		write(p[1], &grandchild, sizeof(grandchild));
		_exit(0);
	}
	close(p[1]);
	T_EXITED(t_wait(child), 0);
	T_EQ(read(p[0], &pid, sizeof(pid)), sizeof(pid));
	long n = read_all(p[0], (char *)&result, 1);
	if (n != 1 && pid > 0)
		kill(pid, SIGKILL);
	T_EQ(n, 1);
	T_EQ(result, 15);
}

/*
 * The session leader that controls the terminal exits: the group in
 * front gets SIGHUP (not SIGCONT: Linux sends that too only when the
 * leader gives the terminal up with TIOCNOTTY), and the session has no
 * controlling terminal any more, so another session leader may take
 * it. The member in front blocks both signals, and once its leader is
 * gone it reports on a pipe which are pending.
 *
 *   the case (no controlling terminal)
 *     leader (a new session; the terminal)   exits
 *       member (a group of its own, in front): SIGHUP
 *
 * This needs the terminal free: it runs after the other cases' session
 * has ended.
 */
static int
hung_up_in_front(pid_t leader)
{
	sigset_t set;
	int result = 0, pgrp;

	/* Handlers, so that neither is ignored while it waits. */
	action(SIGHUP, count);
	action(SIGCONT, count);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCONT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	setpgid(0, 0);
	while (get_fg() != getpgrp() && getppid() == leader)
		t_sleep_ms(1);		    /* the leader puts us in front */
	if (write(go_pipe[1], "r", 1) != 1) /* ready */
		return 90;
	long long deadline = t_now_ms() + T_LINGER_MS;
	while (getppid() == leader && t_now_ms() < deadline)
		t_sleep_ms(1);
	sigpending(&set);
	if (sigismember(&set, SIGHUP))
		result |= 1;
	if (sigismember(&set, SIGCONT))
		result |= 2;
	if (syscall(SYS_ioctl, 0, TIOCGPGRP, &pgrp) == -1 && errno == ENOTTY)
		result |= 4;
	return result;
}

static int
lead_and_leave(int report)
{
	char c;

	if (setsid() < 0 || syscall(SYS_ioctl, 0, TIOCSCTTY, 0) < 0)
		return 80;
	pid_t leader = getpid();
	pid_t member = fork();
	if (member == 0) {
		unsigned char result = hung_up_in_front(leader);
		write(report, &result, 1);
		_exit(0);
	}
	setpgid(member, member);
	if (set_fg(member) != 0)
		return 81;
	if (read(go_pipe[0], &c, 1) != 1) /* the member is ready */
		return 82;
	return 0;
}

/* A new session leader takes the terminal (no stealing). */
static int
take_free_terminal(void)
{
	if (setsid() < 0)
		return 10;
	return syscall(SYS_ioctl, 0, TIOCSCTTY, 0) == 0 ? 0 : errno;
}

static void
session_leader_exit(void)
{
	int report[2];
	unsigned char result = 0;

	T_REQUIRE(pipe(report) == 0 && pipe(go_pipe) == 0);
	pid_t leader = t_fork();
	if (leader == 0)
		_exit(lead_and_leave(report[1]));
	close(report[1]);
	T_EXITED(t_wait(leader), 0);
	close(go_pipe[0]);
	close(go_pipe[1]);
	T_EQ(read_all(report[0], (char *)&result, 1), 1);
	T_EQ(result & 1, 1); /* SIGHUP */
	T_EQ(result & 2, 0); /* no SIGCONT */
	T_EQ(result & 4, 4); /* no controlling terminal any more */
	pid_t pid = t_fork();
	if (pid == 0)
		_exit(take_free_terminal());
	T_EXITED(t_wait(pid), 0);
}

/* ---- tcsetpgrp's errors ----------------------------------------------- */

/* In another session, which has no controlling terminal. */
static int
no_controlling_terminal(void)
{
	int sid;

	if (setsid() < 0)
		return 10;
	if (get_fg() != -1 || errno != ENOTTY)
		return 11;
	if (syscall(SYS_ioctl, 0, TIOCGSID, &sid) != -1 || errno != ENOTTY)
		return 12;
	if (set_fg(getpgrp()) != -1 || errno != ENOTTY)
		return 13;
	/* The terminal is another session's: no stealing it. */
	if (syscall(SYS_ioctl, 0, TIOCSCTTY, 0) != -1 || errno != EPERM)
		return 14;
	return 0;
}

static void
tcsetpgrp_errors(void)
{
	int pgrp;

	T_SYS_ERR(set_fg(-1), EINVAL);
	T_SYS_ERR(set_fg(0x3ffffff0), ESRCH); /* above any pid */
	T_SYS_ERR(syscall(SYS_ioctl, 0, TIOCSPGRP, T_BAD_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_ioctl, 0, TIOCGPGRP, T_BAD_PTR), EFAULT);
	/* A group of another session. */
	pid_t other = t_fork();
	if (other == 0) {
		setsid();
		t_linger();
	}
	while (getsid(other) != other)
		t_sleep_ms(1);
	T_SYS_ERR(set_fg(other), EPERM);
	kill(other, SIGKILL);
	T_SIGNALED(t_wait(other), SIGKILL);
	/* Still ours. */
	T_SYS_EQ(syscall(SYS_ioctl, 0, TIOCGPGRP, &pgrp), 0);
	T_EQ(pgrp, getpgrp());
	/* And a process without a controlling terminal. */
	pid_t pid = t_fork();
	if (pid == 0)
		_exit(no_controlling_terminal());
	T_EXITED(t_wait(pid), 0);
}

/* ---- main ----------------------------------------------------------- */

/* After each case: the terminal back to the session's group, with the
 * settings it had, whatever the case left behind. */
static void
restore_terminal(void)
{
	action(SIGTTOU, SIG_IGN);
	set_fg(getpgrp());
	tcsetattr(0, TCSANOW, &saved);
	action(SIGTTOU, SIG_DFL);
}

#define RUN(fn)                     \
	do {                        \
		T_RUN(fn);          \
		restore_terminal(); \
	} while (0)

int
main(int argc, char **argv)
{
	t_init(argc, argv, "jobs");

	pid_t pid = fork();
	if (pid == 0) {
		/* A session of our own, with fd 0 as its terminal. */
		if (setsid() < 0 || syscall(SYS_ioctl, 0, TIOCSCTTY, 0) < 0 ||
		    tcgetattr(0, &saved) < 0) {
			t_printf("t_jobs: fd 0 cannot be the controlling "
				 "terminal of a new session: errno %d (%s). "
				 "It needs a terminal no session has yet, "
				 "such as a new pseudo-terminal.\n",
				 errno, t_errname(errno));
			_exit(1);
		}
		RUN(controlling_terminal);
		RUN(background_read_stops);
		RUN(background_read_eio);
		RUN(background_read_handler);
		RUN(background_write);
		RUN(background_write_tostop);
		RUN(continued_in_front);
		RUN(background_tcsetpgrp);
		RUN(background_tcsetattr);
		RUN(orphaned_group);
		RUN(orphaned_by_parent_hung_up);
		RUN(orphaned_by_member_hung_up);
		RUN(orphaned_ignores_stop_signals);
		RUN(tcsetpgrp_errors);
		_exit(t_done());
	}
	int status = 1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status))
		return 1;
	/* That session is over: the terminal is free for a new one. */
	T_RUN(session_leader_exit);
	int failed = WEXITSTATUS(status) + t_done();
	return failed > 255 ? 255 : failed;
}
