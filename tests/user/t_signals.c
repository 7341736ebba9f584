/*
 * t_signals: signals, as far as Sprout has them. The default actions:
 * a child that faults (null and kernel addresses, a non-canonical
 * address, ud2, division by zero, int3, a privileged instruction) dies by
 * the matching signal, and kill() with SIGKILL or SIGTERM ends a child,
 * which wait4 reports with WIFSIGNALED. kill() with signal 0 and its
 * errors. rt_sigaction and rt_sigprocmask store what they are given and
 * give it back (no handler is ever run), rt_sigprocmask in Linux's order
 * of checks and writes, and a child inherits both.
 */
#include "t.h"

#include <stdint.h>

/* The kernel's struct sigaction on x86-64, and its flags. */
struct ksigaction {
	uintptr_t handler;
	unsigned long flags;
	uintptr_t restorer;
	uint64_t mask;
};

#define KSA_SIGINFO  0x00000004UL
#define KSA_RESTORER 0x04000000UL
#define KSA_RESTART  0x10000000UL
#define KSIG_DFL     0
#define KSIG_IGN     1

#define BIT(sig) (1ULL << ((sig)-1))

static long
sigaction_raw(int sig, const struct ksigaction *act, struct ksigaction *old)
{
	return syscall(SYS_rt_sigaction, sig, act, old, 8);
}

static long
sigmask_raw(int how, const uint64_t *set, uint64_t *old)
{
	return syscall(SYS_rt_sigprocmask, how, set, old, 8);
}

/* Run fault() in a child and expect it to die by signal sig. */
#define T_DIES(fault, sig) t_dies(__FILE__, __LINE__, #fault, (fault), (sig))

static void
t_dies(const char *file, int line, const char *what, void (*fault)(void),
       int sig)
{
	pid_t pid = t_fork();
	char d[64];
	int status;

	if (pid == 0) {
		fault();
		_exit(0);
	}
	status = t_wait(pid);
	if (status != -1 && !(WIFSIGNALED(status) && WTERMSIG(status) == sig))
		t_fail(file, line,
		       "%s: child %s, want killed by signal %d (%s)", what,
		       t_describe(status, d, sizeof(d)), sig, t_signame(sig));
}

static void
write_null(void)
{
	*(volatile int *)0 = 0;
}

static void
read_null(void)
{
	(void)*(volatile int *)0;
}

static void
read_kernel(void)
{
	(void)*(volatile int *)0xffff800000000000UL;
}

static void
write_kernel(void)
{
	*(volatile int *)0xffffffff80000000UL = 0;
}

static void
read_noncanonical(void)
{
	(void)*(volatile int *)0x0000800000000000UL;
}

static void
jump_null(void)
{
	((void (*)(void))0)();
}

static void
segv_faults(void)
{
	T_DIES(write_null, SIGSEGV);
	T_DIES(read_null, SIGSEGV);
	T_DIES(read_kernel, SIGSEGV);
	T_DIES(write_kernel, SIGSEGV);
	T_DIES(read_noncanonical, SIGSEGV);
	T_DIES(jump_null, SIGSEGV);
}

static void
do_ud2(void)
{
	__asm__ volatile("ud2");
}

static void
sigill_ud2(void)
{
	T_DIES(do_ud2, SIGILL);
}

static void
divide_by_zero(void)
{
	__asm__ volatile("xor %%ecx, %%ecx\n\t"
			 "mov $1, %%eax\n\t"
			 "xor %%edx, %%edx\n\t"
			 "div %%ecx" ::
				 : "eax", "ecx", "edx");
}

static void
divide_overflow(void)
{
	/* INT64_MIN / -1 does not fit: the same #DE. */
	__asm__ volatile("mov $-1, %%rcx\n\t"
			 "mov $0x8000000000000000, %%rax\n\t"
			 "cqo\n\t"
			 "idiv %%rcx" ::
				 : "rax", "rcx", "rdx");
}

static void
sigfpe_divide(void)
{
	T_DIES(divide_by_zero, SIGFPE);
	T_DIES(divide_overflow, SIGFPE);
}

static void
do_int3(void)
{
	__asm__ volatile("int3");
}

