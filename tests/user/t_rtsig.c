/*
 * t_rtsig: queued real-time signals and sigqueue. Three SIGRTMIN sent
 * while blocked reach the handler three times, with their values, in
 * order; a lower real-time signal comes before a higher one; kill
 * queues real-time signals too; a standard signal sent twice while
 * blocked comes once, with the first siginfo; 64 queued and taken in
 * order; sigqueue's value, SI_QUEUE, si_pid and si_uid through
 * sigwaitinfo in another process; rt_sigqueueinfo's and
 * rt_tgsigqueueinfo's rules (EPERM for a forged si_code to another
 * process, the sender's fields kept for oneself) and errors; SIG_IGN
 * discarding what is pending, queue and all; a blocked signal that is
 * ignored staying pending, for sigwaitinfo (SIGCHLD too); fork starting
 * with nothing pending, execve keeping the queue.
 *
 * The limit on queued signals (EAGAIN) is not tested: Linux counts it
 * per user, across every process of the user, so its point cannot be
 * predicted from inside one program.
 */
#include "t.h"

#include <stdint.h>

#define BIT(sig) (1ULL << ((sig)-1))

static volatile int got_sig[16], got_val[16], got_code[16];
static volatile int ngot;

static void
record(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (ngot < 16) {
		got_sig[ngot] = sig;
		got_val[ngot] = si->si_value.sival_int;
		got_code[ngot] = si->si_code;
	}
	ngot++;
}

/* Install record() for @sig, blocking every other signal while it runs,
 * so that Linux too runs one handler at a time, in the order taken. */
static void
handle(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = record;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	T_SYS_EQ(sigaction(sig, &sa, NULL), 0);
}

static void
action(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	T_SYS_EQ(sigaction(sig, &sa, NULL), 0);
}

static void
mask(int how, uint64_t set)
{
	T_SYS_EQ(syscall(SYS_rt_sigprocmask, how, &set, NULL, 8), 0);
}

static uint64_t
pending(void)
{
	uint64_t set = 0;

	T_SYS_EQ(syscall(SYS_rt_sigpending, &set, 8), 0);
	return set;
}

static int
queue(pid_t pid, int sig, int value)
{
	return sigqueue(pid, sig, (union sigval){ .sival_int = value });
}

/* Take a pending signal of @set at once: its number, or -1 (EAGAIN). */
static int
take(uint64_t set, siginfo_t *si)
{
	struct timespec zero = { 0, 0 };

	memset(si, 0, sizeof(*si));
	return (int)syscall(SYS_rt_sigtimedwait, &set, si, &zero, 8);
}

static void
queue_three_in_order(void)
{
	handle(SIGRTMIN);
	mask(SIG_BLOCK, BIT(SIGRTMIN));
	T_SYS_EQ(queue(getpid(), SIGRTMIN, 1), 0);
	T_SYS_EQ(queue(getpid(), SIGRTMIN, 2), 0);
	T_SYS_EQ(queue(getpid(), SIGRTMIN, 3), 0);
	T_EQ(ngot, 0);
	T_EQ(pending(), BIT(SIGRTMIN));
	mask(SIG_UNBLOCK, BIT(SIGRTMIN));
	T_REQUIRE(ngot == 3);
	for (int i = 0; i < 3; i++) {
		T_EQ(got_sig[i], SIGRTMIN);
		T_EQ(got_val[i], i + 1);
		T_EQ(got_code[i], SI_QUEUE);
	}
	T_EQ(pending(), 0);
}

static void
lower_rt_first(void)
{
	handle(SIGRTMIN);
	handle(SIGRTMIN + 1);
	mask(SIG_BLOCK, BIT(SIGRTMIN) | BIT(SIGRTMIN + 1));
	T_SYS_EQ(queue(getpid(), SIGRTMIN + 1, 10), 0);
	T_SYS_EQ(queue(getpid(), SIGRTMIN, 20), 0);
	T_SYS_EQ(queue(getpid(), SIGRTMIN + 1, 11), 0);
	mask(SIG_UNBLOCK, BIT(SIGRTMIN) | BIT(SIGRTMIN + 1));
	T_REQUIRE(ngot == 3);
	T_EQ(got_sig[0], SIGRTMIN);
	T_EQ(got_val[0], 20);
	T_EQ(got_sig[1], SIGRTMIN + 1);
	T_EQ(got_val[1], 10);
	T_EQ(got_sig[2], SIGRTMIN + 1);
	T_EQ(got_val[2], 11);
}

