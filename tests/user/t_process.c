/*
 * t_process: processes. fork (the child's own pid, getppid, gettid),
 * the copy it gets of the parent's memory (a global, a malloc'ed object,
 * the stack and an mmap'ed page: a write on either side is not seen by
 * the other), wait4 (for a pid, for -1, WNOHANG, the exit status
 * encoding, rusage, written only for a child reaped, ECHILD, EFAULT,
 * EINVAL), exit and exit_group,
 * sched_yield. Last, the copy-on-write cases: a big buffer both sides
 * write, fork after mprotect, a signal frame and a pipe read landing in
 * pages shared with a child, and vfork and threads, which share memory
 * on purpose, beside a forked child that must not see their writes.
 *
 * Children tell their parent how things went through their exit status:
 * 0 is fine, anything else names what went wrong.
 */
#include "t.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/time.h>

static pid_t
sys_getpid(void)
{
	return syscall(SYS_getpid);
}

static void
fork_pids(void)
{
	pid_t parent = sys_getpid(), pid;

	T_EQ(syscall(SYS_getppid) > 0, 1);
	pid = t_fork();
	if (pid == 0) {
		pid_t me = sys_getpid();
		if (me == parent || me <= 0)
			_exit(1);
		if (syscall(SYS_getppid) != parent)
			_exit(2);
		if (syscall(SYS_gettid) != me)
			_exit(3);
		/* The parent compares this with what fork returned. */
		_exit(me & 0xff);
	}
	T_CHECK(pid > 0 && pid != parent);
	T_EXITED(t_wait(pid), pid & 0xff);
	T_EQ(sys_getpid(), parent);
}

static void
gettid_and_yield(void)
{
	T_EQ(syscall(SYS_gettid), sys_getpid());
	T_SYS_EQ(syscall(SYS_sched_yield), 0);
	for (int i = 0; i < 100; i++)
		if (syscall(SYS_sched_yield) != 0)
			T_FAILF("sched_yield failed on round %d", i);
}

/* The objects whose copies a fork must keep apart. */
static volatile long global = 1;
struct objects {
	volatile long *heap;
	volatile long *stack;
	volatile long *mapped;
};

static void
set_all(struct objects *o, long v)
{
	global = v;
	*o->heap = v;
	*o->stack = v;
	*o->mapped = v;
}

/* 0 if all the objects hold v, else which one does not (1 to 4). */
static int
check_all(struct objects *o, long v)
{
	if (global != v)
		return 1;
	if (*o->heap != v)
		return 2;
	if (*o->stack != v)
		return 3;
	if (*o->mapped != v)
		return 4;
	return 0;
}

static void
make_objects(struct objects *o, volatile long *stack)
{
	o->heap = malloc(sizeof(long) * 64);
	o->stack = stack;
	o->mapped =
		(long *)syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_REQUIRE(o->heap != NULL && o->mapped != MAP_FAILED);
}

/* What the child writes stays in the child. */
static void
fork_child_writes(void)
{
	volatile long on_stack = 0;
	struct objects o;
	pid_t pid;

	make_objects(&o, &on_stack);
	set_all(&o, 1);
	pid = t_fork();
	if (pid == 0) {
		if (check_all(&o, 1))
			_exit(10 + check_all(&o, 1));
		set_all(&o, 2);
		_exit(check_all(&o, 2) ? 20 + check_all(&o, 2) : 0);
	}
	T_EXITED(t_wait(pid), 0);
	T_EQ(global, 1);
	T_EQ(*o.heap, 1);
	T_EQ(on_stack, 1);
	T_EQ(*o.mapped, 1);
}

/*
 * What the parent writes after the fork stays in the parent. The child
 * must look only once the parent has written: the parent says so by
 * killing and reaping a third process, whose end the child watches for
 * with kill(pid, 0).
 */
