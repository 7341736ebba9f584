/*
 * Real-time signals, 32 to 64: each one sent waits in a queue with its
 * own siginfo, so three sent before the first is taken arrive three
 * times, in the order they were sent (docs/signals.md, section 17).
 * Standard signals, 1 to 31, keep one pending bit and one sigsource
 * each (signal.c). Here: the queues, and rt_sigqueueinfo and
 * rt_tgsigqueueinfo, which send a signal with a siginfo of the caller's
 * own (musl's sigqueue: SI_QUEUE and a value).
 */
#include "kernel/lib/errno.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"

_Static_assert(SIGRTMIN == SIGNAL_STANDARD_MAX + 1, "standard signals");

/* The first 48 bytes of a siginfo: Linux's kernel_siginfo, all that
 * rt_sigqueueinfo reads. */
#define SIGINFO_READ 48

struct sigqueue_entry *
sigqueue_entry_alloc(void)
{
	return kmalloc(sizeof(struct sigqueue_entry));
}

bool
sigqueue_add_locked(struct sigqueue *q, struct sigqueue_entry *e, int sig,
		    const struct sigsource *from)
{
	struct sigqueue_entry **link = &q->first;

	if (q->count >= SIGQUEUE_MAX)
		return false;
	e->next = NULL;
	e->sig = sig;
	e->from = *from;
	while (*link)
		link = &(*link)->next;
	*link = e;
	q->count++;
	return true;
}

bool
sigqueue_take_locked(struct sigqueue *q, int sig, struct sigsource *from)
{
	struct sigqueue_entry **link = &q->first;

	while (*link && (*link)->sig != sig)
		link = &(*link)->next;
	if (!*link) {
		/* Sent by kill when the queue was full: pending, but its
		 * siginfo was lost, as on Linux (SI_USER, no sender). */
		*from = (struct sigsource){ .code = SI_USER };
		return false;
	}
	struct sigqueue_entry *e = *link;
	*link = e->next;
	*from = e->from;
	kfree(e); /* kfree under sched_lock is allowed (finish_switch) */
	q->count--;
	for (e = *link; e; e = e->next)
		if (e->sig == sig)
			return true;
	return false;
}

void
sigqueue_discard_locked(struct sigqueue *q, uint64_t bits)
{
	struct sigqueue_entry **link = &q->first;

	while (*link) {
		struct sigqueue_entry *e = *link;
		if (bits & (1ull << (e->sig - 1))) {
			*link = e->next;
			kfree(e);
			q->count--;
		} else {
			link = &e->next;
		}
	}
}

/*
 * The caller's siginfo, as rt_sigqueueinfo takes it: the code and the
 * fields a handler will read back (the sender, si_value; an address or
 * a status for a code the kernel's own use, which only a signal to
 * oneself may carry).
 */
static long
siginfo_read(const void *user_info, struct sigsource *from)
{
	struct siginfo_k info;

	if (copy_from_user(&info, user_info, SIGINFO_READ))
		return -EFAULT;
	*from = (struct sigsource){
		.code = info.code,
		.pid = info.from.pid,
		.uid = info.from.uid,
		.status = info.from.status,
		.value = info.from.value,
		.addr = info.addr,
	};
	return 0;
}

/* Linux's rule: nobody, root included, may pretend to be the kernel
 * (si_code >= 0: SI_USER, SI_KERNEL, a fault's, CLD_*) or tkill, which
 * fill in the sender themselves, to any thread but itself. */
static bool
forges(const struct sigsource *from, int target)
{
	return (from->code >= 0 || from->code == SI_TKILL) &&
	       current_task()->tid != target;
}

/* rt_sigqueueinfo(pid, sig, info): @sig with @info to process @pid. */
long
sys_rt_sigqueueinfo(const struct syscall_args *a)
{
	int pid = (int)a->a[0], sig = (int)a->a[1];
	struct sigsource from;
	long err = siginfo_read((const void *)a->a[2], &from);

	if (err)
		return err;
	if (forges(&from, pid))
		return -EPERM;
	struct task *t = pid > 0 ? task_find(pid) : NULL;
	if (!t || !t->group || t->group->leader != t)
		return -ESRCH; /* none, or a thread's tid, or reaped */
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (!sig || !t->sighand) /* a zombie takes nothing, but exists */
		return 0;
	return signal_send_info(t, sig, true, &from);
}

/* rt_tgsigqueueinfo(pid, tid, sig, info): the same, to one thread. */
long
sys_rt_tgsigqueueinfo(const struct syscall_args *a)
{
	int pid = (int)a->a[0], tid = (int)a->a[1], sig = (int)a->a[2];
	struct sigsource from;
	long err = siginfo_read((const void *)a->a[3], &from);

	if (err)
		return err;
	if (pid <= 0 || tid <= 0)
		return -EINVAL;
	if (forges(&from, tid))
		return -EPERM;
	struct task *t = task_find(tid);
	if (!t || t->pid != pid || !t->group)
		return -ESRCH;
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (!sig || !t->sighand)
		return 0;
	return signal_send_info(t, sig, false, &from);
}