/* A standard signal: one pending bit, and the first sender's siginfo
 * (a sigqueue's value here), whatever comes after it. */
static void
standard_merges(void)
{
	handle(SIGUSR1);
	mask(SIG_BLOCK, BIT(SIGUSR1));
	T_SYS_EQ(queue(getpid(), SIGUSR1, 7), 0);
	T_SYS_EQ(queue(getpid(), SIGUSR1, 8), 0);
	T_SYS_EQ(kill(getpid(), SIGUSR1), 0);
	mask(SIG_UNBLOCK, BIT(SIGUSR1));
	T_EQ(ngot, 1);
	T_EQ(got_val[0], 7);
	T_EQ(got_code[0], SI_QUEUE);
}

/* kill queues a real-time signal as sigqueue does, with SI_USER. */
static void
kill_queues_rt(void)
{
	siginfo_t si;

	mask(SIG_BLOCK, BIT(SIGRTMIN));
	T_SYS_EQ(kill(getpid(), SIGRTMIN), 0);
	T_SYS_EQ(queue(getpid(), SIGRTMIN, 5), 0);
	T_SYS_EQ(kill(getpid(), SIGRTMIN), 0);
	T_EQ(take(BIT(SIGRTMIN), &si), SIGRTMIN);
	T_EQ(si.si_code, SI_USER);
	T_EQ(si.si_pid, getpid());
	T_EQ(take(BIT(SIGRTMIN), &si), SIGRTMIN);
	T_EQ(si.si_code, SI_QUEUE);
	T_EQ(si.si_value.sival_int, 5);
	T_EQ(take(BIT(SIGRTMIN), &si), SIGRTMIN);
	T_EQ(si.si_code, SI_USER);
	T_SYS_ERR(take(BIT(SIGRTMIN), &si), EAGAIN);
}

static void
sixty_four_in_order(void)
{
	siginfo_t si;

	mask(SIG_BLOCK, BIT(SIGRTMIN));
	for (int i = 0; i < 64; i++)
		T_SYS_EQ(queue(getpid(), SIGRTMIN, 1000 + i), 0);
	for (int i = 0; i < 64; i++) {
		T_REQUIRE(take(BIT(SIGRTMIN), &si) == SIGRTMIN);
		T_EQ(si.si_value.sival_int, 1000 + i);
	}
	T_SYS_ERR(take(BIT(SIGRTMIN), &si), EAGAIN);
	T_EQ(pending(), 0);
}

/* sigqueue to another process: its value (a pointer here), SI_QUEUE,
 * the sender's pid and uid, through sigwaitinfo. */
static void
value_via_sigwaitinfo(void)
{
	static int target;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	mask(SIG_BLOCK, BIT(SIGRTMIN));
	pid_t pid = t_fork();
	if (pid == 0) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		int sig = sigwaitinfo(&set, &si);
		_exit(sig == SIGRTMIN && si.si_code == SI_QUEUE &&
				      si.si_value.sival_ptr == &target &&
				      si.si_pid == getppid() &&
				      si.si_uid == getuid()
			      ? 0
			      : 1);
	}
	T_SYS_EQ(
		sigqueue(pid, SIGRTMIN, (union sigval){ .sival_ptr = &target }),
		0);
	T_EXITED(t_wait(pid), 0);
}

static long
sigqueueinfo(pid_t pid, int sig, int code, int value)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_pid = 4242; /* whatever the caller says */
	si.si_uid = 77;
	si.si_value.sival_int = value;
	return syscall(SYS_rt_sigqueueinfo, (long)pid, (long)sig, &si);
}

static long
tgsigqueueinfo(pid_t pid, pid_t tid, int sig, int code, int value)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_pid = getpid();
	si.si_value.sival_int = value;
	return syscall(SYS_rt_tgsigqueueinfo, (long)pid, (long)tid, (long)sig,
		       &si);
}

/* Nobody may pretend to another process to be the kernel (si_code 0
 * or more) or tkill (SI_TKILL); to itself, anything goes, and the
 * fields come back as they were given. */
