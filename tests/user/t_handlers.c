/*
 * t_handlers: signal handlers. A handler runs with the signal number and
 * a siginfo that says who sent it (kill, tkill, a child's exit, a fault
 * and its address); the signal and sa_mask are blocked while it runs and
 * the old mask is back after; a blocked signal waits, pending, until it
 * is unblocked; SA_RESETHAND and SA_NODEFER; every register (and the SSE
 * registers) survives a handler; a system call that a signal interrupts
 * fails with EINTR, or runs again with SA_RESTART; sigsuspend and pause;
 * SIGCHLD; SIGCHLD set to SIG_IGN leaves no zombie; process groups
 * (setpgid, getpgid, setsid, kill of a group, wait4 of a group); job
 * control: SIGSTOP, SIGTSTP and SIGCONT, wait4's WUNTRACED and
 * WCONTINUED, SIGCHLD's CLD_STOPPED and CLD_CONTINUED; the alternate
 * signal stack: sigaltstack's rules, SA_ONSTACK handlers running there
 * (a stack overflow caught), nested signals, SS_AUTODISARM, uc_stack
 * and rt_sigreturn, running out of it, fork, execve and threads.
 */
#include "t.h"

#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <ucontext.h>

static volatile sig_atomic_t hits, last_sig, depth, max_depth;
static volatile int info_code, info_pid, info_status;
static void *volatile info_addr;
static volatile uint64_t mask_in_handler;

static uint64_t
current_mask(void)
{
	uint64_t m;

	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, 8);
	return m;
}

#define BIT(sig) (1ULL << ((sig)-1))

static void
count(int sig)
{
	hits++;
	last_sig = sig;
	mask_in_handler = current_mask();
}

static void
with_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	info_code = si->si_code;
	info_pid = si->si_pid;
	info_status = si->si_status;
	info_addr = si->si_addr;
}

/* Install fn for sig with flags and sa_mask mask; fail the case if not. */
static void
on(int sig, void (*fn)(int), int flags, uint64_t mask)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	for (int s = 1; s < 64; s++)
		if (mask & BIT(s))
			sigaddset(&sa.sa_mask, s);
	T_REQUIRE(sigaction(sig, &sa, NULL) == 0);
}

static void
on_info(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = with_info;
	sa.sa_flags = SA_SIGINFO;
	T_REQUIRE(sigaction(sig, &sa, NULL) == 0);
}

static void
handler_runs(void)
{
	on(SIGUSR1, count, 0, BIT(SIGHUP));
	uint64_t before = current_mask();
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGUSR1), 0);
	/* The handler ran before kill returned to user mode. */
	T_EQ(hits, 1);
	T_EQ(last_sig, SIGUSR1);
	/* While it ran, the signal and sa_mask were blocked... */
	T_EQ(mask_in_handler, before | BIT(SIGUSR1) | BIT(SIGHUP));
	/* ... and the mask is as it was after. */
	T_EQ(current_mask(), before);
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGUSR1), 0);
	T_EQ(hits, 2);
}

static void
siginfo_kill_and_tkill(void)
{
	on_info(SIGUSR2);
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGUSR2), 0);
	T_EQ(hits, 1);
	T_EQ(info_code, SI_USER);
	T_EQ(info_pid, getpid());
	T_SYS_EQ(syscall(SYS_tkill, syscall(SYS_gettid), SIGUSR2), 0);
	T_EQ(hits, 2);
	T_EQ(info_code, SI_TKILL);
	T_EQ(info_pid, getpid());

	/* From another process: its pid. */
	pid_t parent = getpid(), pid = t_fork();
	if (pid == 0)
		_exit(syscall(SYS_kill, parent, SIGUSR2) == 0 ? 0 : 1);
	T_EXITED(t_wait(pid), 0);
	T_EQ(hits, 3);
	T_EQ(info_pid, pid);
}

static void
blocked_signal_waits(void)
{
	uint64_t set = BIT(SIGUSR1), pending = 0;

	on(SIGUSR1, count, 0, 0);
	T_SYS_EQ(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8), 0);
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGUSR1), 0);
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGUSR1), 0); /* merges */
	T_EQ(hits, 0);
	T_SYS_EQ(syscall(SYS_rt_sigpending, &pending, 8), 0);
	T_EQ(pending, BIT(SIGUSR1));
	/* Unblocking delivers it, once, before sigprocmask returns. */
	T_SYS_EQ(syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, 8), 0);
	T_EQ(hits, 1);
	T_SYS_EQ(syscall(SYS_rt_sigpending, &pending, 8), 0);
	T_EQ(pending, 0);
	T_SYS_ERR(syscall(SYS_rt_sigpending, T_BAD_PTR, 8), EFAULT);
}

static void
reset_hand(void)
{
	struct sigaction old;

	on(SIGUSR1, count, SA_RESETHAND, 0);
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGUSR1), 0);
	T_EQ(hits, 1);
	T_SYS_EQ(sigaction(SIGUSR1, NULL, &old), 0);
	T_CHECK(old.sa_handler == SIG_DFL);
	/* A second SIGUSR1 has the default action now: it kills. */
	pid_t pid = t_fork();
	if (pid == 0) {
		on(SIGUSR1, count, SA_RESETHAND, 0);
		raise(SIGUSR1);
		raise(SIGUSR1);
		_exit(0);
	}
	T_SIGNALED(t_wait(pid), SIGUSR1);
}

static void
nested(int sig)
{
	depth++;
	hits++;
	if (depth > max_depth)
		max_depth = depth;
	if (hits < 3)
		raise(sig);
	depth--;
}

static void
no_defer(void)
{
	/* Without SA_NODEFER the signal waits until the handler returns,
	 * then runs once more: depth never passes 1. */
	on(SIGUSR1, nested, 0, 0);
	raise(SIGUSR1);
	T_EQ(hits, 3);
	T_EQ(max_depth, 1);
	max_depth = hits = 0;
	on(SIGUSR1, nested, SA_NODEFER, 0);
	raise(SIGUSR1);
	T_EQ(hits, 3);
	T_EQ(max_depth, 3);
}

