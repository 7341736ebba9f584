/*
 * In-kernel scheduler tests (test=sched runs the group): threads taking
 * turns, wait queues, timed sleep, thread lifetimes; the illegal
 * transition that must be caught; the context-switch benchmark.
 */
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/tsc.h"
#include "kernel/dev/timer.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/test/ktest.h"
#include "kernel/test/tests.h"
#include "mm/address_space.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "sched/wait.h"

#define NSEC_PER_MSEC 1000000ull
#define COUNTERS      4
#define TURNS_MAX     256
#define TICK_NS	      (1000 * NSEC_PER_MSEC / HZ)

/* --- Threads that count, and take turns -------------------------------- */

static volatile bool counters_stop;
static volatile uint64_t counts[COUNTERS];
/* Who ran, in order: a thread appends itself when it finds that the last
 * one to run was another. */
static volatile int turns[TURNS_MAX];
static volatile int nturns, last_runner = -1;

static void
counter_thread(void *arg)
{
	int me = (int)(uintptr_t)arg;

	while (!counters_stop) {
		if (last_runner != me) {
			last_runner = me;
			if (nturns < TURNS_MAX)
				turns[nturns++] = me;
		}
		counts[me]++;
		sched_preempt_point(); /* where the slice's end takes effect */
	}
}

bool
ktest_threads_take_turns(const struct boot_info *bi)
{
	struct task *t[COUNTERS];
	uint64_t involuntary[COUNTERS], ticks[COUNTERS];
	char name[TASK_NAME_MAX];

	(void)bi;
	counters_stop = false;
	nturns = 0;
	last_runner = -1;
	for (int i = 0; i < COUNTERS; i++) {
		counts[i] = 0;
		name[0] = '\0';
		strlcpy(name, "counter-0", sizeof(name));
		name[8] = (char)('0' + i);
		t[i] = kthread_create(name, counter_thread,
				      (void *)(uintptr_t)i);
		if (!t[i])
			return ktest_fail("kthread_create failed");
	}
	sched_sleep_ns(300 * NSEC_PER_MSEC); /* the counters share the CPU */
	counters_stop = true;
	for (int i = 0; i < COUNTERS; i++) {
		involuntary[i] = t[i]->involuntary_switches;
		ticks[i] = t[i]->ticks_run;
		kthread_join(t[i]);
	}

	/* Fair shares, in the scheduler's own unit: every thread gets whole
	 * slices in turn, so their ticks differ by at most about one slice.
	 * (Loop counts vary with how fast the emulator happens to run.) */
	uint64_t min = UINT64_MAX, max = 0;
	for (int i = 0; i < COUNTERS; i++) {
		pr_info("  counter-%d: %llu ticks, %llu counts, preempted %llu times\n",
			i, (unsigned long long)ticks[i],
			(unsigned long long)counts[i],
			(unsigned long long)involuntary[i]);
		min = MIN(min, ticks[i]);
		max = MAX(max, ticks[i]);
		if (involuntary[i] < 3)
			return ktest_fail(
				"counter-%d was preempted only %llu times", i,
				(unsigned long long)involuntary[i]);
	}
	if (max - min > sched_slice_ticks() + 1)
		return ktest_fail("unfair: %llu ticks against %llu",
				  (unsigned long long)min,
				  (unsigned long long)max);
	/* Round-robin: any COUNTERS turns in a row are COUNTERS different
	 * threads, always in the same order. */
	if (nturns < 3 * COUNTERS)
		return ktest_fail("only %d turns", nturns);
	for (int i = COUNTERS; i < nturns - 1; i++)
		if (turns[i] != turns[i - COUNTERS])
			return ktest_fail(
				"turn %d went to counter-%d, not counter-%d", i,
				turns[i], turns[i - COUNTERS]);
	pr_info("  %d turns, always in the order %d %d %d %d\n", nturns,
		turns[0], turns[1], turns[2], turns[3]);
	return true;
}

/* --- Wait queues --------------------------------------------------------- */

#define WAITERS 3

static struct wait_queue test_queue = WAIT_QUEUE_INIT("test-queue");
static struct spinlock test_lock = SPINLOCK_INIT("test-queue");
static int tickets; /* under test_lock: how many waiters may go */
static volatile int woken;

static void
waiter_thread(void *arg)
{
	uint64_t flags = spin_lock_irqsave(&test_lock);

	(void)arg;
	while (tickets == 0)
		wait_sleep(&test_queue, &test_lock);
	tickets--;
	woken++;
	spin_unlock_irqrestore(&test_lock, flags);
}

