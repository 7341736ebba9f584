/*
 * Interval timers: alarm, setitimer and getitimer, for ITIMER_REAL.
 *
 * Each process (thread group) has one real-time timer, shared by its
 * threads. It is a struct sched_timer (sched/sched.h) in the thread
 * group, armed in the scheduler's one list of timers, so it expires on
 * the first tick after its deadline, never before:
 *
 *   setitimer(ITIMER_REAL, {interval 20 ms, value 50 ms})
 *     real_timer armed for now + 50 ms, real_interval_ns = 20 ms
 *   ... the first tick at or after the deadline: sched_tick ...
 *   real_expired (under sched_lock, from the interrupt)
 *     armed again for deadline + 20 ms (whole intervals past "now",
 *     if ticks were missed), then SIGALRM made pending for the process
 *   ... a thread that does not block SIGALRM returns to user mode:
 *   signal_deliver runs the handler, or the process dies (SIG_DFL)
 *
 * fork starts the child's group without a timer, execve keeps it (the
 * group stays), the process's end disarms it (itimer_cancel). The
 * CPU-time timers, ITIMER_VIRTUAL and ITIMER_PROF, are not here: -EINVAL.
 */
#include "kernel/cpu/tsc.h"
#include "kernel/lib/errno.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"

#define ITIMER_REAL   0
#define NSEC_PER_SEC  1000000000ull
#define NSEC_PER_USEC 1000ull
#define USEC_PER_SEC  1000000
#define ITIMER_MAX_NS ((uint64_t)INT64_MAX) /* Linux's KTIME_MAX */

/* Linux's struct timeval and struct itimerval on x86-64. */
struct timeval_k {
	int64_t sec, usec;
};

struct itimerval_k {
	struct timeval_k interval; /* reloaded after each expiry; 0: once */
	struct timeval_k value;	   /* until the next expiry; 0: disarmed */
};

static bool
timeval_valid(const struct timeval_k *tv)
{
	return tv->sec >= 0 && tv->usec >= 0 && tv->usec < USEC_PER_SEC;
}

/* A valid timeval in nanoseconds, saturated at ITIMER_MAX_NS. */
static uint64_t
timeval_ns(const struct timeval_k *tv)
{
	if ((uint64_t)tv->sec >= ITIMER_MAX_NS / NSEC_PER_SEC)
		return ITIMER_MAX_NS;
	return (uint64_t)tv->sec * NSEC_PER_SEC +
	       (uint64_t)tv->usec * NSEC_PER_USEC;
}

/* Nanoseconds as a timeval: the microseconds are cut, as Linux cuts. */
static struct timeval_k
ns_timeval(uint64_t ns)
{
	return (struct timeval_k){ (int64_t)(ns / NSEC_PER_SEC),
				   (int64_t)(ns % NSEC_PER_SEC /
					     NSEC_PER_USEC) };
}

/* @a + @b, or UINT64_MAX rather than wrap. */
static uint64_t
add_saturated(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The timer's deadline came (sched_tick, sched_lock held): reload it,
 * then SIGALRM. The next deadline is a whole number of intervals after
 * this one, and after now, so a late tick does not shift the period. */
static void
real_expired(struct sched_timer *timer, uint64_t due_ns)
{
	struct thread_group *g =
		container_of(timer, struct thread_group, real_timer);
	uint64_t interval = g->real_interval_ns;

	if (interval) {
		uint64_t now = clock_ns();
		uint64_t periods =
			now >= due_ns ? (now - due_ns) / interval + 1 : 1;
		uint64_t step = periods > UINT64_MAX / interval
					? UINT64_MAX
					: periods * interval;
		sched_timer_start_locked(timer, add_saturated(due_ns, step),
					 real_expired);
	}
	signal_post_timer_locked(g, SIGALRM);
}

/* How long until the timer expires, in nanoseconds; 0: disarmed. An
 * armed timer whose deadline has just passed reads 1 us, as on Linux.
 * Caller holds sched_lock. */
static uint64_t
real_left_locked(const struct thread_group *g)
{
	uint64_t deadline = g->real_timer.deadline_ns, now = clock_ns();

	if (!deadline)
		return 0;
	return deadline > now ? deadline - now : NSEC_PER_USEC;
}

/* Arm the timer for @value_ns from now (0: disarm), then every
 * @interval_ns; what was left of the old one in *@old_left_ns, its
 * interval in *@old_interval_ns. */
static void
real_set(struct thread_group *g, uint64_t value_ns, uint64_t interval_ns,
	 uint64_t *old_left_ns, uint64_t *old_interval_ns)
{
	uint64_t irq = spin_lock_irqsave(&sched_lock);

	*old_left_ns = real_left_locked(g);
	*old_interval_ns = g->real_interval_ns;
	sched_timer_stop_locked(&g->real_timer);
	g->real_interval_ns = value_ns ? interval_ns : 0;
	if (value_ns)
		sched_timer_start_locked(&g->real_timer,
					 add_saturated(clock_ns(), value_ns),
					 real_expired);
	spin_unlock_irqrestore(&sched_lock, irq);
}

void
itimer_cancel(struct thread_group *g)
{
	uint64_t irq = spin_lock_irqsave(&sched_lock);

	sched_timer_stop_locked(&g->real_timer);
	g->real_interval_ns = 0;
	spin_unlock_irqrestore(&sched_lock, irq);
}

/* alarm(seconds): SIGALRM in that many seconds (0: none), replacing the
 * timer. Returns the seconds the old one had left, rounded to the
 * nearest, but 1 rather than 0 for an armed timer (Linux's rule). */
long
sys_alarm(const struct syscall_args *a)
{
	uint32_t seconds = (uint32_t)a->a[0];
	uint64_t left, interval;

	real_set(current_task()->group, (uint64_t)seconds * NSEC_PER_SEC, 0,
		 &left, &interval);
	if (left > 0 && left < NSEC_PER_SEC)
		return 1;
	return (long)((left + NSEC_PER_SEC / 2) / NSEC_PER_SEC);
}

/* Linux's order: the new value is read (EFAULT) and checked (EINVAL),
 * then @which (EINVAL); the timer is set before the old value is
 * written, so a bad @old fails with the new timer running. A NULL new
 * value disarms the timer, as Linux still allows. */
long
sys_setitimer(const struct syscall_args *a)
{
	int which = (int)a->a[0];
	const void *user_new = (const void *)a->a[1];
	void *user_old = (void *)a->a[2];
	struct itimerval_k new = { 0 }, old;
	uint64_t left, interval;

	if (user_new) {
		if (copy_from_user(&new, user_new, sizeof(new)))
			return -EFAULT;
		if (!timeval_valid(&new.value) || !timeval_valid(&new.interval))
			return -EINVAL;
	}
	if (which != ITIMER_REAL)
		return -EINVAL;
	real_set(current_task()->group, timeval_ns(&new.value),
		 timeval_ns(&new.interval), &left, &interval);
	old.value = ns_timeval(left);
	old.interval = ns_timeval(interval);
	if (user_old && copy_to_user(user_old, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long
sys_getitimer(const struct syscall_args *a)
{
	struct thread_group *g = current_task()->group;
	struct itimerval_k cur;

	if ((int)a->a[0] != ITIMER_REAL)
		return -EINVAL;
	uint64_t irq = spin_lock_irqsave(&sched_lock);
	cur.value = ns_timeval(real_left_locked(g));
	cur.interval = ns_timeval(g->real_interval_ns);
	spin_unlock_irqrestore(&sched_lock, irq);
	return copy_to_user((void *)a->a[1], &cur, sizeof(cur));
}
