/*
 * Running a signal handler, and coming back from it.
 *
 * On its way back to user mode, a thread with a deliverable signal and a
 * handler for it does not return where it was: the kernel saves where it
 * was (every register, the FPU state, the signal mask) in a frame on the
 * user stack, and "returns" into the handler instead, as if the handler
 * had been called from there:
 *
 *   higher addresses: the interrupted code's stack
 *   +----------------------------+
 *   | (128 bytes skipped: the    |  the red zone, which the interrupted
 *   |  interrupted function's)   |  code may be using
 *   | FPU/SSE state (512 bytes)  |  fxsave image, 64-byte aligned
 *   | siginfo (128 bytes)        |  <- rsi: what happened
 *   | ucontext: registers,       |  <- rdx: where it was
 *   |   mask, FPU-state pointer  |
 *   | return address             |  <- rsp: sa_restorer, which calls
 *   +----------------------------+     rt_sigreturn
 *   lower addresses
 *
 *   rip = the handler, rdi = the signal number
 *
 * A handler with SA_ONSTACK gets its frame on the thread's alternate
 * stack instead, when it has one and is not already on it (altstack.c).
 *
 * When the handler returns, it lands in sa_restorer (musl's __restore_rt:
 * "mov $15, %eax; syscall"), and rt_sigreturn puts every register back
 * from the frame. The layout is Linux's, so musl (and debuggers) read it.
 */
#include "kernel/cpu/fpu.h"
#include "kernel/cpu/segments.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/tsc.h"
#include "kernel/cpu/x86.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/wait.h"

#define RED_ZONE	       128
#define SIGSET_SIZE	       8
/* RFLAGS bits a handler's saved context may change: the arithmetic flags,
 * trap, direction, overflow, alignment check, ID (Linux's FIX_EFLAGS). */
#define RFLAGS_USER_CHANGEABLE 0x254dd5ull
#define MXCSR_OFFSET	       24
#define MXCSR_VALID	       0xffbf /* bits the CPU accepts in MXCSR */
#define SYSCALL_INSN_SIZE      2
#define SYS_RT_SIGRETURN       15
#define NSEC_PER_SEC	       1000000000ull
/* The longest wait, as nanosleep's (misc.c): Linux's KTIME_MAX. */
#define SLEEP_MAX_NS	       ((uint64_t)INT64_MAX)

/* Linux's struct timespec on x86-64. */
struct timespec_k {
	int64_t sec, nsec;
};

/* Linux's x86-64 struct sigcontext (in the ucontext). */
struct sigcontext_k {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* user address of the FPU state */
	uint64_t reserved[8];
};
_Static_assert(sizeof(struct sigcontext_k) == 256, "Linux's sigcontext");

struct ucontext_k {
	uint64_t flags, link;
	struct stack_k stack; /* the alternate stack, as it was set */
	struct sigcontext_k mc;
	uint64_t sigmask;
};
_Static_assert(sizeof(struct stack_k) == 24, "Linux's stack_t");

struct sigframe_k {
	uint64_t pretcode; /* the handler's return address: sa_restorer */
	struct ucontext_k uc;
	struct siginfo_k info;
};

/* System calls a handler with SA_RESTART repeats instead of failing
 * with EINTR: the ones that wait for input or for a child. */
static bool
restartable(uint64_t nr)
{
	switch (nr) {
	case 0:	 /* read */
	case 1:	 /* write */
	case 16: /* ioctl */
	case 19: /* readv */
	case 20: /* writev */
	case 61: /* wait4 */
		return true;
	default:
		return false;
	}
}