/* Give the other threads time to run: two ticks of sleep. */
static void
let_others_run(void)
{
	sched_sleep_ns(2 * TICK_NS);
}

static void
give_tickets(int n, bool all)
{
	uint64_t flags = spin_lock_irqsave(&test_lock);

	tickets += n;
	if (all)
		wait_wake_all(&test_queue);
	else
		wait_wake_one(&test_queue);
	spin_unlock_irqrestore(&test_lock, flags);
}

bool
ktest_wait_queue(const struct boot_info *bi)
{
	struct task *t[WAITERS];

	(void)bi;
	tickets = 0;
	woken = 0;
	for (int i = 0; i < WAITERS; i++)
		if (!(t[i] = kthread_create("waiter", waiter_thread, NULL)))
			return ktest_fail("kthread_create failed");
	let_others_run();
	for (int i = 0; i < WAITERS; i++)
		if (t[i]->state != TASK_WAITING)
			return ktest_fail("waiter %d is %s, not WAITING", i,
					  task_state_name(t[i]->state));
	give_tickets(1, false);
	let_others_run();
	if (woken != 1)
		return ktest_fail("wake one woke %d", woken);
	give_tickets(WAITERS - 1, true);
	let_others_run();
	if (woken != WAITERS)
		return ktest_fail("wake all left %d asleep", WAITERS - woken);
	for (int i = 0; i < WAITERS; i++)
		kthread_join(t[i]);
	return true;
}

/* --- Timed sleep ----------------------------------------------------------- */

bool
ktest_sleep(const struct boot_info *bi)
{
	static const uint64_t ms[] = { 1, 10, 35, 100 };

	(void)bi;
	for (size_t i = 0; i < ARRAY_SIZE(ms); i++) {
		uint64_t want = ms[i] * NSEC_PER_MSEC;
		uint64_t start = clock_ns();
		sched_sleep_ns(want);
		uint64_t slept = clock_ns() - start;
		pr_info("  asked for %llu ms, slept %llu.%03llu ms\n",
			(unsigned long long)ms[i],
			(unsigned long long)(slept / NSEC_PER_MSEC),
			(unsigned long long)(slept % NSEC_PER_MSEC / 1000));
		if (slept < want)
			return ktest_fail("woke %llu ns early",
					  (unsigned long long)(want - slept));
		if (slept > want + 2 * TICK_NS)
			return ktest_fail("woke more than two ticks late");
	}
	return true;
}

/* --- Thread lifetimes ----------------------------------------------------- */

#define LIFETIME_THREADS 200

static void
exit_with_arg(void *arg)
{
	kthread_exit((int)(uintptr_t)arg);
}

bool
ktest_kthread_lifetimes(const struct boot_info *bi)
{
	size_t free_before = frame_stats().free;
	size_t objects_before = kmalloc_stats().objects;

	(void)bi;
	for (int i = 0; i < LIFETIME_THREADS; i++) {
		struct task *a = kthread_create("short", exit_with_arg,
						(void *)(uintptr_t)i);
		struct task *b = kthread_create("short", exit_with_arg,
						(void *)(uintptr_t)(i + 1000));
		if (!a || !b)
			return ktest_fail("kthread_create failed at %d", i);
		if (a->tid == b->tid)
			return ktest_fail("two live threads share tid %d",
					  a->tid);
		int sa = kthread_join(a), sb = kthread_join(b);
		if (sa != i || sb != i + 1000)
			return ktest_fail(
				"exit statuses %d and %d, not %d and %d", sa,
				sb, i, i + 1000);
	}
	if (frame_stats().free != free_before ||
	    kmalloc_stats().objects != objects_before)
		return ktest_fail("threads leaked: %zu frames, %zu objects",
				  free_before - frame_stats().free,
				  kmalloc_stats().objects - objects_before);
	return true;
}

/* --- The illegal move (a deliberate crash) ------------------------------- */

bool
ktest_illegal_transition(const struct boot_info *bi)
{
	struct task ghost = { .tid = 99,
			      .name = "ghost",
			      .state = TASK_ZOMBIE };

	(void)bi;
	pr_info("  moving a ZOMBIE back to RUNNING\n");
	uint64_t flags = spin_lock_irqsave(&sched_lock);
	task_set_state(&ghost, TASK_RUNNING, "test");
	spin_unlock_irqrestore(&sched_lock, flags);
	return ktest_fail("the move was allowed");
}

