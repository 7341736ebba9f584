/*
 * The round-robin policy on its own: order, slices, fairness over many
 * ticks, and the run queue's invariants, driven by a tiny simulated
 * scheduler that does what sched/sched.c does with the policy hooks.
 */
#include "sched/policy.h"
#include "sched/task.h"
#include "tests/unit/unit.h"

#define TASKS 5
#define SLICE 3

static struct task tasks[TASKS];

static void
fresh(unsigned slice)
{
	sched_rr.init(slice);
	for (int i = 0; i < TASKS; i++)
		tasks[i] = (struct task){ .tid = i + 1 };
}

/* The queue, walked both ways, must hold exactly @n tasks, with the
 * links agreeing. Returns the tids in order. */
static int
queue_contents(int *tids, int max)
{
	int n = 0;
	/* Take them all out and put them back, in order. */
	struct task *out[TASKS + 1];
	struct task *t;

	while ((t = sched_rr.pick_next()) && n < max + 1)
		out[n++] = t;
	for (int i = 0; i < n; i++) {
		tids[i] = out[i]->tid;
		sched_rr.enqueue(out[i]);
	}
	return n;
}

static void
fifo_order(void)
{
	int tids[TASKS + 1];

	fresh(SLICE);
	CHECK(sched_rr.pick_next() == NULL); /* empty */
	for (int i = 0; i < TASKS; i++)
		sched_rr.enqueue(&tasks[i]);
	CHECK_INT(queue_contents(tids, TASKS), TASKS);
	for (int i = 0; i < TASKS; i++)
		CHECK_INT(tids[i], i + 1);
	for (int i = 0; i < TASKS; i++)
		CHECK(sched_rr.pick_next() == &tasks[i]);
	CHECK(sched_rr.pick_next() == NULL);
}

static void
dequeue_anywhere(void)
{
	int tids[TASKS + 1];

	fresh(SLICE);
	for (int i = 0; i < TASKS; i++)
		sched_rr.enqueue(&tasks[i]);
	sched_rr.dequeue(&tasks[0]); /* head */
	sched_rr.dequeue(&tasks[2]); /* middle */
	sched_rr.dequeue(&tasks[4]); /* tail */
	CHECK_INT(queue_contents(tids, TASKS), 2);
	CHECK_INT(tids[0], 2);
	CHECK_INT(tids[1], 4);
	sched_rr.enqueue(&tasks[4]); /* a removed tail can come back */
	CHECK_INT(queue_contents(tids, TASKS), 3);
	CHECK_INT(tids[2], 5);
	sched_rr.dequeue(&tasks[1]);
	sched_rr.dequeue(&tasks[3]);
	sched_rr.dequeue(&tasks[4]);
	CHECK(sched_rr.pick_next() == NULL);
}

static void
slice_length(void)
{
	fresh(SLICE);
	sched_rr.enqueue(&tasks[0]);
	sched_rr.enqueue(&tasks[1]);
	struct task *running = sched_rr.pick_next();
	/* The first SLICE - 1 ticks keep it; the SLICE-th ends the slice. */
	for (int tick = 1; tick < SLICE; tick++)
		CHECK(!sched_rr.tick(running));
	CHECK(sched_rr.tick(running));
}

static void
alone_keeps_running(void)
{
	fresh(1);
	sched_rr.enqueue(&tasks[0]);
	struct task *running = sched_rr.pick_next();
	for (int tick = 0; tick < 10; tick++)
		CHECK(!sched_rr.tick(running)); /* nobody else is ready */
	sched_rr.enqueue(&tasks[1]);
	CHECK(sched_rr.tick(running)); /* now someone is */
}

/* Run the policy the way sched.c does for @ticks ticks; count each
 * task's ticks and check the rotation order. */
static void
fairness_over_many_ticks(void)
{
	const int ticks = 100000;
	long got[TASKS] = { 0 };
	int rotation_errors = 0;

	fresh(SLICE);
	for (int i = 0; i < TASKS; i++)
		sched_rr.enqueue(&tasks[i]);
	struct task *running = sched_rr.pick_next();
	for (int tick = 0; tick < ticks; tick++) {
		got[running->tid - 1]++;
		if (sched_rr.tick(running)) {
			sched_rr.enqueue(running);
			struct task *next = sched_rr.pick_next();
			/* Round-robin: the next is the one after, cyclically. */
			if (next->tid != running->tid % TASKS + 1)
				rotation_errors++;
			running = next;
		}
	}
	CHECK_INT(rotation_errors, 0);
	long min = got[0], max = got[0];
	for (int i = 1; i < TASKS; i++) {
		min = got[i] < min ? got[i] : min;
		max = got[i] > max ? got[i] : max;
	}
	CHECK(max - min <= SLICE); /* at most one slice apart */
}

static void
zero_slice_means_one(void)
{
	fresh(0);
	sched_rr.enqueue(&tasks[0]);
	sched_rr.enqueue(&tasks[1]);
	struct task *running = sched_rr.pick_next();
	CHECK(sched_rr.tick(running));
}

int
main(void)
{
	unit_suite = "rr";
	UNIT_RUN(fifo_order);
	UNIT_RUN(dequeue_anywhere);
	UNIT_RUN(slice_length);
	UNIT_RUN(alone_keeps_running);
	UNIT_RUN(fairness_over_many_ticks);
	UNIT_RUN(zero_slice_means_one);
	return unit_failures;
}