static sigjmp_buf fault_jump;

static void
fault_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_sig = sig;
	info_code = si->si_code;
	info_addr = si->si_addr;
	siglongjmp(fault_jump, 1);
}

static void
fault_caught(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO;
	T_REQUIRE(sigaction(SIGSEGV, &sa, NULL) == 0);
	/* An unmapped address: SEGV_MAPERR. */
	if (sigsetjmp(fault_jump, 1) == 0)
		*(volatile int *)0x1000 = 1;
	T_EQ(last_sig, SIGSEGV);
	T_EQ(info_code, SEGV_MAPERR);
	T_CHECK(info_addr == (void *)0x1000);
	/* A read-only page written: SEGV_ACCERR. */
	char *page =
		mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_REQUIRE(page != MAP_FAILED);
	info_code = 0;
	if (sigsetjmp(fault_jump, 1) == 0)
		*(volatile char *)(page + 100) = 1;
	T_EQ(info_code, SEGV_ACCERR);
	T_CHECK(info_addr == page + 100);
	/* siglongjmp restored the mask: SIGSEGV is not blocked. */
	T_EQ(current_mask() & BIT(SIGSEGV), 0);
}

/*
 * A handler between any two instructions must leave every register as
 * it was. The child keeps sending SIGUSR1 while this loop keeps values
 * in all the general registers it can and in the SSE registers, and
 * checks them after each round.
 */
static void
busy(int sig)
{
	(void)sig;
	hits++;
	/* Dirty the SSE registers: the kernel must restore them. */
	volatile double x = 1.5;
	for (int i = 0; i < 8; i++)
		x = x * 3.25 + i;
	(void)x;
}

static int
register_round(void)
{
	uint64_t bad = 0;

	__asm__ volatile("mov $0x1111, %%rbx\n\t"
			 "mov $0x2222, %%r12\n\t"
			 "mov $0x3333, %%r13\n\t"
			 "mov $0x4444, %%r14\n\t"
			 "mov $0x5555, %%r15\n\t"
			 "mov $0x6666, %%r8\n\t"
			 "mov $0x7777, %%r9\n\t"
			 "movq %%rbx, %%xmm3\n\t"
			 "movq %%r12, %%xmm7\n\t"
			 "mov $200000, %%ecx\n"
			 "1:\n\t"
			 "dec %%ecx\n\t"
			 "jnz 1b\n\t"
			 "cmp $0x1111, %%rbx\n\t"
			 "jne 2f\n\t"
			 "cmp $0x2222, %%r12\n\t"
			 "jne 2f\n\t"
			 "cmp $0x3333, %%r13\n\t"
			 "jne 2f\n\t"
			 "cmp $0x4444, %%r14\n\t"
			 "jne 2f\n\t"
			 "cmp $0x5555, %%r15\n\t"
			 "jne 2f\n\t"
			 "cmp $0x6666, %%r8\n\t"
			 "jne 2f\n\t"
			 "cmp $0x7777, %%r9\n\t"
			 "jne 2f\n\t"
			 "movq %%xmm3, %%rax\n\t"
			 "cmp $0x1111, %%rax\n\t"
			 "jne 2f\n\t"
			 "movq %%xmm7, %%rax\n\t"
			 "cmp $0x2222, %%rax\n\t"
			 "jne 2f\n\t"
			 "jmp 3f\n"
			 "2:\n\t"
			 "mov $1, %0\n"
			 "3:\n"
			 : "+r"(bad)
			 :
			 : "rax", "rbx", "rcx", "r8", "r9", "r12", "r13", "r14",
			   "r15", "xmm3", "xmm7", "cc");
	return (int)bad;
}

static void
registers_survive(void)
{
	on(SIGUSR1, busy, SA_RESTART, 0);
	pid_t parent = getpid(), pid = t_fork();
	if (pid == 0) {
		for (int i = 0; i < 200; i++) {
			if (syscall(SYS_kill, parent, SIGUSR1) != 0)
				_exit(0);
			t_sleep_ms(1);
		}
		_exit(0);
	}
	int rounds = 0, bad = 0;
	while (hits < 20 && rounds < 5000) {
		bad += register_round();
		rounds++;
	}
	syscall(SYS_kill, pid, SIGKILL);
	t_wait(pid);
	T_EQ(bad, 0);
	T_CHECK(hits >= 20);
}

/* read() on an empty pipe, interrupted by a signal from a child. The
 * child sends it five times, 20 ms apart, and only then writes: so at
 * least one signal comes while the parent is in read, however late the
 * parent gets there (a slow machine must not fail the case). */
static void
interrupted_read(int flags, int want_eintr)
{
	int p[2];
	char c = 0;

	T_REQUIRE(pipe(p) == 0);
	on(SIGUSR1, count, flags, 0);
	pid_t parent = getpid(), pid = t_fork();
	if (pid == 0) {
		for (int i = 0; i < 5; i++) {
			t_sleep_ms(20);
			syscall(SYS_kill, parent, SIGUSR1);
		}
		t_sleep_ms(20);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	long r = syscall(SYS_read, p[0], &c, 1);
	if (want_eintr) {
		T_EQ(r, -1);
		T_EQ(errno, EINTR);
	} else {
		T_EQ(r, 1);
		T_EQ(c, 'x');
	}
	T_CHECK(hits >= 1);
	T_EXITED(t_wait(pid), 0);
}

static void
eintr(void)
{
	interrupted_read(0, 1);
}

static void
sa_restart(void)
{
	interrupted_read(SA_RESTART, 0);
}

static void
sigsuspend_waits(void)
{
	uint64_t set = BIT(SIGUSR1), none = 0, before = current_mask();

	on(SIGUSR1, count, 0, 0);
	T_SYS_EQ(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8), 0);
	pid_t parent = getpid(), pid = t_fork();
	if (pid == 0)
		_exit(syscall(SYS_kill, parent, SIGUSR1) == 0 ? 0 : 1);
	/* No race: the signal stays pending until sigsuspend opens the
	 * mask, however soon the child sends it. */
	T_SYS_ERR(syscall(SYS_rt_sigsuspend, &none, 8), EINTR);
	T_EQ(hits, 1);
	T_EQ(mask_in_handler & BIT(SIGUSR1), BIT(SIGUSR1));
	T_EQ(current_mask(), before | BIT(SIGUSR1)); /* the old mask is back */
	T_EXITED(t_wait(pid), 0);
	T_SYS_ERR(syscall(SYS_rt_sigsuspend, T_BAD_PTR, 8), EFAULT);
	T_SYS_ERR(syscall(SYS_rt_sigsuspend, &none, 4), EINVAL);
}