static void
sigqueueinfo_forging(void)
{
	siginfo_t si;

	mask(SIG_BLOCK, BIT(SIGUSR1) | BIT(SIGRTMIN));
	pid_t pid = t_fork();
	if (pid == 0)
		t_linger(); /* SIGUSR1 blocked: it stays pending */
	T_SYS_ERR(sigqueueinfo(pid, SIGUSR1, SI_USER, 1), EPERM);
	T_SYS_ERR(sigqueueinfo(pid, SIGUSR1, SI_KERNEL, 1), EPERM);
	T_SYS_ERR(sigqueueinfo(pid, SIGUSR1, SI_TKILL, 1), EPERM);
	T_SYS_ERR(sigqueueinfo(pid, SIGUSR1, 1, 1), EPERM);
	T_SYS_EQ(sigqueueinfo(pid, SIGUSR1, SI_QUEUE, 1), 0);
	T_SYS_EQ(sigqueueinfo(pid, 0, SI_QUEUE, 1), 0);
	T_SYS_ERR(tgsigqueueinfo(pid, pid, SIGUSR1, SI_USER, 1), EPERM);
	T_SYS_EQ(tgsigqueueinfo(pid, pid, SIGUSR1, SI_QUEUE, 1), 0);
	T_SYS_EQ(kill(pid, SIGKILL), 0);
	T_SIGNALED(t_wait(pid), SIGKILL);

	T_SYS_EQ(sigqueueinfo(getpid(), SIGUSR1, SI_USER, 9), 0);
	T_EQ(take(BIT(SIGUSR1), &si), SIGUSR1);
	T_EQ(si.si_code, SI_USER);
	T_EQ(si.si_pid, 4242);
	T_EQ(si.si_uid, 77);
	T_SYS_EQ(tgsigqueueinfo(getpid(), gettid(), SIGRTMIN, SI_TKILL, 3), 0);
	T_EQ(take(BIT(SIGRTMIN), &si), SIGRTMIN);
	T_EQ(si.si_code, SI_TKILL);
	T_EQ(si.si_pid, getpid());
}

static void
sigqueueinfo_errors(void)
{
	siginfo_t si;

	pid_t gone = t_fork();
	if (gone == 0)
		_exit(0);
	T_EXITED(t_wait(gone), 0);
	mask(SIG_BLOCK, BIT(SIGRTMIN));
	T_SYS_ERR(sigqueueinfo(gone, SIGRTMIN, SI_QUEUE, 1), ESRCH);
	T_SYS_ERR(sigqueueinfo(0, SIGRTMIN, SI_QUEUE, 1), ESRCH);
	T_SYS_ERR(sigqueueinfo(-1, SIGRTMIN, SI_QUEUE, 1), ESRCH);
	T_SYS_ERR(sigqueueinfo(getpid(), 65, SI_QUEUE, 1), EINVAL);
	T_SYS_ERR(sigqueueinfo(getpid(), -1, SI_QUEUE, 1), EINVAL);
	T_SYS_ERR(syscall(SYS_rt_sigqueueinfo, (long)getpid(), (long)SIGRTMIN,
			  T_BAD_PTR),
		  EFAULT);
	T_SYS_ERR(tgsigqueueinfo(getpid(), 0, SIGRTMIN, SI_QUEUE, 1), EINVAL);
	T_SYS_ERR(tgsigqueueinfo(0, gettid(), SIGRTMIN, SI_QUEUE, 1), EINVAL);
	T_SYS_ERR(tgsigqueueinfo(gone, gettid(), SIGRTMIN, SI_QUEUE, 1), ESRCH);
	T_SYS_ERR(tgsigqueueinfo(getpid(), gettid(), 65, SI_QUEUE, 1), EINVAL);
	T_SYS_ERR(syscall(SYS_rt_tgsigqueueinfo, (long)getpid(), (long)gettid(),
			  (long)SIGRTMIN, T_BAD_PTR),
		  EFAULT);
	/* To the thread itself: pending for it, taken with its value. */
	T_SYS_EQ(tgsigqueueinfo(getpid(), gettid(), SIGRTMIN, SI_QUEUE, 6), 0);
	T_EQ(pending(), BIT(SIGRTMIN));
	T_EQ(take(BIT(SIGRTMIN), &si), SIGRTMIN);
	T_EQ(si.si_value.sival_int, 6);
	T_EQ(pending(), 0);
}

/* Setting SIG_IGN discards what is pending, every queued one too,
 * blocked or not. */
static void
ignore_discards_queue(void)
{
	handle(SIGRTMIN);
	handle(SIGUSR1);
	mask(SIG_BLOCK, BIT(SIGRTMIN) | BIT(SIGUSR1));
	T_SYS_EQ(queue(getpid(), SIGRTMIN, 1), 0);
	T_SYS_EQ(queue(getpid(), SIGRTMIN, 2), 0);
	T_SYS_EQ(kill(getpid(), SIGUSR1), 0);
	T_EQ(pending(), BIT(SIGRTMIN) | BIT(SIGUSR1));
	action(SIGRTMIN, SIG_IGN);
	action(SIGUSR1, SIG_IGN);
	T_EQ(pending(), 0);
	handle(SIGRTMIN);
	handle(SIGUSR1);
	mask(SIG_UNBLOCK, BIT(SIGRTMIN) | BIT(SIGUSR1));
	T_EQ(ngot, 0);
}

