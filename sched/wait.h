/*
 * Wait queues: how a task sleeps until something happens.
 *
 * The pattern, for a condition protected by some lock:
 *
 *   uint64_t flags = spin_lock_irqsave(&pipe->lock);
 *   while (pipe_is_empty(pipe))
 *           wait_sleep(&pipe->readers, &pipe->lock);
 *   ... the condition holds, and the lock is held ...
 *   spin_unlock_irqrestore(&pipe->lock, flags);
 *
 * and on the other side, after changing the condition under the same
 * lock, wait_wake_all(&pipe->readers). No wakeup is lost between the
 * check and the sleep: wait_sleep joins the queue under sched_lock before
 * it lets go of the caller's lock, and a waker needs sched_lock to wake.
 */
#ifndef SCHED_WAIT_H
#define SCHED_WAIT_H

#include "kernel/lib/types.h"

struct spinlock;
struct task;

struct wait_queue {
	struct task *first; /* sleepers, in arrival order; under sched_lock */
	const char *name;   /* in the trace: why a task waits */
};

#define WAIT_QUEUE_INIT(queue_name)                 \
	{                                           \
		.first = NULL, .name = (queue_name) \
	}

void wait_queue_init(struct wait_queue *wq, const char *name);

/* Sleep on @wq until woken. Caller holds @lock, taken with interrupts
 * off; it is released while asleep and held again on return. The
 * condition may be false again by then: check it in a loop. */
void wait_sleep(struct wait_queue *wq, struct spinlock *lock);

/* The same, but give up at @deadline_ns (clock_ns time; 0: never).
 * Returns false if the deadline passed first. */
bool wait_sleep_timeout(struct wait_queue *wq, struct spinlock *lock,
			uint64_t deadline_ns);

/* Wake the first sleeper, or all. Returns how many were woken. */
int wait_wake_one(struct wait_queue *wq);
int wait_wake_all(struct wait_queue *wq);

/* The same, for callers that hold sched_lock already. */
void wait_sleep_locked(struct wait_queue *wq);
int wait_wake_all_locked(struct wait_queue *wq);
/* Take @t off @wq (the scheduler does, when something else wakes it). */
void wait_queue_remove_locked(struct wait_queue *wq, struct task *t);

#endif /* SCHED_WAIT_H */
