/*
 * t_time: clocks and sleeping. clock_gettime with CLOCK_MONOTONIC (never
 * goes back, in this process or another) and CLOCK_REALTIME (a date after
 * 2020), gettimeofday (agrees with CLOCK_REALTIME), nanosleep (sleeps at
 * least as long as asked; a sleep of centuries does not wrap to none),
 * clock_nanosleep, and their EINVAL and EFAULT errors.
 *
 * All calls are raw system calls, never the C library's vDSO shortcut.
 */
#include "t.h"

#include <stdint.h>
#include <sys/time.h>

#define NSEC  1000000000LL
#define Y2020 1577836800LL /* 2020-01-01 00:00:00 UTC */
#define Y2100 4102444800LL /* 2100-01-01 00:00:00 UTC */

static long long
ns(const struct timespec *ts)
{
	return ts->tv_sec * NSEC + ts->tv_nsec;
}

static long long
clock_ns(clockid_t clock)
{
	struct timespec ts = { -1, -1 };

	if (syscall(SYS_clock_gettime, clock, &ts) != 0) {
		T_FAILF("clock_gettime(%d) returned -1 errno %d (%s)",
			(int)clock, errno, t_errname(errno));
		return 0;
	}
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC)
		T_FAILF("clock_gettime(%d) gave { %lld, %ld }", (int)clock,
			(long long)ts.tv_sec, ts.tv_nsec);
	return ns(&ts);
}

static void
monotonic_never_goes_back(void)
{
	long long prev = clock_ns(CLOCK_MONOTONIC), now;

	T_CHECK(prev > 0);
	for (int i = 0; i < 1000; i++) {
		now = clock_ns(CLOCK_MONOTONIC);
		if (now < prev) {
			T_FAILF("reading %d: %lld ns, after %lld ns", i, now,
				prev);
			break;
		}
		prev = now;
	}
}

/* The monotonic clock is the same clock in every process. */
static void
monotonic_across_processes(void)
{
	for (int i = 0; i < 5; i++) {
		long long before = clock_ns(CLOCK_MONOTONIC), after;
		pid_t pid = t_fork();

		if (pid == 0) {
			struct timespec ts;
			syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
			_exit(ns(&ts) >= before ? 0 : 1);
		}
		T_EXITED(t_wait(pid), 0);
		after = clock_ns(CLOCK_MONOTONIC);
		T_CHECK(after >= before);
	}
}

static void
nanosleep_lasts(void)
{
	struct timespec req = { 0, 50 * 1000000 }, rem = { 7, 7 };
	long long t0, t1, r0, r1;

	r0 = clock_ns(CLOCK_REALTIME);
	t0 = clock_ns(CLOCK_MONOTONIC);
	T_SYS_EQ(syscall(SYS_nanosleep, &req, NULL), 0);
	t1 = clock_ns(CLOCK_MONOTONIC);
	r1 = clock_ns(CLOCK_REALTIME);
	if (t1 - t0 < 50 * 1000000LL)
		T_FAILF("a 50 ms nanosleep lasted %lld ns", t1 - t0);
	if (t1 - t0 > 2 * NSEC)
		T_FAILF("a 50 ms nanosleep lasted %lld ns", t1 - t0);
	/* The real-time clock went on too (loosely: it may be adjusted). */
	if (r1 - r0 < 40 * 1000000LL || r1 - r0 > 5 * NSEC)
		T_FAILF("CLOCK_REALTIME moved %lld ns in a 50 ms sleep",
			r1 - r0);

	/* With a place for the remainder; it also lasts. */
	req.tv_nsec = 20 * 1000000;
	t0 = clock_ns(CLOCK_MONOTONIC);
	T_SYS_EQ(syscall(SYS_nanosleep, &req, &rem), 0);
	t1 = clock_ns(CLOCK_MONOTONIC);
	if (t1 - t0 < 20 * 1000000LL)
		T_FAILF("a 20 ms nanosleep lasted %lld ns", t1 - t0);
}

static void
nanosleep_zero(void)
{
	struct timespec zero = { 0, 0 }, one = { 0, 1 };

	T_SYS_EQ(syscall(SYS_nanosleep, &zero, NULL), 0);
	T_SYS_EQ(syscall(SYS_nanosleep, &one, NULL), 0);
}