static void
pause_until_signal(void)
{
	on(SIGUSR2, count, 0, 0);
	pid_t parent = getpid(), pid = t_fork();
	if (pid == 0) {
		/* Until it is killed: one of them finds the parent in
		 * pause, however late it gets there. */
		for (;;) {
			t_sleep_ms(20);
			syscall(SYS_kill, parent, SIGUSR2);
		}
	}
	T_SYS_ERR(syscall(SYS_pause), EINTR);
	T_CHECK(hits >= 1);
	T_EQ(last_sig, SIGUSR2);
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	T_SIGNALED(t_wait(pid), SIGKILL);
}

static void
sigchld_handler(void)
{
	uint64_t set = BIT(SIGCHLD), none = 0;

	on_info(SIGCHLD);
	T_SYS_EQ(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8), 0);
	pid_t pid = t_fork();
	if (pid == 0)
		_exit(7);
	T_SYS_ERR(syscall(SYS_rt_sigsuspend, &none, 8), EINTR);
	T_EQ(last_sig, SIGCHLD);
	T_EQ(info_code, CLD_EXITED);
	T_EQ(info_pid, pid);
	T_EQ(info_status, 7);
	T_EXITED(t_wait(pid), 7);

	pid = t_fork();
	if (pid == 0)
		t_linger();
	T_SYS_EQ(syscall(SYS_kill, pid, SIGTERM), 0);
	T_SYS_ERR(syscall(SYS_rt_sigsuspend, &none, 8), EINTR);
	T_EQ(info_code, CLD_KILLED);
	T_EQ(info_pid, pid);
	T_EQ(info_status, SIGTERM);
	T_SIGNALED(t_wait(pid), SIGTERM);
}

static void
sigchld_ignored(void)
{
	/* With SIGCHLD ignored, children leave no zombie to wait for. */
	T_REQUIRE(signal(SIGCHLD, SIG_IGN) != SIG_ERR);
	pid_t pid = t_fork();
	if (pid == 0)
		_exit(0);
	int status;
	T_SYS_ERR(syscall(SYS_wait4, -1, &status, 0, NULL), ECHILD);
	T_SYS_ERR(syscall(SYS_kill, pid, 0), ESRCH);
}

static void
process_groups(void)
{
	pid_t me = getpid();

	/* t_run's child starts in the runner's group. */
	T_SYS_EQ(syscall(SYS_getpgid, 0), syscall(SYS_getpgrp));
	T_SYS_EQ(syscall(SYS_setpgid, 0, 0), 0); /* a group of its own */
	T_SYS_EQ(syscall(SYS_getpgrp), me);
	T_SYS_EQ(syscall(SYS_getpgid, me), me);
	T_SYS_ERR(syscall(SYS_getpgid, 0x3ffffff0), ESRCH);
	T_SYS_ERR(syscall(SYS_setpgid, 0, -1), EINVAL);
	T_SYS_ERR(syscall(SYS_setpgid, 0x3ffffff0, 0), ESRCH);
	T_SYS_ERR(syscall(SYS_setpgid, 0, 0x3ffffff0), EPERM);

	/* Two children in a new group; kill(-g) reaches both, not us. */
	pid_t a = t_fork();
	if (a == 0)
		t_linger();
	T_SYS_EQ(syscall(SYS_setpgid, a, a), 0);
	pid_t b = t_fork();
	if (b == 0)
		t_linger();
	T_SYS_EQ(syscall(SYS_setpgid, b, a), 0);
	T_SYS_EQ(syscall(SYS_getpgid, b), a);
	pid_t c = t_fork(); /* stays in our group */
	if (c == 0)
		_exit(5);
	/* wait4(-a) waits only for that group's children... */
	T_SYS_EQ(syscall(SYS_wait4, -a, NULL, WNOHANG, NULL), 0);
	T_SYS_EQ(syscall(SYS_kill, -a, SIGTERM), 0);
	int status;
	T_EQ(syscall(SYS_wait4, -a, &status, 0, NULL) > 0, 1);
	T_SIGNALED(status, SIGTERM);
	T_EQ(syscall(SYS_wait4, -a, &status, 0, NULL) > 0, 1);
	T_SIGNALED(status, SIGTERM);
	T_SYS_ERR(syscall(SYS_wait4, -a, &status, 0, NULL), ECHILD);
	/* ... and wait4(0) for our own group's. */
	T_SYS_EQ(syscall(SYS_wait4, 0, &status, 0, NULL), c);
	T_EXITED(status, 5);
	T_SYS_ERR(syscall(SYS_kill, -a, SIGTERM), ESRCH);
}

static void
sessions(void)
{
	pid_t me = getpid();

	/* getsid(0) is our own session's id.  It may be 0 on Linux: a
	 * process whose session leader lives outside its pid namespace
	 * (a container's tests) sees that leader as pid 0. */
	long sid = syscall(SYS_getsid, 0);
	T_EQ(sid >= 0, 1);
	T_SYS_EQ(syscall(SYS_getsid, me), sid);
	/* A group leader may not start a session. */
	T_SYS_EQ(syscall(SYS_setpgid, 0, 0), 0);
	T_SYS_ERR(syscall(SYS_setsid), EPERM);
	pid_t pid = t_fork();
	if (pid == 0) {
		if (syscall(SYS_setsid) != getpid())
			_exit(1);
		if (syscall(SYS_getsid, 0) != getpid() ||
		    syscall(SYS_getpgrp) != getpid())
			_exit(2);
		/* A session leader cannot change its group. */
		if (syscall(SYS_setpgid, 0, me) != -1 || errno != EPERM)
			_exit(3);
		_exit(0);
	}
	T_EXITED(t_wait(pid), 0);
	/* A child in another session cannot be moved into our group. */
	T_SYS_ERR(syscall(SYS_getsid, 0x3ffffff0), ESRCH);
}