static void
sigtrap_int3(void)
{
	T_DIES(do_int3, SIGTRAP);
}

static void
do_hlt(void)
{
	__asm__ volatile("hlt");
}

static void
do_cli(void)
{
	__asm__ volatile("cli");
}

static void
do_inb(void)
{
	__asm__ volatile("inb $0x60, %%al" ::: "eax");
}

static void
do_int_0x20(void)
{
	/* An interrupt gate user code may not call: #GP. */
	__asm__ volatile("int $0x20");
}

static void
privileged_instructions(void)
{
	T_DIES(do_hlt, SIGSEGV);
	T_DIES(do_cli, SIGSEGV);
	T_DIES(do_inb, SIGSEGV);
	T_DIES(do_int_0x20, SIGSEGV);
}

/* Set sig's action to SIG_DFL and unblock it, for the children. */
static void
default_action(int sig)
{
	struct ksigaction act = { KSIG_DFL, 0, 0, 0 };
	uint64_t set = BIT(sig);

	T_SYS_EQ(sigaction_raw(sig, &act, NULL), 0);
	T_SYS_EQ(sigmask_raw(SIG_UNBLOCK, &set, NULL), 0);
}

static void
kill_sleeping(void)
{
	static const int sigs[] = { SIGKILL, SIGTERM };

	default_action(SIGTERM);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t pid = t_fork();
		if (pid == 0)
			t_linger();
		T_SYS_EQ(syscall(SYS_kill, pid, sigs[i]), 0);
		T_SIGNALED(t_wait(pid), sigs[i]);
	}
}

/* A child that never makes a system call can be killed all the same. */
static void
spin(void)
{
	long long deadline = t_now_ms() + T_LINGER_MS;

	for (;;) {
		for (volatile long i = 0; i < 1000000; i++)
			;
		if (t_now_ms() > deadline)
			_exit(T_LINGER_EXIT);
	}
}

static void
kill_spinning(void)
{
	static const int sigs[] = { SIGKILL, SIGTERM };

	default_action(SIGTERM);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t pid = t_fork();
		if (pid == 0)
			spin();
		t_sleep_ms(10);
		T_SYS_EQ(syscall(SYS_kill, pid, sigs[i]), 0);
		T_SIGNALED(t_wait(pid), sigs[i]);
	}
}

static void
kill_self(void)
{
	static const int sigs[] = { SIGKILL, SIGTERM };

	default_action(SIGTERM);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t pid = t_fork();
		if (pid == 0) {
			syscall(SYS_kill, syscall(SYS_getpid), sigs[i]);
			_exit(T_LINGER_EXIT);
		}
		T_SIGNALED(t_wait(pid), sigs[i]);
	}
}

/* Blocking SIGKILL is silently refused. */
static void
kill_blocked_sigkill(void)
{
	uint64_t set = BIT(SIGKILL) | BIT(SIGSTOP);
	pid_t pid;

	T_SYS_EQ(sigmask_raw(SIG_BLOCK, &set, NULL), 0);
	pid = t_fork();
	if (pid == 0)
		t_linger();
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	T_SIGNALED(t_wait(pid), SIGKILL);
}

static void
kill_signal_zero(void)
{
	pid_t pid = t_fork();

	if (pid == 0)
		t_linger();
	T_SYS_EQ(syscall(SYS_kill, pid, 0), 0);
	T_SYS_EQ(syscall(SYS_kill, syscall(SYS_getpid), 0), 0);
	T_SYS_ERR(syscall(SYS_kill, pid, -1), EINVAL);
	T_SYS_ERR(syscall(SYS_kill, pid, 65), EINVAL);
	T_SYS_ERR(syscall(SYS_kill, pid, 1000), EINVAL);
	/* The child is still there after those. */
	T_SYS_EQ(syscall(SYS_kill, pid, 0), 0);
	T_SYS_EQ(syscall(SYS_kill, pid, SIGKILL), 0);
	T_SIGNALED(t_wait(pid), SIGKILL);
	/* Once reaped, it is gone. */
	T_SYS_ERR(syscall(SYS_kill, pid, 0), ESRCH);
	T_SYS_ERR(syscall(SYS_kill, pid, SIGKILL), ESRCH);
	T_SYS_ERR(syscall(SYS_kill, 0x3ffffff0, 0), ESRCH);
}

