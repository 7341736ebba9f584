/*
 * fork, exit, wait4, and the small process calls.
 */
#include "kernel/proc/process.h"
#include "kernel/cpu/fpu.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/x86.h"
#include "kernel/fs/tty.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/proc/futex.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "mm/address_space.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"

#define WNOHANG	   1
#define WUNTRACED  2
#define WCONTINUED 8
#define WNOTHREAD  0x20000000u /* Linux's __WNOTHREAD, __WALL, __WCLONE */
#define WALL	   0x40000000u
#define WCLONE	   0x80000000u
#define WAIT_KNOWN_OPTIONS \
	(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define INIT_PID    1
#define RUSAGE_SIZE 144 /* Linux's struct rusage */

/* clone flags: Linux's. */
#define CSIGNAL		     0x000000ff /* the exit signal, in the low byte */
#define CLONE_VM	     0x00000100
#define CLONE_FS	     0x00000200
#define CLONE_FILES	     0x00000400
#define CLONE_SIGHAND	     0x00000800
#define CLONE_VFORK	     0x00004000
#define CLONE_PARENT	     0x00008000
#define CLONE_THREAD	     0x00010000
#define CLONE_SYSVSEM	     0x00040000 /* accepted: there is no System V IPC */
#define CLONE_SETTLS	     0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED	     0x00400000 /* ignored by Linux too */
#define CLONE_CHILD_SETTID   0x01000000
#define CLONE_SUPPORTED                                                \
	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
	 CLONE_VFORK | CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM |   \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |   \
	 CLONE_DETACHED | CLONE_CHILD_SETTID)

struct spinlock proc_lock = SPINLOCK_INIT("proc");

static struct task *
me(void)
{
	return current_task();
}

/* Where a new process's thread group begins: @leader alone in it. */
static struct thread_group *
group_create(struct task *leader)
{
	struct thread_group *g = kzalloc(sizeof(*g));

	if (g) {
		g->leader = leader;
		g->threads = leader;
		g->nthreads = 1;
		wait_queue_init(&g->others_gone, "thread-exit");
		wait_queue_init(&g->stopped_queue, "stopped");
	}
	return g;
}

int
process_become_user(void)
{
	struct task *t = me();
	struct inode *console;

	t->files = files_create();
	t->fs = fs_info_create(vfs_root());
	t->sighand = sighand_create();
	t->group = group_create(t);
	if (!t->files || !t->fs || !t->sighand || !t->group)
		return -ENOMEM;
	/* The first process leads the first session and process group. */
	t->group->pgid = t->group->sid = t->pid;
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

/* --- clone, fork, vfork ---------------------------------------------------- */

/* A new task's first moment: straight back to user mode, with its
 * parent's registers (0 in RAX, maybe a new stack). */
static void
fork_child_start(void *arg)
{
	(void)arg;
	trap_return(me()->tf);
}

/* Drop what a task holds of its process: descriptors, directory, signal
 * actions, address space (shared ones just lose a reference). */
static void
release_resources(struct task *t)
{
	files_put(t->files);
	t->files = NULL;
	fs_info_put(t->fs);
	t->fs = NULL;
	sighand_put(t->sighand);
	t->sighand = NULL; /* from now on, signals to it are dropped */
	uint64_t irq = spin_lock_irqsave(&sched_lock);
	sigqueue_discard_locked(&t->queued, ~0ull);
	spin_unlock_irqrestore(&sched_lock, irq);
	if (t->mm) {
		struct mm *mm = t->mm;
		t->mm = NULL;
		mm_put(mm); /* the last one switches CR3 away first */
	}
}

static long
check_clone_flags(uint64_t flags)
{
	if (flags & ~CLONE_SUPPORTED)
		return -EINVAL;
	/* Linux's rules: threads share signal actions, which needs a
	 * shared address space (the handlers are addresses in it). */
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CSIGNAL) > NSIG)
		return -EINVAL;
	return 0;
}

/*
 * clone: one path for threads and processes, as on Linux. Each flag
 * picks share or copy for one thing; fork is clone(SIGCHLD) with nothing
 * shared, a thread shares everything and joins the caller's group.
 */