static void
nanosleep_errors(void)
{
	struct timespec big = { 0, NSEC }, negative = { 0, -1 };
	struct timespec before = { -1, 0 };
	long long t0 = clock_ns(CLOCK_MONOTONIC);

	T_SYS_ERR(syscall(SYS_nanosleep, &big, NULL), EINVAL);
	T_SYS_ERR(syscall(SYS_nanosleep, &negative, NULL), EINVAL);
	T_SYS_ERR(syscall(SYS_nanosleep, &before, NULL), EINVAL);
	T_SYS_ERR(syscall(SYS_nanosleep, NULL, NULL), EFAULT);
	T_SYS_ERR(syscall(SYS_nanosleep, T_BAD_PTR, NULL), EFAULT);
	T_SYS_ERR(syscall(SYS_nanosleep, T_KERNEL_PTR, NULL), EFAULT);
	/* None of them slept. */
	if (clock_ns(CLOCK_MONOTONIC) - t0 > NSEC)
		T_FAILF("the failing nanosleeps took more than a second");
}

/*
 * A child that sleeps for ever, near enough, by one of three calls. It
 * exits (1 for 0, 2 for an error) if the sleep ever ends.
 */
static pid_t
sleeper(int how)
{
	struct timespec half = { INT64_MAX / 2, 0 };
	struct timespec most = { INT64_MAX, NSEC - 1 };
	pid_t pid = t_fork();
	long r;

	if (pid != 0)
		return pid;
	if (how == 0)
		r = syscall(SYS_nanosleep, &half, NULL);
	else if (how == 1)
		r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &most,
			    NULL);
	else
		r = syscall(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME,
			    &most, NULL);
	_exit(r == 0 ? 1 : 2);
}

/*
 * Sleeps whose length in nanoseconds passes 2^63 (or 2^64) last, as
 * Linux's do (it cuts them down to 292 years): none of them is over, or
 * wraps to the past, 200 ms later. Then they are killed.
 */
static void
nanosleep_huge(void)
{
	pid_t pids[3];
	int status = 0;

	for (int how = 0; how < 3; how++)
		pids[how] = sleeper(how);
	t_sleep_ms(200);
	for (int how = 0; how < 3; how++) {
		T_SYS_EQ(syscall(SYS_wait4, pids[how], &status, WNOHANG, NULL),
			 0);
		T_SYS_EQ(syscall(SYS_kill, pids[how], SIGKILL), 0);
		T_SIGNALED(t_wait(pids[how]), SIGKILL);
	}
}

static void
clock_gettime_errors(void)
{
	struct timespec ts;

	T_SYS_ERR(syscall(SYS_clock_gettime, 1000, &ts), EINVAL);
	T_SYS_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, T_BAD_PTR),
		  EFAULT);
	T_SYS_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, T_KERNEL_PTR),
		  EFAULT);
	T_SYS_ERR(syscall(SYS_clock_gettime, CLOCK_REALTIME, NULL), EFAULT);
	T_SYS_ERR(syscall(SYS_clock_gettime, CLOCK_REALTIME, T_KERNEL_PTR),
		  EFAULT);
}

static void
realtime_is_a_date(void)
{
	long long now = clock_ns(CLOCK_REALTIME) / NSEC;

	if (now < Y2020 || now > Y2100)
		T_FAILF("CLOCK_REALTIME says %lld s after 1970, not a date "
			"between 2020 and 2100",
			now);
}

static void
gettimeofday_agrees(void)
{
	struct timeval tv = { -1, -1 };
	long long r0, r1, g;

	r0 = clock_ns(CLOCK_REALTIME);
	T_SYS_EQ(syscall(SYS_gettimeofday, &tv, NULL), 0);
	r1 = clock_ns(CLOCK_REALTIME);
	T_CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	g = tv.tv_sec * NSEC + tv.tv_usec * 1000LL;
	/* Between the two readings, give or take 10 ms. */
	if (g < r0 - 10 * 1000000LL || g > r1 + 10 * 1000000LL)
		T_FAILF("gettimeofday gave %lld ns, CLOCK_REALTIME %lld to "
			"%lld",
			g, r0, r1);
	T_SYS_EQ(syscall(SYS_gettimeofday, NULL, NULL), 0);
	T_SYS_ERR(syscall(SYS_gettimeofday, T_BAD_PTR, NULL), EFAULT);
	T_SYS_ERR(syscall(SYS_gettimeofday, T_KERNEL_PTR, NULL), EFAULT);
}

int
main(int argc, char **argv)
{
	t_init(argc, argv, "time");
	T_RUN(monotonic_never_goes_back);
	T_RUN(monotonic_across_processes);
	T_RUN(nanosleep_lasts);
	T_RUN(nanosleep_zero);
	T_RUN(nanosleep_errors);
	T_RUN(nanosleep_huge);
	T_RUN(clock_gettime_errors);
	T_RUN(realtime_is_a_date);
	T_RUN(gettimeofday_agrees);
	return t_done();
}
