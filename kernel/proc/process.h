/*
 * Processes: fork, exit, wait4, and the parent/child tree under init.
 *
 *            init (pid 1)
 *            /          \            every process has a parent; when a
 *         sh (7)       orphan (9)    parent exits first, its children
 *          |                         are handed to init, which reaps
 *        ls (12)                     them: nobody stays a zombie forever
 *
 * A process is one task for now (pid == tid); threads come with clone.
 * Lock: proc_lock protects the tree (parent, children, sibling links)
 * and is taken before sched_lock when both are needed.
 */
#ifndef KERNEL_PROC_PROCESS_H
#define KERNEL_PROC_PROCESS_H

#include "kernel/lib/types.h"

struct task;

/* Linux's wait status: exit code in bits 8-15, or the killing signal in
 * bits 0-6. */
#define W_EXITCODE(code, sig) (((code)&0xff) << 8 | (sig))

/* Take the user-mode traps: exceptions become signals, and the work done
 * on every return to user mode. */
void process_init(void);

/* End the calling process with @wait_status. Does not return. */
__noreturn void process_exit(int wait_status);

/* Make the calling kernel thread a process (for init): a descriptor
 * table with the console on 0, 1 and 2, the root as its directory. */
int process_become_user(void);

#endif /* KERNEL_PROC_PROCESS_H */
