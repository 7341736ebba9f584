/*
 * poll and ppoll: wait until one of several descriptors is ready.
 *
 * Each kind of file says how ready it is (file_ops.poll). Waiting on
 * many queues at once is done the simple way: every change that could
 * make some descriptor ready (pipe traffic, console input) calls
 * poll_notify(), which wakes every poller to look again. A change
 * counter closes the gap between looking and sleeping.
 */
#include "kernel/cpu/tsc.h"
#include "kernel/fs/pipe.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/spinlock.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "sched/task.h"
#include "sched/wait.h"

#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC  1000000000ull
#define POLL_FDS_MAX  1024 /* Linux's default descriptor limit */

struct pollfd_k {
	int fd;
	short events, revents;
};

struct timespec_k {
	int64_t sec, nsec;
};

static struct spinlock poll_lock = SPINLOCK_INIT("poll");
static struct wait_queue pollers = WAIT_QUEUE_INIT("poll");
static uint64_t changes;

void
poll_notify(void)
{
	uint64_t flags = spin_lock_irqsave(&poll_lock);

	changes++;
	wait_wake_all(&pollers);
	spin_unlock_irqrestore(&poll_lock, flags);
}

/* Fill in revents; how many descriptors have something. */
static int
poll_scan(struct pollfd_k *fds, size_t n)
{
	int ready = 0;

	for (size_t i = 0; i < n; i++) {
		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		struct file *f = fd_get(current_task()->files, fds[i].fd);
		unsigned events;
		if (!f) {
			events = POLLNVAL;
		} else {
			const struct file_ops *ops = f->inode->ops;
			/* Files and directories are always ready. */
			events = ops && ops->poll ? ops->poll(f)
						  : POLLIN | POLLOUT;
			file_put(f);
		}
		fds[i].revents =
			(short)(events & ((unsigned)fds[i].events | POLLERR |
					  POLLHUP | POLLNVAL));
		if (fds[i].revents)
			ready++;
	}
	return ready;
}

/* @deadline_ns: 0 waits for ever, 1 not at all, else clock_ns() time. */
static long
do_poll(void *user_fds, size_t n, uint64_t deadline_ns)
{
	struct pollfd_k *fds;
	long ret;

	if (n > POLL_FDS_MAX)
		return -EINVAL;
	fds = kmalloc(n ? n * sizeof(*fds) : 1);
	if (!fds)
		return -ENOMEM;
	if (copy_from_user(fds, user_fds, n * sizeof(*fds))) {
		kfree(fds);
		return -EFAULT;
	}
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&poll_lock);
		uint64_t seen = changes;
		spin_unlock_irqrestore(&poll_lock, flags);

		ret = poll_scan(fds, n);
		if (ret || deadline_ns == 1 ||
		    (deadline_ns && clock_ns() >= deadline_ns))
			break;
		if (signal_pending(current_task())) {
			ret = -EINTR;
			break;
		}
		flags = spin_lock_irqsave(&poll_lock);
		if (changes == seen)
			wait_sleep_timeout(&pollers, &poll_lock, deadline_ns);
		spin_unlock_irqrestore(&poll_lock, flags);
	}
	if (ret >= 0 && copy_to_user(user_fds, fds, n * sizeof(*fds)))
		ret = -EFAULT;
	kfree(fds);
	return ret;
}

long
sys_poll(const struct syscall_args *a)
{
	int timeout_ms = (int)a->a[2];
	uint64_t deadline =
		timeout_ms < 0 ? 0
		: timeout_ms == 0
			? 1
			: clock_ns() + (uint64_t)timeout_ms * NSEC_PER_MSEC;

	return do_poll((void *)a->a[0], a->a[1], deadline);
}

long
sys_ppoll(const struct syscall_args *a)
{
	struct timespec_k ts;
	uint64_t deadline = 0, mask;

	if (a->a[3]) { /* a signal mask for the wait, as sigsuspend's */
		if (a->a[4] != sizeof(mask))
			return -EINVAL;
		if (copy_from_user(&mask, (const void *)a->a[3], sizeof(mask)))
			return -EFAULT;
	}
	if (a->a[2]) {
		if (copy_from_user(&ts, (const void *)a->a[2], sizeof(ts)))
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 ||
		    ts.nsec >= (int64_t)NSEC_PER_SEC)
			return -EINVAL;
		uint64_t ns =
			(uint64_t)ts.sec * NSEC_PER_SEC + (uint64_t)ts.nsec;
		deadline = ns ? clock_ns() + ns : 1;
	}
	if (a->a[3])
		signal_mask_for_wait(mask);
	long ret = do_poll((void *)a->a[0], a->a[1], deadline);
	/* Interrupted: the old mask comes back after the handler runs (on
	 * the way out). Otherwise it comes back now. */
	if (ret != -EINTR)
		signal_mask_restore();
	if (a->a[2]) { /* Linux writes back the time that was left */
		uint64_t now = clock_ns(), left = 0;
		if (deadline > 1 && deadline > now)
			left = deadline - now;
		ts.sec = (int64_t)(left / NSEC_PER_SEC);
		ts.nsec = (int64_t)(left % NSEC_PER_SEC);
		(void)copy_to_user((void *)a->a[2], &ts, sizeof(ts));
	}
	return ret;
}
