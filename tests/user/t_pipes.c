/*
 * t_pipes: pipes and descriptors. pipe and pipe2 (O_CLOEXEC, O_NONBLOCK,
 * bad flags, EFAULT), reading and writing them (blocking, end of file,
 * several writers, EPIPE and death by SIGPIPE, the atomicity of writes
 * of PIPE_BUF bytes, a write of 1 MiB, O_NONBLOCK and EAGAIN), dup, dup2,
 * dup3 and fcntl (F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL,
 * F_SETFL), pipes across fork and execve as a shell makes them, poll and
 * ppoll (POLLIN, POLLOUT, POLLHUP, POLLERR, POLLNVAL, timeouts, EFAULT,
 * EINVAL), lseek (ESPIPE) and fstat (S_ISFIFO) on a pipe, and SIGKILL for
 * a process blocked on a pipe.
 *
 * The program runs itself again in a helper mode, for the far side of
 * an execve:
 *
 *   t_pipes writer COUNT   writes MESSAGE COUNT times to fd 1
 *   t_pipes upper          copies fd 0 to fd 1 in capitals
 *   t_pipes holder FD      checks that FD is closed, then reads fd 0 to
 *                          its end
 *
 * Each helper exits 0 when all went well. Children tell their parent how
 * things went through their exit status: 0 is fine, anything else names
 * what went wrong.
 *
 * Signal handlers are not tested here: SIGPIPE is tested by its default
 * action (a child dies of it) and by SIG_IGN (EPIPE).
 */
#include "t.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <sys/stat.h>

/* The kernel's struct sigaction on x86-64. */
struct ksigaction {
	uintptr_t handler;
	unsigned long flags;
	uintptr_t restorer;
	uint64_t mask;
};

#define KSIG_DFL 0
#define KSIG_IGN 1

#define BIT(sig) (1ULL << ((sig)-1))

/* What the writer helper writes, and what the upper helper makes of it. */
#define MESSAGE	      "sprout pipes\n"
#define MESSAGE_UPPER "SPROUT PIPES\n"
#define MESSAGE_LEN   13

/* A descriptor no test opens, and one no kernel allows. */
#define UNUSED_FD 999
#define HUGE_FD	  INT_MAX

#define MIB (1024 * 1024)

/* --- Helpers ------------------------------------------------------------ */

/* pipe2(fds, flags), which must work. */
static void
open_pipe(int fds[2], int flags)
{
	fds[0] = fds[1] = -1;
	T_SYS_EQ(syscall(SYS_pipe2, fds, flags), 0);
	T_REQUIRE(fds[0] >= 0 && fds[1] >= 0);
}

static void
close_fd(int fd)
{
	syscall(SYS_close, fd);
}

/* Write all of buf; the count written, or -1 (errno set) if none was. */
static long
write_all(int fd, const void *buf, long n)
{
	const char *p = buf;
	long done = 0;

	while (done < n) {
		long r = syscall(SYS_write, fd, p + done, n - done);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return done ? done : -1;
		done += r;
	}
	return done;
}

/* Read until end of file or size bytes; the count, or -1 (errno set). */
static long
read_to_eof(int fd, void *buf, long size)
{
	char *p = buf;
	long done = 0;

	while (done < size) {
		long r = syscall(SYS_read, fd, p + done, size - done);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		done += r;
	}
	return done;
}

static long
set_action(int sig, uintptr_t handler)
{
	struct ksigaction act = { handler, 0, 0, 0 };
	uint64_t set = BIT(sig);

	if (syscall(SYS_rt_sigaction, sig, &act, NULL, 8) != 0)
		return -1;
	return syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, 8);
}

/* The lowest free descriptor (found by dup, and freed again). */
static int
lowest_free(void)
{
	int fd = syscall(SYS_dup, 0);

	if (fd >= 0)
		close_fd(fd);
	return fd;
}

/*
 * Fork a child that runs this program as "t_pipes ARGS...", with fd 0
 * and fd 1 taken from in and out (-1: left alone) and the descriptors in
 * to_close[] (ending with -1) closed.
 */
static pid_t
spawn_self(char *const argv[], int in, int out, const int *to_close)
{
	pid_t pid = t_fork();

	if (pid == 0) {
		if (in >= 0 && syscall(SYS_dup2, in, 0) != 0)
			_exit(125);
		if (out >= 0 && syscall(SYS_dup2, out, 1) != 1)
			_exit(125);
		for (; *to_close >= 0; to_close++)
			close_fd(*to_close);
		syscall(SYS_execve, t_self(), argv, NULL);
		t_printf("  execve(\"%s\") returned -1 errno %d (%s)\n",
			 t_self(), errno, t_errname(errno));
		_exit(127);
	}
	return pid;
}

/* The time since start must be lo to hi milliseconds. */
#define T_TOOK(start, lo, hi, what) \
	t_took(__FILE__, __LINE__, (start), (lo), (hi), (what))

static void
t_took(const char *file, int line, long long start, long lo, long hi,
       const char *what)
{
	long long ms = t_now_ms() - start;

	if (ms < lo || ms > hi)
		t_fail(file, line, "%s took %lld ms, want %ld to %ld ms", what,
		       ms, lo, hi);
}

/* Bytes that tell where they were in a stream. */
static unsigned char
pattern(size_t i)
{
	return (unsigned char)(i * 131 + (i >> 12) * 7 + 1);
}

/* --- The helpers, on the far side of execve ----------------------------- */

static int
helper_writer(int argc, char **argv)
{
	int count = argc > 2 ? atoi(argv[2]) : 1;

	for (int i = 0; i < count; i++)
		if (write_all(1, MESSAGE, MESSAGE_LEN) != MESSAGE_LEN)
			return 1;
	return 0;
}

static int
helper_upper(void)
{
	char buf[1000];
	long n;

	while ((n = syscall(SYS_read, 0, buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] -= 'a' - 'A';
		if (write_all(1, buf, n) != n)
			return 1;
	}
	return n == 0 ? 0 : 2;
}

static int
helper_holder(int argc, char **argv)
{
	int fd = argc > 2 ? atoi(argv[2]) : -1;
	int ret = 0;
	struct stat st;
	char buf[16];
	long n;

	/* The close-on-exec write end is gone. */
	if (fd < 0 || syscall(SYS_fcntl, fd, F_GETFD) != -1 || errno != EBADF)
		ret = 1;
	/* fd 0 is the pipe to wait on: wait for its end of file. */
	if (syscall(SYS_fstat, 0, &st) != 0 || !S_ISFIFO(st.st_mode))
		return 2;
	while ((n = syscall(SYS_read, 0, buf, sizeof(buf))) > 0)
		;
	return n == 0 ? ret : 3;
}

static int
helper_main(int argc, char **argv)
{
	t_suite = "pipes-helper";
	if (strcmp(argv[1], "writer") == 0)
		return helper_writer(argc, argv);
	if (strcmp(argv[1], "upper") == 0)
		return helper_upper();
	if (strcmp(argv[1], "holder") == 0)
		return helper_holder(argc, argv);
	t_printf("usage: t_pipes [writer COUNT | upper | holder FD]\n");
	return 2;
}

/* --- Reading and writing ------------------------------------------------ */

static void
pipe_write_read(void)
{
	int fds[2] = { -1, -1 }, first, second;
	char buf[64];

	first = T_SYS(syscall(SYS_dup, 0));
	second = T_SYS(syscall(SYS_dup, 0));
	close_fd(first);
	close_fd(second);
	T_SYS_EQ(syscall(SYS_pipe, fds), 0);
	T_REQUIRE(fds[0] >= 0 && fds[1] >= 0);
	/* The two lowest free descriptors, the read end first. */
	T_EQ(fds[0], first);
	T_EQ(fds[1], second);

	T_SYS_EQ(syscall(SYS_write, fds[1], "hello, pipe", 11), 11);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 11);
	T_MEM_EQ(buf, "hello, pipe", 11);

	/* A byte stream: two writes, read in other pieces. */
	T_SYS_EQ(syscall(SYS_write, fds[1], "abc", 3), 3);
	T_SYS_EQ(syscall(SYS_write, fds[1], "defgh", 5), 5);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, 2), 2);
	T_MEM_EQ(buf, "ab", 2);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, 0), 0);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, 6), 6);
	T_MEM_EQ(buf, "cdefgh", 6);
	T_SYS_EQ(syscall(SYS_write, fds[1], buf, 0), 0);

	/* Each end goes one way only. */
	T_SYS_ERR(syscall(SYS_write, fds[0], "x", 1), EBADF);
	T_SYS_ERR(syscall(SYS_read, fds[1], buf, 1), EBADF);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/*
 * A read into a bad buffer fails and leaves the bytes in the pipe. (The
 * pipe does not block, so that bytes lost give EAGAIN, not a hang.)
 */