static void
setpgid_after_exec(void)
{
	int p[2];
	char c;

	/* The child tells the parent its exec is done: the pipe's write
	 * end closes on exec. */
	T_REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	pid_t pid = t_fork();
	if (pid == 0) {
		close(p[0]);
		char *argv[] = { (char *)t_self(), "linger", NULL };
		execv(t_self(), argv);
		_exit(2);
	}
	close(p[1]);
	T_EQ(read(p[0], &c, 1), 0);
	T_SYS_ERR(syscall(SYS_setpgid, pid, pid), EACCES);
	syscall(SYS_kill, pid, SIGKILL);
	T_SIGNALED(t_wait(pid), SIGKILL);
}

/* A handler at an address no CPU can run (not canonical): the process
 * dies by SIGSEGV, and the kernel is not hurt on its way out. */
static void
handler_not_canonical(void)
{
	pid_t pid = t_fork();

	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = (void (*)(int))0x800000000000UL;
		sigaction(SIGUSR1, &sa, NULL);
		raise(SIGUSR1);
		_exit(0);
	}
	T_SIGNALED(t_wait(pid), SIGSEGV);
}

/* The nested-task flag set in user mode must not reach the kernel's
 * own iretq (a fork's child leaves the kernel by one). */
static void
nested_task_flag(void)
{
	pid_t pid = t_fork();

	if (pid == 0) {
		__asm__ volatile("pushfq\n\t"
				 "orq $0x4000, (%%rsp)\n\t"
				 "popfq" ::
					 : "cc", "memory");
		pid_t child = fork();
		if (child == 0)
			_exit(7);
		int status;
		if (waitpid(child, &status, 0) != child)
			_exit(1);
		_exit(WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 0 : 2);
	}
	T_EXITED(t_wait(pid), 0);
}

/*
 * A syscall instruction run in 32-bit compatibility mode. A 64-bit
 * program can get there with a far return to the 32-bit user code
 * segment (16 below its own). What happens depends on the kernel and
 * the CPU (Linux: a 32-bit system call on AMD, SIGILL on Intel; Sprout:
 * -ENOSYS), but the process either comes back or dies by SIGILL, and the
 * system lives on.
 */
static void
compat_mode_syscall(void)
{
	pid_t pid = t_fork();

	if (pid == 0) {
		/* 32-bit code uses ESP: a stack below 4 GiB. */
		char *stack =
			mmap((void *)0x20000000, 4096, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			     -1, 0);
		if (stack == MAP_FAILED)
			_exit(3);
		/* The stack it runs on, from the top: the 32-bit lret's
		 * way back (EIP, CS: 4 bytes each), then the 64-bit lretq's
		 * way in (RIP, CS: 8 bytes each). */
		static volatile uint64_t saved_rsp;
		uint64_t *in = (uint64_t *)(stack + 4096 - 8 - 16);
		__asm__ volatile("mov %%cs, %%eax\n\t"
				 "mov %%eax, 20(%[in])\n\t" /* back: CS */
				 "lea 2f(%%rip), %%rdx\n\t"
				 "mov %%edx, 16(%[in])\n\t" /* back: EIP */
				 "sub $16, %%eax\n\t"
				 "mov %%rax, 8(%[in])\n\t" /* in: CS */
				 "lea 1f(%%rip), %%rdx\n\t"
				 "mov %%rdx, (%[in])\n\t" /* in: RIP */
				 "mov %%rsp, %[saved]\n\t"
				 "mov %[in], %%rsp\n\t"
				 "lretq\n"
				 ".code32\n"
				 "1:\n\t"
				 "mov $20, %%eax\n\t"
				 "syscall\n\t"
				 "lret\n"
				 ".code64\n"
				 "2:\n\t"
				 "mov %[saved], %%rsp"
				 : [saved] "+m"(saved_rsp)
				 : [in] "r"(in)
				 : "rax", "rcx", "rdx", "r11", "memory", "cc");
		_exit(0);
	}
	int status = t_wait(pid);
	if (status != -1 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0) &&
	    !(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL)) {
		char d[64];
		T_FAILF("child %s, want exit 0 or SIGILL",
			t_describe(status, d, sizeof(d)));
	}
}

/* All the bytes waiting in the non-blocking pipe fd: how many. */
static long
drain(int fd)
{
	char buf[512];
	long total = 0, n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	return total;
}

/* Does the writer at the other end of fd write again, within 1 s? */
static int
writer_runs(int fd)
{
	for (int i = 0; i < 200; i++) {
		if (drain(fd) > 0)
			return 1;
		t_sleep_ms(5);
	}
	return 0;
}

/* A child that writes a byte into a pipe whenever there is room: while
 * bytes come, it runs. Once the parent's end is closed it dies of
 * SIGPIPE, so it cannot outlive a failed case. */
static pid_t
busy_writer(int *read_end)
{
	int fds[2];

	T_REQUIRE(pipe2(fds, O_NONBLOCK) == 0);
	pid_t pid = t_fork();
	if (pid == 0) {
		close(fds[0]);
		for (;;)
			if (write(fds[1], "x", 1) < 0 && errno != EAGAIN)
				_exit(1);
	}
	close(fds[1]);
	*read_end = fds[0];
	return pid;
}

