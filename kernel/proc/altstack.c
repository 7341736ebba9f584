/*
 * The alternate signal stack: sigaltstack, and the rules that decide
 * whether a handler's frame goes there (sigframe.c builds it).
 *
 * A program that wants to catch its own stack overflow cannot run the
 * SIGSEGV handler on the stack that overflowed. So it gives each thread
 * a second stack of its own memory, and marks the handler SA_ONSTACK:
 *
 *   normal stack                      alternate stack (sp .. sp + size)
 *   +--------------------+            +--------------------+ <- top
 *   | main, f, f, f, ... |   fault    | signal frame       |
 *   | f, f ...           | -------->  | handler's locals   |
 *   +--------------------+            | (a nested signal:  |
 *   | no room: the fault |            |  its frame below,  |
 *   +--------------------+            |  still on it)      |
 *                                     +--------------------+ <- sp
 *
 * The state is per thread (struct altstack in sched/task.h), as on
 * Linux: fork copies it, a new thread (CLONE_VM without CLONE_VFORK)
 * and execve start without one. Everything here follows Linux's
 * do_sigaltstack and get_sigframe; docs/signals.md, end of section 6.
 */
#include "kernel/cpu/trap.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/string.h"
#include "kernel/proc/signal.h"
#include "kernel/syscall.h"
#include "mm/uaccess.h"
#include "sched/sched.h"
#include "sched/task.h"

bool
altstack_contains(const struct task *t, vaddr_t sp)
{
	/* Above its lowest byte, and at most at its top: a stack pointer
	 * at the top has pushed nothing yet. */
	return sp > t->altstack.sp && sp - t->altstack.sp <= t->altstack.size;
}

bool
altstack_on(const struct task *t, vaddr_t sp)
{
	/* With SS_AUTODISARM the stack is disarmed while a handler runs on
	 * it, so a thread is "on" it only if it set it while there; Linux
	 * then says no, so that such a thread can take signals at all. */
	if (t->altstack.flags & SS_AUTODISARM)
		return false;
	return altstack_contains(t, sp);
}

/* What sigaltstack reports as ss_flags: SS_DISABLE, SS_ONSTACK or 0,
 * and SS_AUTODISARM if it was set. */
static int32_t
altstack_state(const struct task *t, vaddr_t sp)
{
	int32_t state = !t->altstack.size    ? SS_DISABLE
			: altstack_on(t, sp) ? SS_ONSTACK
					     : 0;

	return state | (int32_t)(t->altstack.flags & SS_AUTODISARM);
}

vaddr_t
altstack_top_for(const struct task *t, vaddr_t sp)
{
	if (!t->altstack.size || altstack_on(t, sp))
		return 0;
	return t->altstack.sp + t->altstack.size;
}

void
altstack_reset(struct task *t)
{
	t->altstack = (struct altstack){ .flags = SS_DISABLE };
}

long
altstack_set(struct task *t, const struct stack_k *ss, vaddr_t sp)
{
	uint32_t flags = (uint32_t)ss->flags;
	uint32_t mode = flags & ~SS_AUTODISARM;
	struct altstack next = { ss->sp, ss->size, flags };

	if (altstack_on(t, sp))
		return -EPERM; /* a handler would lose the stack it runs on */
	/* SS_ONSTACK is accepted and means 0: old programs pass it. */
	if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
		return -EINVAL;
	if (mode == SS_DISABLE)
		next.sp = next.size = 0;
	else if (next.size < MINSIGSTKSZ)
		return -ENOMEM;
	t->altstack = next;
	return 0;
}

/* sigaltstack(ss, old): the old setting is taken before the new one is
 * set, and written only if that worked, as on Linux. */
long
sys_sigaltstack(const struct syscall_args *a)
{
	const struct stack_k *user_ss = (const struct stack_k *)a->a[0];
	struct stack_k *user_old = (struct stack_k *)a->a[1];
	struct task *t = current_task();
	vaddr_t sp = a->tf->rsp; /* the caller's own stack pointer */
	struct stack_k ss, old;

	if (user_ss && copy_from_user(&ss, user_ss, sizeof(ss)))
		return -EFAULT;
	memset(&old, 0, sizeof(old));
	old.sp = t->altstack.sp;
	old.size = t->altstack.size;
	old.flags = altstack_state(t, sp);
	if (user_ss) {
		long err = altstack_set(t, &ss, sp);
		if (err)
			return err;
	}
	if (user_old && copy_to_user(user_old, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
