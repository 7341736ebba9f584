/*
 * Pipes (kernel/fs/pipe.c) and poll (kernel/fs/poll.c).
 */
#ifndef KERNEL_FS_PIPE_H
#define KERNEL_FS_PIPE_H

#include "kernel/lib/types.h"

#define PIPE_BUF 4096 /* writes up to this size are atomic (POSIX) */

/* poll(2) event bits: Linux's values. */
#define POLLIN	 0x001
#define POLLPRI	 0x002
#define POLLOUT	 0x004
#define POLLERR	 0x008
#define POLLHUP	 0x010
#define POLLNVAL 0x020

/* Something a poller may wait for has changed (pipe, console): wake
 * every task sleeping in poll, to look again. */
void poll_notify(void);

#endif /* KERNEL_FS_PIPE_H */
