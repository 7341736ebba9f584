/*
 * Round-robin: ready tasks wait in one first-in, first-out queue; the
 * one at the head runs for a slice of ticks, then goes to the tail.
 *
 *   head                      tail
 *   [ A ] -> [ B ] -> [ C ] -> [ D ]     A runs next; when its slice
 *                                        ends: B C D A
 *
 * The host unit tests (tests/unit/test_rr.c) run this file as it is.
 */
#include "sched/policy.h"
#include "sched/task.h"

static struct task *head, *tail;
static unsigned slice;

static void
rr_init(unsigned slice_ticks)
{
	head = tail = NULL;
	slice = slice_ticks ? slice_ticks : 1;
}

static void
rr_enqueue(struct task *t)
{
	t->rq_next = NULL;
	t->rq_prev = tail;
	if (tail)
		tail->rq_next = t;
	else
		head = t;
	tail = t;
}

static void
rr_dequeue(struct task *t)
{
	if (t->rq_prev)
		t->rq_prev->rq_next = t->rq_next;
	else
		head = t->rq_next;
	if (t->rq_next)
		t->rq_next->rq_prev = t->rq_prev;
	else
		tail = t->rq_prev;
	t->rq_next = t->rq_prev = NULL;
}

/* The head runs next, with a fresh slice. */
static struct task *
rr_pick_next(void)
{
	struct task *t = head;

	if (t) {
		rr_dequeue(t);
		t->slice_left = slice;
	}
	return t;
}

static bool
rr_tick(struct task *running)
{
	if (running->slice_left > 1) {
		running->slice_left--;
		return false;
	}
	running->slice_left = 0;
	return head != NULL; /* alone in the queue: no point switching */
}

const struct sched_policy sched_rr = {
	.name = "rr",
	.init = rr_init,
	.enqueue = rr_enqueue,
	.dequeue = rr_dequeue,
	.pick_next = rr_pick_next,
	.tick = rr_tick,
};