static void
fork_parent_writes(void)
{
	volatile long on_stack = 0;
	struct objects o;
	pid_t flag, pid;

	make_objects(&o, &on_stack);
	set_all(&o, 1);
	flag = t_fork();
	if (flag == 0)
		t_linger();
	pid = t_fork();
	if (pid == 0) {
		long long deadline = t_now_ms() + T_CHILD_TIMEOUT_MS;
		while (syscall(SYS_kill, flag, 0) == 0)
			if (t_now_ms() > deadline)
				_exit(30);
			else
				t_sleep_ms(1);
		_exit(check_all(&o, 1) ? 10 + check_all(&o, 1) : 0);
	}
	set_all(&o, 3);
	T_SYS_EQ(syscall(SYS_kill, flag, SIGKILL), 0);
	T_SIGNALED(t_wait(flag), SIGKILL);
	T_EXITED(t_wait(pid), 0);
	T_EQ(check_all(&o, 3), 0);
}

/* A child's child has its own copy again. */
static void
fork_twice(void)
{
	pid_t pid;

	global = 5;
	pid = t_fork();
	if (pid == 0) {
		int status = 0;
		pid_t grandchild = fork();
		if (grandchild == 0) {
			global = 7;
			_exit(global == 7 ? 0 : 1);
		}
		if (grandchild < 0 || syscall(SYS_wait4, grandchild, &status, 0,
					      NULL) != grandchild)
			_exit(2);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			_exit(3);
		_exit(global == 5 ? 0 : 4);
	}
	T_EXITED(t_wait(pid), 0);
	T_EQ(global, 5);
}

static pid_t
child_exiting(int code)
{
	pid_t pid = t_fork();

	if (pid == 0)
		_exit(code);
	return pid;
}

static void
exit_statuses(void)
{
	static const int codes[] = { 0, 1, 42, 128, 255 };
	pid_t pid;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		T_EXITED(t_wait(child_exiting(codes[i])), codes[i]);
	/* Only the low 8 bits of the code count. */
	T_EXITED(t_wait(child_exiting(256)), 0);
	T_EXITED(t_wait(child_exiting(-1)), 255);
	T_EXITED(t_wait(child_exiting(0x1234)), 0x34);

	/* The raw calls, exit and exit_group. */
	pid = t_fork();
	if (pid == 0) {
		syscall(SYS_exit, 3);
		_exit(99);
	}
	T_EXITED(t_wait(pid), 3);
	pid = t_fork();
	if (pid == 0) {
		syscall(SYS_exit_group, 4);
		_exit(99);
	}
	T_EXITED(t_wait(pid), 4);
}

/* The exact bits of the status word, as Linux encodes them. */
static void
status_encoding(void)
{
	int status = 0;
	pid_t pid;

	pid = child_exiting(0x42);
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, 0, NULL), pid);
	T_EQ(status, 0x4200);
	pid = t_fork();
	if (pid == 0)
		t_linger();
	syscall(SYS_kill, pid, SIGKILL);
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, 0, NULL), pid);
	T_EQ(status & 0x7f, SIGKILL);
	T_EQ(status & ~0xff, 0);
	/* A NULL status is allowed. */
	pid = child_exiting(0);
	T_SYS_EQ(syscall(SYS_wait4, pid, NULL, 0, NULL), pid);
}

/* wait4 for one pid ignores another child that ends first. */
static void
wait_for_pid(void)
{
	int status = 0;
	pid_t fast = child_exiting(11), slow;

	slow = t_fork();
	if (slow == 0) {
		t_sleep_ms(30);
		_exit(12);
	}
	T_SYS_EQ(syscall(SYS_wait4, slow, &status, 0, NULL), slow);
	T_EXITED(status, 12);
	T_SYS_EQ(syscall(SYS_wait4, fast, &status, 0, NULL), fast);
	T_EXITED(status, 11);
	T_SYS_ERR(syscall(SYS_wait4, fast, &status, 0, NULL), ECHILD);
}

static void
wait_any(void)
{
	pid_t pids[5];
	int seen[5] = { 0 }, status;

	for (int i = 0; i < 5; i++)
		pids[i] = child_exiting(20 + i);
	for (int n = 0; n < 5; n++) {
		long r = syscall(SYS_wait4, -1, &status, 0, NULL);
		int found = 0;
		for (int i = 0; i < 5; i++) {
			if (r != pids[i])
				continue;
			found = 1;
			seen[i]++;
			T_EXITED(status, 20 + i);
		}
		if (!found)
			T_FAILF("wait4(-1) returned %ld errno %d (%s)", r,
				errno, t_errname(errno));
	}
	for (int i = 0; i < 5; i++)
		T_EQ(seen[i], 1);
	T_SYS_ERR(syscall(SYS_wait4, -1, &status, 0, NULL), ECHILD);
}

