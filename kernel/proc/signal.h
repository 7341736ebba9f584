/*
 * Signals, as far as processes need them before handlers run: numbers,
 * default actions, kill, and faults turned into deaths by signal.
 *
 * What happens now: a signal whose default action is to terminate marks
 * the process "killed"; it dies at its next return to user mode, or at
 * once if it is blocked in the kernel (the sleep ends with -EINTR first).
 * SIG_IGN and default-ignore signals do nothing. Handlers installed with
 * rt_sigaction are stored but not yet called: such a signal still takes
 * its default action (signal delivery comes with the signals work).
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
#define NSIG	 64

struct task;

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

/* Send @sig to @t with its default action. */
void signal_send(struct task *t, int sig);

/* Should a sleep in the kernel end early (-EINTR) for a signal? */
bool signal_pending(struct task *t);

#endif /* KERNEL_PROC_SIGNAL_H */