static void
pipe_efault_keeps_data(void)
{
	struct pollfd pfd;
	int fds[2];
	char buf[8] = { 0 };

	open_pipe(fds, O_NONBLOCK);
	T_SYS_ERR(syscall(SYS_write, fds[1], T_BAD_PTR, 4), EFAULT);
	T_SYS_ERR(syscall(SYS_write, fds[1], T_KERNEL_PTR, 4), EFAULT);
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 0), 0);

	T_SYS_EQ(syscall(SYS_write, fds[1], "data", 4), 4);
	T_SYS_ERR(syscall(SYS_read, fds[0], T_BAD_PTR, 4), EFAULT);
	T_SYS_ERR(syscall(SYS_read, fds[0], T_KERNEL_PTR, 4), EFAULT);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 4);
	T_MEM_EQ(buf, "data", 4);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/*
 * A read returns all there is, up to the size asked for, even what came
 * in several writes. (POSIX would allow less; Linux gives it all.)
 */
static void
read_takes_what_is_there(void)
{
	static unsigned char in[10000], out[20000];
	int fds[2];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = pattern(i);
	open_pipe(fds, 0);
	T_SYS_EQ(syscall(SYS_write, fds[1], in, 3000), 3000);
	T_SYS_EQ(syscall(SYS_read, fds[0], out, sizeof(out)), 3000);
	T_MEM_EQ(out, in, 3000);

	T_SYS_EQ(syscall(SYS_write, fds[1], in, sizeof(in)), sizeof(in));
	T_SYS_EQ(syscall(SYS_read, fds[0], out, sizeof(out)), sizeof(in));
	T_MEM_EQ(out, in, sizeof(in));

	T_SYS_EQ(syscall(SYS_write, fds[1], in, 700), 700);
	T_SYS_EQ(syscall(SYS_write, fds[1], in + 700, 900), 900);
	T_SYS_EQ(syscall(SYS_write, fds[1], in + 1600, 5000), 5000);
	T_SYS_EQ(syscall(SYS_read, fds[0], out, 6000), 6000);
	T_MEM_EQ(out, in, 6000);
	T_SYS_EQ(syscall(SYS_read, fds[0], out, sizeof(out)), 600);
	T_MEM_EQ(out, in + 6000, 600);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/* A read of an empty pipe waits for a writer. */
static void
read_blocks_for_writer(void)
{
	long long start;
	int fds[2];
	char buf[16];
	pid_t pid;

	open_pipe(fds, 0);
	pid = t_fork();
	if (pid == 0) {
		close_fd(fds[0]);
		t_sleep_ms(50);
		_exit(syscall(SYS_write, fds[1], "late", 4) == 4 ? 0 : 1);
	}
	start = t_now_ms();
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 4);
	T_TOOK(start, 40, T_CHILD_TIMEOUT_MS, "the read");
	T_MEM_EQ(buf, "late", 4);
	T_EXITED(t_wait(pid), 0);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/*
 * End of file comes only when every write end is closed: the parent's,
 * and the copy a child got by fork.
 */
static void
eof_after_every_writer(void)
{
	struct pollfd pfd;
	int fds[2], ctl[2];
	char buf[16];
	pid_t pid;

	open_pipe(fds, 0);
	open_pipe(ctl, 0);
	pid = t_fork();
	if (pid == 0) {
		/* Hold the write end until the parent closes ctl. */
		close_fd(fds[0]);
		close_fd(ctl[1]);
		_exit(syscall(SYS_read, ctl[0], buf, 1) == 0 ? 0 : 1);
	}
	close_fd(ctl[0]);
	T_SYS_EQ(syscall(SYS_write, fds[1], "xy", 2), 2);
	close_fd(fds[1]);

	/* The child's copy keeps the pipe open: data, then nothing yet. */
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 2);
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 0), 0);
	T_EQ(pfd.revents, 0);
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_SETFL, O_NONBLOCK), 0);
	T_SYS_ERR(syscall(SYS_read, fds[0], buf, sizeof(buf)), EAGAIN);
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_SETFL, 0), 0);

	/* The child exits: the last write end is closed. */
	close_fd(ctl[1]);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 0);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 0);
	T_EXITED(t_wait(pid), 0);
	close_fd(fds[0]);
}

#define WRITERS	     4
#define WRITER_RECS  100
#define RECORD_BYTES 8

/* Several children write records; one reader gets them all, in order. */
static void
several_writers(void)
{
	static unsigned char buf[WRITERS * WRITER_RECS * RECORD_BYTES + 64];
	int fds[2], next[WRITERS] = { 0 };
	pid_t pids[WRITERS];
	long n;

	open_pipe(fds, 0);
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = t_fork();
		if (pids[w] != 0)
			continue;
		close_fd(fds[0]);
		for (int i = 0; i < WRITER_RECS; i++) {
			unsigned char rec[RECORD_BYTES] = { 'w',  w,	i, 0xee,
							    0xee, 0xee, i, w };
			if (syscall(SYS_write, fds[1], rec, RECORD_BYTES) !=
			    RECORD_BYTES)
				_exit(1);
		}
		_exit(0);
	}
	close_fd(fds[1]);
	n = read_to_eof(fds[0], buf, sizeof(buf));
	T_EQ(n, WRITERS * WRITER_RECS * RECORD_BYTES);
	for (long off = 0; off + RECORD_BYTES <= n; off += RECORD_BYTES) {
		unsigned char *r = buf + off;
		if (r[0] != 'w' || r[1] >= WRITERS || r[1] != r[7] ||
		    r[2] != r[6] || r[3] != 0xee) {
			T_FAILF("a broken record at offset %ld", off);
			break;
		}
		if (r[2] != next[r[1]]) {
			T_FAILF("writer %d's record %d came when %d was due",
				r[1], r[2], next[r[1]]);
			break;
		}
		next[r[1]]++;
	}
	for (int w = 0; w < WRITERS; w++) {
		T_EQ(next[w], WRITER_RECS);
		T_EXITED(t_wait(pids[w]), 0);
	}
	close_fd(fds[0]);
}

/* --- EPIPE and SIGPIPE -------------------------------------------------- */

static void
epipe_sigpipe_ignored(void)
{
	int fds[2];

	T_SYS_EQ(set_action(SIGPIPE, KSIG_IGN), 0);
	open_pipe(fds, 0);
	T_SYS_EQ(syscall(SYS_write, fds[1], "x", 1), 1);
	close_fd(fds[0]);
	/* No reader: EPIPE, even with room and bytes left in the pipe. */
	T_SYS_ERR(syscall(SYS_write, fds[1], "y", 1), EPIPE);
	T_SYS_ERR(syscall(SYS_write, fds[1], "y", 1), EPIPE);
	close_fd(fds[1]);

	open_pipe(fds, O_NONBLOCK);
	close_fd(fds[0]);
	T_SYS_ERR(syscall(SYS_write, fds[1], "z", 1), EPIPE);
	close_fd(fds[1]);
}