/* What a handler's siginfo, or rt_sigtimedwait's, says. */
static void
siginfo_fill(struct siginfo_k *info, int sig, const struct sigsource *from)
{
	memset(info, 0, sizeof(*info));
	info->signo = sig;
	info->code = from->code;
	if (from->code > 0 && (sig == SIGSEGV || sig == SIGBUS ||
			       sig == SIGILL || sig == SIGFPE)) {
		info->addr = from->addr; /* a fault's (the kernel's code) */
		return;
	}
	info->from.pid = from->pid;
	info->from.uid = from->uid;
	/* A code below 0 is a sender's own siginfo (sigqueue's SI_QUEUE):
	 * its value; above, the kernel's, with SIGCHLD's status. */
	if (from->code < 0)
		info->from.value = from->value;
	else
		info->from.status = from->status;
}

/* Build the frame and point the registers at the handler. */
static int
frame_setup(struct trap_frame *tf, int sig, const struct sigaction_k *act,
	    const struct sigsource *from)
{
	struct task *t = current_task();
	struct sigframe_k frame;
	struct fpu_state fpu;

	if (!(act->flags & SA_RESTORER))
		return -EFAULT; /* on x86-64 a handler needs one to return */
	/* Already on the alternate stack (a signal inside a handler that
	 * runs there): the frame goes below, on it too. */
	bool nested = altstack_on(t, tf->rsp);
	vaddr_t sp = tf->rsp - RED_ZONE;
	vaddr_t alt_top = act->flags & SA_ONSTACK ? altstack_top_for(t, sp) : 0;
	if (alt_top)
		sp = alt_top; /* no red zone to skip: nobody runs there */
	vaddr_t fpstate = ALIGN_DOWN(sp - sizeof(fpu), 64);
	/* At the handler's first instruction rsp + 8 must be 16-aligned,
	 * as after a call. */
	vaddr_t frame_at = ALIGN_DOWN(fpstate - sizeof(frame), 16) - 8;
	/* A frame that would not fit on the alternate stack is not written
	 * below it, over whatever lies there: the process dies instead. */
	if ((nested || alt_top) && !altstack_contains(t, frame_at)) {
		pr_info("%s[%d] overflowed sigaltstack\n", t->name, t->pid);
		return -EFAULT;
	}

	memset(&frame, 0, sizeof(frame));
	frame.pretcode = act->restorer;
	struct sigcontext_k *mc = &frame.uc.mc;
	mc->r8 = tf->r8, mc->r9 = tf->r9, mc->r10 = tf->r10, mc->r11 = tf->r11;
	mc->r12 = tf->r12, mc->r13 = tf->r13, mc->r14 = tf->r14;
	mc->r15 = tf->r15, mc->rdi = tf->rdi, mc->rsi = tf->rsi;
	mc->rbp = tf->rbp, mc->rbx = tf->rbx, mc->rdx = tf->rdx;
	mc->rax = tf->rax, mc->rcx = tf->rcx, mc->rsp = tf->rsp;
	mc->rip = tf->rip, mc->eflags = tf->rflags;
	mc->cs = USER_CS, mc->ss = USER_DS;
	mc->err = tf->vector < VECTOR_EXCEPTIONS ? tf->error_code : 0;
	mc->trapno = tf->vector < VECTOR_EXCEPTIONS ? tf->vector : 0;
	mc->cr2 = from->addr;
	mc->fpstate = fpstate;
	/* The setting as it stands, which rt_sigreturn puts back. */
	frame.uc.stack.sp = t->altstack.sp;
	frame.uc.stack.flags = (int32_t)t->altstack.flags;
	frame.uc.stack.size = t->altstack.size;
	uint64_t old_mask = t->restore_mask ? t->saved_mask : t->sigmask;
	mc->oldmask = old_mask;
	frame.uc.sigmask = old_mask;
	siginfo_fill(&frame.info, sig, from);
	fpu_save(&fpu); /* the live registers are this thread's */

	if (copy_to_user((void *)fpstate, &fpu, sizeof(fpu)) ||
	    copy_to_user((void *)frame_at, &frame, sizeof(frame)))
		return -EFAULT;

	tf->rip = act->handler;
	tf->rsp = frame_at;
	tf->rdi = (uint64_t)sig;
	tf->rsi = frame_at + offsetof(struct sigframe_k, info);
	tf->rdx = frame_at + offsetof(struct sigframe_k, uc);
	tf->rax = 0;
	tf->rflags &= ~(uint64_t)((1 << 8) | (1 << 10)); /* TF and DF */
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	t->sigmask = (old_mask | act->mask |
		      (act->flags & SA_NODEFER ? 0 : 1ull << (sig - 1))) &
		     ~SIGNAL_UNBLOCKABLE;
	t->restore_mask = false;
	/* SS_AUTODISARM: no alternate stack while the handler runs, so a
	 * handler may switch stacks (swapcontext) and still take signals;
	 * rt_sigreturn puts the setting back from uc.stack. */
	if (t->altstack.flags & SS_AUTODISARM)
		altstack_reset(t);
	/* The handler starts with a clean FPU, as on Linux. */
	fpu_reset(&t->fpu);
	fpu_restore(&t->fpu);
	return 0;
}

