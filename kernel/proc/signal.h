/*
 * Signals: numbers, actions, sending (kill, tgkill, the terminal, a
 * child's exit, a fault) and the pending sets; sigframe.c runs the
 * handlers. docs/signals.md tells the whole story.
 *
 * A signal whose action is to end the process marks every thread
 * "killed": a sleep ends with -EINTR, and the process dies at its next
 * return to user mode. Any other signal waits, pending, until a thread
 * that does not block it goes back to user mode and runs the handler.
 */
#ifndef KERNEL_PROC_SIGNAL_H
#define KERNEL_PROC_SIGNAL_H

#include "kernel/lib/types.h"

/* Linux's numbers. */
#define SIGHUP	 1
#define SIGINT	 2
#define SIGQUIT	 3
#define SIGILL	 4
#define SIGTRAP	 5
#define SIGABRT	 6
#define SIGBUS	 7
#define SIGFPE	 8
#define SIGKILL	 9
#define SIGUSR1	 10
#define SIGSEGV	 11
#define SIGUSR2	 12
#define SIGPIPE	 13
#define SIGALRM	 14
#define SIGTERM	 15
#define SIGCHLD	 17
#define SIGCONT	 18
#define SIGSTOP	 19
#define SIGTSTP	 20
#define SIGTTIN	 21
#define SIGTTOU	 22
#define SIGURG	 23
#define SIGWINCH 28
#define SIGRTMIN 32 /* the first real-time signal (musl keeps 32-34) */
#define NSIG	 64

struct task;
struct sigsource;

/* An action set by rt_sigaction, in the kernel's layout (Linux's struct
 * k_sigaction on x86-64). */
struct sigaction_k {
	uint64_t handler, flags, restorer, mask;
};

/* A process's signal actions (threads share them: CLONE_SIGHAND). */
struct sighand {
	uint32_t refcount;
	struct sigaction_k actions[NSIG];
};

struct sighand *sighand_create(void);
struct sighand *sighand_copy(struct sighand *src);
void sighand_get(struct sighand *sh);
void sighand_put(struct sighand *sh);

/* sa_flags: Linux's. */
#define SA_NOCLDSTOP	   0x00000001
#define SA_NOCLDWAIT	   0x00000002
#define SA_SIGINFO	   0x00000004
#define SA_RESTORER	   0x04000000 /* sa_restorer returns from the handler */
#define SA_ONSTACK	   0x08000000
#define SA_RESTART	   0x10000000
#define SA_NODEFER	   0x40000000
#define SA_RESETHAND	   0x80000000
#define SIG_DFL		   0
#define SIG_IGN		   1
/* No mask ever holds these. */
#define SIGNAL_UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

/* siginfo's si_code: where a signal came from (Linux's values). */
#define SI_USER	      0	   /* kill */
#define SI_KERNEL     0x80 /* the kernel: the terminal, some traps */
#define SI_QUEUE      (-1) /* sigqueue: rt_sigqueueinfo */
#define SI_TKILL      (-6) /* tkill, tgkill */
#define CLD_EXITED    1	   /* SIGCHLD: the child exited ... */
#define CLD_KILLED    2	   /* ... was killed by a signal */
#define CLD_DUMPED    3	   /* ... was killed and dumped core */
#define CLD_STOPPED   5	   /* ... was stopped by a signal */
#define CLD_CONTINUED 6	   /* ... was continued by SIGCONT */
#define SEGV_MAPERR   1	   /* nothing mapped there */
#define SEGV_ACCERR   2	   /* mapped, but not for this access */
#define ILL_ILLOPN    2	   /* an illegal operand (ud2) */
#define FPE_INTDIV    1	   /* integer division by zero */
#define TRAP_BRKPT    1	   /* a breakpoint */

/* Linux's siginfo on x86-64, as a handler and rt_sigtimedwait get it
 * and as rt_sigqueueinfo reads it. */
struct siginfo_k {
	int32_t signo, errno_, code, pad;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
			union {
				int32_t status; /* SIGCHLD: exit code or signal */
				uint64_t value; /* sigqueue: si_value */
			};
		} from;
		uint64_t addr; /* SIGSEGV and friends: the faulting address */
		uint8_t bytes[112];
	};
};
_Static_assert(sizeof(struct siginfo_k) == 128, "Linux's siginfo");

struct trap_frame;

/* Send @sig to @t's process (kill): it becomes pending, and one thread
 * that does not block it takes it. */
void signal_send(struct task *t, int sig);
/* Sleep until a signal is pending for the caller: -EINTR (pause). */
long signal_wait(void);
/* sigsuspend's and ppoll's mask: @mask while the caller waits, and the
 * old one back after the handler the wait ends with (signal_deliver),
 * or at once with signal_mask_restore. */