static void
wait_nohang(void)
{
	int status = 12345;
	pid_t pid = t_fork();
	long long deadline;
	long r;

	if (pid == 0)
		t_linger();
	/* Running: WNOHANG returns 0 and leaves the status alone. */
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, WNOHANG, NULL), 0);
	T_SYS_EQ(syscall(SYS_wait4, -1, &status, WNOHANG, NULL), 0);
	T_EQ(status, 12345);
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	T_SIGNALED(t_wait(pid), SIGKILL);

	/* Ended: WNOHANG returns it, once it has ended. */
	pid = child_exiting(9);
	deadline = t_now_ms() + T_CHILD_TIMEOUT_MS;
	while ((r = syscall(SYS_wait4, pid, &status, WNOHANG, NULL)) == 0 &&
	       t_now_ms() < deadline)
		t_sleep_ms(1);
	T_EQ(r, pid);
	T_EXITED(status, 9);
	T_SYS_ERR(syscall(SYS_wait4, -1, &status, WNOHANG, NULL), ECHILD);
}

static void
wait_echild(void)
{
	int status;

	T_SYS_ERR(syscall(SYS_wait4, -1, &status, 0, NULL), ECHILD);
	T_SYS_ERR(syscall(SYS_wait4, -1, &status, WNOHANG, NULL), ECHILD);
	/* Not a child of ours. */
	T_SYS_ERR(syscall(SYS_wait4, syscall(SYS_getppid), &status, 0, NULL),
		  ECHILD);
	T_SYS_ERR(syscall(SYS_wait4, sys_getpid(), &status, 0, NULL), ECHILD);
	T_SYS_ERR(syscall(SYS_wait4, 0x3ffffff0, &status, 0, NULL), ECHILD);
}

/* The kernel's struct rusage (the C library's has room to spare). */
struct krusage {
	struct timeval ru_utime, ru_stime;
	long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt;
	long ru_nswap, ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv;
	long ru_nsignals, ru_nvcsw, ru_nivcsw;
};

_Static_assert(sizeof(struct krusage) == 144, "the x86-64 rusage");

static void
wait_rusage(void)
{
	unsigned char raw[sizeof(struct krusage) + 64];
	struct krusage *ru = (struct krusage *)raw;
	int status;
	pid_t pid = child_exiting(5);

	memset(raw, 0xaa, sizeof(raw));
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, 0, ru), pid);
	T_EXITED(status, 5);
	/* Linux fills in the unused fields with zeros. */
	T_EQ(ru->ru_nswap, 0);
	T_EQ(ru->ru_msgsnd, 0);
	T_EQ(ru->ru_nsignals, 0);
	for (size_t i = sizeof(struct krusage); i < sizeof(raw); i++)
		if (raw[i] != 0xaa) {
			T_FAILF("wait4 wrote byte %zu, past struct rusage", i);
			break;
		}
}

/* Is every byte of p[0..n) equal to c? */
static int
all_bytes(const void *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++)
		if (((const unsigned char *)p)[i] != c)
			return 0;
	return 1;
}

/*
 * The status and the rusage are written only for a child reaped: not
 * with ECHILD, nor with WNOHANG's 0.
 */
static void
wait_rusage_untouched(void)
{
	struct krusage ru;
	int status = 12345;
	pid_t pid;

	memset(&ru, 0x5a, sizeof(ru));
	T_SYS_ERR(syscall(SYS_wait4, -1, &status, 0, &ru), ECHILD);
	T_SYS_ERR(syscall(SYS_wait4, -1, &status, WNOHANG, &ru), ECHILD);
	T_CHECK(all_bytes(&ru, sizeof(ru), 0x5a));
	T_EQ(status, 12345);

	pid = t_fork();
	if (pid == 0)
		t_linger();
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, WNOHANG, &ru), 0);
	T_CHECK(all_bytes(&ru, sizeof(ru), 0x5a));
	T_EQ(status, 12345);
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	/* Reaped: now both are written. */
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, 0, &ru), pid);
	T_SIGNALED(status, SIGKILL);
	T_EQ(ru.ru_nswap, 0);
}

