/*
 * The system calls about the system: uname, time, sleeping, reboot.
 */
#include "kernel/cpu/tsc.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/power.h"
#include "kernel/dev/rtc.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"

#define NSEC_PER_SEC	       1000000000ull
#define NSEC_PER_USEC	       1000ull
#define CLOCK_REALTIME	       0
#define CLOCK_MONOTONIC	       1
#define CLOCK_MONOTONIC_RAW    4
#define CLOCK_REALTIME_COARSE  5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME	       7
#define TIMER_ABSTIME	       1
#define UTS_LEN		       65

/* reboot(2)'s magic numbers and commands: Linux's. */
#define REBOOT_MAGIC1	     0xfee1dead
#define REBOOT_MAGIC2	     672274793
#define REBOOT_MAGIC2A	     85072278
#define REBOOT_MAGIC2B	     369367448
#define REBOOT_MAGIC2C	     537993216
#define REBOOT_CMD_RESTART   0x01234567
#define REBOOT_CMD_HALT	     0xcdef0123
#define REBOOT_CMD_POWER_OFF 0x4321fedc
#define REBOOT_CMD_CAD_ON    0x89abcdef
#define REBOOT_CMD_CAD_OFF   0x00000000

struct timespec_k {
	int64_t sec, nsec;
};

struct timeval_k {
	int64_t sec, usec;
};

struct utsname_k {
	char sysname[UTS_LEN], nodename[UTS_LEN], release[UTS_LEN];
	char version[UTS_LEN], machine[UTS_LEN], domainname[UTS_LEN];
};

static uint64_t boot_unix_time; /* seconds, read once from the CMOS */

uint64_t
realtime_ns(void)
{
	if (!boot_unix_time)
		boot_unix_time =
			rtc_read_unix_time() - clock_ns() / NSEC_PER_SEC;
	return boot_unix_time * NSEC_PER_SEC + clock_ns();
}

long
sys_uname(const struct syscall_args *a)
{
	struct utsname_k u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Sprout", UTS_LEN);
	strlcpy(u.nodename, "sprout", UTS_LEN);
	strlcpy(u.release, SPROUT_VERSION, UTS_LEN);
	strlcpy(u.version, "#1 " SPROUT_VERSION, UTS_LEN);
	strlcpy(u.machine, "x86_64", UTS_LEN);
	strlcpy(u.domainname, "(none)", UTS_LEN);
	return copy_to_user((void *)a->a[0], &u, sizeof(u));
}

long
sys_getuid(const struct syscall_args *a)
{
	(void)a;
	return 0; /* everyone is root */
}

long
sys_clock_gettime(const struct syscall_args *a)
{
	uint64_t ns;

	switch ((int)a->a[0]) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		ns = realtime_ns();
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		ns = clock_ns();
		break;
	default:
		return -EINVAL;
	}
	struct timespec_k ts = { (int64_t)(ns / NSEC_PER_SEC),
				 (int64_t)(ns % NSEC_PER_SEC) };
	return copy_to_user((void *)a->a[1], &ts, sizeof(ts));
}