static void
sigpipe_kills_writer(void)
{
	int fds[2];
	pid_t pid;
	char c;

	/* A write with no reader. */
	open_pipe(fds, 0);
	close_fd(fds[0]);
	pid = t_fork();
	if (pid == 0) {
		if (set_action(SIGPIPE, KSIG_DFL) != 0)
			_exit(2);
		syscall(SYS_write, fds[1], "x", 1);
		_exit(1);
	}
	T_SIGNALED(t_wait(pid), SIGPIPE);
	close_fd(fds[1]);

	/* A writer waiting for room when the last reader goes. */
	open_pipe(fds, 0);
	pid = t_fork();
	if (pid == 0) {
		static char big[MIB];
		close_fd(fds[0]);
		if (set_action(SIGPIPE, KSIG_DFL) != 0)
			_exit(2);
		syscall(SYS_write, fds[1], big, sizeof(big));
		_exit(1);
	}
	close_fd(fds[1]);
	T_SYS_EQ(syscall(SYS_read, fds[0], &c, 1), 1);
	close_fd(fds[0]);
	T_SIGNALED(t_wait(pid), SIGPIPE);
}

/* --- Atomic writes and big ones ----------------------------------------- */

#define ATOMIC_WRITERS 8
#define ATOMIC_MSGS    32

/*
 * Writes of PIPE_BUF bytes never interleave: each 4096-byte piece of
 * what the reader gets is all one writer's.
 */
static void
pipe_buf_atomic(void)
{
	static unsigned char msg[PIPE_BUF], chunk[PIPE_BUF], buf[3 * PIPE_BUF];
	static const long sizes[] = { 1000, 3 * PIPE_BUF, 17, PIPE_BUF, 5000 };
	int fds[2], counts[ATOMIC_WRITERS] = { 0 }, bad = 0;
	pid_t pids[ATOMIC_WRITERS];
	long have = 0, total = 0, r;

	_Static_assert(PIPE_BUF == 4096, "Linux's PIPE_BUF");
	open_pipe(fds, 0);
	for (int w = 0; w < ATOMIC_WRITERS; w++) {
		pids[w] = t_fork();
		if (pids[w] != 0)
			continue;
		close_fd(fds[0]);
		memset(msg, 'A' + w, sizeof(msg));
		for (int i = 0; i < ATOMIC_MSGS; i++)
			if (syscall(SYS_write, fds[1], msg, PIPE_BUF) !=
			    PIPE_BUF)
				_exit(1);
		_exit(0);
	}
	close_fd(fds[1]);

	for (int i = 0;; i++) {
		r = syscall(SYS_read, fds[0], buf, sizes[i % 5]);
		if (r <= 0)
			break;
		total += r;
		for (long j = 0; j < r; j++) {
			chunk[have++] = buf[j];
			if (have < PIPE_BUF)
				continue;
			have = 0;
			for (int k = 1; k < PIPE_BUF; k++)
				if (chunk[k] != chunk[0]) {
					if (!bad++)
						T_FAILF("a piece of 4096 bytes "
							"holds 0x%02x and "
							"0x%02x at %d",
							chunk[0], chunk[k], k);
					break;
				}
			if (chunk[0] >= 'A' && chunk[0] < 'A' + ATOMIC_WRITERS)
				counts[chunk[0] - 'A']++;
		}
	}
	T_EQ(r, 0);
	T_EQ(total, ATOMIC_WRITERS * ATOMIC_MSGS * PIPE_BUF);
	T_EQ(bad, 0);
	for (int w = 0; w < ATOMIC_WRITERS; w++) {
		if (!bad)
			T_EQ(counts[w], ATOMIC_MSGS);
		T_EXITED(t_wait(pids[w]), 0);
	}
	close_fd(fds[0]);
}

/* One write of 1 MiB; a child reads it, checks it and sends a sum back. */
static void
large_write(void)
{
	static unsigned char big[MIB];
	uint64_t want = 0, got = 0;
	int data[2], back[2];
	pid_t pid;

	for (size_t i = 0; i < sizeof(big); i++) {
		big[i] = pattern(i);
		want += (uint64_t)big[i] * (i + 1);
	}
	open_pipe(data, 0);
	open_pipe(back, 0);
	pid = t_fork();
	if (pid == 0) {
		static unsigned char buf[10000];
		uint64_t sum = 0;
		size_t at = 0;
		int wrong = 0;
		long n;

		close_fd(data[1]);
		close_fd(back[0]);
		while ((n = syscall(SYS_read, data[0], buf, sizeof(buf))) > 0)
			for (long i = 0; i < n; i++, at++) {
				wrong |= buf[i] != pattern(at);
				sum += (uint64_t)buf[i] * (at + 1);
			}
		if (write_all(back[1], &sum, sizeof(sum)) != sizeof(sum))
			_exit(1);
		_exit(n != 0 ? 2 : at != MIB ? 3 : wrong ? 4 : 0);
	}
	close_fd(data[0]);
	close_fd(back[1]);
	T_SYS_EQ(syscall(SYS_write, data[1], big, sizeof(big)), MIB);
	close_fd(data[1]);
	T_EQ(read_to_eof(back[0], &got, sizeof(got)), sizeof(got));
	T_EQ(got, want);
	T_EXITED(t_wait(pid), 0);
	close_fd(back[0]);
}

/* --- O_NONBLOCK --------------------------------------------------------- */

static void
nonblock_empty_and_full(void)
{
	static unsigned char buf[2 * PIPE_BUF];
	long total = 0, r;
	int fds[2];

	open_pipe(fds, O_NONBLOCK);
	T_SYS_ERR(syscall(SYS_read, fds[0], buf, 1), EAGAIN);

	/* Fill it, a PIPE_BUF-sized write at a time, numbered. */
	for (int i = 0; i < 1024; i++) {
		memset(buf, i & 0xff, PIPE_BUF);
		r = syscall(SYS_write, fds[1], buf, PIPE_BUF);
		if (r == -1)
			break;
		T_EQ(r, PIPE_BUF);
		total += r;
	}
	T_SYS_ERR(syscall(SYS_write, fds[1], buf, PIPE_BUF), EAGAIN);
	T_SYS_ERR(syscall(SYS_write, fds[1], buf, 1), EAGAIN);
	/* POSIX wants room for PIPE_BUF at least; Linux has 64 KiB. */
	T_CHECK(total >= PIPE_BUF && total % PIPE_BUF == 0);
	T_CHECK(total < 1024 * PIPE_BUF);

	/* Room for one more piece: a bigger write writes what fits. */
	T_EQ(read_to_eof(fds[0], buf, PIPE_BUF), PIPE_BUF);
	T_EQ(buf[0], 0);
	T_EQ(buf[PIPE_BUF - 1], 0);
	memset(buf, 0xab, sizeof(buf));
	T_SYS_EQ(syscall(SYS_write, fds[1], buf, 2 * PIPE_BUF), PIPE_BUF);
	T_SYS_ERR(syscall(SYS_write, fds[1], buf, 1), EAGAIN);

	/* Drain it: the pieces in order, then EAGAIN again. */
	for (long i = 1; i < total / PIPE_BUF; i++) {
		r = read_to_eof(fds[0], buf, PIPE_BUF);
		if (r != PIPE_BUF || buf[0] != (i & 0xff) ||
		    buf[PIPE_BUF - 1] != (i & 0xff)) {
			T_FAILF("piece %ld: read %ld bytes of 0x%02x", i, r,
				buf[0]);
			break;
		}
	}
	T_EQ(read_to_eof(fds[0], buf, PIPE_BUF), PIPE_BUF);
	T_EQ(buf[0], 0xab);
	T_SYS_ERR(syscall(SYS_read, fds[0], buf, 1), EAGAIN);

	/* With no writer left, end of file rather than EAGAIN. */
	close_fd(fds[1]);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, 1), 0);
	close_fd(fds[0]);
}

