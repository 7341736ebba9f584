/*
 * The task state machine and the tid allocator.
 */
#include "sched/task.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/spinlock.h"
#include "sched/sched.h"
#include "sched/trace.h"

static const char *const state_names[TASK_STATES] = {
	[TASK_NEW] = "NEW",	    [TASK_READY] = "READY",
	[TASK_RUNNING] = "RUNNING", [TASK_WAITING] = "WAITING",
	[TASK_ZOMBIE] = "ZOMBIE",
};

/* legal[from][to]: the arrows of the diagram in task.h. */
static const bool legal[TASK_STATES][TASK_STATES] = {
	[TASK_NEW][TASK_READY] = true,	     /* created */
	[TASK_READY][TASK_RUNNING] = true,   /* scheduled */
	[TASK_RUNNING][TASK_READY] = true,   /* preempted or yielded */
	[TASK_RUNNING][TASK_WAITING] = true, /* blocked */
	[TASK_WAITING][TASK_READY] = true,   /* woken */
	[TASK_RUNNING][TASK_ZOMBIE] = true,  /* exited */
};

const char *
task_state_name(enum task_state state)
{
	return state < TASK_STATES ? state_names[state] : "?";
}

void
task_set_state(struct task *t, enum task_state to, const char *why)
{
	enum task_state from = t->state;

	if (from >= TASK_STATES || to >= TASK_STATES || !legal[from][to])
		panic("sched: illegal transition %s -> %s for task %d (%s), because of %s",
		      task_state_name(from), task_state_name(to), t->tid,
		      t->name, why);
	t->state = to;
	trace_record(t, from, to, why);
}

/* The tid bitmap. Allocation goes round from the last tid handed out,
 * as Linux's does, so a tid just freed is not reused at once. */
static struct spinlock tid_lock = SPINLOCK_INIT("tid");
static uint64_t tid_used[TASK_TID_MAX / 64];
static int tid_last;

int
tid_alloc(void)
{
	uint64_t flags = spin_lock_irqsave(&tid_lock);

	for (int i = 1; i <= TASK_TID_MAX; i++) {
		int tid = (tid_last + i) % TASK_TID_MAX;
		if (tid == 0)
			continue; /* the idle task's */
		if (!(tid_used[tid / 64] & (1ull << (tid % 64)))) {
			tid_used[tid / 64] |= 1ull << (tid % 64);
			tid_last = tid;
			spin_unlock_irqrestore(&tid_lock, flags);
			return tid;
		}
	}
	spin_unlock_irqrestore(&tid_lock, flags);
	return -1;
}

void
tid_free(int tid)
{
	uint64_t flags = spin_lock_irqsave(&tid_lock);

	tid_used[tid / 64] &= ~(1ull << (tid % 64));
	spin_unlock_irqrestore(&tid_lock, flags);
}
