/*
 * Processes: fork, exit, wait4, and the parent/child tree under init.
 *
 *            init (pid 1)
 *            /          \            every process has a parent; when a
 *         sh (7)       orphan (9)    parent exits first, its children
 *          |                         are handed to init, which reaps
 *        ls (12)                     them: nobody stays a zombie forever
 *
 * A process is a thread group (below): its pid is its first thread's tid.
 * Processes gather in process groups (a shell's job) and those in
 * sessions (a login), named by their leaders' pids. Lock: proc_lock protects the tree (parent, children, sibling links)
 * and is taken before sched_lock when both are needed.
 */
#ifndef KERNEL_PROC_PROCESS_H
#define KERNEL_PROC_PROCESS_H

#include "kernel/lib/types.h"

struct task;

/* Linux's wait status: exit code in bits 8-15, or the killing signal in
 * bits 0-6. */
#define W_EXITCODE(code, sig) (((code)&0xff) << 8 | (sig))

#include "kernel/proc/proc_info.h"
#include "sched/task.h"
#include "sched/wait.h"

/*
 * A thread group: the threads of one process. Its pid is the leader's
 * tid. The process ends with its last thread: the leader waits for the
 * others (others_gone) and then does the process's exit; other threads
 * leave the group and are freed at once (nobody waits for them).
 */
struct thread_group {
	struct task *leader;
	struct task *threads; /* every thread, via task->group_next */
	int nthreads;
	bool exiting;		  /* exit_group, or a fatal signal */
	int exit_status;	  /* then: the process's wait status */
	struct task *exec_thread; /* a thread in execve, ending the others */
	uint64_t shared_pending;  /* signals sent to the process (kill) */
	/* who sent each standard one */
	struct sigsource shared_from[SIGNAL_STANDARD_MAX];
	struct sigqueue shared_queued; /* its real-time ones */
	int pgid, sid;		       /* process group and session */
	bool execed; /* has called execve (setpgid's EACCES) */
	struct wait_queue others_gone;
	/* Job control (docs/signals.md, section 13): a stop signal parks
	 * every thread on "stopped" until SIGCONT or SIGKILL. These
	 * change under proc_lock. */
	bool stopped;
	unsigned cont_seq; /* SIGCONTs so far: a stop dequeued before one
			      is void (changed under sched_lock too) */
	int wait_report;   /* for the parent's wait4: (sig << 8) | 0x7f,
			    0xffff (continued), or 0 once reported */
	struct wait_queue stopped_queue;
	struct proc_info proc; /* argv and /proc/<pid> (proc_info.h) */
	/* ITIMER_REAL (itimer.c): SIGALRM to the process when real_timer
	 * expires, then every real_interval_ns (0: once). Under sched_lock.
	 * fork starts a process without it; execve keeps it. */
	struct sched_timer real_timer;
	uint64_t real_interval_ns;
};

/* Take the user-mode traps: exceptions become signals, and the work done
 * on every return to user mode. */
void process_init(void);

/* End the calling process (all its threads) with @wait_status
 * (exit_group, a fatal signal). Does not return. */
__noreturn void process_exit(int wait_status);
/* End the calling thread (exit); the process ends with its last thread.
 * Does not return. */
__noreturn void task_exit(int wait_status);
/* Mark every thread of @t's process to end, with @wait_status. */
void process_kill(struct task *t, int wait_status);
/* The same, for a caller that holds proc_lock. */
void process_kill_locked(struct task *t, int wait_status);
/* execve in a threaded process: end the other threads first; the caller
 * becomes the leader. */
int process_de_thread(void);
/* A vfork parent waiting for @t may go on. */
void process_vfork_release(struct task *t);

/* The lock on the process tree and on groups and sessions. */
extern struct spinlock proc_lock;

/* Groups and sessions (session.c); the caller holds proc_lock.
 * The session of group @pgid, else of process @pgid, else -1. */
int process_group_session(int pgid);
/* Has no live member of group @pgid a parent, other than init, in
 * another group of the same session (POSIX's orphaned group)? */
bool process_group_orphaned(int pgid);
/* @parent is exiting; @member is @parent or its child: if @member's
 * group is orphaned now, with stopped processes, SIGHUP and SIGCONT
 * to the group. */
void process_group_hang_up_orphaned(struct task *member, struct task *parent);

/* Disarm the process's interval timer: it is ending (itimer.c). */
void itimer_cancel(struct thread_group *g);

/* Make the calling kernel thread a process (for init): a descriptor
 * table with the console on 0, 1 and 2, the root as its directory. */
int process_become_user(void);

#endif /* KERNEL_PROC_PROCESS_H */
