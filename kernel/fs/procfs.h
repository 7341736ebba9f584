/*
 * /proc: a file system whose files are made when they are read.
 *
 *   /proc/                  the root (procfs.c), mounted at boot
 *     cpuinfo meminfo       files about the machine (procfs_text.c)
 *     uptime version
 *     self                  the caller's own directory, under another name
 *     1/  7/  12/           one directory per process, in pid order
 *       cmdline stat status files about that process (procfs_text.c)
 *
 * Nothing is stored: a lookup of "12" asks the scheduler whether
 * process 12 exists, and a read of /proc/12/stat formats what its
 * struct task and struct thread_group say at that moment. Inodes exist
 * for the directories of processes someone has looked at; they hang off
 * the process (struct proc_info, kernel/proc/proc_info.h) and are freed
 * once the process is reaped and no open file or working directory
 * holds them any more. docs/procfs.md tells the story.
 */
#ifndef KERNEL_FS_PROCFS_H
#define KERNEL_FS_PROCFS_H

#include "kernel/fs/vfs.h"
#include "kernel/lib/types.h"

struct thread_group;

/* Build /proc and put it in the root directory. */
int procfs_init(void);

/* The files of /proc/<pid>/, in the order a listing gives them. */
enum proc_pid_file {
	PROC_PID_CMDLINE,
	PROC_PID_STAT,
	PROC_PID_STATUS,
	PROC_PID_FILES,
};

/*
 * /proc/<pid>: a process's directory and its files. Made the first time
 * the pid is looked up, and counted: the process holds one reference
 * until it is reaped, and so does each open file and each working
 * directory in it.
 */
struct proc_dir {
	uint32_t refcount;
	struct thread_group *group; /* NULL once reaped; under proc_lock */
	char name[12];		    /* the pid in decimal */
	struct inode dir;
	struct inode files[PROC_PID_FILES];
};

/* The process of @d has been reaped: its files now say ESRCH and its
 * directory is empty. Drops the process's reference. Caller holds
 * proc_lock. */
void procfs_process_gone(struct proc_dir *d);

/* --- The text of the files (procfs_text.c) ------------------------------- */

/* The text of one file, made in one go into a buffer of a page. */
struct proc_text {
	char *buf;
	size_t size; /* bytes in buf */
	size_t len;  /* bytes of text so far */
};

/* Append to @t, as printf would; what does not fit is cut off. */
void proc_printf(struct proc_text *t, const char *fmt, ...) __printf_like(2, 3);

/* Each file's text: 0, or -ESRCH when its process has been reaped. The
 * machine's files are given NULL for @d. */
int proc_show_cmdline(struct proc_text *t, struct proc_dir *d);
int proc_show_stat(struct proc_text *t, struct proc_dir *d);
int proc_show_status(struct proc_text *t, struct proc_dir *d);
int proc_show_cpuinfo(struct proc_text *t, struct proc_dir *d);
int proc_show_meminfo(struct proc_text *t, struct proc_dir *d);
int proc_show_uptime(struct proc_text *t, struct proc_dir *d);
int proc_show_sched_trace(struct proc_text *t, struct proc_dir *d);
int proc_show_version(struct proc_text *t, struct proc_dir *d);

#endif /* KERNEL_FS_PROCFS_H */