/* F_GETFL and F_SETFL: the status flags belong to the open file. */
static void
fcntl_status_flags(void)
{
	int fds[2], dup_fd;
	long fl;
	char buf[8];
	pid_t pid;

	open_pipe(fds, 0);
	fl = T_SYS(syscall(SYS_fcntl, fds[0], F_GETFL));
	T_EQ(fl & (O_ACCMODE | O_NONBLOCK), O_RDONLY);
	fl = T_SYS(syscall(SYS_fcntl, fds[1], F_GETFL));
	T_EQ(fl & (O_ACCMODE | O_NONBLOCK), O_WRONLY);

	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_SETFL, O_NONBLOCK), 0);
	fl = T_SYS(syscall(SYS_fcntl, fds[0], F_GETFL));
	T_EQ(fl & (O_ACCMODE | O_NONBLOCK), O_RDONLY | O_NONBLOCK);
	T_SYS_ERR(syscall(SYS_read, fds[0], buf, 1), EAGAIN);
	/* Another descriptor for the same open file sees it too. */
	dup_fd = T_SYS(syscall(SYS_dup, fds[0]));
	fl = T_SYS(syscall(SYS_fcntl, dup_fd, F_GETFL));
	T_EQ(fl & O_NONBLOCK, O_NONBLOCK);
	T_SYS_ERR(syscall(SYS_read, dup_fd, buf, 1), EAGAIN);
	/* The write end is another open file. */
	fl = T_SYS(syscall(SYS_fcntl, fds[1], F_GETFL));
	T_EQ(fl & O_NONBLOCK, 0);

	/* F_SETFL does not change the access mode. */
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_SETFL, O_RDWR | O_NONBLOCK), 0);
	fl = T_SYS(syscall(SYS_fcntl, fds[0], F_GETFL));
	T_EQ(fl & (O_ACCMODE | O_NONBLOCK), O_RDONLY | O_NONBLOCK);

	/* Off again: a read waits for the writer. */
	T_SYS_EQ(syscall(SYS_fcntl, dup_fd, F_SETFL, 0), 0);
	fl = T_SYS(syscall(SYS_fcntl, fds[0], F_GETFL));
	T_EQ(fl & (O_ACCMODE | O_NONBLOCK), O_RDONLY);
	pid = t_fork();
	if (pid == 0) {
		t_sleep_ms(30);
		_exit(syscall(SYS_write, fds[1], "ok", 2) == 2 ? 0 : 1);
	}
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 2);
	T_MEM_EQ(buf, "ok", 2);
	T_EXITED(t_wait(pid), 0);

	/* O_NONBLOCK on the write end, through F_SETFL. */
	T_SYS_EQ(syscall(SYS_fcntl, fds[1], F_SETFL, O_NONBLOCK), 0);
	fl = T_SYS(syscall(SYS_fcntl, fds[1], F_GETFL));
	T_EQ(fl & (O_ACCMODE | O_NONBLOCK), O_WRONLY | O_NONBLOCK);

	T_SYS_ERR(syscall(SYS_fcntl, UNUSED_FD, F_GETFL), EBADF);
	T_SYS_ERR(syscall(SYS_fcntl, UNUSED_FD, F_SETFL, 0), EBADF);
	T_SYS_ERR(syscall(SYS_fcntl, fds[0], 99999), EINVAL);
	close_fd(dup_fd);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/* --- pipe2 -------------------------------------------------------------- */

static void
pipe2_flags(void)
{
	int fds[2], bad[2] = { -1, -1 }, before;
	long fl;

	open_pipe(fds, 0);
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_GETFD), 0);
	T_SYS_EQ(syscall(SYS_fcntl, fds[1], F_GETFD), 0);
	close_fd(fds[0]);
	close_fd(fds[1]);

	open_pipe(fds, O_CLOEXEC);
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_GETFD), FD_CLOEXEC);
	T_SYS_EQ(syscall(SYS_fcntl, fds[1], F_GETFD), FD_CLOEXEC);
	fl = T_SYS(syscall(SYS_fcntl, fds[0], F_GETFL));
	T_EQ(fl & O_NONBLOCK, 0);
	/* F_SETFD turns it off and on again. */
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_SETFD, 0), 0);
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_GETFD), 0);
	T_SYS_EQ(syscall(SYS_fcntl, fds[1], F_GETFD), FD_CLOEXEC);
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_SETFD, FD_CLOEXEC), 0);
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_GETFD), FD_CLOEXEC);
	close_fd(fds[0]);
	close_fd(fds[1]);

	open_pipe(fds, O_NONBLOCK);
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_GETFD), 0);
	fl = T_SYS(syscall(SYS_fcntl, fds[0], F_GETFL));
	T_EQ(fl & (O_ACCMODE | O_NONBLOCK), O_RDONLY | O_NONBLOCK);
	fl = T_SYS(syscall(SYS_fcntl, fds[1], F_GETFL));
	T_EQ(fl & (O_ACCMODE | O_NONBLOCK), O_WRONLY | O_NONBLOCK);
	close_fd(fds[0]);
	close_fd(fds[1]);

	open_pipe(fds, O_CLOEXEC | O_NONBLOCK);
	T_SYS_EQ(syscall(SYS_fcntl, fds[1], F_GETFD), FD_CLOEXEC);
	fl = T_SYS(syscall(SYS_fcntl, fds[1], F_GETFL));
	T_EQ(fl & O_NONBLOCK, O_NONBLOCK);
	close_fd(fds[0]);
	close_fd(fds[1]);

	/*
	 * Flags it does not know. (Linux also takes O_DIRECT, for packet
	 * mode, and O_EXCL for notification pipes in some configurations:
	 * left out.)
	 */
	before = lowest_free();
	T_SYS_ERR(syscall(SYS_pipe2, bad, O_APPEND), EINVAL);
	T_SYS_ERR(syscall(SYS_pipe2, bad, O_RDWR), EINVAL);
	T_SYS_ERR(syscall(SYS_pipe2, bad, O_TRUNC | O_CLOEXEC), EINVAL);
	T_SYS_ERR(syscall(SYS_pipe2, bad, -1), EINVAL);
	T_EQ(bad[0], -1);
	T_EQ(bad[1], -1);
	T_EQ(lowest_free(), before);
}

static void
pipe2_efault(void)
{
	int before = lowest_free();

	T_SYS_ERR(syscall(SYS_pipe, T_BAD_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_pipe, T_KERNEL_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_pipe2, T_BAD_PTR, 0), EFAULT);
	T_SYS_ERR(syscall(SYS_pipe2, T_KERNEL_PTR, O_CLOEXEC), EFAULT);
	T_SYS_ERR(syscall(SYS_pipe, NULL), EFAULT);
	/* No descriptor is left behind. */
	T_EQ(lowest_free(), before);
}

/* --- dup, dup2, dup3, F_DUPFD ------------------------------------------- */

