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
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/wait.h"

#define SIG_DFL	    0
#define SIG_IGN	    1
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGSET_SIZE 8 /* bytes: Linux's kernel sigset_t on x86-64 */
#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

/* Signals whose default action is to do nothing. (Stopping is not
 * implemented: the stop signals are ignored for now.) */
static bool
default_ignored(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGCONT:
	case SIGURG:
	case SIGWINCH:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return true;
	default:
		return false;
	}
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

bool
signal_pending(struct task *t)
{
	return t->killed != 0;
}

void
signal_send(struct task *t, int sig)
{
	if (sig != SIGKILL && t->sighand->actions[sig - 1].handler == SIG_IGN)
		return;
	if (default_ignored(sig))
		return;
	/* Every thread is marked and woken if it sleeps, so that its sleep
	 * ends (with -EINTR) and it reaches the return to user mode, where
	 * it dies; the process ends with the last of them. */
	process_kill(t, W_EXITCODE(0, sig));
}

/* Every process is its own group for now: pid 0 is the caller, -g the
 * process g, -1 every process but init and the caller. */
static long
do_kill(int pid, int sig)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid == -1) {
		int sent = 0;
		for (int p = 2; p < TASK_TID_MAX; p++) {
			struct task *t = task_find(p);
			if (t && t->mm && t != current_task() &&
			    t->state != TASK_ZOMBIE) {
				if (sig)
					signal_send(t, sig);
				sent++;
			}
		}
		return sent ? 0 : -ESRCH;
	}
	if (pid == 0)
		pid = current_task()->pid;
	else if (pid < 0)
		pid = -pid;
	struct task *t = task_find(pid);
	if (!t || !t->files) /* kernel threads are not processes */
		return t && t->state == TASK_ZOMBIE ? 0 : -ESRCH;
	if (sig && t->state != TASK_ZOMBIE)
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
	if ((int)a->a[0] <= 0)
		return -EINVAL;
	return do_kill((int)a->a[0], (int)a->a[1]);
}

long
sys_tgkill(const struct syscall_args *a)
{
	if ((int)a->a[0] <= 0 || (int)a->a[1] <= 0)
		return -EINVAL;
	struct task *t = task_find((int)a->a[1]);
	if (!t || t->pid != (int)a->a[0])
		return -ESRCH;
	return do_kill((int)a->a[1], (int)a->a[2]);
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
		act.mask &= ~UNBLOCKABLE; /* they cannot be blocked, ever */
		*slot = act;
	}
	return 0;
}

long
sys_rt_sigprocmask(const struct syscall_args *a)
{
	int how = (int)a->a[0];
	const uint64_t *user_set = (const uint64_t *)a->a[1];
	uint64_t *user_old = (uint64_t *)a->a[2];
	uint64_t set, *mask = &current_task()->sigmask;

	if (a->a[3] != SIGSET_SIZE)
		return -EINVAL;
	if (user_set && copy_from_user(&set, user_set, sizeof(set)))
		return -EFAULT;
	if (user_old && copy_to_user(user_old, mask, sizeof(*mask)))
		return -EFAULT;
	if (!user_set)
		return 0;
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
	*mask &= ~UNBLOCKABLE;
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

/* A user program's fault: a one-line report like Linux's, then death by
 * the matching signal. */
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
	process_exit(W_EXITCODE(0, sig));
}

/* Before every return to user mode: give up the CPU if the slice is
 * used up (this is where user programs are preempted), and die if a
 * fatal signal is pending. */
static void
user_return(struct trap_frame *tf)
{
	(void)tf;
	sched_preempt_point();
	struct task *t = current_task();
	if (!t->killed)
		return;
	struct thread_group *g = t->group;
	if (g->exec_thread && g->exec_thread != t)
		task_exit(0); /* another thread is exec'ing: just go */
	process_exit(g->exiting ? g->exit_status : W_EXITCODE(0, t->killed));
}

void
process_init(void)
{
	trap_set_user_handlers(user_exception, user_return);
}

/* pause: sleep until a signal comes. (Until handlers run, only a fatal
 * signal can come, so this ends with the process.) */
long
sys_pause(const struct syscall_args *a)
{
	static struct wait_queue never = WAIT_QUEUE_INIT("pause");
	struct spinlock lock = SPINLOCK_INIT("pause");

	(void)a;
	uint64_t flags = spin_lock_irqsave(&lock);
	while (!signal_pending(current_task()))
		wait_sleep(&never, &lock);
	spin_unlock_irqrestore(&lock, flags);
	return -EINTR;
}
