/*
 * fork, exit, wait4, and the small process calls.
 */
#include "kernel/proc/process.h"
#include "kernel/cpu/fpu.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/x86.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "mm/address_space.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"

#define WNOHANG		   1
#define WUNTRACED	   2
#define WCONTINUED	   8
#define WAIT_KNOWN_OPTIONS (WNOHANG | WUNTRACED | WCONTINUED | 0xe0000000u)
#define ARCH_SET_FS	   0x1002
#define ARCH_GET_FS	   0x1003
#define INIT_PID	   1
#define RUSAGE_SIZE	   144 /* Linux's struct rusage */

static struct spinlock proc_lock = SPINLOCK_INIT("proc");

static struct task *
me(void)
{
	return current_task();
}

int
process_become_user(void)
{
	struct task *t = me();
	struct inode *console;

	t->files = files_create();
	t->fs = fs_info_create(vfs_root());
	t->sighand = sighand_create();
	if (!t->files || !t->fs || !t->sighand)
		return -ENOMEM;
	int err = vfs_lookup("/dev/console", vfs_root(), &console);
	if (err)
		return err;
	/* fds 0, 1 and 2: three descriptors sharing one open console. */
	struct file *f = file_open(console, O_RDWR);
	if (!f)
		return -ENOMEM;
	for (int fd = 0; fd < 3; fd++) {
		if (fd)
			file_get(f);
		fd_install(t->files, f, false);
	}
	return 0;
}

/* --- fork ------------------------------------------------------------------ */

/* A forked child's first moment: straight back to user mode, with the
 * parent's registers and 0 in RAX. */
static void
fork_child_start(void *arg)
{
	(void)arg;
	trap_return(me()->tf);
}

static long
process_fork(struct trap_frame *tf)
{
	struct task *parent = me();
	struct task *child = task_create(parent->name, fork_child_start, NULL);

	if (!child)
		return -ENOMEM;
	child->mm = mm_copy(parent->mm);
	child->files = files_copy(parent->files);
	child->fs = fs_info_copy(parent->fs);
	child->sighand = sighand_copy(parent->sighand);
	if (!child->mm || !child->files || !child->fs || !child->sighand) {
		if (child->mm)
			mm_put(child->mm);
		files_put(child->files);
		fs_info_put(child->fs);
		sighand_put(child->sighand);
		task_free(child);
		return -ENOMEM;
	}
	child->fs_base = parent->fs_base;
	fpu_save(&child->fpu); /* the parent's live registers */
	child->sigmask = parent->sigmask;
	*child->tf = *tf;
	child->tf->rax = 0; /* fork returns 0 in the child */

	uint64_t flags = spin_lock_irqsave(&proc_lock);
	child->parent = parent;
	child->sibling = parent->children;
	parent->children = child;
	spin_unlock_irqrestore(&proc_lock, flags);

	int pid = child->pid;
	sched_start(child);
	return pid;
}

long
sys_fork(const struct syscall_args *a)
{
	return process_fork(a->tf);
}

/* vfork: the child runs in a copy, so the parent need not wait for it;
 * that is allowed ("the parent is suspended" is a permission, not a
 * promise a program may rely on). */
long
sys_vfork(const struct syscall_args *a)
{
	return process_fork(a->tf);
}

/* --- exit ------------------------------------------------------------------ */

void
process_exit(int wait_status)
{
	struct task *t = me();

	if (t->pid == INIT_PID)
		panic("init exited (%s %d): the system has no first process any more",
		      wait_status & 0x7f ? "killed by signal" : "status",
		      wait_status & 0x7f ? wait_status & 0x7f
					 : (wait_status >> 8) & 0xff);
	files_put(t->files);
	t->files = NULL;
	fs_info_put(t->fs);
	t->fs = NULL;
	sighand_put(t->sighand);
	t->sighand = NULL;
	if (t->mm) {
		struct mm *mm = t->mm;
		t->mm = NULL;
		mm_put(mm); /* switches CR3 away first if it is loaded */
	}

	/* Interrupts stay off: this task never runs again to restore them. */
	interrupts_disable();
	spin_lock(&proc_lock);
	struct task *init = task_find(INIT_PID);
	bool zombie_for_init = false;
	/* Orphans go to init. */
	while (t->children) {
		struct task *c = t->children;
		t->children = c->sibling;
		c->parent = init;
		c->sibling = init->children;
		init->children = c;
		zombie_for_init |= c->state == TASK_ZOMBIE;
	}
	t->wait_status = wait_status;

	spin_lock(&sched_lock);
	if (t->parent)
		wait_wake_all_locked(&t->parent->child_exit);
	if (zombie_for_init)
		wait_wake_all_locked(&init->child_exit);
	spin_unlock(&proc_lock); /* sched_lock stays held into the switch */
	sched_exit_locked();
}