/* An ignored signal is discarded when sent, unless it is blocked: then
 * it waits, for sigwaitinfo or a handler installed later. */
static void
blocked_ignored_stays_pending(void)
{
	siginfo_t si;

	action(SIGUSR1, SIG_IGN);
	action(SIGUSR2, SIG_IGN);
	mask(SIG_BLOCK, BIT(SIGUSR1) | BIT(SIGCHLD));
	T_SYS_EQ(kill(getpid(), SIGUSR2), 0);
	T_SYS_EQ(kill(getpid(), SIGUSR1), 0);
	T_EQ(pending(), BIT(SIGUSR1));
	T_EQ(take(BIT(SIGUSR1), &si), SIGUSR1);
	T_EQ(si.si_code, SI_USER);
	T_EQ(si.si_pid, getpid());

	/* Still ignored when the mask opens: it goes, and nothing runs. */
	T_SYS_EQ(kill(getpid(), SIGUSR1), 0);
	T_EQ(pending(), BIT(SIGUSR1));
	mask(SIG_UNBLOCK, BIT(SIGUSR1));
	T_EQ(pending(), 0);

	/* A handler installed before the mask opens runs. */
	mask(SIG_BLOCK, BIT(SIGUSR1));
	T_SYS_EQ(queue(getpid(), SIGUSR1, 12), 0);
	handle(SIGUSR1);
	mask(SIG_UNBLOCK, BIT(SIGUSR1));
	T_EQ(ngot, 1);
	T_EQ(got_val[0], 12);

	/* SIGCHLD, ignored by default, blocked: sigwaitinfo hears of the
	 * child. */
	pid_t pid = t_fork();
	if (pid == 0)
		_exit(3);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	memset(&si, 0, sizeof(si));
	T_EQ(sigwaitinfo(&set, &si), SIGCHLD);
	T_EQ(si.si_code, CLD_EXITED);
	T_EQ(si.si_pid, pid);
	T_EQ(si.si_status, 3);
	T_EXITED(t_wait(pid), 3);
}

static void
fork_starts_empty(void)
{
	mask(SIG_BLOCK, BIT(SIGRTMIN));
	T_SYS_EQ(queue(getpid(), SIGRTMIN, 1), 0);
	pid_t pid = t_fork();
	if (pid == 0)
		_exit(pending() == 0 ? 0 : 1);
	T_EXITED(t_wait(pid), 0);
	T_EQ(pending(), BIT(SIGRTMIN));
}

/* After execve (t_rtsig exec-child): the queue is still there. */
static int
exec_child(void)
{
	siginfo_t si;

	if (pending() != BIT(SIGRTMIN))
		return 1;
	for (int i = 0; i < 2; i++)
		if (take(BIT(SIGRTMIN), &si) != SIGRTMIN ||
		    si.si_value.sival_int != 5 + i)
			return 2;
	return take(BIT(SIGRTMIN), &si) == -1 && errno == EAGAIN ? 0 : 3;
}

static void
exec_keeps_queue(void)
{
	mask(SIG_BLOCK, BIT(SIGRTMIN));
	pid_t pid = t_fork();
	if (pid == 0) {
		char *argv[] = { (char *)t_self(), "exec-child", NULL };
		if (queue(getpid(), SIGRTMIN, 5) ||
		    queue(getpid(), SIGRTMIN, 6))
			_exit(4);
		syscall(SYS_execve, t_self(), argv, environ);
		_exit(5);
	}
	T_EXITED(t_wait(pid), 0);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-child") == 0)
		return exec_child();
	t_init(argc, argv, "rtsig");
	T_RUN(queue_three_in_order);
	T_RUN(lower_rt_first);
	T_RUN(standard_merges);
	T_RUN(kill_queues_rt);
	T_RUN(sixty_four_in_order);
	T_RUN(value_via_sigwaitinfo);
	T_RUN(sigqueueinfo_forging);
	T_RUN(sigqueueinfo_errors);
	T_RUN(ignore_discards_queue);
	T_RUN(blocked_ignored_stays_pending);
	T_RUN(fork_starts_empty);
	T_RUN(exec_keeps_queue);
	return t_done();
}