static void
stop_and_continue(void)
{
	int fd, status;
	pid_t pid = busy_writer(&fd);

	T_CHECK(writer_runs(fd));
	T_SYS_EQ(syscall(SYS_kill, pid, SIGSTOP), 0);
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, WUNTRACED, NULL), pid);
	T_CHECK(WIFSTOPPED(status));
	T_EQ(WSTOPSIG(status), SIGSTOP);
	/* Reported once; and a plain WNOHANG wait does not see it. */
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, WUNTRACED | WNOHANG, NULL),
		 0);
	drain(fd);
	t_sleep_ms(100);
	T_EQ(drain(fd), 0); /* stopped: it does not run */
	T_SYS_EQ(syscall(SYS_kill, pid, SIGCONT), 0);
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, WCONTINUED, NULL), pid);
	T_CHECK(WIFCONTINUED(status));
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, WCONTINUED | WNOHANG, NULL),
		 0);
	T_CHECK(writer_runs(fd)); /* running again */
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	T_SIGNALED(t_wait(pid), SIGKILL);
	close(fd);
}

static void
tstp_handler_or_stop(void)
{
	int status;

	/* With a handler, SIGTSTP runs it instead of stopping. */
	on(SIGTSTP, count, 0, 0);
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGTSTP), 0);
	T_EQ(hits, 1);
	T_EQ(last_sig, SIGTSTP);
	/* A handler for SIGCONT runs too. */
	on(SIGCONT, count, 0, 0);
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGCONT), 0);
	T_EQ(hits, 2);
	T_EQ(last_sig, SIGCONT);
	/* With SIG_DFL, it stops; SIGKILL ends the stopped child. The
	 * child gets a group of its own: Linux discards SIGTSTP sent to
	 * an orphaned group, and this one is not (its parent is outside
	 * it, in the same session). */
	T_REQUIRE(signal(SIGTSTP, SIG_DFL) != SIG_ERR);
	pid_t pid = t_fork();
	if (pid == 0) {
		setpgid(0, 0);
		t_linger();
	}
	T_SYS_EQ(setpgid(pid, pid), 0);
	T_SYS_EQ(syscall(SYS_kill, pid, SIGTSTP), 0);
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, WUNTRACED, NULL), pid);
	T_CHECK(WIFSTOPPED(status));
	T_EQ(WSTOPSIG(status), SIGTSTP);
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	T_SIGNALED(t_wait(pid), SIGKILL);
}

static void
sigchld_stop_continue(void)
{
	uint64_t set = BIT(SIGCHLD), none = 0;
	int status;

	on_info(SIGCHLD);
	T_SYS_EQ(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8), 0);
	pid_t pid = t_fork();
	if (pid == 0)
		t_linger();
	T_SYS_EQ(syscall(SYS_kill, pid, SIGSTOP), 0);
	T_SYS_ERR(syscall(SYS_rt_sigsuspend, &none, 8), EINTR);
	T_EQ(last_sig, SIGCHLD);
	T_EQ(info_code, CLD_STOPPED);
	T_EQ(info_pid, pid);
	T_EQ(info_status, SIGSTOP);
	T_SYS_EQ(syscall(SYS_kill, pid, SIGCONT), 0);
	T_SYS_ERR(syscall(SYS_rt_sigsuspend, &none, 8), EINTR);
	T_EQ(info_code, CLD_CONTINUED);
	T_EQ(info_pid, pid);
	T_EQ(info_status, SIGCONT);
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	T_SYS_ERR(syscall(SYS_rt_sigsuspend, &none, 8), EINTR);
	T_EQ(info_code, CLD_KILLED);
	T_SIGNALED(t_wait(pid), SIGKILL);

	/* SA_NOCLDSTOP: no SIGCHLD for a stop, but wait4 still sees it. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = count;
	sa.sa_flags = SA_NOCLDSTOP;
	T_REQUIRE(sigaction(SIGCHLD, &sa, NULL) == 0);
	T_SYS_EQ(syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, 8), 0);
	hits = 0;
	pid = t_fork();
	if (pid == 0)
		t_linger();
	T_SYS_EQ(syscall(SYS_kill, pid, SIGSTOP), 0);
	T_SYS_EQ(syscall(SYS_wait4, pid, &status, WUNTRACED, NULL), pid);
	T_CHECK(WIFSTOPPED(status));
	T_EQ(hits, 0);
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	T_SIGNALED(t_wait(pid), SIGKILL);
}

/* A read that a stop and SIGCONT cut short runs again: the program
 * never sees an EINTR it has no handler to explain. */
static void
stop_restarts_read(void)
{
	int in[2], out[2];
	char c = 0;

	T_REQUIRE(pipe(in) == 0 && pipe(out) == 0);
	pid_t pid = t_fork();
	if (pid == 0) {
		long r = syscall(SYS_read, in[0], &c, 1);
		char v = r == 1 && c == 'x' ? 'y' : r < 0 ? 'e' : 'n';
		_exit(write(out[1], &v, 1) == 1 ? 0 : 1);
	}
	t_sleep_ms(50); /* let it block in read */
	int status;
	T_SYS_EQ(syscall(SYS_kill, pid, SIGSTOP), 0);
	T_EQ(syscall(SYS_wait4, pid, &status, WUNTRACED, NULL), pid);
	T_CHECK(WIFSTOPPED(status));
	T_SYS_EQ(syscall(SYS_kill, pid, SIGCONT), 0);
	t_sleep_ms(50);
	T_EQ(write(in[1], "x", 1), 1);
	T_EQ(read(out[0], &c, 1), 1);
	T_EQ(c, 'y');
	T_EXITED(t_wait(pid), 0);
}

/* --- The alternate signal stack (sigaltstack, SA_ONSTACK) ------------- */

#define ALT_SIZE (64 * 1024)

/* What a handler saw: where its local variable was, what sigaltstack
 * said inside it, and the uc_stack of its frame. */
static volatile uintptr_t alt_local, alt_local2;
static volatile int alt_flags_inside, alt_set_inside;
static stack_t alt_uc_stack, alt_inside;

/* Memory for an alternate stack, with an inaccessible page below it,
 * so that running off its bottom faults instead of writing over
 * whatever lies there. */
