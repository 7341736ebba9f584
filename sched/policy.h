/*
 * The scheduling-policy interface: everything that decides *which* task
 * runs next. The core (sched/sched.c) decides *when* to switch and does
 * the switching; a policy only keeps the ready tasks in some order.
 *
 * To add a policy (the first lab): write sched/NAME.c defining a const
 * struct sched_policy, add it to the table in sched/sched.c, and boot
 * with sched=NAME. sched/rr.c, round-robin, is the example.
 *
 * All hooks run with sched_lock held and interrupts off.
 */
#ifndef SCHED_POLICY_H
#define SCHED_POLICY_H

#include "kernel/lib/types.h"

struct task;

struct sched_policy {
	const char *name;
	/* Set up, with the time slice in ticks (quantum= rounded up). */
	void (*init)(unsigned slice_ticks);
	/* @t became READY: keep it until pick_next chooses it. */
	void (*enqueue)(struct task *t);
	/* @t must leave the ready set without running (it is being killed
	 * while READY). */
	void (*dequeue)(struct task *t);
	/* Remove and return the task to run next, or NULL if none is ready
	 * (then the CPU idles). */
	struct task *(*pick_next)(void);
	/* A timer tick was charged to @running. Return true if it should
	 * give up the CPU now. */
	bool (*tick)(struct task *running);
};

extern const struct sched_policy sched_rr;

#endif /* SCHED_POLICY_H */