/* The lowest pending signal in @wanted, taken off its pending set (a
 * real-time one: its oldest, off its queue), and where it came from; 0
 * if none. */
static int
dequeue_wanted(struct task *t, uint64_t wanted, struct sigsource *from,
	       unsigned *cont_seq)
{
	uint64_t irq = spin_lock_irqsave(&sched_lock);
	uint64_t shared = t->group->shared_pending;
	*cont_seq = t->group->cont_seq; /* a SIGCONT after this voids a stop */
	uint64_t ready = (t->pending | shared) & wanted;
	int sig = 0;

	if (ready) {
		sig = __builtin_ctzll(ready) + 1;
		uint64_t bit = 1ull << (sig - 1);
		struct thread_group *g = t->group;
		bool own = t->pending & bit; /* the thread's own come first */
		uint64_t *set = own ? &t->pending : &g->shared_pending;
		if (sig < SIGRTMIN) {
			*set &= ~bit;
			*from = (own ? t->pending_from
				     : g->shared_from)[sig - 1];
		} else if (!sigqueue_take_locked(own ? &t->queued
						     : &g->shared_queued,
						 sig, from)) {
			*set &= ~bit; /* that was the last of them */
		}
	}
	spin_unlock_irqrestore(&sched_lock, irq);
	return sig;
}

/* The lowest deliverable signal: pending and not blocked. */
static int
dequeue(struct task *t, struct sigsource *from, unsigned *cont_seq)
{
	return dequeue_wanted(t, ~t->sigmask, from, cont_seq);
}

void
signal_deliver(struct trap_frame *tf)
{
	struct task *t = current_task();
	struct sigsource from;
	unsigned cont_seq;
	int sig;

	while ((sig = dequeue(t, &from, &cont_seq))) {
		struct sigaction_k *act = &t->sighand->actions[sig - 1];
		if (act->handler == SIG_IGN)
			continue;
		if (act->handler == SIG_DFL) {
			if (signal_default_ignored(sig))
				continue;
			if (signal_default_stops(sig)) {
				signal_group_stop(sig, cont_seq);
				continue; /* continued: the next one */
			}
			process_exit(W_EXITCODE(0, sig));
		}
		/* A system call that a signal interrupted: with SA_RESTART
		 * it runs again after the handler instead of failing. */
		if (tf->vector == VECTOR_SYSCALL &&
		    (int64_t)tf->rax == -EINTR && (act->flags & SA_RESTART) &&
		    restartable(t->syscall_nr)) {
			tf->rax = t->syscall_nr;
			tf->rip -= SYSCALL_INSN_SIZE;
		}
		struct sigaction_k copy = *act;
		if (act->flags & SA_RESETHAND)
			*act = (struct sigaction_k){ 0 };
		if (frame_setup(tf, sig, &copy, &from))
			process_exit(W_EXITCODE(0, SIGSEGV)); /* no room: die */
		return; /* one handler at a time; others on the next return */
	}
	/* A system call cut short by a signal that ran no handler (a stop
	 * and SIGCONT, or a signal ignored since it was sent): the program
	 * never sees the EINTR; the call runs again, as on Linux. (Not
	 * after rt_sigreturn: its rax is the interrupted code's, restored.) */
	if (tf->vector == VECTOR_SYSCALL && (int64_t)tf->rax == -EINTR &&
	    t->syscall_nr != SYS_RT_SIGRETURN) {
		tf->rax = t->syscall_nr;
		tf->rip -= SYSCALL_INSN_SIZE;
	}
	signal_mask_restore(); /* sigsuspend or ppoll, and no handler ran */
}