/* --- The context-switch benchmark ---------------------------------------- */

#define PINGPONG_ROUNDS 2000

static volatile bool pingpong_go;

static void
pingpong_thread(void *arg)
{
	(void)arg;
	while (!pingpong_go)
		sched_yield();
	for (int i = 0; i < PINGPONG_ROUNDS; i++)
		sched_yield();
}

/* Two threads yielding to each other; with @own_mm, each in its own
 * address space, so that every switch reloads CR3. Returns ns per
 * switch. */
static uint64_t
pingpong(bool own_mm)
{
	struct task *t[2];
	struct mm *mm[2] = { NULL, NULL };

	pingpong_go = false;
	for (int i = 0; i < 2; i++) {
		t[i] = kthread_create("pingpong", pingpong_thread, NULL);
		if (own_mm) {
			mm[i] = mm_create();
			t[i]->mm = mm[i]; /* before it first runs */
		}
	}
	sched_yield(); /* let both start and spin on the flag */
	uint64_t start = clock_ns();
	pingpong_go = true;
	kthread_join(t[0]);
	kthread_join(t[1]);
	uint64_t ns = (clock_ns() - start) / (2 * PINGPONG_ROUNDS);
	mm_activate(NULL);
	for (int i = 0; i < 2; i++)
		if (mm[i])
			mm_put(mm[i]);
	return ns;
}

bool
ktest_bench_switch(const struct boot_info *bi)
{
	(void)bi;
	/* Interleaved, so that a noisy moment hurts both alike. */
	uint64_t same = 0, other = 0;
	for (int round = 0; round < 4; round++) {
		same += pingpong(false);
		other += pingpong(true);
	}
	pr_info("bench switch, same address space: %llu ns\n",
		(unsigned long long)(same / 4));
	pr_info("bench switch, other address space (CR3 reload): %llu ns\n",
		(unsigned long long)(other / 4));
	return true;
}

/* --- The demonstration for make trace (not a test of its own) ----------- *
 *
 * Three threads that only compute, and a producer and a consumer that
 * mostly wait: the picture shows the three taking turns in round-robin
 * order, and the other two blocked (WAITING) most of the time.
 */

#define DEMO_ROUNDS 6

static volatile bool demo_stop;
static struct wait_queue demo_queue = WAIT_QUEUE_INIT("demo-item");
static struct spinlock demo_lock = SPINLOCK_INIT("demo");
static int demo_items; /* under demo_lock */

static void
demo_compute(void *arg)
{
	(void)arg;
	while (!demo_stop)
		sched_preempt_point();
}

/* Sleeps, then makes an item: the consumer wakes for each one. */
static void
demo_producer(void *arg)
{
	(void)arg;
	for (int i = 0; i < DEMO_ROUNDS; i++) {
		sched_sleep_ns(30 * NSEC_PER_MSEC);
		uint64_t flags = spin_lock_irqsave(&demo_lock);
		demo_items++;
		wait_wake_one(&demo_queue);
		spin_unlock_irqrestore(&demo_lock, flags);
	}
}

static void
demo_consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < DEMO_ROUNDS; i++) {
		uint64_t flags = spin_lock_irqsave(&demo_lock);
		while (demo_items == 0)
			wait_sleep(&demo_queue, &demo_lock);
		demo_items--;
		spin_unlock_irqrestore(&demo_lock, flags);
		/* Work on the item for a few milliseconds. */
		uint64_t until = clock_ns() + 5 * NSEC_PER_MSEC;
		while (clock_ns() < until)
			sched_preempt_point();
	}
}

bool
ktest_trace_demo(const struct boot_info *bi)
{
	struct task *t[5];

	(void)bi;
	demo_stop = false;
	demo_items = 0;
	t[0] = kthread_create("compute-1", demo_compute, NULL);
	t[1] = kthread_create("compute-2", demo_compute, NULL);
	t[2] = kthread_create("compute-3", demo_compute, NULL);
	t[3] = kthread_create("producer", demo_producer, NULL);
	t[4] = kthread_create("consumer", demo_consumer, NULL);
	for (int i = 0; i < 5; i++)
		if (!t[i])
			return ktest_fail("kthread_create failed");
	kthread_join(t[3]);
	kthread_join(t[4]);
	demo_stop = true;
	for (int i = 0; i < 3; i++)
		kthread_join(t[i]);
	return true;
}