static long
process_clone(struct trap_frame *tf, uint64_t flags, uint64_t new_sp,
	      int *user_parent_tid, int *user_child_tid, uint64_t tls)
{
	struct task *parent = me();
	long err = check_clone_flags(flags);

	if (err)
		return err;
	if ((flags & CLONE_SETTLS) && tls >= USER_END)
		return -EPERM;
	struct task *child = task_create(parent->name, fork_child_start, NULL);
	if (!child)
		return -ENOMEM;

	if (flags & CLONE_VM) {
		mm_get(parent->mm);
		child->mm = parent->mm;
	} else {
		child->mm = mm_copy(parent->mm);
	}
	if (flags & CLONE_FILES) {
		__atomic_add_fetch(&parent->files->refcount, 1,
				   __ATOMIC_RELAXED);
		child->files = parent->files;
	} else {
		child->files = files_copy(parent->files);
	}
	if (flags & CLONE_FS) {
		fs_info_get(parent->fs);
		child->fs = parent->fs;
	} else {
		child->fs = fs_info_copy(parent->fs);
	}
	if (flags & CLONE_SIGHAND) {
		sighand_get(parent->sighand);
		child->sighand = parent->sighand;
	} else {
		child->sighand = sighand_copy(parent->sighand);
	}
	if (!(flags & CLONE_THREAD)) {
		child->group = group_create(child);
		if (child->group) { /* a child starts in its parent's group */
			child->group->pgid = parent->group->pgid;
			child->group->sid = parent->group->sid;
		}
	}
	if (!child->mm || !child->files || !child->fs || !child->sighand ||
	    (!(flags & CLONE_THREAD) && !child->group)) {
		err = -ENOMEM;
		goto out_free;
	}
	if ((flags & CLONE_PARENT_SETTID) &&
	    copy_to_user(user_parent_tid, &child->tid, sizeof(int))) {
		err = -EFAULT;
		goto out_free;
	}
	if (flags & CLONE_CHILD_SETTID) {
		/* In the child's memory, which is not loaded unless shared. */
		err = flags & CLONE_VM
			      ? copy_to_user(user_child_tid, &child->tid,
					     sizeof(int))
			      : mm_copy_in(child->mm, (vaddr_t)user_child_tid,
					   &child->tid, sizeof(int));
		if (err)
			goto out_free;
	}
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = (uint64_t)user_child_tid;
	child->fs_base = flags & CLONE_SETTLS ? tls : parent->fs_base;
	fpu_save(&child->fpu); /* the parent's live registers */
	child->sigmask = parent->sigmask;
	/* A thread has a stack of its own, so not its creator's alternate
	 * one either; fork and vfork keep it (Linux's rule). */
	if ((flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM)
		altstack_reset(child);
	else
		child->altstack = parent->altstack;
	child->exit_signal = flags & CLONE_THREAD ? 0 : (int)(flags & CSIGNAL);
	wait_queue_init(&child->vfork_waiters, "vfork");
	*child->tf = *tf;
	child->tf->rax = 0; /* clone returns 0 in the child */
	if (new_sp)
		child->tf->rsp = new_sp;

	uint64_t irq = spin_lock_irqsave(&proc_lock);
	if (flags & CLONE_THREAD) {
		struct thread_group *g = parent->group;
		child->group = g;
		child->pid = g->leader->pid;
		child->parent = g->leader->parent;
		child->group_next = g->threads;
		g->threads = child;
		g->nthreads++;
	} else {
		/* CLONE_PARENT: a sibling, not a child, of the caller. */
		struct task *p = flags & CLONE_PARENT
					 ? parent->group->leader->parent
					 : parent->group->leader;
		child->parent = p;
		child->sibling = p->children;
		p->children = child;
		proc_info_fork(&child->group->proc, &parent->group->proc);
	}
	spin_unlock_irqrestore(&proc_lock, irq);

	int tid = child->tid;
	sched_start(child);
	if (flags & CLONE_VFORK) {
		/* The parent waits until the child has exec'd or exited: until
		 * then they share the memory the parent would run on. */
		irq = spin_lock_irqsave(&proc_lock);
		while (!child->vfork_done && !signal_pending(parent))
			wait_sleep(&child->vfork_waiters, &proc_lock);
		spin_unlock_irqrestore(&proc_lock, irq);
	}
	return tid;

out_free:
	release_resources(child);
	if (!(flags & CLONE_THREAD))
		kfree(child->group);
	task_free(child);
	return err;
}

long
sys_clone(const struct syscall_args *a)
{
	/* x86-64 order: flags, stack, parent_tid, child_tid, tls. */
	return process_clone(a->tf, a->a[0], a->a[1], (int *)a->a[2],
			     (int *)a->a[3], a->a[4]);
}

long
sys_fork(const struct syscall_args *a)
{
	return process_clone(a->tf, SIGCHLD, 0, NULL, NULL, 0);
}

long
sys_vfork(const struct syscall_args *a)
{
	return process_clone(a->tf, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, NULL,
			     NULL, 0);
}

/* --- exit --------------------------------------------------------------------- */

/* A vfork parent may go on: this child exec'd or is exiting. */
void
process_vfork_release(struct task *t)
{
	uint64_t irq = spin_lock_irqsave(&proc_lock);

	t->vfork_done = true;
	wait_wake_all(&t->vfork_waiters);
	spin_unlock_irqrestore(&proc_lock, irq);
}

/* CLONE_CHILD_CLEARTID: zero the word and wake one futex waiter there
 * (how pthread_join learns that a thread has ended). */
static void
clear_child_tid(struct task *t)
{
	int zero = 0;

	if (!t->clear_child_tid || !t->mm)
		return;
	if (copy_to_user((void *)t->clear_child_tid, &zero, sizeof(zero)) == 0)
		futex_wake_address(t->mm, t->clear_child_tid, 1);
	t->clear_child_tid = 0;
}

/* Has @parent set SIGCHLD to SIG_IGN, or SA_NOCLDWAIT? */
static bool
parent_ignores_children(struct task *parent)
{
	const struct sigaction_k *act;

	if (!parent->sighand)
		return false;
	act = &parent->sighand->actions[SIGCHLD - 1];
	return act->handler == SIG_IGN || (act->flags & SA_NOCLDWAIT);
}

/* The whole process is over (its last thread, the leader, runs this). */
static __noreturn void
process_exit_last(int wait_status)
{
	struct task *t = me();

	if (t->pid == INIT_PID)
		panic("init exited (%s %d): the system has no first process any more",
		      wait_status & 0x7f ? "killed by signal" : "status",
		      wait_status & 0x7f ? wait_status & 0x7f
					 : (wait_status >> 8) & 0xff);
	itimer_cancel(t->group); /* no SIGALRM for a zombie */
	release_resources(t);
	/* Its last thread gone, the process's queued signals go too (no
	 * sender queues more: the leader has no sighand now). */
	uint64_t irq = spin_lock_irqsave(&sched_lock);
	sigqueue_discard_locked(&t->group->shared_queued, ~0ull);
	spin_unlock_irqrestore(&sched_lock, irq);
	/* The group stays until the zombie is reaped: wait4 matches on its
	 * process group. */

	/* A session leader: its terminal hangs up (SIGHUP to the group in
	 * front), before its children go to init, as on Linux. */
	if (t->group->sid == t->pid)
		tty_session_leader_exit(t->pid);

	/* Interrupts stay off: this task never runs again to restore them. */
	interrupts_disable();
	spin_lock(&proc_lock);
	struct task *init = task_find(INIT_PID);
	bool zombie_for_init = false;
	/* Orphans go to init. A group this exit orphans, children's or our
	 * own, is hung up if it has stopped processes (session.c). */
	while (t->children) {
		struct task *c = t->children;
		t->children = c->sibling;
		c->parent = init;
		c->exit_signal = SIGCHLD; /* so init's plain wait4 sees it */
		c->sibling = init->children;
		init->children = c;
		zombie_for_init |= c->state == TASK_ZOMBIE;
		process_group_hang_up_orphaned(c, t);
	}
	process_group_hang_up_orphaned(t, t->parent);
	t->wait_status = wait_status;
	struct task *parent = t->parent;
	int exit_signal = t->exit_signal;
	bool no_zombie = parent && exit_signal == SIGCHLD &&
			 parent_ignores_children(parent);
	if (no_zombie) {
		/* A parent that ignores SIGCHLD wants no zombies (POSIX):
		 * this one leaves no trace, and the parent's wait4 sees its
		 * child gone. */
		for (struct task **link = &parent->children; *link;
		     link = &(*link)->sibling)
			if (*link == t) {
				*link = t->sibling;
				break;
			}
		t->parent = NULL;
		proc_info_release(&t->group->proc);
		kfree(t->group);
		t->group = NULL; /* kill and wait4 no longer find it */
		exit_signal = 0;
	}

	spin_lock(&sched_lock);
	if (parent)
		wait_wake_all_locked(&parent->child_exit);
	if (zombie_for_init)
		wait_wake_all_locked(&init->child_exit);
	spin_unlock(&sched_lock);
	/* Tell the parent (SIGCHLD for fork's children). The parent cannot
	 * go away meanwhile: a parent exiting takes proc_lock to hand its
	 * children to init. */
	if (parent && exit_signal) {
		struct sigsource from = {
			.code = wait_status & 0x7f ? CLD_KILLED : CLD_EXITED,
			.pid = t->pid,
			.status = wait_status & 0x7f
					  ? wait_status & 0x7f
					  : (wait_status >> 8) & 0xff,
		};
		signal_send_from(parent, exit_signal, &from, true);
	}
	spin_lock(&sched_lock);
	spin_unlock(&proc_lock); /* sched_lock stays held into the switch */
	if (no_zombie)
		sched_exit_reap_locked(); /* freed once off its stack */
	sched_exit_locked();
}

/* Is a thread other than @t exec'ing in @g? Caller holds proc_lock. */
static bool
exec_by_other(const struct thread_group *g, const struct task *t)
{
	return g->exec_thread != NULL && g->exec_thread != t;
}

/*
 * execve from a thread that is not the leader: the exec'ing thread @heir
 * takes the leader @old's place, before @old is freed: its tid (the
 * pid), its parent, its children and its place among its parent's
 * children. @old leaves with @heir's old tid, which is freed with it.
 * Caller holds proc_lock.
 */
static void
hand_over_leadership(struct task *old, struct task *heir)
{
	int heir_tid = heir->tid;

	heir->tid = old->tid;
	old->tid = heir_tid;
	heir->parent = old->parent;
	heir->children = old->children;
	for (struct task *c = heir->children; c; c = c->sibling)
		c->parent = heir;
	if (heir->parent)
		for (struct task **link = &heir->parent->children; *link;
		     link = &(*link)->sibling)
			if (*link == old) {
				*link = heir;
				heir->sibling = old->sibling;
				break;
			}
	heir->exit_signal = old->exit_signal;
	old->parent = NULL;
	old->children = NULL;
	heir->group->leader = heir;
}

void
task_exit(int wait_status)
{
	struct task *t = me();
	struct thread_group *g = t->group;

	clear_child_tid(t);
	process_vfork_release(t);
	uint64_t irq = spin_lock_irqsave(&proc_lock);
	if (t == g->leader) {
		/* The process ends with its last thread: wait for the rest
		 * (unless another thread execs meanwhile). */
		while (g->nthreads > 1 && !exec_by_other(g, t))
			wait_sleep(&g->others_gone, &proc_lock);
		if (!exec_by_other(g, t)) {
			if (g->exiting)
				wait_status = g->exit_status;
			spin_unlock_irqrestore(&proc_lock, irq);
			process_exit_last(wait_status);
		}
		/* Another thread is exec'ing: it takes over the process,
		 * and the old leader goes like any other thread. */
		hand_over_leadership(t, g->exec_thread);
	}
	/* A thread that is not the last: leave the group, quietly. */
	for (struct task **link = &g->threads; *link;
	     link = &(*link)->group_next)
		if (*link == t) {
			*link = t->group_next;
			break;
		}
	if (--g->nthreads == 1)
		wait_wake_all(&g->others_gone);
	spin_unlock_irqrestore(&proc_lock, irq);
	release_resources(t);
	interrupts_disable();
	spin_lock(&sched_lock);
	sched_exit_reap_locked();
}

void
process_kill_locked(struct task *t, int wait_status)
{
	struct thread_group *g = t->group;

	if (!g)
		return;
	if (!g->exiting) {
		g->exiting = true;
		g->exit_status = wait_status;
	}
	for (struct task *th = g->threads; th; th = th->group_next) {
		spin_lock(&sched_lock);
		if (!th->killed)
			th->killed = wait_status & 0x7f ? wait_status & 0x7f
							: SIGKILL;
		sched_wake_locked(th, "exit");
		spin_unlock(&sched_lock);
	}
}

void
process_kill(struct task *t, int wait_status)
{
	uint64_t irq = spin_lock_irqsave(&proc_lock);
	process_kill_locked(t, wait_status);
	spin_unlock_irqrestore(&proc_lock, irq);
}

void
process_exit(int wait_status)
{
	process_kill(me(), wait_status);
	task_exit(wait_status);
}

int
process_de_thread(void)
{
	struct task *t = me();
	struct thread_group *g = t->group;
	uint64_t irq = spin_lock_irqsave(&proc_lock);

	if (g->nthreads == 1) {
		spin_unlock_irqrestore(&proc_lock, irq);
		return 0;
	}
	/* End every other thread, the leader too, and wait for them. */
	g->exec_thread = t;
	for (struct task *th = g->threads; th; th = th->group_next) {
		if (th == t)
			continue;
		spin_lock(&sched_lock);
		th->killed = SIGKILL;
		sched_wake_locked(th, "exec");
		spin_unlock(&sched_lock);
	}
	/* If the leader was another thread, it made us leader on its way
	 * out (hand_over_leadership), before it was freed. */
	while (g->nthreads > 1)
		wait_sleep(&g->others_gone, &proc_lock);
	g->exec_thread = NULL;
	spin_unlock_irqrestore(&proc_lock, irq);
	return 0;
}

long
sys_exit(const struct syscall_args *a)
{
	task_exit(W_EXITCODE((int)a->a[0], 0));
}

long
sys_exit_group(const struct syscall_args *a)
{
	process_exit(W_EXITCODE((int)a->a[0], 0));
}

/* --- wait4 ------------------------------------------------------------------ */

/* Which children wait4's @pid names: one pid, any (-1), the caller's
 * process group (0), or the group -pid. */
static bool
wait_matches(int pid, struct task *c, unsigned options)
{
	/* A "clone child" tells its parent with another signal than
	 * SIGCHLD (or none): only __WCLONE waits for those, and only they
	 * are waited for then; __WALL waits for both kinds. */
	bool clone_child = c->exit_signal != SIGCHLD;
	if (!(options & WALL) && clone_child != !!(options & WCLONE))
		return false;
	if (pid > 0)
		return c->pid == pid;
	if (pid == -1)
		return true;
	int pgid = pid == 0 ? me()->group->pgid : -pid;
	return c->group->pgid == pgid;
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
	/* Check the pointers' range now, so a plainly bad one fails before
	 * a child is reaped and lost. Nothing is written yet: Linux writes
	 * the status and the rusage only for a child it reaps, never with
	 * ECHILD, EINTR or WNOHANG's 0. */
	if ((user_status &&
	     !uaccess_range_ok((vaddr_t)user_status, sizeof(int))) ||
	    (user_rusage &&
	     !uaccess_range_ok((vaddr_t)user_rusage, RUSAGE_SIZE)))
		return -EFAULT;

	uint64_t flags = spin_lock_irqsave(&proc_lock);
	for (;;) {
		bool any = false;
		for (struct task **link = &self->children; *link;
		     link = &(*link)->sibling) {
			struct task *c = *link;
			if (!wait_matches(pid, c, options))
				continue;
			any = true;
			if (!is_zombie(c)) {
				/* Stopped or continued: reported once. */
				int report =
					c->group ? c->group->wait_report : 0;
				bool cont = report == 0xffff;
				if (!report || !(options & (cont ? WCONTINUED
								 : WUNTRACED)))
					continue;
				c->group->wait_report = 0;
				int cpid = c->pid;
				spin_unlock_irqrestore(&proc_lock, flags);
				if ((user_status &&
				     copy_to_user(user_status, &report,
						  sizeof(report))) ||
				    (user_rusage &&
				     copy_to_user(user_rusage, zero_rusage,
						  RUSAGE_SIZE)))
					return -EFAULT;
				return cpid;
			}
			*link = c->sibling;
			proc_info_release(&c->group->proc);
			spin_unlock_irqrestore(&proc_lock, flags);
			int status = c->wait_status, cpid = c->pid;
			kfree(c->group);
			task_free(c);
			if ((user_status && copy_to_user(user_status, &status,
							 sizeof(status))) ||
			    (user_rusage &&
			     copy_to_user(user_rusage, zero_rusage,
					  RUSAGE_SIZE)))
				return -EFAULT;
			return cpid;
		}
		if (!any || (options & WNOHANG) || signal_pending(self)) {
			spin_unlock_irqrestore(&proc_lock, flags);
			return !any		     ? -ECHILD
			       : (options & WNOHANG) ? 0
						     : -EINTR;
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
	/* The process's parent: the leader's (a thread's own parent
	 * pointer is not updated when the process is handed to init). */
	struct task *parent = me()->group->leader->parent;
	int ppid = parent ? parent->pid : 0;
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