static void
dup_lowest_free(void)
{
	int fds[2], m1, m2, d;
	struct pollfd pfd;
	char buf[8];

	open_pipe(fds, O_CLOEXEC);
	m1 = T_SYS(syscall(SYS_open, t_path("/etc/motd"), O_RDONLY));
	m2 = T_SYS(syscall(SYS_open, t_path("/etc/motd"), O_RDONLY));
	T_REQUIRE(m1 >= 0 && m2 > m1);
	close_fd(m2);
	close_fd(m1);
	/* The lowest free one, whatever the order they were freed in. */
	T_SYS_EQ(syscall(SYS_dup, fds[0]), m1);
	d = T_SYS(syscall(SYS_dup, fds[1]));
	T_EQ(d, m2);
	close_fd(m1);
	/* Not close-on-exec, whatever the original is. */
	T_SYS_EQ(syscall(SYS_fcntl, d, F_GETFD), 0);
	T_SYS_EQ(syscall(SYS_fcntl, fds[1], F_GETFD), FD_CLOEXEC);

	/* The same pipe: what the copy writes arrives; it keeps it open. */
	T_SYS_EQ(syscall(SYS_write, d, "dup", 3), 3);
	close_fd(fds[1]);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 3);
	T_MEM_EQ(buf, "dup", 3);
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 0), 0);
	close_fd(d);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 0);
	close_fd(fds[0]);
}

/* Descriptors made by dup, dup2, dup3 and F_DUPFD share the offset. */
static void
dup_shares_offset(void)
{
	int fd, d, d2, d3, d4;
	char buf[8];

	fd = T_SYS(syscall(SYS_open, t_path("/etc/motd"), O_RDONLY));
	T_REQUIRE(fd >= 0);
	d = T_SYS(syscall(SYS_dup, fd));
	T_SYS_EQ(syscall(SYS_lseek, fd, 11, SEEK_SET), 11);
	T_SYS_EQ(syscall(SYS_lseek, d, 0, SEEK_CUR), 11);
	T_SYS_EQ(syscall(SYS_read, d, buf, 6), 6);
	T_MEM_EQ(buf, "Sprout", 6);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_CUR), 17);

	d2 = T_SYS(syscall(SYS_dup2, fd, 40));
	T_EQ(d2, 40);
	d3 = T_SYS(syscall(SYS_dup3, fd, 41, O_CLOEXEC));
	T_EQ(d3, 41);
	d4 = T_SYS(syscall(SYS_fcntl, fd, F_DUPFD, 42));
	T_CHECK(d4 >= 42);
	T_SYS_EQ(syscall(SYS_lseek, d2, 0, SEEK_SET), 0);
	T_SYS_EQ(syscall(SYS_read, d3, buf, 3), 3);
	T_MEM_EQ(buf, "Wel", 3);
	T_SYS_EQ(syscall(SYS_read, d4, buf, 4), 4);
	T_MEM_EQ(buf, "come", 4);
	T_SYS_EQ(syscall(SYS_lseek, fd, 0, SEEK_CUR), 7);

	/* Closing one leaves the others open, where they were. */
	close_fd(fd);
	T_SYS_EQ(syscall(SYS_lseek, d, 0, SEEK_CUR), 7);
	T_SYS_EQ(syscall(SYS_read, d, buf, 3), 3);
	T_MEM_EQ(buf, " to", 3);
	close_fd(d);
	close_fd(d2);
	close_fd(d3);
	close_fd(d4);
}

static void
dup2_replaces(void)
{
	int a[2], b[2], motd;
	char buf[8];

	open_pipe(a, 0);
	open_pipe(b, 0);

	/* Over the only write end of a: a ends, and a[1] now writes to b. */
	T_SYS_EQ(syscall(SYS_dup2, b[1], a[1]), a[1]);
	T_SYS_EQ(syscall(SYS_read, a[0], buf, sizeof(buf)), 0);
	T_SYS_EQ(syscall(SYS_write, a[1], "to b", 4), 4);
	T_SYS_EQ(syscall(SYS_read, b[0], buf, sizeof(buf)), 4);
	T_MEM_EQ(buf, "to b", 4);

	/* Over a file. */
	motd = T_SYS(syscall(SYS_open, t_path("/etc/motd"), O_RDONLY));
	T_SYS_EQ(syscall(SYS_dup2, b[1], motd), motd);
	T_SYS_EQ(syscall(SYS_write, motd, "via", 3), 3);
	T_SYS_EQ(syscall(SYS_read, b[0], buf, sizeof(buf)), 3);
	T_MEM_EQ(buf, "via", 3);
	T_SYS_ERR(syscall(SYS_lseek, motd, 0, SEEK_CUR), ESPIPE);

	/* dup2 clears close-on-exec on the new descriptor. */
	T_SYS_EQ(syscall(SYS_fcntl, motd, F_SETFD, FD_CLOEXEC), 0);
	T_SYS_EQ(syscall(SYS_dup2, b[0], motd), motd);
	T_SYS_EQ(syscall(SYS_fcntl, motd, F_GETFD), 0);

	/* dup2(fd, fd) is fd, and changes nothing. */
	T_SYS_EQ(syscall(SYS_fcntl, b[0], F_SETFD, FD_CLOEXEC), 0);
	T_SYS_EQ(syscall(SYS_dup2, b[0], b[0]), b[0]);
	T_SYS_EQ(syscall(SYS_fcntl, b[0], F_GETFD), FD_CLOEXEC);
	T_SYS_EQ(syscall(SYS_write, b[1], "same", 4), 4);
	T_SYS_EQ(syscall(SYS_read, b[0], buf, sizeof(buf)), 4);
	close_fd(motd);
	close_fd(a[0]);
	close_fd(a[1]);
	close_fd(b[0]);
	close_fd(b[1]);
}

static void
dup3_flags(void)
{
	int fds[2];
	char c;

	open_pipe(fds, 0);
	close_fd(40);
	/* Unlike dup2, dup3 does not take the same descriptor twice. */
	T_SYS_ERR(syscall(SYS_dup3, fds[0], fds[0], 0), EINVAL);
	T_SYS_ERR(syscall(SYS_dup3, fds[0], fds[0], O_CLOEXEC), EINVAL);
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_GETFD), 0);

	T_SYS_EQ(syscall(SYS_dup3, fds[0], 40, O_CLOEXEC), 40);
	T_SYS_EQ(syscall(SYS_fcntl, 40, F_GETFD), FD_CLOEXEC);
	T_SYS_EQ(syscall(SYS_fcntl, fds[0], F_GETFD), 0);
	T_SYS_EQ(syscall(SYS_dup3, fds[1], 40, 0), 40);
	T_SYS_EQ(syscall(SYS_fcntl, 40, F_GETFD), 0);
	T_SYS_EQ(syscall(SYS_write, 40, "3", 1), 1);
	T_SYS_EQ(syscall(SYS_read, fds[0], &c, 1), 1);

	/* Flags other than O_CLOEXEC, checked before the descriptors. */
	T_SYS_ERR(syscall(SYS_dup3, fds[0], 40, O_NONBLOCK), EINVAL);
	T_SYS_ERR(syscall(SYS_dup3, fds[0], 40, -1), EINVAL);
	T_SYS_ERR(syscall(SYS_dup3, UNUSED_FD, 40, O_APPEND), EINVAL);
	/* So is old == new, before old is looked at. */
	T_SYS_ERR(syscall(SYS_dup3, UNUSED_FD, UNUSED_FD, 0), EINVAL);
	/* The failures left 40 as it was. */
	T_SYS_EQ(syscall(SYS_write, 40, "4", 1), 1);
	close_fd(40);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