static char *
alt_map(size_t size)
{
	char *p = mmap(NULL, size + 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	T_REQUIRE(p != MAP_FAILED);
	T_REQUIRE(mprotect(p, 4096, PROT_NONE) == 0);
	return p + 4096;
}

static long
altstack(const void *ss, void *old)
{
	return syscall(SYS_sigaltstack, ss, old);
}

/* Give the caller's thread the alternate stack [base, base + size). */
static void
alt_set(char *base, size_t size, int flags)
{
	stack_t ss = { .ss_sp = base, .ss_flags = flags, .ss_size = size };

	T_REQUIRE(altstack(&ss, NULL) == 0);
}

static int
on_alt(uintptr_t addr, const char *base, size_t size)
{
	return addr >= (uintptr_t)base && addr < (uintptr_t)base + size;
}

/* Install fn for sig as an SA_SIGINFO handler with flags. */
static void
on_action(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	T_REQUIRE(sigaction(sig, &sa, NULL) == 0);
}

static void
alt_where(int sig, siginfo_t *si, void *uc)
{
	volatile char local = 0;
	stack_t ss = { 0 };

	(void)sig, (void)si;
	alt_local = (uintptr_t)&local;
	altstack(NULL, &alt_inside);
	alt_flags_inside = alt_inside.ss_flags;
	alt_uc_stack = ((ucontext_t *)uc)->uc_stack;
	/* Changing the stack a handler runs on is refused. */
	ss.ss_flags = SS_DISABLE;
	alt_set_inside = altstack(&ss, NULL) == 0 ? 0 : errno;
	hits++;
}

/* The system call's own rules: the flags, the size, the pointers. */
static void
altstack_errors(void)
{
	char *base = alt_map(ALT_SIZE);
	stack_t ss, old;

	/* After execve there is none. */
	memset(&old, 0x55, sizeof(old));
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_EQ(old.ss_flags, SS_DISABLE);
	T_CHECK(old.ss_sp == NULL);
	T_EQ(old.ss_size, 0);
	T_SYS_EQ(altstack(NULL, NULL), 0);

	ss = (stack_t){ .ss_sp = base, .ss_size = ALT_SIZE, .ss_flags = 4 };
	T_SYS_ERR(altstack(&ss, NULL), EINVAL);
	ss.ss_flags = SS_ONSTACK | SS_DISABLE;
	T_SYS_ERR(altstack(&ss, NULL), EINVAL);
	ss.ss_flags = 0;
	ss.ss_size = MINSIGSTKSZ - 1;
	T_SYS_ERR(altstack(&ss, NULL), ENOMEM);
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_EQ(old.ss_flags, SS_DISABLE); /* nothing changed */

	/* MINSIGSTKSZ is x86-64's 2048, and that is enough to ask for. */
	T_EQ(MINSIGSTKSZ, 2048);
	ss.ss_size = MINSIGSTKSZ;
	T_SYS_EQ(altstack(&ss, NULL), 0);
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_CHECK(old.ss_sp == base);
	T_EQ(old.ss_size, MINSIGSTKSZ);
	T_EQ(old.ss_flags, 0);

	/* SS_ONSTACK is taken as 0 (old programs pass it); the old setting
	 * comes back in the same call. */
	ss = (stack_t){ .ss_sp = base,
			.ss_size = ALT_SIZE,
			.ss_flags = SS_ONSTACK };
	T_SYS_EQ(altstack(&ss, &old), 0);
	T_EQ(old.ss_size, MINSIGSTKSZ);
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_EQ(old.ss_size, ALT_SIZE);
	T_EQ(old.ss_flags, 0);

	/* SS_AUTODISARM is kept and reported beside the state. */
	ss.ss_flags = SS_AUTODISARM;
	T_SYS_EQ(altstack(&ss, NULL), 0);
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_EQ((unsigned)old.ss_flags, SS_AUTODISARM);

	/* SS_DISABLE: the address and size are dropped, even a size that
	 * would be too small. */
	ss = (stack_t){ .ss_sp = base, .ss_size = 1, .ss_flags = SS_DISABLE };
	T_SYS_EQ(altstack(&ss, NULL), 0);
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_EQ(old.ss_flags, SS_DISABLE);
	T_CHECK(old.ss_sp == NULL);
	T_EQ(old.ss_size, 0);

	/* Bad pointers. A bad old pointer fails the call after the new
	 * setting is made. */
	T_SYS_ERR(altstack(T_BAD_PTR, NULL), EFAULT);
	T_SYS_ERR(altstack(T_KERNEL_PTR, NULL), EFAULT);
	T_SYS_ERR(altstack(NULL, T_BAD_PTR), EFAULT);
	T_SYS_ERR(altstack(NULL, T_KERNEL_PTR), EFAULT);
	ss = (stack_t){ .ss_sp = base, .ss_size = ALT_SIZE };
	T_SYS_ERR(altstack(&ss, T_BAD_PTR), EFAULT);
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_CHECK(old.ss_sp == base);
}

/* An SA_ONSTACK handler runs on the alternate stack, which says
 * SS_ONSTACK there and refuses to change (EPERM); uc_stack records it.
 * A handler without SA_ONSTACK stays on the normal stack. */
static void
altstack_handler_runs_on_it(void)
{
	char *base = alt_map(ALT_SIZE);
	stack_t old;

	alt_set(base, ALT_SIZE, 0);
	on_action(SIGUSR1, alt_where, SA_ONSTACK);
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGUSR1), 0);
	T_EQ(hits, 1);
	T_CHECK(on_alt(alt_local, base, ALT_SIZE));
	T_EQ(alt_flags_inside, SS_ONSTACK);
	T_CHECK(alt_inside.ss_sp == base);
	T_EQ(alt_inside.ss_size, ALT_SIZE);
	T_EQ(alt_set_inside, EPERM);
	T_CHECK(alt_uc_stack.ss_sp == base);
	T_EQ(alt_uc_stack.ss_size, ALT_SIZE);
	/* Back on the normal stack, and the setting is unchanged. */
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_EQ(old.ss_flags, 0);
	T_CHECK(old.ss_sp == base);

	on_action(SIGUSR1, alt_where, 0);
	T_SYS_EQ(syscall(SYS_kill, getpid(), SIGUSR1), 0);
	T_EQ(hits, 2);
	T_CHECK(!on_alt(alt_local, base, ALT_SIZE));
	T_EQ(alt_flags_inside, 0);
	T_EQ(alt_set_inside, 0); /* not on it: the change is allowed */
	/* ... but rt_sigreturn put back the setting in uc_stack. */
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_EQ(old.ss_flags, 0);
	T_CHECK(old.ss_sp == base);
}

