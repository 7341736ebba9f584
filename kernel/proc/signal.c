/*
 * Signals: default actions, kill, user faults, the return-to-user work.
 */
#include "kernel/proc/signal.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/x86.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/proc/process.h"
#include "kernel/syscall.h"
#include "mm/address_space.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/wait.h"

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGSET_SIZE 8 /* bytes: Linux's kernel sigset_t on x86-64 */

/* Signals whose default action is to do nothing. */
bool
signal_default_ignored(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGCONT:
	case SIGURG:
	case SIGWINCH:
		return true;
	default:
		return false;
	}
}

/* Signals whose default action is to stop the process. */
bool
signal_default_stops(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

struct sighand *
sighand_create(void)
{
	struct sighand *sh = kzalloc(sizeof(*sh));

	if (sh)
		sh->refcount = 1;
	return sh;
}

struct sighand *
sighand_copy(struct sighand *src)
{
	struct sighand *sh = sighand_create();

	if (sh)
		memcpy(sh->actions, src->actions, sizeof(sh->actions));
	return sh;
}

void
sighand_get(struct sighand *sh)
{
	__atomic_add_fetch(&sh->refcount, 1, __ATOMIC_RELAXED);
}

void
sighand_put(struct sighand *sh)
{
	if (sh && __atomic_sub_fetch(&sh->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(sh);
}

static uint64_t
sigbit(int sig)
{
	return 1ull << (sig - 1);
}

/* Signals that may be taken now: pending for the thread or its process,
 * and not blocked. */
static uint64_t
deliverable(struct task *t)
{
	uint64_t shared = t->group ? t->group->shared_pending : 0;

	return (t->pending | shared) & ~t->sigmask;
}

/* A stopped process's threads leave their sleeps too, to park; a
 * thread in rt_sigtimedwait leaves it for a signal it waits for. */
bool
signal_pending(struct task *t)
{
	uint64_t shared = t->group ? t->group->shared_pending : 0;

	return t->killed != 0 || deliverable(t) != 0 ||
	       (t->sigwait & (t->pending | shared)) != 0 ||
	       (t->group && t->group->stopped);
}

/* May thread @th take @sig now: not blocked, or waited for? */
static bool
takes(const struct task *th, int sig)
{
	return !(th->sigmask & sigbit(sig)) || (th->sigwait & sigbit(sig));
}

/* Is @sig's default action to end the process? */
static bool
default_kills(int sig)
{
	return !signal_default_ignored(sig) && !signal_default_stops(sig);
}

#define STOP_SIGNALS                                         \
	((1ull << (SIGSTOP - 1)) | (1ull << (SIGTSTP - 1)) | \
	 (1ull << (SIGTTIN - 1)) | (1ull << (SIGTTOU - 1)))

/* Take @bits off every pending set of @g, and their queued real-time
 * signals. Caller holds sched_lock. */
static void
discard_pending_locked(struct thread_group *g, uint64_t bits)
{
	g->shared_pending &= ~bits;
	sigqueue_discard_locked(&g->shared_queued, bits);
	for (struct task *th = g->threads; th; th = th->group_next) {
		th->pending &= ~bits;
		sigqueue_discard_locked(&th->queued, bits);
	}
}

/* Does @act do nothing with @sig: SIG_IGN, or SIG_DFL and ignored? */
static bool
ignores(const struct sigaction_k *act, int sig)
{
	return act->handler == SIG_IGN ||
	       (act->handler == SIG_DFL && signal_default_ignored(sig));
}

static long send(struct task *t, int sig, bool whole_process, bool proc_locked,
		 const struct sigsource *from);

/* The process @g stopped or continued: wake its parent's wait4 and,
 * unless the parent's SIGCHLD has SA_NOCLDSTOP, send it SIGCHLD.
 * Caller holds proc_lock, with interrupts off. */
static void
notify_parent_locked(struct thread_group *g, int code, int status)
{
	struct task *parent = g->leader->parent;

	if (!parent)
		return;
	spin_lock(&sched_lock);
	wait_wake_all_locked(&parent->child_exit);
	spin_unlock(&sched_lock);
	if (parent->sighand &&
	    !(parent->sighand->actions[SIGCHLD - 1].flags & SA_NOCLDSTOP)) {
		struct sigsource from = { .code = code,
					  .pid = g->leader->pid,
					  .status = status };
		send(parent, SIGCHLD, true, true, &from);
	}
}

/* SIGCONT, whatever its action or the mask: the pending stop signals
 * go, and a stopped process runs again. */
static void
continue_process(struct thread_group *g, bool proc_locked)
{
	uint64_t irq = proc_locked ? 0 : spin_lock_irqsave(&proc_lock);

	spin_lock(&sched_lock);
	g->cont_seq++; /* a stop signal already dequeued is void now */
	discard_pending_locked(g, STOP_SIGNALS);
	bool was_stopped = g->stopped;
	if (was_stopped) {
		g->stopped = false;
		g->wait_report = 0xffff; /* WIFCONTINUED */
		wait_wake_all_locked(&g->stopped_queue);
	}
	spin_unlock(&sched_lock);
	if (was_stopped)
		notify_parent_locked(g, CLD_CONTINUED, SIGCONT);
	if (!proc_locked)
		spin_unlock_irqrestore(&proc_lock, irq);
}

static void
kill_process(struct task *t, int sig, bool proc_locked)
{
	if (proc_locked)
		process_kill_locked(t, W_EXITCODE(0, sig));
	else
		process_kill(t, W_EXITCODE(0, sig));
}

/* Wake a thread of @t's process, or @t alone, that can take @sig, so
 * that a sleep ends with -EINTR and the handler runs on its way back to
 * user mode. Caller holds sched_lock. */
static void
wake_taker_locked(struct task *t, int sig, bool whole_process)
{
	for (struct task *th = whole_process ? t->group->threads : t; th;
	     th = whole_process ? th->group_next : NULL)
		if (takes(th, sig)) {
			sched_wake_locked(th, "signal");
			break;
		}
}

/*
 * Make @sig pending for @t's process or for @t alone. A standard signal
 * already pending merges with it, and keeps the first sender (Linux's
 * legacy_queue). A real-time one is queued, each with its sigsource;
 * when its queue is full (SIGQUEUE_MAX entries) or memory is short,
 * kill's (SI_USER) is still made pending, without its siginfo, and any
 * other (sigqueue, tkill) fails with -EAGAIN, as on Linux.
 */
static long
make_pending(struct task *t, int sig, bool whole_process,
	     const struct sigsource *from)
{
	struct sigqueue_entry *e =
		sig >= SIGRTMIN ? sigqueue_entry_alloc() : NULL;
	struct thread_group *g = t->group;
	long err = 0;
	uint64_t irq = spin_lock_irqsave(&sched_lock);

	if (!t->sighand)
		goto out; /* it has exited meanwhile: its queues are gone */
	uint64_t *set = whole_process ? &g->shared_pending : &t->pending;
	if (sig < SIGRTMIN) {
		if (*set & sigbit(sig))
			goto out; /* a second one merges with the first */
		(whole_process ? g->shared_from : t->pending_from)[sig - 1] =
			*from;
	} else if (e && sigqueue_add_locked(whole_process ? &g->shared_queued
							  : &t->queued,
					    e, sig, from)) {
		e = NULL; /* queued */
	} else if (from->code != SI_USER) {
		err = -EAGAIN;
		goto out;
	}
	*set |= sigbit(sig);
	wake_taker_locked(t, sig, whole_process);
out:
	spin_unlock_irqrestore(&sched_lock, irq);
	kfree(e);
	return err;
}

static long
send(struct task *t, int sig, bool whole_process, bool proc_locked,
     const struct sigsource *from)
{
	if (!t->sighand || !t->group)
		return 0; /* exiting, or a kernel thread */
	const struct sigaction_k *act = &t->sighand->actions[sig - 1];
	/* Process 1 gets only the signals it has handlers for, so that a
	 * stray kill cannot take the system down (Linux does the same). */
	if (t->pid == 1 && act->handler <= SIG_IGN)
		return 0;
	if (sig == SIGCONT)
		continue_process(t->group, proc_locked);
	if (signal_default_stops(sig)) { /* a stop undoes a pending SIGCONT */
		uint64_t irq = spin_lock_irqsave(&sched_lock);
		discard_pending_locked(t->group, 1ull << (SIGCONT - 1));
		spin_unlock_irqrestore(&sched_lock, irq);
	}
	if (sig == SIGKILL) {
		kill_process(t, SIGKILL, proc_locked);
		return 0;
	}
	/* An ignored signal is discarded, unless it is blocked: the
	 * program may install a handler before it opens the mask, or take
	 * it with sigwaitinfo (Linux's rule: the mask of @t, the leader
	 * for a signal to the process). */
	bool blocked = t->sigmask & sigbit(sig);
	if (ignores(act, sig) && !blocked)
		return 0;
	/* A default action that ends the process, and a thread that does
	 * not block it: end it now. Otherwise the signal waits, pending,
	 * for a handler to run or for the mask to open. */
	if (act->handler == SIG_DFL && default_kills(sig) && !blocked) {
		kill_process(t, sig, proc_locked);
		return 0;
	}
	return make_pending(t, sig, whole_process, from);
}

/*
 * send() decides a signal's fate at once, but it needs proc_lock (to end
 * a process), which a caller holding sched_lock may not take. A timer's
 * signal is therefore only made pending here, like a caught one, and
 * signal_deliver acts on it: SIG_DFL ends the process there, on its
 * way back to user mode, a handler runs, a blocked one waits.
 */
void
signal_post_timer_locked(struct thread_group *g, int sig)
{
	struct task *leader = g->leader;

	if (g->exiting || !leader || !leader->sighand)
		return;
	const struct sigaction_k *act = &leader->sighand->actions[sig - 1];
	if ((ignores(act, sig) && !(leader->sigmask & sigbit(sig))) ||
	    (leader->pid == 1 && act->handler == SIG_DFL))
		return; /* discarded, as send() does; init's immunity */
	if (!(g->shared_pending & sigbit(sig))) { /* a standard signal */
		g->shared_pending |= sigbit(sig);
		g->shared_from[sig - 1] =
			(struct sigsource){ .code = SI_KERNEL };
	}
	wake_taker_locked(leader, sig, true);
}

/* kill and tkill: sent by the calling process. */
static struct sigsource
from_caller(int code)
{
	return (struct sigsource){ .code = code, .pid = current_task()->pid };
}

/* Send @sig to @t's process, or to thread @t alone when @whole_process
 * is false (tgkill): 0, or -EAGAIN for a real-time signal that finds the
 * queue full. */
static long
signal_send_to(struct task *t, int sig, bool whole_process)
{
	struct sigsource from = from_caller(whole_process ? SI_USER : SI_TKILL);
	return send(t, sig, whole_process, false, &from);
}

void
signal_send(struct task *t, int sig)
{
	signal_send_to(t, sig, true); /* kill's: never -EAGAIN */
}

long
signal_send_info(struct task *t, int sig, bool whole_process,
		 const struct sigsource *from)
{
	return send(t, sig, whole_process, false, from);
}

void
signal_send_from(struct task *t, int sig, const struct sigsource *from,
		 bool proc_locked)
{
	send(t, sig, true, proc_locked, from);
}

/* Send @sig to every process for which @match says so; @proc_locked if
 * the caller holds proc_lock. Linux's kill returns success if it
 * reached at least one. */
static long
kill_many(int sig, bool (*match)(struct task *t, int arg), int arg,
	  const struct sigsource *from, bool proc_locked)
{
	int sent = 0;

	for (struct task *t = task_next(0); t; t = task_next(t->tid)) {
		if (t->group && t->group->leader == t && t->sighand &&
		    match(t, arg)) {
			if (sig)
				send(t, sig, true, proc_locked, from);
			sent++;
		}
	}
	return sent ? 0 : -ESRCH;
}

static bool
in_group(struct task *t, int pgid)
{
	return t->group->pgid == pgid;
}

static bool
everyone_else(struct task *t, int self)
{
	return t->pid != 1 && t->pid != self;
}

long
signal_kill_group(int pgid, int sig)
{
	/* From the terminal (Ctrl-C): the kernel sent it. */
	struct sigsource from = { .code = SI_KERNEL };
	return kill_many(sig, in_group, pgid, &from, false);
}

long
signal_kill_group_locked(int pgid, int sig)
{
	/* A hang-up: the kernel sent it too. */
	struct sigsource from = { .code = SI_KERNEL };
	return kill_many(sig, in_group, pgid, &from, true);
}

static long
do_kill(int pid, int sig)
{
	struct sigsource from = from_caller(SI_USER);

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid == -1)
		return kill_many(sig, everyone_else, current_task()->pid, &from,
				 false);
	if (pid == 0)
		pid = -current_task()->group->pgid;
	if (pid == INT32_MIN)
		return -ESRCH; /* no group -INT_MIN */
	if (pid < 0)
		return kill_many(sig, in_group, -pid, &from, false);
	struct task *t = task_find(pid);
	if (!t || !t->group || t->group->leader != t)
		return -ESRCH; /* none, or a thread's tid, or reaped */
	if (sig && t->sighand) /* a zombie takes no signals, but exists */
		signal_send(t, sig);
	return 0;
}

long
sys_kill(const struct syscall_args *a)
{
	return do_kill((int)a->a[0], (int)a->a[1]);
}

long
sys_tkill(const struct syscall_args *a)
{
	struct task *t = task_find((int)a->a[0]);
	int sig = (int)a->a[1];
	if ((int)a->a[0] <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	if (!t || !t->group)
		return -ESRCH;
	return sig ? signal_send_to(t, sig, false) : 0;
}

long
sys_tgkill(const struct syscall_args *a)
{
	if ((int)a->a[0] <= 0 || (int)a->a[1] <= 0)
		return -EINVAL;
	struct task *t = task_find((int)a->a[1]);
	int sig = (int)a->a[2];
	if (!t || t->pid != (int)a->a[0] || !t->group)
		return -ESRCH;
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	return sig ? signal_send_to(t, sig, false) : 0;
}

long
sys_rt_sigaction(const struct syscall_args *a)
{
	int sig = (int)a->a[0];
	const void *user_act = (const void *)a->a[1];
	void *user_old = (void *)a->a[2];
	struct sigaction_k act, *slot;

	if (a->a[3] != SIGSET_SIZE || sig < 1 || sig > NSIG)
		return -EINVAL;
	if (user_act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	slot = &current_task()->sighand->actions[sig - 1];
	if (user_act && copy_from_user(&act, user_act, sizeof(act)))
		return -EFAULT;
	if (user_old && copy_to_user(user_old, slot, sizeof(*slot)))
		return -EFAULT;
	if (user_act) {
		act.mask &=
			~SIGNAL_UNBLOCKABLE; /* they cannot be blocked, ever */
		*slot = act;
		/* Ignored from now on: what is pending goes, blocked or
		 * not, queued real-time signals too (Linux's rule). */
		if (ignores(&act, sig)) {
			uint64_t irq = spin_lock_irqsave(&sched_lock);
			discard_pending_locked(current_task()->group,
					       sigbit(sig));
			spin_unlock_irqrestore(&sched_lock, irq);
		}
	}
	return 0;
}

/* Linux's order: the new set is read and @how checked (only when there
 * is a new set), the mask changed, and only then the old one written;
 * so a bad @how leaves @user_old untouched. */
long
sys_rt_sigprocmask(const struct syscall_args *a)
{
	int how = (int)a->a[0];
	const uint64_t *user_set = (const uint64_t *)a->a[1];
	uint64_t *user_old = (uint64_t *)a->a[2];
	uint64_t set, *mask = &current_task()->sigmask;
	uint64_t old = *mask;

	if (a->a[3] != SIGSET_SIZE)
		return -EINVAL;
	if (user_set) {
		if (copy_from_user(&set, user_set, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK:
			*mask |= set;
			break;
		case SIG_UNBLOCK:
			*mask &= ~set;
			break;
		case SIG_SETMASK:
			*mask = set;
			break;
		default:
			return -EINVAL;
		}
		*mask &= ~SIGNAL_UNBLOCKABLE;
	}
	if (user_old && copy_to_user(user_old, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* --- Faults in user mode ------------------------------------------------- */

static int
signal_for_vector(unsigned vector)
{
	switch (vector) {
	case 0:	 /* divide error */
	case 16: /* x87 error */
	case 19: /* SIMD error */
		return SIGFPE;
	case 1: /* debug */
	case 3: /* breakpoint */
		return SIGTRAP;
	case 6: /* invalid opcode */
		return SIGILL;
	case 17: /* alignment check */
		return SIGBUS;
	default: /* protection, page, segment and stack faults */
		return SIGSEGV;
	}
}

/* What siginfo says about a fault, as Linux says it. */
static struct sigsource
fault_source(const struct trap_frame *tf, int sig, uint64_t addr)
{
	struct sigsource from = { .code = SI_KERNEL };

	if (tf->vector == VECTOR_PAGE_FAULT) {
		/* Linux's rule: something mapped there, but not for this
		 * access (a write to a read-only page), is ACCERR. */
		struct mm *mm = current_task()->mm;
		from.code = mm && mm_region_find(mm, addr) ? SEGV_ACCERR
							   : SEGV_MAPERR;
		from.addr = addr;
	} else if (sig == SIGILL) {
		from.code = ILL_ILLOPN;
		from.addr = tf->rip;
	} else if (sig == SIGFPE && tf->vector == 0) {
		from.code = FPE_INTDIV;
		from.addr = tf->rip;
	}
	return from;
}

/* A user program's fault: a one-line report like Linux's, then death by
 * the matching signal, or its handler. */
static void
user_exception(struct trap_frame *tf, uint64_t addr)
{
	struct task *t = current_task();
	int sig = signal_for_vector((unsigned)tf->vector);

	if (tf->vector == VECTOR_PAGE_FAULT)
		pr_info("%s[%d]: segfault at %llx ip %016llx sp %016llx error %llx\n",
			t->name, t->pid, (unsigned long long)addr,
			(unsigned long long)tf->rip,
			(unsigned long long)tf->rsp,
			(unsigned long long)tf->error_code);
	else
		pr_info("traps: %s[%d] trap %s ip:%llx sp:%llx error:%llx\n",
			t->name, t->pid, trap_name((unsigned)tf->vector),
			(unsigned long long)tf->rip,
			(unsigned long long)tf->rsp,
			(unsigned long long)tf->error_code);
	/* A handler for it, not blocked: it runs on the way out (if it
	 * returns, the instruction faults again, as on Linux). Otherwise
	 * the fault ends the process. */
	const struct sigaction_k *act = &t->sighand->actions[sig - 1];
	if (act->handler > SIG_IGN && !(t->sigmask & sigbit(sig))) {
		uint64_t irq = spin_lock_irqsave(&sched_lock);
		t->pending |= sigbit(sig);
		t->pending_from[sig - 1] = fault_source(tf, sig, addr);
		spin_unlock_irqrestore(&sched_lock, irq);
		return;
	}
	process_exit(W_EXITCODE(0, sig));
}

/* A fatal signal is pending: the thread goes, and the process with it. */
static void
exit_if_killed(struct task *t)
{
	struct thread_group *g = t->group;

	if (t->killed) {
		if (g->exec_thread && g->exec_thread != t)
			task_exit(0); /* another thread is exec'ing: go */
		process_exit(g->exiting ? g->exit_status
					: W_EXITCODE(0, t->killed));
	}
}

/* The process is stopped: sleep on "stopped" until SIGCONT, or until
 * SIGKILL (process_kill wakes every thread), and then die. */
static void
park(struct task *t)
{
	struct thread_group *g = t->group;
	uint64_t irq = spin_lock_irqsave(&proc_lock);

	while (g->stopped && !t->killed)
		wait_sleep(&g->stopped_queue, &proc_lock);
	spin_unlock_irqrestore(&proc_lock, irq);
	exit_if_killed(t);
}

void
signal_group_stop(int sig, unsigned cont_seq)
{
	struct task *t = current_task();
	struct thread_group *g = t->group;
	uint64_t irq = spin_lock_irqsave(&proc_lock);

	/* No shell is left to continue an orphaned group: the terminal's
	 * stop signals do nothing there, as on Linux; SIGSTOP still
	 * stops. */
	if (sig != SIGSTOP && process_group_orphaned(g->pgid)) {
		spin_unlock_irqrestore(&proc_lock, irq);
		return;
	}
	if (!g->stopped && !g->exiting && g->cont_seq == cont_seq) {
		g->stopped = true;
		g->wait_report = (sig << 8) | 0x7f; /* WIFSTOPPED */
		/* The other threads leave their sleeps (signal_pending) and
		 * park in user_return. */
		spin_lock(&sched_lock);
		for (struct task *th = g->threads; th; th = th->group_next)
			if (th != t)
				sched_wake_locked(th, "stop");
		spin_unlock(&sched_lock);
		notify_parent_locked(g, CLD_STOPPED, sig);
	}
	spin_unlock_irqrestore(&proc_lock, irq);
	park(t);
}

/* Before every return to user mode: give up the CPU if the slice is
 * used up (this is where user programs are preempted), die if a fatal
 * signal is pending, park while the process is stopped. */
static void
user_return(struct trap_frame *tf)
{
	sched_preempt_point();
	struct task *t = current_task();
	exit_if_killed(t);
	if (t->group->stopped)
		park(t);
	signal_deliver(tf); /* run a handler, if a signal waits */
	/* Never return to a non-canonical address: on real CPUs iretq
	 * would fault in ring 0, halfway out of the kernel (GS already
	 * swapped). A handler or rt_sigreturn can ask for one; the
	 * process dies by SIGSEGV instead, as if it had jumped there. */
	if (tf->rip >= USER_END)
		process_exit(W_EXITCODE(0, SIGSEGV));
}

void
process_init(void)
{
	trap_set_user_handlers(user_exception, user_return);
}

/* pause: sleep until a signal comes: -EINTR once its handler has run
 * (or never, if the signal ends the process). */
long
sys_pause(const struct syscall_args *a)
{
	(void)a;
	return signal_wait();
}

long
signal_wait(void)
{
	/* Nothing wakes this queue: a signal wakes the task itself. */
	static struct wait_queue never = WAIT_QUEUE_INIT("signal-wait");
	struct spinlock lock = SPINLOCK_INIT("signal-wait");

	uint64_t flags = spin_lock_irqsave(&lock);
	while (!signal_pending(current_task()))
		wait_sleep(&never, &lock);
	spin_unlock_irqrestore(&lock, flags);
	return -EINTR;
}