static void
dup_ebadf(void)
{
	int fds[2], closed;

	open_pipe(fds, 0);
	closed = lowest_free();
	close_fd(20);
	T_SYS_ERR(syscall(SYS_dup, -1), EBADF);
	T_SYS_ERR(syscall(SYS_dup, UNUSED_FD), EBADF);
	T_SYS_ERR(syscall(SYS_dup, closed), EBADF);
	T_SYS_ERR(syscall(SYS_dup2, UNUSED_FD, 20), EBADF);
	T_SYS_ERR(syscall(SYS_dup2, -1, 20), EBADF);
	T_SYS_ERR(syscall(SYS_dup2, closed, closed), EBADF);
	T_SYS_ERR(syscall(SYS_dup2, fds[0], -1), EBADF);
	T_SYS_ERR(syscall(SYS_dup2, fds[0], HUGE_FD), EBADF);
	T_SYS_ERR(syscall(SYS_dup3, UNUSED_FD, 20, 0), EBADF);
	T_SYS_ERR(syscall(SYS_dup3, fds[0], -1, 0), EBADF);
	T_SYS_ERR(syscall(SYS_dup3, fds[0], HUGE_FD, O_CLOEXEC), EBADF);
	T_SYS_ERR(syscall(SYS_fcntl, UNUSED_FD, F_DUPFD, 0), EBADF);
	T_SYS_ERR(syscall(SYS_fcntl, -1, F_DUPFD_CLOEXEC, 0), EBADF);
	/* Nothing was made. */
	T_SYS_ERR(syscall(SYS_fcntl, 20, F_GETFD), EBADF);
	T_EQ(lowest_free(), closed);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

static void
fcntl_dupfd(void)
{
	int fds[2], lowest;
	char buf[8];

	open_pipe(fds, 0);
	for (int fd = 20; fd < 24; fd++)
		close_fd(fd);
	/* The lowest free descriptor at or above the minimum. */
	T_SYS_EQ(syscall(SYS_fcntl, fds[1], F_DUPFD, 20), 20);
	T_SYS_EQ(syscall(SYS_fcntl, fds[1], F_DUPFD, 20), 21);
	T_SYS_EQ(syscall(SYS_fcntl, 20, F_GETFD), 0);
	T_SYS_EQ(syscall(SYS_fcntl, fds[1], F_DUPFD_CLOEXEC, 20), 22);
	T_SYS_EQ(syscall(SYS_fcntl, 22, F_GETFD), FD_CLOEXEC);
	T_SYS_EQ(syscall(SYS_fcntl, 21, F_GETFD), 0);
	close_fd(20);
	T_SYS_EQ(syscall(SYS_fcntl, fds[1], F_DUPFD, 20), 20);
	lowest = lowest_free();
	T_SYS_EQ(syscall(SYS_fcntl, fds[1], F_DUPFD, 0), lowest);
	close_fd(lowest);

	/* They all write to the pipe. */
	T_SYS_EQ(syscall(SYS_write, 20, "a", 1), 1);
	T_SYS_EQ(syscall(SYS_write, 21, "b", 1), 1);
	T_SYS_EQ(syscall(SYS_write, 22, "c", 1), 1);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 3);
	T_MEM_EQ(buf, "abc", 3);

	/* A minimum past any descriptor table. */
	T_SYS_ERR(syscall(SYS_fcntl, fds[1], F_DUPFD, HUGE_FD), EINVAL);
	T_SYS_ERR(syscall(SYS_fcntl, fds[1], F_DUPFD, -1), EINVAL);
	T_SYS_ERR(syscall(SYS_fcntl, fds[1], F_DUPFD_CLOEXEC, -1), EINVAL);
	for (int fd = 20; fd < 23; fd++)
		close_fd(fd);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/* --- Pipes across fork and execve --------------------------------------- */

/* The shell way: a child's fd 1 is the pipe, and it runs a program. */
static void
exec_writer(void)
{
	char *argv[] = { (char *)t_self(), "writer", "3", NULL };
	char buf[256];
	int fds[2];
	pid_t pid;

	open_pipe(fds, 0);
	pid = spawn_self(argv, -1, fds[1], (int[]){ fds[0], fds[1], -1 });
	close_fd(fds[1]);
	T_EQ(read_to_eof(fds[0], buf, sizeof(buf)), 3 * MESSAGE_LEN);
	T_MEM_EQ(buf, MESSAGE MESSAGE MESSAGE, 3 * MESSAGE_LEN);
	T_EXITED(t_wait(pid), 0);
	close_fd(fds[0]);
}

#define CHAIN_COUNT 20000

/* writer | upper | this process, with more than a pipe holds. */
static void
exec_chain(void)
{
	static char buf[CHAIN_COUNT * MESSAGE_LEN + 64];
	char count[16];
	char *writer[] = { (char *)t_self(), "writer", count, NULL };
	char *upper[] = { (char *)t_self(), "upper", NULL };
	int a[2], b[2];
	pid_t first, second;
	long n;

	snprintf(count, sizeof(count), "%d", CHAIN_COUNT);
	open_pipe(a, 0);
	open_pipe(b, 0);
	first = spawn_self(writer, -1, a[1],
			   (int[]){ a[0], a[1], b[0], b[1], -1 });
	second = spawn_self(upper, a[0], b[1],
			    (int[]){ a[0], a[1], b[0], b[1], -1 });
	close_fd(a[0]);
	close_fd(a[1]);
	close_fd(b[1]);
	n = read_to_eof(b[0], buf, sizeof(buf));
	T_EQ(n, CHAIN_COUNT * MESSAGE_LEN);
	for (long off = 0; off + MESSAGE_LEN <= n; off += MESSAGE_LEN)
		if (memcmp(buf + off, MESSAGE_UPPER, MESSAGE_LEN) != 0) {
			T_FAILF("\"%.13s\" at offset %ld, want \"%.12s\\n\"",
				buf + off, off, MESSAGE_UPPER);
			break;
		}
	T_EXITED(t_wait(first), 0);
	T_EXITED(t_wait(second), 0);
	close_fd(b[0]);
}

/*
 * The only write end is close-on-exec, held by a child that then execs:
 * the reader gets end of file while the new program still runs.
 */
static void
exec_closes_cloexec_end(void)
{
	char fdnum[16];
	char *argv[] = { (char *)t_self(), "holder", fdnum, NULL };
	struct pollfd pfd;
	int fds[2], ctl[2];
	char buf[8];
	pid_t pid;

	open_pipe(fds, O_CLOEXEC);
	open_pipe(ctl, 0);
	snprintf(fdnum, sizeof(fdnum), "%d", fds[1]);
	pid = spawn_self(argv, ctl[0], -1,
			 (int[]){ ctl[0], ctl[1], fds[0], -1 });
	close_fd(ctl[0]);
	close_fd(fds[1]);

	/* The holder waits for ctl meanwhile: only execve can end this. */
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 3000), 1);
	T_EQ(pfd.revents, POLLHUP);
	if (pfd.revents & POLLHUP)
		T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 0);
	close_fd(ctl[1]);
	T_EXITED(t_wait(pid), 0);
	close_fd(fds[0]);
}

/* --- poll and ppoll ----------------------------------------------------- */

static void
poll_timeout(void)
{
	struct pollfd pfd;
	long long start;
	int fds[2];

	open_pipe(fds, 0);
	pfd = (struct pollfd){ fds[0], POLLIN, 0x5555 };
	start = t_now_ms();
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 100), 0);
	T_TOOK(start, 90, 3000, "poll(100 ms)");
	T_EQ(pfd.revents, 0);

	/* A timeout of 0 does not wait. */
	pfd.revents = 0x5555;
	start = t_now_ms();
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 0), 0);
	T_TOOK(start, 0, 50, "poll(0 ms)");
	T_EQ(pfd.revents, 0);

	/* No descriptors at all: just the wait. */
	start = t_now_ms();
	T_SYS_EQ(syscall(SYS_poll, NULL, 0, 50), 0);
	T_TOOK(start, 45, 3000, "poll(nothing, 50 ms)");
	close_fd(fds[0]);
	close_fd(fds[1]);
}