static void
alt_inner(int sig, siginfo_t *si, void *uc)
{
	volatile char local = 0;

	(void)sig, (void)si, (void)uc;
	alt_local2 = (uintptr_t)&local;
}

static void
alt_outer(int sig, siginfo_t *si, void *uc)
{
	volatile char local = 0;

	(void)sig, (void)si, (void)uc;
	alt_local = (uintptr_t)&local;
	raise(SIGUSR2);
}

/* A signal taken while a handler runs on the alternate stack gets its
 * frame below, on the same stack, even for a handler without
 * SA_ONSTACK. */
static void
altstack_nested_stays_on_it(void)
{
	char *base = alt_map(ALT_SIZE);

	alt_set(base, ALT_SIZE, 0);
	on_action(SIGUSR1, alt_outer, SA_ONSTACK);
	on_action(SIGUSR2, alt_inner, 0);
	raise(SIGUSR1);
	T_CHECK(on_alt(alt_local, base, ALT_SIZE));
	T_CHECK(on_alt(alt_local2, base, ALT_SIZE));
	T_CHECK(alt_local2 < alt_local);
}

/* SS_AUTODISARM: the stack is disarmed while the handler runs on it,
 * and rt_sigreturn sets it again from uc_stack. */
static void
altstack_autodisarm(void)
{
	char *base = alt_map(ALT_SIZE);
	stack_t old;

	alt_set(base, ALT_SIZE, SS_AUTODISARM);
	on_action(SIGUSR1, alt_where, SA_ONSTACK);
	raise(SIGUSR1);
	T_EQ(hits, 1);
	T_CHECK(on_alt(alt_local, base, ALT_SIZE));
	T_EQ(alt_flags_inside, SS_DISABLE);
	T_EQ(alt_inside.ss_size, 0);
	T_EQ(alt_set_inside, 0); /* disarmed, so it may change */
	T_CHECK(alt_uc_stack.ss_sp == base);
	T_EQ(alt_uc_stack.ss_size, ALT_SIZE);
	T_EQ((unsigned)alt_uc_stack.ss_flags, SS_AUTODISARM);
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_CHECK(old.ss_sp == base);
	T_EQ(old.ss_size, ALT_SIZE);
	T_EQ((unsigned)old.ss_flags, SS_AUTODISARM);
}

static void
alt_disable_on_return(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si;
	((ucontext_t *)uc)->uc_stack.ss_flags = SS_DISABLE;
	hits++;
}

/* rt_sigreturn takes the setting from uc_stack, which a handler may
 * change like the rest of the frame. */
static void
altstack_sigreturn_restores(void)
{
	char *base = alt_map(ALT_SIZE);
	stack_t old;

	alt_set(base, ALT_SIZE, 0);
	on_action(SIGUSR1, alt_disable_on_return, 0);
	raise(SIGUSR1);
	T_EQ(hits, 1);
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_EQ(old.ss_flags, SS_DISABLE);
	T_EQ(old.ss_size, 0);
}

static sigjmp_buf overflow_jump;

static void
overflow_handler(int sig, siginfo_t *si, void *uc)
{
	volatile char local = 0;

	(void)si, (void)uc;
	last_sig = sig;
	alt_local = (uintptr_t)&local;
	siglongjmp(overflow_jump, 1);
}

#define RECURSE_MAX (64L * 1024) /* 64 MiB of 1 KiB frames */

/* Call itself until the stack runs out. The empty asm after the call
 * uses the frame, so the compiler cannot make the recursion a loop. */
static long
recurse(long n)
{
	volatile char frame[1024];

	frame[0] = (char)n;
	if (n >= RECURSE_MAX)
		return n; /* a stack limit above 64 MiB (ulimit -s)? */
	long r = recurse(n + 1);
	__asm__ volatile("" : : "r"(frame) : "memory");
	return r + frame[0];
}

/* The reason sigaltstack exists: a SIGSEGV handler that catches the
 * overflow of the stack, which it could not run on. Without an
 * alternate stack the same program dies by SIGSEGV. */
static void
altstack_catches_overflow(void)
{
	char *base = alt_map(ALT_SIZE);
	struct rlimit stack;

	/* The overflow must come within RECURSE_MAX frames: where the
	 * stack's limit is larger or unlimited (ulimit -s), lower it, as
	 * Linux checks the limit each time the stack grows. Where the call
	 * does not exist, the stack has a fixed size. */
	if (getrlimit(RLIMIT_STACK, &stack) == 0 &&
	    (stack.rlim_cur == RLIM_INFINITY ||
	     stack.rlim_cur > 8ul * 1024 * 1024)) {
		stack.rlim_cur = 8ul * 1024 * 1024;
		T_REQUIRE(setrlimit(RLIMIT_STACK, &stack) == 0);
	}

	pid_t pid = t_fork();
	if (pid == 0) {
		on_action(SIGSEGV, overflow_handler, SA_ONSTACK);
		recurse(0);
		_exit(3);
	}
	T_SIGNALED(t_wait(pid), SIGSEGV);

	alt_set(base, ALT_SIZE, 0);
	on_action(SIGSEGV, overflow_handler, SA_ONSTACK);
	if (sigsetjmp(overflow_jump, 1) == 0) {
		recurse(0);
		T_FAILF("the stack did not overflow in 64 MiB");
		return;
	}
	T_EQ(last_sig, SIGSEGV);
	T_CHECK(on_alt(alt_local, base, ALT_SIZE));
	T_EQ(current_mask() & BIT(SIGSEGV), 0);
}

