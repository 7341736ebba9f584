/*
 * Wait queues (the pattern is in wait.h). Every queue is protected by
 * sched_lock, which also protects task states: joining a queue and
 * leaving the CPU are one step as far as any waker can tell.
 */
#include "sched/wait.h"
#include "kernel/lib/spinlock.h"
#include "sched/sched.h"
#include "sched/task.h"

void
wait_queue_init(struct wait_queue *wq, const char *name)
{
	*wq = (struct wait_queue)WAIT_QUEUE_INIT(name);
}

/* Append the running task to @wq. Caller holds sched_lock. */
static void
wait_enqueue_current(struct wait_queue *wq)
{
	struct task *t = current_task();
	struct task **link = &wq->first;

	while (*link)
		link = &(*link)->wait_next;
	t->wait_next = NULL;
	t->waiting_on = wq;
	*link = t;
}

void
wait_sleep_locked(struct wait_queue *wq)
{
	wait_enqueue_current(wq);
	sched_block_locked(wq->name);
}

void
wait_sleep(struct wait_queue *wq, struct spinlock *lock)
{
	spin_lock(&sched_lock);
	wait_enqueue_current(wq);
	spin_unlock(lock);
	sched_block_locked(wq->name);
	spin_unlock(&sched_lock);
	spin_lock(lock);
}

bool
wait_sleep_timeout(struct wait_queue *wq, struct spinlock *lock,
		   uint64_t deadline_ns)
{
	struct task *t = current_task();

	spin_lock(&sched_lock);
	wait_enqueue_current(wq);
	t->timed_out = false;
	if (deadline_ns)
		sched_wake_at_locked(t, deadline_ns);
	spin_unlock(lock);
	sched_block_locked(wq->name);
	bool in_time = !t->timed_out;
	spin_unlock(&sched_lock);
	spin_lock(lock);
	return in_time;
}

void
wait_queue_remove_locked(struct wait_queue *wq, struct task *t)
{
	for (struct task **link = &wq->first; *link; link = &(*link)->wait_next)
		if (*link == t) {
			*link = t->wait_next;
			break;
		}
	t->wait_next = NULL;
	t->waiting_on = NULL;
}

/* Wake the first @max sleepers. Caller holds sched_lock. */
static int
wake_locked(struct wait_queue *wq, int max)
{
	int woken = 0;

	while (wq->first && woken < max) {
		struct task *t = wq->first;
		wq->first = t->wait_next;
		t->wait_next = NULL;
		t->waiting_on = NULL;
		sched_wake_locked(t, wq->name);
		woken++;
	}
	return woken;
}

int
wait_wake_all_locked(struct wait_queue *wq)
{
	return wake_locked(wq, INT32_MAX);
}

int
wait_wake_one(struct wait_queue *wq)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);
	int woken = wake_locked(wq, 1);

	spin_unlock_irqrestore(&sched_lock, flags);
	return woken;
}

int
wait_wake_all(struct wait_queue *wq)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);
	int woken = wake_locked(wq, INT32_MAX);

	spin_unlock_irqrestore(&sched_lock, flags);
	return woken;
}