static void
poll_in_out(void)
{
	struct pollfd pfd[3];
	int fds[2], motd;

	open_pipe(fds, 0);
	pfd[0] = (struct pollfd){ fds[0], POLLIN | POLLOUT, 0 };
	pfd[1] = (struct pollfd){ fds[1], POLLIN | POLLOUT, 0 };
	/* An empty pipe: room to write, nothing to read. */
	T_SYS_EQ(syscall(SYS_poll, pfd, 2, 0), 1);
	T_EQ(pfd[0].revents, 0);
	T_EQ(pfd[1].revents, POLLOUT);

	T_SYS_EQ(syscall(SYS_write, fds[1], "x", 1), 1);
	T_SYS_EQ(syscall(SYS_poll, pfd, 2, 0), 2);
	T_EQ(pfd[0].revents, POLLIN);
	T_EQ(pfd[1].revents, POLLOUT);

	/* Only what was asked for. */
	pfd[0].events = 0;
	pfd[1].events = POLLIN;
	T_SYS_EQ(syscall(SYS_poll, pfd, 2, 0), 0);
	T_EQ(pfd[0].revents, 0);
	T_EQ(pfd[1].revents, 0);

	/* A file is always ready. */
	motd = T_SYS(syscall(SYS_open, t_path("/etc/motd"), O_RDONLY));
	pfd[2] = (struct pollfd){ motd, POLLIN, 0 };
	T_SYS_EQ(syscall(SYS_poll, &pfd[2], 1, 0), 1);
	T_EQ(pfd[2].revents, POLLIN);
	close_fd(motd);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

static void
poll_hup_err(void)
{
	struct pollfd pfd;
	int fds[2];
	char buf[4];

	/* No writer: POLLHUP, asked for or not; with data, POLLIN too. */
	open_pipe(fds, 0);
	T_SYS_EQ(syscall(SYS_write, fds[1], "ab", 2), 2);
	close_fd(fds[1]);
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 0), 1);
	T_EQ(pfd.revents, POLLIN | POLLHUP);
	T_SYS_EQ(syscall(SYS_read, fds[0], buf, sizeof(buf)), 2);
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 0), 1);
	T_EQ(pfd.revents, POLLHUP);
	pfd.events = 0;
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 0), 1);
	T_EQ(pfd.revents, POLLHUP);
	close_fd(fds[0]);

	/* No reader: POLLERR on the write end, asked for or not. */
	open_pipe(fds, 0);
	close_fd(fds[0]);
	pfd = (struct pollfd){ fds[1], POLLOUT, 0 };
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 0), 1);
	T_EQ(pfd.revents, POLLOUT | POLLERR);
	pfd.events = 0;
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 0), 1);
	T_EQ(pfd.revents, POLLERR);
	close_fd(fds[1]);
}

static void
poll_nval_and_negative(void)
{
	struct pollfd pfd[4];
	int fds[2], closed;

	open_pipe(fds, 0);
	closed = lowest_free();
	T_SYS_EQ(syscall(SYS_write, fds[1], "x", 1), 1);
	pfd[0] = (struct pollfd){ closed, POLLIN, 0x5555 };
	pfd[1] = (struct pollfd){ -1, POLLIN, 0x5555 };
	pfd[2] = (struct pollfd){ fds[0], POLLIN, 0x5555 };
	pfd[3] = (struct pollfd){ -fds[0], POLLIN, 0x5555 };
	T_SYS_EQ(syscall(SYS_poll, pfd, 4, 0), 2);
	T_EQ(pfd[0].revents, POLLNVAL);
	T_EQ(pfd[1].revents, 0);
	T_EQ(pfd[2].revents, POLLIN);
	T_EQ(pfd[3].revents, 0);

	/* A negative descriptor alone: nothing, and the timeout runs. */
	T_SYS_EQ(syscall(SYS_poll, &pfd[1], 1, 10), 0);
	T_EQ(pfd[1].revents, 0);
	/* POLLNVAL alone, asked for or not, ends the wait at once. */
	pfd[0].events = 0;
	T_SYS_EQ(syscall(SYS_poll, &pfd[0], 1, -1), 1);
	T_EQ(pfd[0].revents, POLLNVAL);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/* A poll with no timeout wakes when a child writes, or goes. */
static void
poll_wakes(void)
{
	struct pollfd pfd;
	long long start;
	int fds[2];
	pid_t pid;

	open_pipe(fds, 0);
	pid = t_fork();
	if (pid == 0) {
		close_fd(fds[0]);
		t_sleep_ms(50);
		_exit(syscall(SYS_write, fds[1], "w", 1) == 1 ? 0 : 1);
	}
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	start = t_now_ms();
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, -1), 1);
	T_TOOK(start, 40, T_CHILD_TIMEOUT_MS, "poll(-1)");
	T_EQ(pfd.revents, POLLIN);
	T_EXITED(t_wait(pid), 0);
	close_fd(fds[0]);
	close_fd(fds[1]);

	/* The last writer goes: POLLHUP. */
	open_pipe(fds, 0);
	pid = t_fork();
	if (pid == 0) {
		close_fd(fds[0]);
		t_sleep_ms(50);
		_exit(0);
	}
	close_fd(fds[1]);
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, -1), 1);
	T_EQ(pfd.revents, POLLHUP);
	T_EXITED(t_wait(pid), 0);
	close_fd(fds[0]);
}

