/*
 * What a process keeps for /proc (kernel/fs/procfs.c) and for nothing
 * else: the arguments of its last execve, which /proc/<pid>/cmdline
 * shows, and its directory there. It is a field of struct thread_group,
 * set by three hooks: execve's point of no return, fork, and the reaping
 * of the process.
 *
 * Linux keeps no copy of the arguments: cmdline reads them from the
 * process's own stack, where execve put them. Sprout copies them at
 * execve instead (at most a page, as Linux's cmdline did before 4.2):
 * a few lines, and no reading of another process's memory. The
 * difference shows only for a program that overwrites its arguments to
 * change what ps says: Linux shows the change, Sprout does not. A fork
 * child has its parent's stack, so it shares its parent's copy, which
 * never changes once made.
 */
#ifndef KERNEL_PROC_PROC_INFO_H
#define KERNEL_PROC_PROC_INFO_H

#include "kernel/lib/types.h"

#define PROC_ARGS_MAX 4096 /* bytes of argv kept */

/* The argument strings, each with its NUL, as cmdline shows them.
 * Shared by a process and its fork children: counted, and read-only. */
struct proc_args {
	uint32_t refcount;
	uint32_t size; /* bytes in strings */
	char strings[];
};

struct proc_dir;

struct proc_info {
	struct proc_args *args; /* NULL: not exec'd, or out of memory */
	struct proc_dir *dir;	/* /proc/<pid>, once it was looked up */
};

/* execve, past its point of no return: the first @argc strings at
 * @strings (each NUL-terminated) are the new arguments. Cannot fail:
 * out of memory, the command line is left empty. */
void proc_info_exec(struct proc_info *info, const char *strings, int argc);
/* fork (not a new thread): the child shares its parent's arguments.
 * Caller holds proc_lock. */
void proc_info_fork(struct proc_info *child, const struct proc_info *parent);
/* The process has been reaped: drop the arguments, and tell /proc that
 * its directory has no process any more. Caller holds proc_lock. */
void proc_info_release(struct proc_info *info);

/* One more, one fewer holder of @args (NULL is ignored). */
void proc_args_get(struct proc_args *args);
void proc_args_put(struct proc_args *args);

#endif /* KERNEL_PROC_PROC_INFO_H */