static void
wait_efault(void)
{
	pid_t pid;

	/* Whether the child is reaped by the failed call is not tested. */
	pid = child_exiting(0);
	T_SYS_ERR(syscall(SYS_wait4, pid, T_BAD_PTR, 0, NULL), EFAULT);
	pid = child_exiting(0);
	T_SYS_ERR(syscall(SYS_wait4, pid, T_KERNEL_PTR, 0, NULL), EFAULT);
	pid = child_exiting(0);
	T_SYS_ERR(syscall(SYS_wait4, pid, NULL, 0, T_BAD_PTR), EFAULT);
	pid = child_exiting(0);
	T_SYS_ERR(syscall(SYS_wait4, pid, NULL, 0, T_KERNEL_PTR), EFAULT);
}

static void
wait_einval(void)
{
	int status;
	pid_t pid = child_exiting(6);

	T_SYS_ERR(syscall(SYS_wait4, pid, &status, 0x12340000, NULL), EINVAL);
	/* The child is still there to be waited for. */
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, 0, NULL), pid);
	T_EXITED(status, 6);
}

/* Many children, one after the other, each with its own pid. */
static void
fork_many(void)
{
	pid_t last = 0;

	for (int i = 0; i < 50; i++) {
		pid_t pid = child_exiting(i);
		int status = 0;
		T_CHECK(pid != last);
		T_SYS_EQ(syscall(SYS_wait4, pid, &status, 0, NULL), pid);
		T_EXITED(status, i);
		last = pid;
	}
}

/* Many children at once, reaped in any order. */
static void
fork_wide(void)
{
	int status, reaped = 0;

	for (int i = 0; i < 20; i++)
		child_exiting(1);
	while (syscall(SYS_wait4, -1, &status, 0, NULL) > 0) {
		T_EXITED(status, 1);
		reaped++;
	}
	T_EQ(errno, ECHILD);
	T_EQ(reaped, 20);
}

/* --- Copy-on-write -------------------------------------------------------- */

#define BIG_PAGES 1024 /* 4 MiB */
#define PAGE	  4096

/* One byte per page of @buf, from @seed: each side's pattern differs. */
static void
fill_pages(volatile char *buf, size_t pages, char seed)
{
	for (size_t i = 0; i < pages; i++)
		buf[i * PAGE + i % PAGE] = (char)(seed + i);
}

/* The first page of @buf that does not hold @seed's pattern, or -1. */
static long
pages_differ(volatile char *buf, size_t pages, char seed)
{
	for (size_t i = 0; i < pages; i++)
		if (buf[i * PAGE + i % PAGE] != (char)(seed + i))
			return (long)i;
	return -1;
}

/* Pass one byte through a pipe: the two sides take turns. */
static void
signal_fd(int fd)
{
	char c = 'x';

	if (write(fd, &c, 1) != 1)
		_exit(90);
}

static void
await_fd(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		_exit(91);
}

/* Parent and child each write all of a 4 MiB buffer, in turns, and
 * each sees only its own data. */
