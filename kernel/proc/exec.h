/*
 * execve: replace the calling process's program with a new one.
 */
#ifndef KERNEL_PROC_EXEC_H
#define KERNEL_PROC_EXEC_H

#include "kernel/lib/types.h"

/* Start the first program: the calling kernel thread (already made a
 * process by process_become_user) runs @path with @argv and @envp, kernel
 * strings, NULL-terminated. Does not return on success; returns -errno
 * if the program cannot be started. */
int exec_first_program(const char *path, const char *const argv[],
		       const char *const envp[]);

#endif /* KERNEL_PROC_EXEC_H */