static void
ppoll_timespec(void)
{
	struct timespec ts;
	struct pollfd pfd;
	long long start;
	int fds[2];

	open_pipe(fds, 0);
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	ts = (struct timespec){ 0, 60 * 1000000L };
	start = t_now_ms();
	T_SYS_EQ(syscall(SYS_ppoll, &pfd, 1, &ts, NULL, 8), 0);
	T_TOOK(start, 55, 3000, "ppoll(60 ms)");
	T_EQ(pfd.revents, 0);

	ts = (struct timespec){ 0, 0 };
	start = t_now_ms();
	T_SYS_EQ(syscall(SYS_ppoll, &pfd, 1, &ts, NULL, 8), 0);
	T_TOOK(start, 0, 50, "ppoll(0)");

	T_SYS_EQ(syscall(SYS_write, fds[1], "p", 1), 1);
	ts = (struct timespec){ 5, 0 };
	T_SYS_EQ(syscall(SYS_ppoll, &pfd, 1, &ts, NULL, 8), 1);
	T_EQ(pfd.revents, POLLIN);
	/* No timespec: no timeout, but the data is there. */
	pfd.revents = 0;
	T_SYS_EQ(syscall(SYS_ppoll, &pfd, 1, NULL, NULL, 8), 1);
	T_EQ(pfd.revents, POLLIN);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/*
 * The ppoll system call writes back the time left (the C library's
 * wrapper hides that from its callers).
 */
static void
ppoll_time_left(void)
{
	struct timespec ts;
	struct pollfd pfd;
	int fds[2];
	long long left;

	open_pipe(fds, 0);
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	ts = (struct timespec){ 0, 20 * 1000000L };
	T_SYS_EQ(syscall(SYS_ppoll, &pfd, 1, &ts, NULL, 8), 0);
	T_EQ(ts.tv_sec, 0);
	T_EQ(ts.tv_nsec, 0);

	T_SYS_EQ(syscall(SYS_write, fds[1], "p", 1), 1);
	ts = (struct timespec){ 5, 0 };
	T_SYS_EQ(syscall(SYS_ppoll, &pfd, 1, &ts, NULL, 8), 1);
	left = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	if (left <= 4000000000LL || left >= 5000000000LL)
		T_FAILF("ppoll left {%ld, %ld}, want a little under 5 s",
			(long)ts.tv_sec, (long)ts.tv_nsec);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

static void
poll_errors(void)
{
	struct timespec ts;
	struct pollfd pfd;
	int fds[2];

	open_pipe(fds, 0);
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	T_SYS_ERR(syscall(SYS_poll, T_BAD_PTR, 1, 0), EFAULT);
	T_SYS_ERR(syscall(SYS_poll, T_KERNEL_PTR, 1, 0), EFAULT);
	T_SYS_ERR(syscall(SYS_poll, NULL, 1, 0), EFAULT);
	/* No entries: the pointer is not looked at. */
	T_SYS_EQ(syscall(SYS_poll, T_BAD_PTR, 0, 0), 0);
	/* More entries than any process may have descriptors. */
	T_SYS_ERR(syscall(SYS_poll, &pfd, 0xffffffffUL, 0), EINVAL);

	ts = (struct timespec){ 0, 0 };
	T_SYS_ERR(syscall(SYS_ppoll, T_BAD_PTR, 1, &ts, NULL, 8), EFAULT);
	T_SYS_ERR(syscall(SYS_ppoll, T_KERNEL_PTR, 1, &ts, NULL, 8), EFAULT);
	T_SYS_ERR(syscall(SYS_ppoll, &pfd, 1, T_BAD_PTR, NULL, 8), EFAULT);
	T_SYS_ERR(syscall(SYS_ppoll, &pfd, 1, T_KERNEL_PTR, NULL, 8), EFAULT);
	ts = (struct timespec){ 0, 1000000000L };
	T_SYS_ERR(syscall(SYS_ppoll, &pfd, 1, &ts, NULL, 8), EINVAL);
	ts = (struct timespec){ 0, -1 };
	T_SYS_ERR(syscall(SYS_ppoll, &pfd, 1, &ts, NULL, 8), EINVAL);
	ts = (struct timespec){ -1, 0 };
	T_SYS_ERR(syscall(SYS_ppoll, &pfd, 1, &ts, NULL, 8), EINVAL);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/* ppoll's signal mask, when there is one, is 8 bytes and readable. */
static void
ppoll_sigmask_args(void)
{
	struct timespec ts = { 0, 0 };
	struct pollfd pfd;
	uint64_t mask = 0;
	int fds[2];

	open_pipe(fds, 0);
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	T_SYS_EQ(syscall(SYS_ppoll, &pfd, 1, &ts, &mask, 8), 0);
	T_SYS_EQ(syscall(SYS_ppoll, &pfd, 1, &ts, NULL, 4), 0);
	T_SYS_ERR(syscall(SYS_ppoll, &pfd, 1, &ts, &mask, 4), EINVAL);
	T_SYS_ERR(syscall(SYS_ppoll, &pfd, 1, &ts, &mask, 16), EINVAL);
	T_SYS_ERR(syscall(SYS_ppoll, &pfd, 1, &ts, T_BAD_PTR, 8), EFAULT);
	T_SYS_ERR(syscall(SYS_ppoll, &pfd, 1, &ts, T_KERNEL_PTR, 8), EFAULT);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/* --- lseek, fstat, SIGKILL ---------------------------------------------- */

static void
lseek_fstat_pipe(void)
{
	struct stat st;
	int fds[2];

	open_pipe(fds, 0);
	for (int i = 0; i < 2; i++) {
		T_SYS_ERR(syscall(SYS_lseek, fds[i], 0, SEEK_SET), ESPIPE);
		T_SYS_ERR(syscall(SYS_lseek, fds[i], 0, SEEK_CUR), ESPIPE);
		T_SYS_ERR(syscall(SYS_lseek, fds[i], 0, SEEK_END), ESPIPE);
		T_SYS_EQ(syscall(SYS_fstat, fds[i], &st), 0);
		T_CHECK(S_ISFIFO(st.st_mode));
	}
	/* Bytes in the pipe do not make it seekable. */
	T_SYS_EQ(syscall(SYS_write, fds[1], "abc", 3), 3);
	T_SYS_ERR(syscall(SYS_lseek, fds[0], 1, SEEK_SET), ESPIPE);
	T_SYS_ERR(syscall(SYS_fstat, fds[0], T_BAD_PTR), EFAULT);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

/* Both ends are one inode; another pipe is another. */
static void
fstat_pipe_inode(void)
{
	struct stat r, w, other;
	int fds[2], more[2];

	open_pipe(fds, 0);
	open_pipe(more, 0);
	T_SYS_EQ(syscall(SYS_fstat, fds[0], &r), 0);
	T_SYS_EQ(syscall(SYS_fstat, fds[1], &w), 0);
	T_SYS_EQ(syscall(SYS_fstat, more[0], &other), 0);
	T_EQ(r.st_ino, w.st_ino);
	T_EQ(r.st_dev, w.st_dev);
	if (r.st_ino == other.st_ino)
		T_FAILF("two pipes have the same st_ino, %llu",
			(unsigned long long)r.st_ino);
	close_fd(fds[0]);
	close_fd(fds[1]);
	close_fd(more[0]);
	close_fd(more[1]);
}

/* SIGKILL ends a child waiting to read, or to write, a pipe. */
static void
sigkill_blocked(void)
{
	struct pollfd pfd;
	int fds[2], ready[2];
	char c;
	pid_t pid;

	open_pipe(fds, 0);
	open_pipe(ready, 0);
	pid = t_fork();
	if (pid == 0) {
		close_fd(ready[0]);
		if (syscall(SYS_write, ready[1], "r", 1) != 1)
			_exit(1);
		syscall(SYS_read, fds[0], &c, 1);
		_exit(2);
	}
	close_fd(ready[1]);
	T_SYS_EQ(syscall(SYS_read, ready[0], &c, 1), 1);
	/* Give it time to reach the read; it dies either way. */
	t_sleep_ms(20);
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	T_SIGNALED(t_wait(pid), SIGKILL);
	/* The pipe lives on. */
	T_SYS_EQ(syscall(SYS_write, fds[1], "k", 1), 1);
	T_SYS_EQ(syscall(SYS_read, fds[0], &c, 1), 1);
	T_EQ(c, 'k');

	/* A writer waiting for room in a full pipe. */
	pid = t_fork();
	if (pid == 0) {
		static char big[MIB];
		syscall(SYS_write, fds[1], big, sizeof(big));
		_exit(2);
	}
	pfd = (struct pollfd){ fds[0], POLLIN, 0 };
	T_SYS_EQ(syscall(SYS_poll, &pfd, 1, 3000), 1);
	t_sleep_ms(20);
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	T_SIGNALED(t_wait(pid), SIGKILL);
	close_fd(ready[0]);
	close_fd(fds[0]);
	close_fd(fds[1]);
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		return helper_main(argc, argv);

	t_init(argc, argv, "pipes");
	T_RUN(pipe_write_read);
	T_RUN(pipe_efault_keeps_data);
	T_RUN(read_takes_what_is_there);
	T_RUN(read_blocks_for_writer);
	T_RUN(eof_after_every_writer);
	T_RUN(several_writers);
	T_RUN(epipe_sigpipe_ignored);
	T_RUN(sigpipe_kills_writer);
	T_RUN(pipe_buf_atomic);
	T_RUN(large_write);
	T_RUN(nonblock_empty_and_full);
	T_RUN(fcntl_status_flags);
	T_RUN(pipe2_flags);
	T_RUN(pipe2_efault);
	T_RUN(dup_lowest_free);
	T_RUN(dup_shares_offset);
	T_RUN(dup2_replaces);
	T_RUN(dup3_flags);
	T_RUN(dup_ebadf);
	T_RUN(fcntl_dupfd);
	T_RUN(exec_writer);
	T_RUN(exec_chain);
	T_RUN(exec_closes_cloexec_end);
	T_RUN(poll_timeout);
	T_RUN(poll_in_out);
	T_RUN(poll_hup_err);
	T_RUN(poll_nval_and_negative);
	T_RUN(poll_wakes);
	T_RUN(ppoll_timespec);
	T_RUN(ppoll_time_left);
	T_RUN(poll_errors);
	T_RUN(ppoll_sigmask_args);
	T_RUN(lseek_fstat_pipe);
	T_RUN(fstat_pipe_inode);
	T_RUN(sigkill_blocked);
	return t_done();
}
