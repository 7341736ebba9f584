/*
 * t_timers: the real-time interval timer and waiting for a signal.
 * alarm's return value (the seconds left, rounded as Linux rounds) and
 * 0 cancelling; SIGALRM's default action ending the process; a handler
 * and pause(); setitimer(ITIMER_REAL) with an interval firing again and
 * again, getitimer counting down, the interval read back exactly; one
 * timer per process, shared by its threads; fork clearing it, execve
 * keeping it; setitimer's and getitimer's errors. rt_sigtimedwait:
 * taking a pending signal without its handler, with its siginfo (the
 * timer's SIGALRM is the kernel's, SI_KERNEL), an unblocked SIG_DFL
 * SIGALRM ending the process all the same, its timeout (EAGAIN), a
 * zero timeout, EINTR for another signal's handler, and its errors.
 *
 * Times: a timer expires on the first tick after its deadline, so the
 * cases check only that a signal never comes early and does come, with
 * a generous upper bound (T_LATE_MS). ITIMER_VIRTUAL and ITIMER_PROF are
 * not tested: Sprout has no CPU-time timers (docs/signals.md).
 */
#include "t.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/time.h>

#define BIT(sig)  (1ULL << ((sig)-1))
/* Later than this, a timer that should have fired has failed. */
#define T_LATE_MS 3000

static volatile sig_atomic_t alarms;

static void
on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* Install @fn for @sig, without SA_RESTART. */
static void
handle(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	T_SYS_EQ(sigaction(sig, &sa, NULL), 0);
}

static void
block(uint64_t set)
{
	T_SYS_EQ(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8), 0);
}

static uint64_t
pending(void)
{
	uint64_t set = 0;

	T_SYS_EQ(syscall(SYS_rt_sigpending, &set, 8), 0);
	return set;
}

static long
set_timer(long value_ms, long interval_ms, struct itimerval *old)
{
	struct itimerval it = {
		{ interval_ms / 1000, interval_ms % 1000 * 1000 },
		{ value_ms / 1000, value_ms % 1000 * 1000 },
	};

	return syscall(SYS_setitimer, ITIMER_REAL, &it, old);
}

static long long
usec(const struct timeval *tv)
{
	return tv->tv_sec * 1000000LL + tv->tv_usec;
}

static long
sigtimedwait_raw(uint64_t set, siginfo_t *info, const struct timespec *ts)
{
	return syscall(SYS_rt_sigtimedwait, &set, info, ts, 8);
}

/* alarm returns what was left of the previous one, in whole seconds
 * rounded to the nearest, never 0 for an armed timer. */
static void
alarm_returns_left(void)
{
	struct itimerval old;

	T_SYS_EQ(syscall(SYS_alarm, 10), 0);
	T_SYS_EQ(syscall(SYS_alarm, 5), 10); /* 9.99... s left */
	T_SYS_EQ(syscall(SYS_alarm, 0), 5);
	T_SYS_EQ(syscall(SYS_alarm, 0), 0);
	/* 300 ms left: rounds down to 0, so alarm says 1. */
	T_SYS_EQ(set_timer(300, 0, NULL), 0);
	T_SYS_EQ(syscall(SYS_alarm, 0), 1);
	/* 1.7 s left: 2. */
	T_SYS_EQ(set_timer(1700, 0, NULL), 0);
	T_SYS_EQ(syscall(SYS_alarm, 3), 2);
	/* alarm sets ITIMER_REAL, with no interval. */
	T_SYS_EQ(set_timer(0, 0, &old), 0);
	T_CHECK(usec(&old.it_value) > 2000000 &&
		usec(&old.it_value) <= 3000000);
	T_EQ(usec(&old.it_interval), 0);
}

/* alarm(0) cancels a timer that would have fired. */
static void
alarm_cancel(void)
{
	block(BIT(SIGALRM));
	T_SYS_EQ(set_timer(20, 0, NULL), 0);
	T_SYS_EQ(syscall(SYS_alarm, 0), 1);
	t_sleep_ms(100);
	T_EQ(pending() & BIT(SIGALRM), 0);
}