void signal_mask_for_wait(uint64_t mask);
void signal_mask_restore(void);
/* Send @sig to @t's process, saying where it came from (SIGCHLD with
 * the child's pid and status); @proc_locked if the caller holds
 * proc_lock. */
void signal_send_from(struct task *t, int sig, const struct sigsource *from,
		      bool proc_locked);
/* Send @sig to @t's process, or to thread @t alone, with the siginfo
 * @from (rt_sigqueueinfo): 0, or -EAGAIN when a real-time signal finds
 * the queue full and did not come from kill (SI_USER). */
long signal_send_info(struct task *t, int sig, bool whole_process,
		      const struct sigsource *from);
/* Send @sig to every process in group @pgid (Ctrl-C: the foreground). */
long signal_kill_group(int pgid, int sig);
/* The same, for a caller that holds proc_lock (the exit path). */
long signal_kill_group_locked(int pgid, int sig);
/* On the way back to user mode: take one deliverable signal, and run
 * its handler (a signal frame on the user stack) or its default action
 * (kernel/proc/sigframe.c). */
void signal_deliver(struct trap_frame *tf);

/* Is @sig's default action to do nothing? To stop the process? */
bool signal_default_ignored(int sig);
bool signal_default_stops(int sig);

/* signal_deliver took stop signal @sig (SIG_DFL), when the group had
 * seen @cont_seq SIGCONTs: stop the process, unless a SIGCONT came
 * since, tell the parent, and park until continued or killed. In an
 * orphaned process group only SIGSTOP stops; SIGTSTP, SIGTTIN and
 * SIGTTOU return at once, discarded. */
void signal_group_stop(int sig, unsigned cont_seq);

/* The alternate signal stack (kernel/proc/altstack.c). */
#define SS_ONSTACK    1		 /* sigaltstack says: running on it now */
#define SS_DISABLE    2		 /* there is none */
#define SS_AUTODISARM (1u << 31) /* disarm it while a handler runs on it */
#define MINSIGSTKSZ   2048	 /* the smallest sigaltstack takes */

/* Linux's stack_t, as sigaltstack and a frame's uc_stack hold it. */
struct stack_k {
	uint64_t sp;
	int32_t flags;
	int32_t pad;
	uint64_t size;
};

/* Is @sp on @t's alternate stack? (Never when it has SS_AUTODISARM.) */
bool altstack_on(const struct task *t, vaddr_t sp);
/* Does @sp lie on @t's alternate stack, whatever its flags? */
bool altstack_contains(const struct task *t, vaddr_t sp);
/* Where a handler with SA_ONSTACK starts: the top of @t's alternate
 * stack, or 0 if it has none or @sp (after the red zone) is on it. */
vaddr_t altstack_top_for(const struct task *t, vaddr_t sp);
/* Set @t's alternate stack to @ss when its stack pointer is @sp: 0,
 * -EPERM (running on it), -EINVAL (bad flags), -ENOMEM (too small). */
long altstack_set(struct task *t, const struct stack_k *ss, vaddr_t sp);
/* No alternate stack: execve, a new thread, SS_AUTODISARM. */
void altstack_reset(struct task *t);

/* Should a sleep in the kernel end early (-EINTR) for a signal? (Also
 * when a signal that @t waits for in rt_sigtimedwait is pending.) */
bool signal_pending(struct task *t);

struct thread_group;

/*
 * The queues of real-time signals (sigqueue.c): one per thread, one per
 * process, each holding at most SIGQUEUE_MAX entries (Linux's limit,
 * RLIMIT_SIGPENDING, counts all the queues of a user). Callers hold
 * sched_lock.
 */
#define SIGQUEUE_MAX 1024
struct sigqueue;
struct sigqueue_entry;

/* A new entry, taken before sched_lock; NULL when memory is short. */
struct sigqueue_entry *sigqueue_entry_alloc(void);
/* Put @e, with @sig and @from, at the end of @q: true, or false (@e
 * unused) if @q is full. */
bool sigqueue_add_locked(struct sigqueue *q, struct sigqueue_entry *e, int sig,
			 const struct sigsource *from);
/* Take the oldest @sig off @q, its sigsource into @from (kill's without
 * a sender when there is none: it found the queue full). Is another
 * @sig still queued? */
bool sigqueue_take_locked(struct sigqueue *q, int sig, struct sigsource *from);
/* Free every entry of @q for a signal in @bits. */
void sigqueue_discard_locked(struct sigqueue *q, uint64_t bits);

/* A timer of process @g expired (from the tick): make @sig pending for
 * the process, as the kernel's (SI_KERNEL), and wake a thread that can
 * take it; its action, even death, is taken at delivery. Caller holds
 * sched_lock. */
void signal_post_timer_locked(struct thread_group *g, int sig);

#endif /* KERNEL_PROC_SIGNAL_H */