long
sys_exit(const struct syscall_args *a)
{
	process_exit(W_EXITCODE((int)a->a[0], 0));
}

long
sys_exit_group(const struct syscall_args *a)
{
	process_exit(W_EXITCODE((int)a->a[0], 0));
}

/* --- wait4 ------------------------------------------------------------------ */

static bool
wait_matches(int pid, struct task *c)
{
	/* Every process is its own process group for now, so a group is
	 * the process whose pid it has: 0 means the caller's own (never a
	 * child), -g the process g. */
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	if (pid == 0)
		return false;
	return c->pid == -pid;
}

/* Is @c a zombie, fully switched out? Caller holds proc_lock. */
static bool
is_zombie(struct task *c)
{
	spin_lock(&sched_lock);
	bool zombie = c->state == TASK_ZOMBIE;
	spin_unlock(&sched_lock);
	return zombie;
}

long
sys_wait4(const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	int *user_status = (int *)a->a[1];
	unsigned options = (unsigned)a->a[2];
	void *user_rusage = (void *)a->a[3];
	struct task *self = me();
	static const uint8_t zero_rusage[RUSAGE_SIZE];

	if (options & ~WAIT_KNOWN_OPTIONS)
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	/* Check the pointers now, so a bad one fails before a child is
	 * reaped and lost. */
	if ((user_status &&
	     !uaccess_range_ok((vaddr_t)user_status, sizeof(int))) ||
	    (user_rusage &&
	     copy_to_user(user_rusage, zero_rusage, RUSAGE_SIZE)))
		return -EFAULT;

	uint64_t flags = spin_lock_irqsave(&proc_lock);
	for (;;) {
		bool any = false;
		for (struct task **link = &self->children; *link;
		     link = &(*link)->sibling) {
			struct task *c = *link;
			if (!wait_matches(pid, c))
				continue;
			any = true;
			if (!is_zombie(c))
				continue;
			*link = c->sibling;
			spin_unlock_irqrestore(&proc_lock, flags);
			int status = c->wait_status, cpid = c->pid;
			task_free(c);
			if (user_status &&
			    copy_to_user(user_status, &status, sizeof(status)))
				return -EFAULT;
			return cpid;
		}
		if (!any || (options & WNOHANG) || self->killed) {
			spin_unlock_irqrestore(&proc_lock, flags);
			return !any ? -ECHILD : self->killed ? -EINTR : 0;
		}
		wait_sleep(&self->child_exit, &proc_lock);
	}
}

/* --- The small ones ------------------------------------------------------- */

long
sys_getpid(const struct syscall_args *a)
{
	(void)a;
	return me()->pid;
}

long
sys_getppid(const struct syscall_args *a)
{
	(void)a;
	uint64_t flags = spin_lock_irqsave(&proc_lock);
	int ppid = me()->parent ? me()->parent->pid : 0;
	spin_unlock_irqrestore(&proc_lock, flags);
	return ppid;
}

long
sys_gettid(const struct syscall_args *a)
{
	(void)a;
	return me()->tid;
}

long
sys_sched_yield(const struct syscall_args *a)
{
	(void)a;
	sched_yield();
	return 0;
}

long
sys_set_tid_address(const struct syscall_args *a)
{
	me()->clear_child_tid = a->a[0];
	return me()->tid;
}

long
sys_arch_prctl(const struct syscall_args *a)
{
	switch (a->a[0]) {
	case ARCH_SET_FS:
		if (a->a[1] >= USER_END)
			return -EPERM; /* as Linux: only user addresses */
		me()->fs_base = a->a[1];
		wrmsr(MSR_FS_BASE, a->a[1]);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user((void *)a->a[1], &me()->fs_base,
				    sizeof(uint64_t));
	default:
		return -EINVAL;
	}
}