static void
handler(int sig)
{
	(void)sig;
}

static void
restorer(void)
{
}

static void
sigaction_roundtrip(void)
{
	struct ksigaction a = {
		(uintptr_t)handler,
		KSA_SIGINFO | KSA_RESTORER | KSA_RESTART,
		(uintptr_t)restorer,
		BIT(SIGUSR2) | BIT(SIGTERM) | BIT(40),
	};
	struct ksigaction b = { KSIG_IGN, KSA_RESTORER, (uintptr_t)restorer,
				0 };
	struct ksigaction old;

	T_SYS_EQ(sigaction_raw(SIGUSR1, &a, NULL), 0);
	memset(&old, 0x5a, sizeof(old));
	T_SYS_EQ(sigaction_raw(SIGUSR1, &b, &old), 0);
	T_EQ(old.handler, a.handler);
	T_EQ(old.flags, a.flags);
	T_EQ(old.restorer, a.restorer);
	T_EQ(old.mask, a.mask);
	memset(&old, 0x5a, sizeof(old));
	T_SYS_EQ(sigaction_raw(SIGUSR1, NULL, &old), 0);
	T_EQ(old.handler, KSIG_IGN);
	T_EQ(old.flags, b.flags);
	T_EQ(old.mask, 0);

	/* Each signal has its own action; real-time ones too. */
	T_SYS_EQ(sigaction_raw(40, &a, NULL), 0);
	T_SYS_EQ(sigaction_raw(SIGUSR1, NULL, &old), 0);
	T_EQ(old.handler, KSIG_IGN);
	T_SYS_EQ(sigaction_raw(40, NULL, &old), 0);
	T_EQ(old.handler, a.handler);
	T_SYS_EQ(sigaction_raw(64, &b, NULL), 0);

	/* SIGKILL and SIGSTOP are never added to the mask. */
	a.mask = BIT(SIGKILL) | BIT(SIGSTOP) | BIT(SIGUSR2);
	T_SYS_EQ(sigaction_raw(SIGUSR2, &a, NULL), 0);
	T_SYS_EQ(sigaction_raw(SIGUSR2, NULL, &old), 0);
	T_EQ(old.mask, BIT(SIGUSR2));
}

static void
sigaction_errors(void)
{
	struct ksigaction act = { KSIG_IGN, KSA_RESTORER, (uintptr_t)restorer,
				  0 };
	struct ksigaction old;

	T_SYS_ERR(sigaction_raw(SIGKILL, &act, NULL), EINVAL);
	T_SYS_ERR(sigaction_raw(SIGSTOP, &act, NULL), EINVAL);
	T_SYS_ERR(sigaction_raw(0, &act, NULL), EINVAL);
	T_SYS_ERR(sigaction_raw(65, &act, NULL), EINVAL);
	T_SYS_ERR(sigaction_raw(-1, NULL, &old), EINVAL);
	T_SYS_ERR(syscall(SYS_rt_sigaction, SIGUSR1, &act, NULL, 4), EINVAL);
	T_SYS_ERR(syscall(SYS_rt_sigaction, SIGUSR1, &act, NULL, 16), EINVAL);
	/* Asking about SIGKILL is fine: it has the default action. */
	memset(&old, 0x5a, sizeof(old));
	T_SYS_EQ(sigaction_raw(SIGKILL, NULL, &old), 0);
	T_EQ(old.handler, KSIG_DFL);

	T_SYS_EQ(sigaction_raw(SIGUSR1, &act, NULL), 0);
	T_SYS_ERR(sigaction_raw(SIGUSR1, T_BAD_PTR, NULL), EFAULT);
	T_SYS_ERR(sigaction_raw(SIGUSR1, T_KERNEL_PTR, NULL), EFAULT);
	T_SYS_ERR(sigaction_raw(SIGUSR1, NULL, T_BAD_PTR), EFAULT);
	T_SYS_ERR(sigaction_raw(SIGUSR1, NULL, T_KERNEL_PTR), EFAULT);
	/* The action did not change. */
	T_SYS_EQ(sigaction_raw(SIGUSR1, NULL, &old), 0);
	T_EQ(old.handler, KSIG_IGN);
}