void
signal_mask_for_wait(uint64_t mask)
{
	struct task *t = current_task();

	t->saved_mask = t->sigmask;
	t->restore_mask = true;
	t->sigmask = mask & ~SIGNAL_UNBLOCKABLE;
}

void
signal_mask_restore(void)
{
	struct task *t = current_task();

	if (t->restore_mask) {
		t->sigmask = t->saved_mask;
		t->restore_mask = false;
	}
}

long
sys_rt_sigreturn(const struct syscall_args *a)
{
	struct trap_frame *tf = a->tf;
	struct task *t = current_task();
	struct sigframe_k frame;
	struct fpu_state fpu;

	/* The handler's ret took the return address: the frame is 8 bytes
	 * below the stack pointer now. */
	vaddr_t frame_at = tf->rsp - 8;
	if (copy_from_user(&frame, (const void *)frame_at, sizeof(frame)) ||
	    copy_from_user(&fpu, (const void *)frame.uc.mc.fpstate,
			   sizeof(fpu)))
		process_exit(W_EXITCODE(0, SIGSEGV));
	const struct sigcontext_k *mc = &frame.uc.mc;
	tf->r8 = mc->r8, tf->r9 = mc->r9, tf->r10 = mc->r10, tf->r11 = mc->r11;
	tf->r12 = mc->r12, tf->r13 = mc->r13, tf->r14 = mc->r14;
	tf->r15 = mc->r15, tf->rdi = mc->rdi, tf->rsi = mc->rsi;
	tf->rbp = mc->rbp, tf->rbx = mc->rbx, tf->rdx = mc->rdx;
	tf->rax = mc->rax, tf->rcx = mc->rcx, tf->rsp = mc->rsp;
	tf->rip = mc->rip;
	/* Only the flags a program may change; never IOPL or IF. */
	tf->rflags = (tf->rflags & ~RFLAGS_USER_CHANGEABLE) |
		     (mc->eflags & RFLAGS_USER_CHANGEABLE);
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	/* A bad MXCSR would make fxrstor fault in the kernel. */
	uint32_t mxcsr;
	memcpy(&mxcsr, fpu.bytes + MXCSR_OFFSET, sizeof(mxcsr));
	mxcsr &= MXCSR_VALID;
	memcpy(fpu.bytes + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
	t->fpu = fpu;
	fpu_restore(&t->fpu);
	t->sigmask = frame.uc.sigmask & ~SIGNAL_UNBLOCKABLE;
	/* The alternate stack as the frame says, as seen from the stack
	 * pointer just restored. Refusals are ignored, as on Linux: the
	 * interrupted code may itself run on it (-EPERM). */
	(void)altstack_set(t, &frame.uc.stack, tf->rsp);
	return (long)tf->rax; /* the dispatcher puts it back in rax */
}

long
sys_rt_sigsuspend(const struct syscall_args *a)
{
	uint64_t mask;

	if (a->a[1] != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, (const void *)a->a[0], sizeof(mask)))
		return -EFAULT;
	signal_mask_for_wait(mask);
	return signal_wait(); /* the old mask comes back after the handler */
}

