/*
 * Process groups and sessions: how a shell runs jobs.
 *
 *   session 1 (init's)   session 7 (the shell's, a login)
 *   +---------------+    +-------------------------------------------+
 *   | group 1: init |    | group 7: sh    group 12: cat | wc  (a job) |
 *   +---------------+    |                 cat (12)  wc (13)         |
 *                        +-------------------------------------------+
 *           the console: session 7's controlling terminal, group
 *           12 in front, so Ctrl-C sends SIGINT to cat and wc, and
 *           not to the shell
 *
 * A process group is named by its first member's pid, a session by its
 * leader's. A child starts in its parent's group and session; a shell
 * puts each job in a group of its own (setpgid) and tells the terminal
 * which group is in front (tcsetpgrp, the TIOCSPGRP ioctl). Sprout has
 * one terminal, the console, which is the controlling terminal of one
 * session at most (kernel/fs/tty.c).
 */
#include "kernel/lib/errno.h"
#include "kernel/lib/spinlock.h"
#include "kernel/proc/process.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "sched/sched.h"
#include "sched/task.h"

/* The process (leader) with pid @pid, not yet exited, or NULL. */
static struct task *
find_process(int pid)
{
	struct task *t = task_find(pid);

	if (!t || !t->group || t->group->leader != t || !t->sighand)
		return NULL;
	return t;
}

/* Is @t a process (its leader), alive or a zombie not yet reaped? A
 * zombie is still a member of its group and session, as on Linux. */
static bool
is_process(const struct task *t)
{
	return t->group && t->group->leader == t;
}

/* Is there a process in group @pgid of session @sid (any session if
 * @sid is -1)? Caller holds proc_lock. */
static bool
group_exists(int pgid, int sid)
{
	for (struct task *t = task_next(0); t; t = task_next(t->tid))
		if (is_process(t) && t->group->pgid == pgid &&
		    (sid == -1 || t->group->sid == sid))
			return true;
	return false;
}

/* Is there a process (a zombie counts) in group @pgid? Caller holds
 * proc_lock. */
static bool
process_group_exists(int pgid)
{
	return group_exists(pgid, -1);
}

/*
 * The session of group @pgid, or, if there is no such group, of the
 * process @pgid (Linux's fallback for tcsetpgrp); -1 if neither
 * exists. Caller holds proc_lock.
 */
int
process_group_session(int pgid)
{
	for (struct task *t = task_next(0); t; t = task_next(t->tid))
		if (is_process(t) && t->group->pgid == pgid)
			return t->group->sid;
	struct task *t = task_find(pgid);
	return t && is_process(t) ? t->group->sid : -1;
}

/*
 * Is group @pgid orphaned? POSIX calls a group orphaned when no member
 * has a parent in another group of the same session: nobody is left
 * who could continue it after a stop (a shell is such a parent of its
 * jobs). As Linux, a parent that is init does not count. Caller holds
 * proc_lock.
 */
bool
process_group_orphaned(int pgid)
{
	for (struct task *t = task_next(0); t; t = task_next(t->tid)) {
		if (!is_process(t) || !t->sighand || t->group->pgid != pgid)
			continue; /* not a live member */
		struct task *p = t->parent;
		if (p && p->pid != 1 && p->group && p->group->pgid != pgid &&
		    p->group->sid == t->group->sid)
			return false;
	}
	return true;
}

/* Has group @pgid a stopped process? Caller holds proc_lock. */
static bool
group_has_stopped(int pgid)
{
	for (struct task *t = task_next(0); t; t = task_next(t->tid))
		if (is_process(t) && t->sighand && t->group->pgid == pgid &&
		    t->group->stopped)
			return true;
	return false;
}

/*
 * @parent is exiting, and @member is @parent itself or one of its
 * children, already handed to init. If @parent was @member's link to
 * the rest of the session (in another group, the same session), its
 * exit may leave @member's group orphaned. An orphaned group with
 * stopped processes would stay stopped for ever, as no shell is left
 * to continue it: it gets SIGHUP, then SIGCONT, so that each process
 * ends (SIGHUP's default) or at least runs again (Linux's
 * kill_orphaned_pgrp). Caller holds proc_lock.
 */
void
process_group_hang_up_orphaned(struct task *member, struct task *parent)
{
	struct thread_group *g = member->group;

	if (!g || !parent || !parent->group)
		return;
	if (parent->group->pgid == g->pgid || parent->group->sid != g->sid)
		return; /* it was no link out of the group */
	if (!process_group_orphaned(g->pgid) || !group_has_stopped(g->pgid))
		return;
	signal_kill_group_locked(g->pgid, SIGHUP);
	signal_kill_group_locked(g->pgid, SIGCONT);
}

/*
 * setpgid(pid, pgid), with Linux's rules: @pid is the caller or one of
 * its children that has not exec'd, in the caller's session and not a
 * session leader; @pgid is @pid itself (a new group) or a group that
 * already exists in that session.
 */
long
sys_setpgid(const struct syscall_args *a)
{
	int pid = (int)a->a[0], pgid = (int)a->a[1];
	struct task *self = current_task()->group->leader;

	if (pgid < 0)
		return -EINVAL;
	if (pid == 0)
		pid = self->pid;
	if (pgid == 0)
		pgid = pid;
	uint64_t irq = spin_lock_irqsave(&proc_lock);
	struct task *t = find_process(pid);
	long err = 0;
	if (!t || (t != self && t->parent != self))
		err = -ESRCH;
	else if (t != self && t->group->execed)
		err = -EACCES;
	else if (t->group->sid != self->group->sid)
		err = -EPERM;
	else if (t->group->sid == t->pid)
		err = -EPERM; /* a session leader stays in its group */
	else if (pgid != pid && !group_exists(pgid, self->group->sid))
		err = -EPERM;
	else
		t->group->pgid = pgid;
	spin_unlock_irqrestore(&proc_lock, irq);
	return err;
}

/* getpgid and getsid: the group or session of @pid (0: the caller). */
static long
get_id(int pid, bool session)
{
	struct task *t = pid == 0 ? current_task() : find_process(pid);

	if (pid < 0)
		return -ESRCH;
	if (!t)
		return -ESRCH;
	return session ? t->group->sid : t->group->pgid;
}

long
sys_getpgid(const struct syscall_args *a)
{
	return get_id((int)a->a[0], false);
}

long
sys_getpgrp(const struct syscall_args *a)
{
	(void)a;
	return current_task()->group->pgid;
}

long
sys_getsid(const struct syscall_args *a)
{
	return get_id((int)a->a[0], true);
}

/* setsid: a new session and group, led by the caller, which must not
 * already lead a group (its members would be split from it). */
long
sys_setsid(const struct syscall_args *a)
{
	(void)a;
	struct thread_group *g = current_task()->group;
	int pid = current_task()->pid;
	long ret;

	uint64_t irq = spin_lock_irqsave(&proc_lock);
	if (g->pgid == pid || process_group_exists(pid)) {
		ret = -EPERM;
	} else {
		g->pgid = g->sid = pid;
		ret = pid;
	}
	spin_unlock_irqrestore(&proc_lock, irq);
	return ret;
}