static void
cow_big_buffer(void)
{
	int to_child[2], to_parent[2];
	volatile char *buf =
		mmap(NULL, BIG_PAGES * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	T_REQUIRE(buf != MAP_FAILED);
	T_SYS(pipe(to_child));
	T_SYS(pipe(to_parent));
	fill_pages(buf, BIG_PAGES, 'A');
	pid_t pid = t_fork();
	if (pid == 0) {
		if (pages_differ(buf, BIG_PAGES, 'A') != -1)
			_exit(1);
		fill_pages(buf, BIG_PAGES, 'c');
		signal_fd(to_parent[1]); /* the parent writes now */
		await_fd(to_child[0]);
		_exit(pages_differ(buf, BIG_PAGES, 'c') == -1 ? 0 : 2);
	}
	await_fd(to_parent[0]);
	T_EQ(pages_differ(buf, BIG_PAGES, 'A'), -1);
	fill_pages(buf, BIG_PAGES, 'p');
	signal_fd(to_child[1]);
	T_EXITED(t_wait(pid), 0);
	T_EQ(pages_differ(buf, BIG_PAGES, 'p'), -1);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	munmap((void *)buf, BIG_PAGES * PAGE);
}

/* Fork with two of four pages read-only: the child may not write them
 * (SIGSEGV), may make them writable again and write, and the parent
 * keeps its own data whatever the child did, and after its own
 * mprotect and writes too. */
static void
cow_after_mprotect(void)
{
	char *buf = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	T_REQUIRE(buf != MAP_FAILED);
	memset(buf, 'a', 4 * PAGE);
	T_SYS(mprotect(buf + PAGE, 2 * PAGE, PROT_READ));
	pid_t pid = t_fork();
	if (pid == 0) {
		for (int i = 0; i < 4 * PAGE; i++)
			if (buf[i] != 'a')
				_exit(1);
		pid_t writer = fork();
		if (writer == 0) {
			buf[PAGE] = 'w'; /* read-only: SIGSEGV */
			_exit(0);
		}
		int status;
		if (writer < 0 || waitpid(writer, &status, 0) != writer ||
		    !WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
			_exit(2);
		if (mprotect(buf + PAGE, 2 * PAGE, PROT_READ | PROT_WRITE))
			_exit(3);
		memset(buf, 'c', 4 * PAGE);
		for (int i = 0; i < 4 * PAGE; i++)
			if (buf[i] != 'c')
				_exit(4);
		_exit(0);
	}
	T_EXITED(t_wait(pid), 0);
	for (int i = 0; i < 4 * PAGE; i++)
		if (buf[i] != 'a') {
			T_FAILF("byte %d is '%c' after the child's writes", i,
				buf[i]);
			break;
		}
	T_SYS(mprotect(buf + PAGE, 2 * PAGE, PROT_READ | PROT_WRITE));
	memset(buf + PAGE, 'p', 2 * PAGE);
	T_EQ(buf[PAGE], 'p');
	T_EQ(buf[0], 'a');
	munmap(buf, 4 * PAGE);
}

/* The signal frame lands on an alternate stack that is shared with a
 * child, and the handler writes a shared global: both are copied for
 * the parent, and the child sees neither. */
static char cow_altstack[16 * PAGE] __attribute__((aligned(PAGE)));
static volatile int cow_word = 1;
static volatile sig_atomic_t cow_handled;

static void
cow_handler(int sig)
{
	(void)sig;
	cow_word = 2;
	cow_handled = 1;
}

static void
cow_signal_handler(void)
{
	int to_child[2];
	stack_t ss = { .ss_sp = cow_altstack, .ss_size = sizeof(cow_altstack) };
	struct sigaction sa = { .sa_handler = cow_handler,
				.sa_flags = SA_ONSTACK };

	memset(cow_altstack, 0x5a, sizeof(cow_altstack));
	cow_word = 1;
	cow_handled = 0;
	T_SYS(sigaltstack(&ss, NULL));
	T_SYS(sigemptyset(&sa.sa_mask));
	T_SYS(sigaction(SIGUSR1, &sa, NULL));
	T_SYS(pipe(to_child));
	pid_t pid = t_fork();
	if (pid == 0) {
		await_fd(to_child[0]);
		if (cow_word != 1 || cow_handled)
			_exit(1);
		for (size_t i = 0; i < sizeof(cow_altstack); i++)
			if (cow_altstack[i] != 0x5a)
				_exit(2); /* the parent's frame showed here */
		_exit(0);
	}
	T_SYS(kill(getpid(), SIGUSR1));
	T_EQ(cow_handled, 1);
	T_EQ(cow_word, 2);
	signal_fd(to_child[1]);
	T_EXITED(t_wait(pid), 0);
	ss.ss_flags = SS_DISABLE;
	T_SYS(sigaltstack(&ss, NULL));
	signal(SIGUSR1, SIG_DFL);
	close(to_child[0]);
	close(to_child[1]);
}

/* read() from a pipe into a buffer shared with the parent: the kernel's
 * write copies the page for the child only. */
static void
cow_pipe_read(void)
{
	int fds[2];
	static char buf[3 * PAGE];
	char msg[2 * PAGE];

	memset(buf, 'o', sizeof(buf));
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (char)('a' + i % 26);
	T_SYS(pipe(fds));
	pid_t pid = t_fork();
	if (pid == 0) {
		size_t got = 0;
		while (got < sizeof(msg)) {
			ssize_t n = read(fds[0], buf + 100 + got,
					 sizeof(msg) - got);
			if (n <= 0)
				_exit(1);
			got += (size_t)n;
		}
		if (memcmp(buf + 100, msg, sizeof(msg)) != 0)
			_exit(2);
		if (buf[99] != 'o' || buf[100 + sizeof(msg)] != 'o')
			_exit(3);
		_exit(0);
	}
	T_SYS_EQ(write(fds[1], msg, sizeof(msg)), (long)sizeof(msg));
	T_EXITED(t_wait(pid), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i] != 'o') {
			T_FAILF("the child's read changed the parent's byte %zu",
				i);
			break;
		}
	close(fds[0]);
	close(fds[1]);
}

/* A forked child that waits, holding copy-on-write pages, until told
 * to check that @word still holds @want; exit 0 if so. */
static pid_t
fork_watcher(volatile int *word, int want, int *release_fd)
{
	int fds[2];

	if (pipe(fds)) {
		T_FAILF("pipe failed");
		_exit(T_FAIL);
	}
	pid_t pid = t_fork();
	if (pid == 0) {
		close(fds[1]);
		await_fd(fds[0]);
		_exit(*word == want ? 0 : 1);
	}
	close(fds[0]);
	*release_fd = fds[1];
	return pid;
}

/* vfork still shares: the vfork child's write, to a page that is
 * copy-on-write with another child, reaches the parent, not that child. */
static volatile int vfork_word;

static void
cow_vfork_shares(void)
{
	int release;

	vfork_word = 1;
	pid_t watcher = fork_watcher(&vfork_word, 1, &release);
	pid_t pid = vfork();
	if (pid == 0) {
		vfork_word = 2;
		_exit(0);
	}
	T_CHECK(pid > 0);
	T_EXITED(t_wait(pid), 0);
	T_EQ(vfork_word, 2);
	signal_fd(release);
	close(release);
	T_EXITED(t_wait(watcher), 0);
}

/* Threads still share: a thread's write, to a page that is copy-on-write
 * with a forked child, is the main thread's too; and pthread_join (a
 * futex on a word the kernel clears at the thread's exit, in a page
 * shared with the child) still returns. */
static volatile int thread_word;
static int thread_go[2];

static void *
cow_thread_main(void *arg)
{
	(void)arg;
	await_fd(thread_go[0]);
	thread_word = 2;
	return (void *)42;
}

static void
cow_threads_share(void)
{
	pthread_t th;
	void *ret = NULL;
	int release;

	thread_word = 1;
	T_SYS(pipe(thread_go));
	T_EQ(pthread_create(&th, NULL, cow_thread_main, NULL), 0);
	pid_t watcher = fork_watcher(&thread_word, 1, &release);
	signal_fd(thread_go[1]);
	T_EQ(pthread_join(th, &ret), 0);
	T_EQ((long)ret, 42);
	T_EQ(thread_word, 2);
	signal_fd(release);
	close(release);
	T_EXITED(t_wait(watcher), 0);
	close(thread_go[0]);
	close(thread_go[1]);
}

int
main(int argc, char **argv)
{
	t_init(argc, argv, "process");
	T_RUN(fork_pids);
	T_RUN(gettid_and_yield);
	T_RUN(fork_child_writes);
	T_RUN(fork_parent_writes);
	T_RUN(fork_twice);
	T_RUN(exit_statuses);
	T_RUN(status_encoding);
	T_RUN(wait_for_pid);
	T_RUN(wait_any);
	T_RUN(wait_nohang);
	T_RUN(wait_echild);
	T_RUN(wait_rusage);
	T_RUN(wait_rusage_untouched);
	T_RUN(wait_efault);
	T_RUN(wait_einval);
	T_RUN(fork_many);
	T_RUN(fork_wide);
	T_RUN(cow_big_buffer);
	T_RUN(cow_after_mprotect);
	T_RUN(cow_signal_handler);
	T_RUN(cow_pipe_read);
	T_RUN(cow_vfork_shares);
	T_RUN(cow_threads_share);
	return t_done();
}