long
sys_rt_sigpending(const struct syscall_args *a)
{
	struct task *t = current_task();
	uint64_t set;

	if (a->a[1] > SIGSET_SIZE)
		return -EINVAL;
	set = (t->pending | t->group->shared_pending) & t->sigmask;
	return copy_to_user((void *)a->a[0], &set, a->a[1]);
}

/* The signals of @set a wait may take: not one that ends the process
 * at once when sent (SIG_DFL, fatal, not blocked). send() never leaves
 * such a signal pending, but a timer's is (signal_post_timer_locked):
 * it is left to signal_deliver, which ends the process, as on Linux. */
static uint64_t
waitable(const struct task *t, uint64_t set)
{
	for (int sig = 1; sig <= NSIG; sig++) {
		uint64_t bit = 1ull << (sig - 1);
		if ((set & bit) && !(t->sigmask & bit) &&
		    t->sighand->actions[sig - 1].handler == SIG_DFL &&
		    !signal_default_ignored(sig) && !signal_default_stops(sig))
			set &= ~bit;
	}
	return set;
}

/*
 * rt_sigtimedwait(set, info, timeout): take a pending signal of @set
 * without running its handler, waiting for one if none is pending yet,
 * for at most @timeout (NULL: for ever; zero: not at all). The signals
 * of the set are normally blocked, so that none is delivered between
 * two calls; while the thread waits here they wake it all the same
 * (task->sigwait, which signal_pending and send() look at), and its
 * mask does not change. Linux's order of checks: the size (EINVAL), the
 * set and the timeout (EFAULT), the timeout's fields (EINVAL). The end:
 * the signal's number, -EAGAIN when the time ran out, -EINTR when
 * another signal came (its handler runs on the way out).
 */
long
sys_rt_sigtimedwait(const struct syscall_args *a)
{
	static struct wait_queue never = WAIT_QUEUE_INIT("sigtimedwait");
	struct spinlock lock = SPINLOCK_INIT("sigtimedwait");
	struct task *t = current_task();
	void *user_info = (void *)a->a[1];
	const void *user_timeout = (const void *)a->a[2];
	struct timespec_k ts;
	struct sigsource from;
	struct siginfo_k info;
	unsigned cont_seq;
	uint64_t set, deadline = 0; /* 0: no deadline */

	if (a->a[3] != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, (const void *)a->a[0], sizeof(set)))
		return -EFAULT;
	if (user_timeout && copy_from_user(&ts, user_timeout, sizeof(ts)))
		return -EFAULT;
	if (user_timeout &&
	    (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC))
		return -EINVAL;
	set = waitable(t, set & ~SIGNAL_UNBLOCKABLE);

	int sig = dequeue_wanted(t, set, &from, &cont_seq);
	bool timed_out = false;
	if (!sig && user_timeout) {
		uint64_t ns = (uint64_t)ts.sec >= SLEEP_MAX_NS / NSEC_PER_SEC
				      ? SLEEP_MAX_NS
				      : (uint64_t)ts.sec * NSEC_PER_SEC +
						(uint64_t)ts.nsec;
		timed_out = ns == 0; /* a zero timeout only looks */
		deadline = clock_ns() + ns;
	}
	if (!sig && !timed_out) {
		uint64_t irq = spin_lock_irqsave(&lock);
		t->sigwait = set;
		while (!signal_pending(t) && !timed_out)
			timed_out =
				!wait_sleep_timeout(&never, &lock, deadline);
		t->sigwait = 0;
		spin_unlock_irqrestore(&lock, irq);
		sig = dequeue_wanted(t, set, &from, &cont_seq);
	}
	if (!sig)
		return timed_out ? -EAGAIN : -EINTR;
	siginfo_fill(&info, sig, &from);
	if (user_info && copy_to_user(user_info, &info, sizeof(info)))
		return -EFAULT; /* the signal is taken all the same, as on Linux */
	return sig;
}