static long overflow_pipe, overflow_pid;

/* Raw system calls only, so that the handler itself pushes nothing:
 * it is the kernel that finds no room for the next frame, before the
 * handler could run into the guard page below the stack. */
static void
alt_deeper(int sig)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "0"((long)SYS_write), "D"(overflow_pipe), "S"("x"),
			   "d"(1L)
			 : "rcx", "r11", "memory");
	/* SA_NODEFER: one more frame, below this one. */
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "0"((long)SYS_kill), "D"(overflow_pid),
			   "S"((long)sig)
			 : "rcx", "r11", "memory");
}

/* Signals nested on a small alternate stack until a frame no longer
 * fits: the process dies by SIGSEGV rather than write below it. */
static void
altstack_overflow_kills(void)
{
	int p[2];
	char buf[256];
	long n, total = 0;

	T_REQUIRE(pipe(p) == 0);
	pid_t pid = t_fork();
	if (pid == 0) {
		char *base = alt_map(4 * 4096);
		close(p[0]);
		overflow_pipe = p[1];
		overflow_pid = getpid();
		alt_set(base, 4 * 4096, 0);
		on(SIGUSR1, alt_deeper, SA_ONSTACK | SA_NODEFER, 0);
		raise(SIGUSR1);
		_exit(3);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		total += n;
	T_SIGNALED(t_wait(pid), SIGSEGV);
	T_CHECK(total >= 2); /* nested at least once before it ran out */
}

/* fork and vfork children keep the setting; execve drops it (the
 * program started again with "altstack-after-exec" reports). */
static void
altstack_fork_exec(void)
{
	char *base = alt_map(ALT_SIZE);

	alt_set(base, ALT_SIZE, 0);
	pid_t pid = t_fork();
	if (pid == 0) {
		stack_t old;
		_exit(altstack(NULL, &old) == 0 && old.ss_sp == base &&
				      old.ss_size == ALT_SIZE &&
				      old.ss_flags == 0
			      ? 0
			      : 1);
	}
	T_EXITED(t_wait(pid), 0);

	pid = vfork();
	if (pid == 0) {
		stack_t old;
		_exit(altstack(NULL, &old) == 0 && old.ss_sp == base ? 0 : 1);
	}
	T_REQUIRE(pid > 0);
	T_EXITED(t_wait(pid), 0);

	pid = t_fork();
	if (pid == 0) {
		char *argv[] = { (char *)t_self(), "altstack-after-exec",
				 NULL };
		execv(t_self(), argv);
		_exit(2);
	}
	T_EXITED(t_wait(pid), 0);
}

/* Started by altstack_fork_exec: 0 if there is no alternate stack. */
static int
altstack_after_exec(void)
{
	stack_t old;

	if (altstack(NULL, &old) != 0)
		return 1;
	return old.ss_flags == SS_DISABLE && !old.ss_sp && !old.ss_size ? 0 : 1;
}

static char *thread_base;

static void *
altstack_thread(void *arg)
{
	stack_t old;

	(void)arg;
	/* A new thread starts without one... */
	if (altstack(NULL, &old) != 0 || old.ss_flags != SS_DISABLE)
		return (void *)1;
	/* ... and its own is its own. */
	stack_t ss = { .ss_sp = thread_base, .ss_size = ALT_SIZE };
	if (altstack(&ss, NULL) != 0)
		return (void *)2;
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	return on_alt(alt_local, thread_base, ALT_SIZE) ? NULL : (void *)3;
}

/* Each thread has its own alternate stack. */
static void
altstack_per_thread(void)
{
	char *base = alt_map(ALT_SIZE);
	pthread_t th;
	void *result;
	stack_t old;

	thread_base = alt_map(ALT_SIZE);
	alt_set(base, ALT_SIZE, 0);
	on_action(SIGUSR1, alt_where, SA_ONSTACK);
	T_REQUIRE(pthread_create(&th, NULL, altstack_thread, NULL) == 0);
	T_REQUIRE(pthread_join(th, &result) == 0);
	T_CHECK(result == NULL);
	T_EQ(hits, 1);
	/* This thread's setting did not change. */
	T_SYS_EQ(altstack(NULL, &old), 0);
	T_CHECK(old.ss_sp == base);
	raise(SIGUSR1);
	T_EQ(hits, 2);
	T_CHECK(on_alt(alt_local, base, ALT_SIZE));
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "linger") == 0)
		t_linger();
	if (argc > 1 && strcmp(argv[1], "altstack-after-exec") == 0)
		return altstack_after_exec();
	t_init(argc, argv, "handlers");
	T_RUN(handler_runs);
	T_RUN(siginfo_kill_and_tkill);
	T_RUN(blocked_signal_waits);
	T_RUN(reset_hand);
	T_RUN(no_defer);
	T_RUN(fault_caught);
	T_RUN(registers_survive);
	T_RUN(eintr);
	T_RUN(sa_restart);
	T_RUN(sigsuspend_waits);
	T_RUN(pause_until_signal);
	T_RUN(sigchld_handler);
	T_RUN(sigchld_ignored);
	T_RUN(process_groups);
	T_RUN(sessions);
	T_RUN(setpgid_after_exec);
	T_RUN(handler_not_canonical);
	T_RUN(nested_task_flag);
	T_RUN(compat_mode_syscall);
	T_RUN(stop_and_continue);
	T_RUN(tstp_handler_or_stop);
	T_RUN(sigchld_stop_continue);
	T_RUN(stop_restarts_read);
	T_RUN(altstack_errors);
	T_RUN(altstack_handler_runs_on_it);
	T_RUN(altstack_nested_stays_on_it);
	T_RUN(altstack_autodisarm);
	T_RUN(altstack_sigreturn_restores);
	T_RUN(altstack_catches_overflow);
	T_RUN(altstack_overflow_kills);
	T_RUN(altstack_fork_exec);
	T_RUN(altstack_per_thread);
	return t_done();
}