/* A child starts with its parent's actions; its changes are its own. */
static void
sigaction_fork(void)
{
	struct ksigaction a = { (uintptr_t)handler, KSA_RESTORER,
				(uintptr_t)restorer, BIT(SIGHUP) };
	struct ksigaction old;
	pid_t pid;

	T_SYS_EQ(sigaction_raw(SIGUSR1, &a, NULL), 0);
	pid = t_fork();
	if (pid == 0) {
		struct ksigaction ign = { KSIG_IGN, 0, 0, 0 };
		if (sigaction_raw(SIGUSR1, NULL, &old) != 0)
			_exit(1);
		if (old.handler != a.handler || old.mask != a.mask ||
		    old.flags != a.flags || old.restorer != a.restorer)
			_exit(2);
		_exit(sigaction_raw(SIGUSR1, &ign, NULL) == 0 ? 0 : 3);
	}
	T_EXITED(t_wait(pid), 0);
	T_SYS_EQ(sigaction_raw(SIGUSR1, NULL, &old), 0);
	T_EQ(old.handler, a.handler);
}

static void
sigprocmask_roundtrip(void)
{
	uint64_t start, set, old;

	T_SYS_EQ(sigmask_raw(SIG_SETMASK, NULL, &start), 0);
	set = BIT(SIGUSR1);
	T_SYS_EQ(sigmask_raw(SIG_BLOCK, &set, &old), 0);
	T_EQ(old, start);
	T_SYS_EQ(sigmask_raw(SIG_BLOCK, NULL, &old), 0);
	T_EQ(old, start | BIT(SIGUSR1));
	set = BIT(SIGUSR2) | BIT(40);
	T_SYS_EQ(sigmask_raw(SIG_BLOCK, &set, NULL), 0);
	T_SYS_EQ(sigmask_raw(SIG_BLOCK, NULL, &old), 0);
	T_EQ(old, start | BIT(SIGUSR1) | BIT(SIGUSR2) | BIT(40));
	set = BIT(SIGUSR1);
	T_SYS_EQ(sigmask_raw(SIG_UNBLOCK, &set, &old), 0);
	T_EQ(old, start | BIT(SIGUSR1) | BIT(SIGUSR2) | BIT(40));
	T_SYS_EQ(sigmask_raw(SIG_UNBLOCK, NULL, &old), 0);
	T_EQ(old, (start | BIT(SIGUSR2) | BIT(40)) & ~BIT(SIGUSR1));
	set = BIT(SIGTERM) | BIT(SIGHUP);
	T_SYS_EQ(sigmask_raw(SIG_SETMASK, &set, NULL), 0);
	T_SYS_EQ(sigmask_raw(SIG_SETMASK, NULL, &old), 0);
	T_EQ(old, BIT(SIGTERM) | BIT(SIGHUP));

	/* SIGKILL and SIGSTOP cannot be blocked; asking is no error. */
	set = BIT(SIGKILL) | BIT(SIGSTOP) | BIT(SIGUSR1);
	T_SYS_EQ(sigmask_raw(SIG_SETMASK, &set, NULL), 0);
	T_SYS_EQ(sigmask_raw(SIG_SETMASK, NULL, &old), 0);
	T_EQ(old, BIT(SIGUSR1));
	set = ~0ULL;
	T_SYS_EQ(sigmask_raw(SIG_BLOCK, &set, NULL), 0);
	T_SYS_EQ(sigmask_raw(SIG_BLOCK, NULL, &old), 0);
	T_EQ(old, ~(BIT(SIGKILL) | BIT(SIGSTOP)));
	set = 0;
	T_SYS_EQ(sigmask_raw(SIG_SETMASK, &set, NULL), 0);
	T_SYS_EQ(sigmask_raw(SIG_SETMASK, NULL, &old), 0);
	T_EQ(old, 0);
}

