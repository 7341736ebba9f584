/*
 * System calls: the Linux x86-64 numbers Sprout implements, the table,
 * and the functions behind it.
 *
 * Each sys_NAME function is a thin wrapper (xv6's pattern): it takes the
 * raw argument registers, checks and converts them, and calls the kernel
 * function that does the work. It returns the result or -errno, which
 * goes back to the program in RAX. Adding a call: write sys_NAME in the
 * subsystem's file, declare it below, add a line to the table in
 * kernel/syscall.c. docs/syscalls.md walks through an example.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/lib/types.h"

struct trap_frame;

#define SYSCALL_NAMES 512 /* room for every Linux x86-64 number */

/* The arguments, in the order of the ABI: RDI, RSI, RDX, R10, R8, R9.
 * @tf is the whole frame, for the calls that need more (fork, execve). */
struct syscall_args {
	uint64_t a[6];
	struct trap_frame *tf;
};
typedef long (*syscall_fn)(const struct syscall_args *args);

extern const char *const syscall_names[SYSCALL_NAMES];

/* Point the syscall instruction at our entry (MSRs STAR, LSTAR, SFMASK). */
void syscall_init(void);
/* Called by kernel/cpu/syscall_entry.S with the frame it built. */
void syscall_dispatch(struct trap_frame *tf);

/* kernel/fs/fs_syscalls.c */
long sys_read(const struct syscall_args *a);
long sys_write(const struct syscall_args *a);
long sys_open(const struct syscall_args *a);
long sys_close(const struct syscall_args *a);
long sys_stat(const struct syscall_args *a);
long sys_fstat(const struct syscall_args *a);
long sys_lstat(const struct syscall_args *a);
long sys_lseek(const struct syscall_args *a);
long sys_ioctl(const struct syscall_args *a);
long sys_readv(const struct syscall_args *a);
long sys_writev(const struct syscall_args *a);
long sys_access(const struct syscall_args *a);
long sys_getcwd(const struct syscall_args *a);
long sys_chdir(const struct syscall_args *a);
long sys_getdents64(const struct syscall_args *a);
long sys_openat(const struct syscall_args *a);
long sys_newfstatat(const struct syscall_args *a);
long sys_faccessat(const struct syscall_args *a);
long sys_faccessat2(const struct syscall_args *a);
long sys_fcntl(const struct syscall_args *a);
long sys_dup(const struct syscall_args *a);
long sys_dup2(const struct syscall_args *a);
long sys_dup3(const struct syscall_args *a);
long sys_creat(const struct syscall_args *a);
long sys_pread64(const struct syscall_args *a);
long sys_pwrite64(const struct syscall_args *a);
long sys_ftruncate(const struct syscall_args *a);
long sys_truncate(const struct syscall_args *a);
long sys_fsync(const struct syscall_args *a);

/* kernel/fs/fs_tree_syscalls.c */
long sys_mkdir(const struct syscall_args *a);
long sys_mkdirat(const struct syscall_args *a);
long sys_rmdir(const struct syscall_args *a);
long sys_unlink(const struct syscall_args *a);
long sys_unlinkat(const struct syscall_args *a);
long sys_rename(const struct syscall_args *a);
long sys_renameat(const struct syscall_args *a);
long sys_renameat2(const struct syscall_args *a);
long sys_link(const struct syscall_args *a);
long sys_linkat(const struct syscall_args *a);

/* kernel/fs/pipe.c, kernel/fs/poll.c */
long sys_pipe(const struct syscall_args *a);
long sys_pipe2(const struct syscall_args *a);
long sys_poll(const struct syscall_args *a);
long sys_ppoll(const struct syscall_args *a);

/* kernel/proc/process.c */
long sys_fork(const struct syscall_args *a);
long sys_vfork(const struct syscall_args *a);
long sys_exit(const struct syscall_args *a);
long sys_exit_group(const struct syscall_args *a);
long sys_wait4(const struct syscall_args *a);
long sys_getpid(const struct syscall_args *a);
long sys_getppid(const struct syscall_args *a);
long sys_setpgid(const struct syscall_args *a);
long sys_getpgid(const struct syscall_args *a);
long sys_getpgrp(const struct syscall_args *a);
long sys_setsid(const struct syscall_args *a);
long sys_getsid(const struct syscall_args *a);
long sys_gettid(const struct syscall_args *a);
long sys_sched_yield(const struct syscall_args *a);
long sys_set_tid_address(const struct syscall_args *a);
long sys_arch_prctl(const struct syscall_args *a);

long sys_clone(const struct syscall_args *a);
long sys_futex(const struct syscall_args *a);

/* The wall clock (CLOCK_REALTIME) in nanoseconds since 1970. */
uint64_t realtime_ns(void);

/* kernel/proc/exec.c */
long sys_execve(const struct syscall_args *a);

/* kernel/proc/signal.c */
long sys_kill(const struct syscall_args *a);
long sys_tkill(const struct syscall_args *a);
long sys_tgkill(const struct syscall_args *a);
long sys_rt_sigaction(const struct syscall_args *a);
long sys_rt_sigprocmask(const struct syscall_args *a);
long sys_pause(const struct syscall_args *a);

/* kernel/proc/sigframe.c */
long sys_rt_sigreturn(const struct syscall_args *a);
long sys_rt_sigsuspend(const struct syscall_args *a);
long sys_rt_sigpending(const struct syscall_args *a);
long sys_rt_sigtimedwait(const struct syscall_args *a);
long sys_sigaltstack(const struct syscall_args *a);

/* kernel/proc/sigqueue.c */
long sys_rt_sigqueueinfo(const struct syscall_args *a);
long sys_rt_tgsigqueueinfo(const struct syscall_args *a);

/* kernel/proc/itimer.c */
long sys_alarm(const struct syscall_args *a);
long sys_setitimer(const struct syscall_args *a);
long sys_getitimer(const struct syscall_args *a);

/* kernel/proc/mman.c */
long sys_brk(const struct syscall_args *a);
long sys_mmap(const struct syscall_args *a);
long sys_munmap(const struct syscall_args *a);
long sys_mprotect(const struct syscall_args *a);

/* kernel/proc/misc.c */
long sys_uname(const struct syscall_args *a);
long sys_getuid(const struct syscall_args *a);
long sys_reboot(const struct syscall_args *a);
long sys_nanosleep(const struct syscall_args *a);
long sys_clock_gettime(const struct syscall_args *a);
long sys_clock_nanosleep(const struct syscall_args *a);
long sys_gettimeofday(const struct syscall_args *a);
long sys_getrandom(const struct syscall_args *a);

#endif /* KERNEL_SYSCALL_H */
