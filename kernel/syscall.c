/*
 * The system-call table and dispatcher.
 *
 * The table is indexed by Linux's x86-64 numbers (the comment beside
 * each line gives the number). A number with no entry returns -ENOSYS,
 * and the first time each one is seen it is logged, by name, so that
 * running a new program shows at once what it misses.
 */
#include "kernel/syscall.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/segments.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/x86.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"
#include "sched/task.h"

/* The identity calls: Sprout has one user, root. */
static long
sys_zero(const struct syscall_args *a)
{
	(void)a;
	return 0;
}

static const syscall_fn syscall_table[SYSCALL_NAMES] = {
	[0] = sys_read,
	[1] = sys_write,
	[2] = sys_open,
	[3] = sys_close,
	[4] = sys_stat,
	[5] = sys_fstat,
	[6] = sys_lstat,
	[7] = sys_poll,
	[8] = sys_lseek,
	[9] = sys_mmap,
	[10] = sys_mprotect,
	[11] = sys_munmap,
	[12] = sys_brk,
	[13] = sys_rt_sigaction,
	[14] = sys_rt_sigprocmask,
	[15] = sys_rt_sigreturn,
	[16] = sys_ioctl,
	[17] = sys_pread64,
	[18] = sys_pwrite64,
	[19] = sys_readv,
	[20] = sys_writev,
	[21] = sys_access,
	[22] = sys_pipe,
	[24] = sys_sched_yield,
	[32] = sys_dup,
	[33] = sys_dup2,
	[34] = sys_pause,
	[35] = sys_nanosleep,
	[36] = sys_getitimer,
	[37] = sys_alarm,
	[38] = sys_setitimer,
	[39] = sys_getpid,
	[56] = sys_clone,
	[57] = sys_fork,
	[58] = sys_vfork,
	[59] = sys_execve,
	[60] = sys_exit,
	[61] = sys_wait4,
	[62] = sys_kill,
	[63] = sys_uname,
	[72] = sys_fcntl,
	[74] = sys_fsync,
	[75] = sys_fsync, /* fdatasync */
	[76] = sys_truncate,
	[77] = sys_ftruncate,
	[79] = sys_getcwd,
	[80] = sys_chdir,
	[82] = sys_rename,
	[83] = sys_mkdir,
	[84] = sys_rmdir,
	[85] = sys_creat,
	[86] = sys_link,
	[87] = sys_unlink,
	[96] = sys_gettimeofday,
	[102] = sys_getuid, /* getuid */
	[104] = sys_zero,   /* getgid */
	[107] = sys_zero,   /* geteuid */
	[108] = sys_zero,   /* getegid */
	[109] = sys_setpgid,
	[110] = sys_getppid,
	[111] = sys_getpgrp,
	[112] = sys_setsid,
	[121] = sys_getpgid,
	[124] = sys_getsid,
	[127] = sys_rt_sigpending,
	[128] = sys_rt_sigtimedwait,
	[129] = sys_rt_sigqueueinfo,
	[130] = sys_rt_sigsuspend,
	[131] = sys_sigaltstack,
	[158] = sys_arch_prctl,
	[169] = sys_reboot,
	[186] = sys_gettid,
	[200] = sys_tkill,
	[202] = sys_futex,
	[217] = sys_getdents64,
	[218] = sys_set_tid_address,
	[228] = sys_clock_gettime,
	[230] = sys_clock_nanosleep,
	[231] = sys_exit_group,
	[234] = sys_tgkill,
	[257] = sys_openat,
	[258] = sys_mkdirat,
	[262] = sys_newfstatat,
	[263] = sys_unlinkat,
	[264] = sys_renameat,
	[265] = sys_linkat,
	[271] = sys_ppoll,
	[269] = sys_faccessat,
	[292] = sys_dup3,
	[293] = sys_pipe2,
	[297] = sys_rt_tgsigqueueinfo,
	[316] = sys_renameat2,
	[318] = sys_getrandom,
	[439] = sys_faccessat2,
};

/* Which unimplemented numbers were reported already. */
static uint64_t reported[SYSCALL_NAMES / 64];

#define STAR_SYSRET_BASE ((uint64_t)(USER32_CS & ~3) << 48)
#define STAR_SYSCALL_CS	 ((uint64_t)KERNEL_CS << 32)
#define MSR_STAR	 0xc0000081
#define MSR_LSTAR	 0xc0000082
#define MSR_CSTAR	 0xc0000083
#define MSR_SFMASK	 0xc0000084
#define RFLAGS_TF	 (1 << 8)
#define RFLAGS_DF	 (1 << 10)
#define RFLAGS_IOPL	 (3 << 12)
#define RFLAGS_NT	 (1 << 14)
#define RFLAGS_AC	 (1 << 18)

void syscall_entry(void);
void syscall_entry_compat(void);

void
syscall_init(void)
{
	/* syscall loads CS = STAR[47:32] and SS = that + 8 (kernel code and
	 * data); sysret loads CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8
	 * (user code and data), hence the GDT order in segments.h. */
	wrmsr(MSR_STAR, STAR_SYSRET_BASE | STAR_SYSCALL_CS);
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* A syscall from 32-bit code (a program can far-jump to the 32-bit
	 * user segment) goes to CSTAR: without it, to address 0, in ring 0.
	 * Sprout has no 32-bit ABI; the stub returns -ENOSYS. */
	wrmsr(MSR_CSTAR, (uint64_t)syscall_entry_compat);
	/* RFLAGS bits cleared on entry: interrupts, direction, single-step,
	 * alignment check (which SMAP's stac sets), and nested task, which
	 * would make the kernel's next iretq fault (Linux masks the same). */
	wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC |
				  RFLAGS_NT | RFLAGS_IOPL);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void
syscall_dispatch(struct trap_frame *tf)
{
	uint64_t nr = tf->rax;
	struct syscall_args args = {
		{ tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 },
		tf,
	};

	current_task()->syscall_nr = nr; /* SA_RESTART may repeat it */
	if (nr < SYSCALL_NAMES && syscall_table[nr]) {
		tf->rax = (uint64_t)syscall_table[nr](&args);
	} else {
		if (nr < SYSCALL_NAMES &&
		    !(reported[nr / 64] & (1ull << (nr % 64)))) {
			reported[nr / 64] |= 1ull << (nr % 64);
			pr_warn("%s[%d]: system call %llu (%s) is not implemented\n",
				current_task()->name, current_task()->pid,
				(unsigned long long)nr,
				syscall_names[nr] ? syscall_names[nr]
						  : "unknown");
		}
		tf->rax = (uint64_t)-ENOSYS;
	}
	trap_user_return_work(tf);
}