/* SIGALRM's default action ends the process. */
static void
alarm_default_kills(void)
{
	pid_t pid = t_fork();

	if (pid == 0) {
		syscall(SYS_alarm, 1);
		for (;;)
			syscall(SYS_pause);
	}
	T_SIGNALED(t_wait(pid), SIGALRM);
}

/* A 50 ms timer ends pause() through its handler: not before 50 ms. */
static void
handler_and_pause(void)
{
	handle(SIGALRM, on_alarm);
	long long start = t_now_ms();
	T_SYS_EQ(set_timer(50, 0, NULL), 0);
	T_SYS_ERR(syscall(SYS_pause), EINTR);
	long long took = t_now_ms() - start;
	T_EQ(alarms, 1);
	T_CHECK(took >= 50);
	T_CHECK(took < T_LATE_MS);
	/* It fired once: now it is disarmed. */
	struct itimerval cur;
	T_SYS_EQ(syscall(SYS_getitimer, ITIMER_REAL, &cur), 0);
	T_EQ(usec(&cur.it_value), 0);
}

/* With an interval, the timer fires again and again. */
static void
interval_repeats(void)
{
	struct itimerval cur;

	handle(SIGALRM, on_alarm);
	long long start = t_now_ms();
	T_SYS_EQ(set_timer(20, 20, NULL), 0);
	while (alarms < 4 && t_now_ms() - start < T_LATE_MS)
		syscall(SYS_pause);
	long long took = t_now_ms() - start;
	T_CHECK(alarms >= 4);
	T_CHECK(took >= 80);
	T_SYS_EQ(syscall(SYS_getitimer, ITIMER_REAL, &cur), 0);
	T_EQ(usec(&cur.it_interval), 20000);
	T_CHECK(usec(&cur.it_value) > 0 && usec(&cur.it_value) <= 20000);
	T_SYS_EQ(set_timer(0, 0, NULL), 0);
}

/* getitimer counts down; the interval reads back as it was set. */
static void
getitimer_counts_down(void)
{
	struct itimerval it = { { 1, 500 }, { 10, 0 } }, cur, later, old;

	T_SYS_EQ(syscall(SYS_getitimer, ITIMER_REAL, &cur), 0);
	T_EQ(usec(&cur.it_value), 0);
	T_EQ(usec(&cur.it_interval), 0);
	T_SYS_EQ(syscall(SYS_setitimer, ITIMER_REAL, &it, NULL), 0);
	T_SYS_EQ(syscall(SYS_getitimer, ITIMER_REAL, &cur), 0);
	T_CHECK(usec(&cur.it_value) <= 10000000);
	T_CHECK(usec(&cur.it_value) > 10000000 - T_LATE_MS * 1000LL);
	T_EQ(cur.it_interval.tv_sec, 1);
	T_EQ(cur.it_interval.tv_usec, 500);
	t_sleep_ms(50);
	T_SYS_EQ(syscall(SYS_getitimer, ITIMER_REAL, &later), 0);
	T_CHECK(usec(&cur.it_value) - usec(&later.it_value) >= 50000);
	/* setitimer gives back the old setting, still counting down. */
	T_SYS_EQ(set_timer(0, 0, &old), 0);
	T_CHECK(usec(&old.it_value) <= usec(&later.it_value));
	T_CHECK(usec(&old.it_value) > 0);
	T_EQ(usec(&old.it_interval), 1000500);
	T_SYS_EQ(syscall(SYS_getitimer, ITIMER_REAL, &cur), 0);
	T_EQ(usec(&cur.it_value), 0);
	T_EQ(usec(&cur.it_interval), 0);
}

