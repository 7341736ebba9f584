/*
 * struct task: one schedulable thread of execution.
 *
 * The state machine every task follows (sched/task.c makes each move, in
 * task_set_state, and refuses any other):
 *
 *                 scheduled
 *        +-------+ -------> +---------+   exit    +--------+
 *  new ->| READY |          | RUNNING | --------> | ZOMBIE | -> reaped
 *        +-------+ <------- +---------+           +--------+
 *            ^    preempted,     |
 *            |    yield          | block (wait queue, sleep, join)
 *            |   +---------+     |
 *            +---| WAITING | <---+
 *         woken  +---------+
 *
 * A task's kernel stack holds, while it is not running, the frame that
 * sched/switch.S saved (its saved_rsp points at it). User tasks will also
 * keep their trap frame at the top of that stack.
 */
#ifndef SCHED_TASK_H
#define SCHED_TASK_H

#include "kernel/cpu/fpu.h"
#include "kernel/lib/types.h"
#include "sched/sched.h"
#include "sched/wait.h"

/* tids run from 0 (the idle task) to TASK_TID_MAX - 1; a tid is not
 * reused until its task has been reaped. */
#define TASK_TID_MAX  32768
#define TASK_NAME_MAX 16

enum task_state {
	TASK_NEW,     /* being built; not yet in the state machine */
	TASK_READY,   /* could run: waiting for the CPU */
	TASK_RUNNING, /* on a CPU now */
	TASK_WAITING, /* blocked until an event */
	TASK_ZOMBIE,  /* finished; kept until reaped */
	TASK_STATES,
};

struct files;
struct fs_info;
struct inode;
struct sighand;
struct thread_group;
struct mm;
struct trap_frame;

/* Signals 1 to 31 are "standard": one pending bit each, and one
 * sigsource, the first sender's. 32 to 64 are real-time: each one sent
 * waits in a queue of its own (struct sigqueue_entry). */
#define SIGNAL_STANDARD_MAX 31

/* Where a pending signal came from: what the handler's siginfo says. */
struct sigsource {
	int32_t code;	/* SI_USER (kill), SI_TKILL, SI_QUEUE, SI_KERNEL,
			   CLD_*, ... */
	int32_t pid;	/* the sender, or the child for SIGCHLD */
	uint32_t uid;	/* the sender's user (everyone is root: 0) */
	int32_t status; /* SIGCHLD: the exit code or signal */
	uint64_t value; /* sigqueue's si_value: an int or a pointer */
	uint64_t addr;	/* a fault's address */
};

/* A real-time signal waiting to be taken, one for each time it was sent
 * (kernel/proc/sigqueue.c). */
struct sigqueue_entry {
	struct sigqueue_entry *next;
	int sig;
	struct sigsource from;
};

/* A thread's or a process's real-time signals, oldest first, at most
 * SIGQUEUE_MAX of them. Changed under sched_lock. */
struct sigqueue {
	struct sigqueue_entry *first;
	int count;
};

/* A thread's alternate signal stack, as sigaltstack set it (Linux's
 * sas_ss_sp, sas_ss_size, sas_ss_flags; kernel/proc/altstack.c). */
struct altstack {
	vaddr_t sp;	/* its lowest address */
	uint64_t size;	/* its bytes; 0: there is none */
	uint32_t flags; /* as given: SS_DISABLE, SS_AUTODISARM, ... */
};

struct task {
	int tid;
	char name[TASK_NAME_MAX];
	enum task_state state;

	/* The CPU context while switched out (sched/switch.S). */
	uint64_t saved_rsp;
	vaddr_t kstack_top; /* 0 for the idle task, which uses the boot stack */

	struct mm *mm; /* the address space; NULL for kernel threads */

	/* A process (kernel/proc): one or more threads in a thread group,
	 * whose pid is the first thread's (the leader's) tid. */
	int pid;
	struct thread_group *group;
	struct task *group_next; /* the next thread of the group */
	int exit_signal;	 /* sent to the parent at exit (SIGCHLD) */
	bool vfork_done;	 /* CLONE_VFORK: exec'd or exited */
	struct wait_queue vfork_waiters; /* the vfork parent sleeps here */
	struct task *parent;		 /* reaps this task; init for orphans */
	struct task *children; /* the first child; the rest via sibling */
	struct task *sibling;
	struct wait_queue child_exit; /* wait4 sleeps here */
	int wait_status;       /* Linux's encoding, for the parent's wait4 */
	struct trap_frame *tf; /* user registers: the top of the kernel stack */
	uint64_t fs_base;      /* the user's FS base (TLS), arch_prctl */
	struct fpu_state
		fpu; /* its FPU and SSE registers, while switched out */
	uint64_t clear_child_tid; /* set_tid_address */
	struct files *files;	  /* the descriptor table */
	struct fs_info *fs;	  /* the working directory (shared: CLONE_FS) */
	int killed; /* a fatal signal is pending: die at the next return to
		     user mode (0: none) */
	uint64_t sigmask; /* signals this thread blocks */
	uint64_t sigwait; /* rt_sigtimedwait: signals it waits for, or 0 */
	uint64_t pending; /* signals sent to this thread, not yet taken */
	/* who sent each standard one, for siginfo */
	struct sigsource pending_from[SIGNAL_STANDARD_MAX];
	struct sigqueue queued;	  /* its real-time ones */
	uint64_t saved_mask;	  /* rt_sigsuspend: the mask to put back */
	bool restore_mask;	  /* ... after the next handler (or return) */
	uint64_t syscall_nr;	  /* the system call in progress: SA_RESTART */
	struct sighand *sighand;  /* signal actions (shared: CLONE_SIGHAND) */
	struct altstack altstack; /* where SA_ONSTACK handlers run */

	/* Kernel threads: what to run, and the result. */
	void (*entry)(void *arg);
	void *arg;
	int exit_status;
	struct wait_queue exit_waiters; /* kthread_join sleeps here */

	/* Scheduling. The run-queue links and the slice belong to the
	 * policy (sched/rr.c); the rest to the core. */
	struct task *rq_next, *rq_prev;
	unsigned slice_left; /* ticks left in the current slice */

	/* Waiting: the queue this task sleeps on, and its link there. */
	struct wait_queue *waiting_on;
	struct task *wait_next;
	struct sched_timer sleep_timer; /* a timed sleep's deadline */
	bool timed_out; /* the last timed wait ended by its deadline */

	/* Accounting, shown by sched_dump (and, later, ps). */
	uint64_t created_ns;
	uint64_t ticks_run;
	uint64_t voluntary_switches;   /* it blocked or yielded */
	uint64_t involuntary_switches; /* its slice ran out */

	struct task *all_next; /* every task, for the dump */
};

/* Move @t to state @to, because of @why (kept in the trace). Panics on a
 * move the state machine does not have. Caller holds sched_lock. */
void task_set_state(struct task *t, enum task_state to, const char *why);

const char *task_state_name(enum task_state state);

/* A tid for a new task, or -1 if all TASK_TID_MAX are in use. */
int tid_alloc(void);
void tid_free(int tid);

#endif /* SCHED_TASK_H */