long
sys_gettimeofday(const struct syscall_args *a)
{
	uint64_t ns = realtime_ns();
	struct timeval_k tv = { (int64_t)(ns / NSEC_PER_SEC),
				(int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };

	if (a->a[0] && copy_to_user((void *)a->a[0], &tv, sizeof(tv)))
		return -EFAULT;
	if (a->a[1]) { /* the time zone: UTC */
		int tz[2] = { 0, 0 };
		if (copy_to_user((void *)a->a[1], tz, sizeof(tz)))
			return -EFAULT;
	}
	return 0;
}

/*
 * The longest sleep, as Linux's KTIME_MAX: 2^63 - 1 ns, some 292 years.
 * A longer timespec is cut down to it, never multiplied past 2^64 (a
 * wrapped product, or a deadline past 2^64, would end the sleep at
 * once). clock_ns() + SLEEP_MAX_NS cannot wrap either, for 292 years of
 * uptime.
 */
#define SLEEP_MAX_NS ((uint64_t)INT64_MAX)

/* @ns from now on the monotonic clock, without wrapping. */
static uint64_t
deadline_after(uint64_t ns)
{
	return clock_ns() + MIN(ns, SLEEP_MAX_NS);
}

/* Sleep until @deadline_ns on the monotonic clock; -EINTR if a signal
 * comes first. A wake-up for anything else sleeps again. */
static long
sleep_until(uint64_t deadline_ns)
{
	struct task *t = current_task();

	for (uint64_t now = clock_ns(); now < deadline_ns && !signal_pending(t);
	     now = clock_ns())
		sched_sleep_ns(deadline_ns - now);
	return signal_pending(t) ? -EINTR : 0;
}

/* A timespec from the user, in nanoseconds, saturated at SLEEP_MAX_NS. */
static long
read_timespec(const void *user_ts, uint64_t *ns)
{
	struct timespec_k ts;

	if (copy_from_user(&ts, user_ts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts.sec >= SLEEP_MAX_NS / NSEC_PER_SEC)
		*ns = SLEEP_MAX_NS; /* the product would pass it, or wrap */
	else
		*ns = (uint64_t)ts.sec * NSEC_PER_SEC + (uint64_t)ts.nsec;
	return 0;
}

long
sys_nanosleep(const struct syscall_args *a)
{
	uint64_t ns;
	long err = read_timespec((const void *)a->a[0], &ns);

	if (err)
		return err;
	uint64_t deadline = deadline_after(ns);
	err = sleep_until(deadline);
	if (err == -EINTR && a->a[1]) {
		/* The time that was left, as Linux says: a sleep cut short
		 * (by a handler, or a stop and continue, after which the
		 * call runs again with it when req and rem are the same,
		 * as in musl's sleep) goes on for the rest. */
		uint64_t now = clock_ns(),
			 left = deadline > now ? deadline - now : 0;
		struct timespec_k rem = { (int64_t)(left / NSEC_PER_SEC),
					  (int64_t)(left % NSEC_PER_SEC) };
		(void)copy_to_user((void *)a->a[1], &rem, sizeof(rem));
	}
	return err;
}

long
sys_clock_nanosleep(const struct syscall_args *a)
{
	int clock = (int)a->a[0];
	uint64_t ns;

	if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME &&
	    clock != CLOCK_BOOTTIME)
		return -EINVAL;
	long err = read_timespec((const void *)a->a[2], &ns);
	if (err)
		return err;
	if (!(a->a[1] & TIMER_ABSTIME))
		return sleep_until(deadline_after(ns));
	if (clock == CLOCK_REALTIME) { /* an absolute time on the wall clock */
		uint64_t now = realtime_ns();
		return sleep_until(deadline_after(ns > now ? ns - now : 0));
	}
	return sleep_until(ns);
}

/* Not cryptographic: the time-stamp counter, stirred (see exec.c). */
long
sys_getrandom(const struct syscall_args *a)
{
	uint8_t chunk[64];
	size_t size = MIN(a->a[1], (uint64_t)(1 << 20)), done = 0;
	uint64_t x = rdtsc() | 1;

	while (done < size) {
		size_t n = MIN(size - done, sizeof(chunk));
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			chunk[i] = (uint8_t)(x >> 32) ^ (uint8_t)rdtsc();
		}
		if (copy_to_user((uint8_t *)a->a[0] + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

long
sys_reboot(const struct syscall_args *a)
{
	uint32_t magic2 = (uint32_t)a->a[1];

	if ((uint32_t)a->a[0] != REBOOT_MAGIC1 ||
	    (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A &&
	     magic2 != REBOOT_MAGIC2B && magic2 != REBOOT_MAGIC2C))
		return -EINVAL;
	switch ((uint32_t)a->a[2]) {
	case REBOOT_CMD_POWER_OFF:
		pr_info("reboot: power off, asked by %s[%d]\n",
			current_task()->name, current_task()->pid);
		power_off();
	case REBOOT_CMD_RESTART:
		pr_info("reboot: restart, asked by %s[%d]\n",
			current_task()->name, current_task()->pid);
		power_reset();
	case REBOOT_CMD_HALT:
		pr_info("reboot: halted, asked by %s[%d]\n",
			current_task()->name, current_task()->pid);
		cpu_halt_forever();
	case REBOOT_CMD_CAD_ON:
	case REBOOT_CMD_CAD_OFF:
		return 0;
	default:
		return -EINVAL;
	}
}