static void *
thread_disarms(void *arg)
{
	struct itimerval cur;

	(void)arg;
	if (syscall(SYS_getitimer, ITIMER_REAL, &cur) != 0 ||
	    usec(&cur.it_value) <= 0)
		return (void *)1;
	if (set_timer(0, 0, NULL) != 0)
		return (void *)2;
	return NULL;
}

/* One timer per process: a thread sees the one its process set, and
 * disarms it for everyone. */
static void
threads_share_timer(void)
{
	struct itimerval cur;
	pthread_t th;
	void *result;

	T_SYS_EQ(set_timer(10000, 0, NULL), 0);
	T_REQUIRE(pthread_create(&th, NULL, thread_disarms, NULL) == 0);
	T_REQUIRE(pthread_join(th, &result) == 0);
	T_EQ((long)result, 0);
	T_SYS_EQ(syscall(SYS_getitimer, ITIMER_REAL, &cur), 0);
	T_EQ(usec(&cur.it_value), 0);
}

/* A child of fork starts without a timer; the parent keeps its own. */
static void
fork_clears(void)
{
	struct itimerval cur;

	T_SYS_EQ(set_timer(10000, 1000, NULL), 0);
	pid_t pid = t_fork();
	if (pid == 0) {
		if (syscall(SYS_getitimer, ITIMER_REAL, &cur) != 0)
			_exit(1);
		_exit(usec(&cur.it_value) == 0 && usec(&cur.it_interval) == 0
			      ? 0
			      : 2);
	}
	T_EXITED(t_wait(pid), 0);
	T_SYS_EQ(syscall(SYS_getitimer, ITIMER_REAL, &cur), 0);
	T_CHECK(usec(&cur.it_value) > 0);
	T_EQ(usec(&cur.it_interval), 1000000);
}

/* After execve (t_timers exec-child), the timer is still running. */
static int
exec_child(void)
{
	struct itimerval cur;

	if (syscall(SYS_getitimer, ITIMER_REAL, &cur) != 0)
		return 1;
	if (usec(&cur.it_value) <= 0 || usec(&cur.it_value) > 10000000)
		return 2;
	return usec(&cur.it_interval) == 3250000 ? 0 : 3;
}

static void
exec_keeps(void)
{
	pid_t pid = t_fork();

	if (pid == 0) {
		char *argv[] = { (char *)t_self(), "exec-child", NULL };
		extern char **environ;
		if (set_timer(10000, 3250, NULL) != 0)
			_exit(4);
		syscall(SYS_execve, t_self(), argv, environ);
		_exit(5);
	}
	T_EXITED(t_wait(pid), 0);
}

static void
itimer_errors(void)
{
	struct itimerval it = { { 0, 0 }, { 10, 0 } }, cur;

	T_SYS_ERR(syscall(SYS_setitimer, 3, &it, NULL), EINVAL);
	T_SYS_ERR(syscall(SYS_setitimer, -1, &it, NULL), EINVAL);
	T_SYS_ERR(syscall(SYS_getitimer, 3, &cur), EINVAL);
	T_SYS_ERR(syscall(SYS_getitimer, -1, &cur), EINVAL);
	/* The new value is read before which is looked at. */
	T_SYS_ERR(syscall(SYS_setitimer, 99, T_BAD_PTR, NULL), EFAULT);
	T_SYS_ERR(syscall(SYS_setitimer, ITIMER_REAL, T_KERNEL_PTR, NULL),
		  EFAULT);
	T_SYS_ERR(syscall(SYS_getitimer, ITIMER_REAL, T_BAD_PTR), EFAULT);
	T_SYS_ERR(syscall(SYS_getitimer, ITIMER_REAL, NULL), EFAULT);
	/* Microseconds from 0 to 999999, seconds not negative. */
	it.it_value.tv_usec = 1000000;
	T_SYS_ERR(syscall(SYS_setitimer, ITIMER_REAL, &it, NULL), EINVAL);
	it.it_value.tv_usec = -1;
	T_SYS_ERR(syscall(SYS_setitimer, ITIMER_REAL, &it, NULL), EINVAL);
	it.it_value.tv_usec = 0;
	it.it_value.tv_sec = -1;
	T_SYS_ERR(syscall(SYS_setitimer, ITIMER_REAL, &it, NULL), EINVAL);
	it.it_value.tv_sec = 10;
	it.it_interval.tv_usec = 1000000;
	T_SYS_ERR(syscall(SYS_setitimer, ITIMER_REAL, &it, NULL), EINVAL);
	/* None of that set the timer. */
	T_SYS_EQ(syscall(SYS_getitimer, ITIMER_REAL, &cur), 0);
	T_EQ(usec(&cur.it_value), 0);
	/* A bad old pointer fails after the new timer is set. */
	it.it_interval.tv_usec = 0;
	T_SYS_ERR(syscall(SYS_setitimer, ITIMER_REAL, &it, T_BAD_PTR), EFAULT);
	T_SYS_EQ(syscall(SYS_getitimer, ITIMER_REAL, &cur), 0);
	T_CHECK(usec(&cur.it_value) > 0);
}