static void
sigprocmask_errors(void)
{
	uint64_t set = BIT(SIGUSR1), old;

	T_SYS_EQ(sigmask_raw(SIG_SETMASK, &set, NULL), 0);
	T_SYS_ERR(sigmask_raw(3, &set, NULL), EINVAL);
	T_SYS_ERR(sigmask_raw(-1, &set, NULL), EINVAL);
	T_SYS_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4),
		  EINVAL);
	T_SYS_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16),
		  EINVAL);
	T_SYS_ERR(sigmask_raw(SIG_BLOCK, T_BAD_PTR, NULL), EFAULT);
	T_SYS_ERR(sigmask_raw(SIG_BLOCK, T_KERNEL_PTR, NULL), EFAULT);
	T_SYS_ERR(sigmask_raw(SIG_BLOCK, NULL, T_BAD_PTR), EFAULT);
	T_SYS_ERR(sigmask_raw(SIG_BLOCK, NULL, T_KERNEL_PTR), EFAULT);
	/* None of that changed the mask. */
	T_SYS_EQ(sigmask_raw(SIG_BLOCK, NULL, &old), 0);
	T_EQ(old, BIT(SIGUSR1));
}

/*
 * Linux's order: with a new set, @how is checked first, then the mask
 * changes, and only then is the old one written. So a bad @how writes
 * nothing, and a bad old-set pointer fails after the change is made.
 * Without a new set, @how is not looked at.
 */
static void
sigprocmask_order(void)
{
	uint64_t set = BIT(SIGUSR1), old;

	T_SYS_EQ(sigmask_raw(SIG_SETMASK, &set, NULL), 0);
	memset(&old, 0x5a, sizeof(old));
	set = BIT(SIGUSR2);
	T_SYS_ERR(sigmask_raw(99, &set, &old), EINVAL);
	T_EQ(old, 0x5a5a5a5a5a5a5a5aULL);
	T_SYS_EQ(sigmask_raw(99, NULL, &old), 0);
	T_EQ(old, BIT(SIGUSR1));

	/* The old set is the mask from before the change. */
	T_SYS_EQ(sigmask_raw(SIG_BLOCK, &set, &old), 0);
	T_EQ(old, BIT(SIGUSR1));
	set = BIT(SIGHUP);
	T_SYS_ERR(sigmask_raw(SIG_BLOCK, &set, T_BAD_PTR), EFAULT);
	T_SYS_EQ(sigmask_raw(SIG_BLOCK, NULL, &old), 0);
	T_EQ(old, BIT(SIGUSR1) | BIT(SIGUSR2) | BIT(SIGHUP));
}

/* A child starts with its parent's mask; its changes are its own. */
static void
sigprocmask_fork(void)
{
	uint64_t set = BIT(SIGUSR2) | BIT(SIGHUP), old;
	pid_t pid;

	T_SYS_EQ(sigmask_raw(SIG_SETMASK, &set, NULL), 0);
	pid = t_fork();
	if (pid == 0) {
		uint64_t none = 0, got = 0;
		if (sigmask_raw(SIG_SETMASK, &none, &got) != 0)
			_exit(1);
		_exit(got == set ? 0 : 2);
	}
	T_EXITED(t_wait(pid), 0);
	T_SYS_EQ(sigmask_raw(SIG_BLOCK, NULL, &old), 0);
	T_EQ(old, set);
}

int
main(int argc, char **argv)
{
	t_init(argc, argv, "signals");
	T_RUN(segv_faults);
	T_RUN(sigill_ud2);
	T_RUN(sigfpe_divide);
	T_RUN(sigtrap_int3);
	T_RUN(privileged_instructions);
	T_RUN(kill_sleeping);
	T_RUN(kill_spinning);
	T_RUN(kill_self);
	T_RUN(kill_blocked_sigkill);
	T_RUN(kill_signal_zero);
	T_RUN(sigaction_roundtrip);
	T_RUN(sigaction_errors);
	T_RUN(sigprocmask_roundtrip);
	T_RUN(sigprocmask_errors);
	T_RUN(sigprocmask_order);
	T_RUN(sigprocmask_fork);
	T_RUN(sigaction_fork);
	return t_done();
}