static void
must_not_run(int sig)
{
	(void)sig;
	_exit(T_FAIL);
}

/* A blocked, pending signal is taken, with its siginfo; its handler
 * does not run. */
static void
sigtimedwait_takes_pending(void)
{
	siginfo_t info;

	handle(SIGUSR1, must_not_run);
	block(BIT(SIGUSR1));
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGUSR1), 0);
	memset(&info, 0, sizeof(info));
	T_SYS_EQ(sigtimedwait_raw(BIT(SIGUSR1) | BIT(SIGUSR2), &info, NULL),
		 SIGUSR1);
	T_EQ(info.si_signo, SIGUSR1);
	T_EQ(info.si_code, SI_USER);
	T_EQ(info.si_pid, getpid());
	T_EQ(pending() & BIT(SIGUSR1), 0);
}

/* Waiting for the timer's SIGALRM, blocked: the kernel sent it. */
static void
sigtimedwait_alarm(void)
{
	struct timespec ts = { 5, 0 };
	siginfo_t info;

	block(BIT(SIGALRM));
	long long start = t_now_ms();
	T_SYS_EQ(set_timer(30, 0, NULL), 0);
	T_SYS_EQ(sigtimedwait_raw(BIT(SIGALRM), &info, &ts), SIGALRM);
	T_CHECK(t_now_ms() - start >= 30);
	T_EQ(info.si_signo, SIGALRM);
	T_EQ(info.si_code, SI_KERNEL);
	/* Not blocked, with a handler: the wait takes it, the handler
	 * never runs. */
	handle(SIGALRM, must_not_run);
	uint64_t none = BIT(SIGALRM);
	T_SYS_EQ(syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &none, NULL, 8), 0);
	T_SYS_EQ(set_timer(30, 0, NULL), 0);
	T_SYS_EQ(sigtimedwait_raw(BIT(SIGALRM), NULL, &ts), SIGALRM);
}

/* Waiting for SIGALRM does not save a process that neither blocks nor
 * handles it: the signal ends it, as when it is sent. */
static void
sigtimedwait_unblocked_default(void)
{
	pid_t pid = t_fork();

	if (pid == 0) {
		struct timespec ts = { 5, 0 };
		set_timer(30, 0, NULL);
		sigtimedwait_raw(BIT(SIGALRM), NULL, &ts);
		_exit(0);
	}
	T_SIGNALED(t_wait(pid), SIGALRM);
}

/* Nothing comes: EAGAIN after the timeout, not before. */
static void
sigtimedwait_timeout(void)
{
	struct timespec ts = { 0, 50 * 1000000 };

	block(BIT(SIGUSR2));
	long long start = t_now_ms();
	T_SYS_ERR(sigtimedwait_raw(BIT(SIGUSR2), NULL, &ts), EAGAIN);
	long long took = t_now_ms() - start;
	T_CHECK(took >= 50);
	T_CHECK(took < T_LATE_MS);
}

/* A zero timeout only looks. */
static void
sigtimedwait_zero_timeout(void)
{
	struct timespec zero = { 0, 0 };
	siginfo_t info;

	block(BIT(SIGUSR2));
	T_SYS_ERR(sigtimedwait_raw(BIT(SIGUSR2), &info, &zero), EAGAIN);
	T_SYS_EQ(syscall(SYS_tkill, syscall(SYS_gettid), SIGUSR2), 0);
	T_SYS_EQ(sigtimedwait_raw(BIT(SIGUSR2), &info, &zero), SIGUSR2);
	T_EQ(info.si_code, SI_TKILL);
	T_SYS_ERR(sigtimedwait_raw(BIT(SIGUSR2), &info, &zero), EAGAIN);
}

/* Another signal, with a handler, ends the wait with EINTR. */
static void
sigtimedwait_eintr(void)
{
	handle(SIGALRM, on_alarm);
	block(BIT(SIGUSR1));
	T_SYS_EQ(set_timer(30, 0, NULL), 0);
	T_SYS_ERR(sigtimedwait_raw(BIT(SIGUSR1), NULL, NULL), EINTR);
	T_EQ(alarms, 1);
}

static void
sigtimedwait_errors(void)
{
	struct timespec ts = { 0, 0 };
	uint64_t set = BIT(SIGUSR1);

	block(BIT(SIGUSR1));
	T_SYS_ERR(syscall(SYS_rt_sigtimedwait, &set, NULL, &ts, 4), EINVAL);
	T_SYS_ERR(syscall(SYS_rt_sigtimedwait, T_BAD_PTR, NULL, &ts, 8),
		  EFAULT);
	T_SYS_ERR(sigtimedwait_raw(BIT(SIGUSR1), NULL, T_BAD_PTR), EFAULT);
	ts.tv_nsec = 1000000000;
	T_SYS_ERR(sigtimedwait_raw(BIT(SIGUSR1), NULL, &ts), EINVAL);
	ts.tv_nsec = -1;
	T_SYS_ERR(sigtimedwait_raw(BIT(SIGUSR1), NULL, &ts), EINVAL);
	ts.tv_nsec = 0;
	ts.tv_sec = -1;
	T_SYS_ERR(sigtimedwait_raw(BIT(SIGUSR1), NULL, &ts), EINVAL);
	/* A bad timeout fails even with the signal pending, and leaves
	 * it there; a bad siginfo pointer fails after taking it. */
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGUSR1), 0);
	T_SYS_ERR(sigtimedwait_raw(BIT(SIGUSR1), NULL, &ts), EINVAL);
	T_EQ(pending() & BIT(SIGUSR1), BIT(SIGUSR1));
	ts.tv_sec = 0;
	T_SYS_ERR(sigtimedwait_raw(BIT(SIGUSR1), T_BAD_PTR, &ts), EFAULT);
	T_EQ(pending() & BIT(SIGUSR1), 0);
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-child") == 0)
		return exec_child();
	t_init(argc, argv, "timers");
	T_RUN(alarm_returns_left);
	T_RUN(alarm_cancel);
	T_RUN(alarm_default_kills);
	T_RUN(handler_and_pause);
	T_RUN(interval_repeats);
	T_RUN(getitimer_counts_down);
	T_RUN(threads_share_timer);
	T_RUN(fork_clears);
	T_RUN(exec_keeps);
	T_RUN(itimer_errors);
	T_RUN(sigtimedwait_takes_pending);
	T_RUN(sigtimedwait_alarm);
	T_RUN(sigtimedwait_unblocked_default);
	T_RUN(sigtimedwait_timeout);
	T_RUN(sigtimedwait_zero_timeout);
	T_RUN(sigtimedwait_eintr);
	T_RUN(sigtimedwait_errors);
	return t_done();
}
