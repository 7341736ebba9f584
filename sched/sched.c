/*
 * The scheduler core: creating and ending kernel threads, the switch,
 * the tick, sleeping. Which task runs next is the policy's business
 * (sched/policy.h); when and how to switch is this file's.
 *
 * The path from the timer to a switch:
 *
 *   the tick (the local APIC timer, or PIT IRQ 0 without an APIC)
 *     -> trap_dispatch -> lapic_timer_interrupt or pit_tick
 *     -> timer_tick -> sched_tick
 *       charges the tick to the running task, expires the timers whose
 *       deadline has passed (a sleeper wakes); when the policy says its
 *       slice is used up, sets this_cpu()->need_resched
 *   ... back in the interrupted task, which runs on until ...
 *   sched_preempt_point (or the idle loop, or a return to user mode)
 *       sees need_resched: RUNNING -> READY, enqueue, switch_locked
 *   switch_locked
 *       asks the policy for the next task, marks it RUNNING, points the
 *       TSS and the per-CPU area at its kernel stack, loads its address
 *       space if it differs, and calls context_switch
 */
#include "sched/sched.h"
#include "kernel/cpu/fpu.h"
#include "kernel/cpu/gdt.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/trap.h"
#include "kernel/cpu/tsc.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/timer.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "mm/address_space.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "sched/policy.h"
#include "sched/task.h"
#include "sched/trace.h"

#define NSEC_PER_MSEC 1000000ull

/* In switch.S. */
void context_switch(uint64_t *save_rsp, uint64_t next_rsp);
void task_start_trampoline(void);
/* Called by the trampoline; never returns. */
__noreturn void task_start(void (*fn)(void *arg), void *arg);

struct spinlock sched_lock = SPINLOCK_INIT("sched");

/* The policies a kernel can be booted with (sched=NAME). */
static const struct sched_policy *const policies[] = { &sched_rr };
static const struct sched_policy *policy = &sched_rr;
static unsigned slice_ticks;

static struct task idle_task;	   /* the boot code, tid 0 */
static struct task *all_tasks;	   /* every task, newest first */
static struct sched_timer *timers; /* armed timers, soonest first */

void
sched_init(const char *name, unsigned quantum_ms)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(policies); i++)
		if (strcmp(policies[i]->name, name) == 0)
			policy = policies[i];
	if (name && strcmp(policy->name, name) != 0)
		pr_warn("sched: no policy '%s'; using %s\n", name,
			policy->name);
	if (!quantum_ms)
		quantum_ms = SCHED_DEFAULT_QUANTUM_MS;
	/* Whole ticks, at least one. */
	slice_ticks = (quantum_ms * HZ + 999) / 1000;
	policy->init(slice_ticks);
	timer_set_tick_handler(sched_tick);

	/* The code running now, kmain on the boot stack, becomes the idle
	 * task: it only ever runs when nothing else can. */
	struct task *idle = &idle_task;
	idle->tid = 0;
	strlcpy(idle->name, "idle", sizeof(idle->name));
	idle->state = TASK_RUNNING;
	idle->created_ns = clock_ns();
	wait_queue_init(&idle->exit_waiters, "exit");
	idle->all_next = all_tasks;
	all_tasks = idle;
	this_cpu()->idle = idle;
	this_cpu()->current = idle;
	pr_info("sched: %s, slice %u ms (%u ticks at %d Hz)\n", policy->name,
		slice_ticks * 1000 / HZ, slice_ticks, HZ);
}

const char *
sched_policy_name(void)
{
	return policy->name;
}

unsigned
sched_slice_ticks(void)
{
	return slice_ticks;
}

/* READY, and in the run queue (the idle task never is: it runs only
 * when the queue is empty). Caller holds sched_lock. */
static void
make_ready(struct task *t, const char *why)
{
	task_set_state(t, TASK_READY, why);
	if (t != this_cpu()->idle)
		policy->enqueue(t);
}

/* Take @t off the task list. Caller holds sched_lock. */
static void
task_unlist_locked(struct task *t)
{
	for (struct task **link = &all_tasks; *link; link = &(*link)->all_next)
		if (*link == t) {
			*link = t->all_next;
			break;
		}
	trace_record(t, TASK_ZOMBIE, TASK_STATES, "reaped");
}

/* After a switch, on the new stack: free the task that exited for good
 * just before it (a thread nobody waits for), whose stack we left. */
static void
finish_switch(void)
{
	struct cpu *cpu = this_cpu();
	struct task *dead = cpu->dead;

	if (!dead)
		return;
	cpu->dead = NULL;
	task_unlist_locked(dead);
	kstack_free(dead->kstack_top);
	tid_free(dead->tid);
	kfree(dead);
}

/*
 * Switch to the next task. The running task has already left RUNNING
 * (it is READY and queued, WAITING, or a ZOMBIE). Caller holds
 * sched_lock with interrupts off; so does whoever we switch to, which
 * releases it. Returns when the calling task is switched back in.
 */
static void
switch_locked(void)
{
	struct cpu *cpu = this_cpu();
	struct task *prev = cpu->current;
	struct task *next = policy->pick_next();

	if (!next)
		next = cpu->idle;
	task_set_state(next, TASK_RUNNING, "scheduled");
	cpu->need_resched = false;
	if (next == prev)
		return;

	cpu->current = next;
	if (next->kstack_top) {
		cpu->kernel_stack = next->kstack_top;
		tss_set_kernel_stack(next->kstack_top);
	}
	/* Kernel threads have no address space of their own and run in
	 * whichever is loaded: the kernel half is the same in all. */
	if (next->mm && next->mm != mm_active())
		mm_activate(next->mm);
	/* A user task's thread-local storage base (arch_prctl) and its FPU
	 * and SSE registers. */
	if (prev->mm)
		fpu_save(&prev->fpu);
	if (next->mm) {
		wrmsr(MSR_FS_BASE, next->fs_base);
		fpu_restore(&next->fpu);
	}
	context_switch(&prev->saved_rsp, next->saved_rsp);
	finish_switch();
}

void
sched_yield(void)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);
	struct task *t = current_task();

	t->voluntary_switches++;
	make_ready(t, "yield");
	switch_locked();
	spin_unlock_irqrestore(&sched_lock, flags);
}

void
sched_preempt_point(void)
{
	if (!this_cpu()->need_resched)
		return;
	uint64_t flags = spin_lock_irqsave(&sched_lock);
	struct task *t = current_task();

	t->involuntary_switches++;
	make_ready(t, "preempted");
	switch_locked();
	spin_unlock_irqrestore(&sched_lock, flags);
}

void
sched_block_locked(const char *why)
{
	struct task *t = current_task();

	if (t == this_cpu()->idle)
		panic("sched: the idle task tried to block (%s)", why);
	t->voluntary_switches++;
	task_set_state(t, TASK_WAITING, why);
	switch_locked();
}

void
sched_wake_locked(struct task *t, const char *why)
{
	if (t->state != TASK_WAITING)
		return;
	sched_timer_stop_locked(&t->sleep_timer);
	/* Woken by something other than its queue (a signal, a timeout):
	 * leave the queue, or a later wake-up would find it there. */
	if (t->waiting_on)
		wait_queue_remove_locked(t->waiting_on, t);
	make_ready(t, why);
	/* The idle task has nothing to finish: let it switch at once. */
	if (current_task() == this_cpu()->idle)
		this_cpu()->need_resched = true;
}

void
sched_timer_stop_locked(struct sched_timer *timer)
{
	if (!timer->deadline_ns)
		return;
	for (struct sched_timer **link = &timers; *link; link = &(*link)->next)
		if (*link == timer) {
			*link = timer->next;
			break;
		}
	timer->next = NULL;
	timer->deadline_ns = 0;
}

void
sched_timer_start_locked(struct sched_timer *timer, uint64_t deadline_ns,
			 void (*expire)(struct sched_timer *timer,
					uint64_t due_ns))
{
	struct sched_timer **link = &timers;

	sched_timer_stop_locked(timer);
	timer->expire = expire;
	timer->deadline_ns = deadline_ns ? deadline_ns : 1; /* 0: unarmed */
	while (*link && (*link)->deadline_ns <= timer->deadline_ns)
		link = &(*link)->next;
	timer->next = *link;
	*link = timer;
}

/* A timed sleep's deadline came before anything else woke the task. */
static void
sleep_expired(struct sched_timer *timer, uint64_t due_ns)
{
	struct task *t = container_of(timer, struct task, sleep_timer);

	(void)due_ns;
	t->timed_out = true;
	sched_wake_locked(t, "timer");
}

void
sched_wake_at_locked(struct task *t, uint64_t deadline_ns)
{
	t->timed_out = false;
	sched_timer_start_locked(&t->sleep_timer, deadline_ns, sleep_expired);
}

void
sched_sleep_ns(uint64_t ns)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);

	sched_wake_at_locked(current_task(), clock_ns() + ns);
	sched_block_locked("sleep");
	spin_unlock_irqrestore(&sched_lock, flags);
}

void
sched_tick(void)
{
	struct cpu *cpu = this_cpu();
	uint64_t now = clock_ns();

	spin_lock(&sched_lock); /* interrupts are off: this is an IRQ */
	struct task *t = cpu->current;
	t->ticks_run++;
	while (timers && timers->deadline_ns <= now) {
		struct sched_timer *timer = timers;
		uint64_t due = timer->deadline_ns;
		timers = timer->next;
		timer->next = NULL;
		timer->deadline_ns = 0;
		timer->expire(timer, due); /* may arm it again, for later */
	}
	if (t != cpu->idle && policy->tick(t))
		cpu->need_resched = true;
	spin_unlock(&sched_lock);
}

__noreturn void
sched_idle_loop(void)
{
	for (;;) {
		interrupts_disable();
		if (this_cpu()->need_resched) {
			spin_lock(&sched_lock);
			make_ready(current_task(), "idle");
			switch_locked();
			spin_unlock(&sched_lock);
			interrupts_enable();
		} else {
			/* sti takes effect after the next instruction, so no
			 * interrupt can slip in between the check and hlt. */
			__asm__ volatile("sti; hlt" ::: "memory");
		}
	}
}

/* --- Kernel threads -------------------------------------------------- */

/*
 * The first frame of a new task, as context_switch will pop it:
 *
 *   kstack_top
 *   +------------------------+
 *   | task_start_trampoline  |  <- "returned" to by context_switch
 *   | rbp = 0                |
 *   | rbx = 0                |
 *   | r12 = fn               |  the trampoline passes these two
 *   | r13 = arg              |  to task_start
 *   | r14 = 0                |
 *   | r15 = 0                |  <- saved_rsp
 *   +------------------------+
 */
struct task *
task_create(const char *name, void (*fn)(void *arg), void *arg)
{
	struct task *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->tid = tid_alloc();
	if (t->tid < 0)
		goto out_free_task;
	t->kstack_top = kstack_alloc(t->tid);
	if (!t->kstack_top)
		goto out_free_tid;

	t->pid = t->tid;
	strlcpy(t->name, name, sizeof(t->name));
	t->entry = fn;
	t->arg = arg;
	t->created_ns = clock_ns();
	wait_queue_init(&t->exit_waiters, "join");
	wait_queue_init(&t->child_exit, "wait4");

	/* The top of the stack is kept for the user registers (trap frame)
	 * that a user process saves on every entry to the kernel; kernel
	 * frames start below it. */
	t->tf = (struct trap_frame *)(t->kstack_top -
				      sizeof(struct trap_frame));
	uint64_t *frame = (uint64_t *)t->tf - 7;
	frame[6] = (uint64_t)task_start_trampoline;
	frame[5] = 0;		  /* rbp */
	frame[4] = 0;		  /* rbx */
	frame[3] = (uint64_t)fn;  /* r12 */
	frame[2] = (uint64_t)arg; /* r13 */
	frame[1] = 0;		  /* r14 */
	frame[0] = 0;		  /* r15 */
	t->saved_rsp = (uint64_t)frame;
	return t;

out_free_tid:
	tid_free(t->tid);
out_free_task:
	kfree(t);
	return NULL;
}

void
sched_start(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);

	t->all_next = all_tasks;
	all_tasks = t;
	make_ready(t, "created");
	if (current_task() == this_cpu()->idle)
		this_cpu()->need_resched = true;
	spin_unlock_irqrestore(&sched_lock, flags);
}

struct task *
kthread_create(const char *name, void (*fn)(void *arg), void *arg)
{
	struct task *t = task_create(name, fn, arg);

	if (t)
		sched_start(t);
	return t;
}

/* A new task's first C code: it arrives from switch_locked in another
 * task, which holds sched_lock with interrupts off. */
void
task_start(void (*fn)(void *arg), void *arg)
{
	finish_switch();
	spin_unlock(&sched_lock);
	interrupts_enable();
	fn(arg);
	kthread_exit(0);
}

void
sched_exit_locked(void)
{
	struct task *t = current_task();

	task_set_state(t, TASK_ZOMBIE, "exit");
	switch_locked();
	panic("sched: a zombie ran again (task %d)", t->tid);
}

void
sched_exit_reap_locked(void)
{
	struct task *t = current_task();

	task_set_state(t, TASK_ZOMBIE, "exit");
	this_cpu()->dead = t; /* freed by the next task, once off its stack */
	switch_locked();
	panic("sched: a reaped task ran again (task %d)", t->tid);
}

void
kthread_exit(int status)
{
	interrupts_disable(); /* for good: this task never runs again */
	spin_lock(&sched_lock);
	struct task *t = current_task();

	t->exit_status = status;
	wait_wake_all_locked(&t->exit_waiters);
	sched_exit_locked();
}

/* Take @t off the task list: nothing can find it any more. */
static void
task_unlist(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);

	task_unlist_locked(t);
	spin_unlock_irqrestore(&sched_lock, flags);
}

void
task_free(struct task *t)
{
	task_unlist(t);
	/* The zombie's stack is free to go: it is not running on it. */
	kstack_free(t->kstack_top);
	tid_free(t->tid);
	kfree(t);
}

int
kthread_join(struct task *t)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);

	while (t->state != TASK_ZOMBIE)
		wait_sleep_locked(&t->exit_waiters);
	spin_unlock_irqrestore(&sched_lock, flags);
	int status = t->exit_status;
	task_free(t);
	return status;
}

struct task *
task_find(int tid)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);
	struct task *t = all_tasks;

	while (t && t->tid != tid)
		t = t->all_next;
	spin_unlock_irqrestore(&sched_lock, flags);
	return t;
}

struct task *
task_next(int tid)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);
	struct task *best = NULL;

	for (struct task *t = all_tasks; t; t = t->all_next)
		if (t->tid > tid && (!best || t->tid < best->tid))
			best = t;
	spin_unlock_irqrestore(&sched_lock, flags);
	return best;
}

void
sched_dump(void)
{
	uint64_t flags = spin_lock_irqsave(&sched_lock);
	uint64_t now = clock_ns();

	pr_info("  tid name             state      ticks  vol.sw  inv.sw  age(ms)\n");
	for (struct task *t = all_tasks; t; t = t->all_next)
		pr_info("%5d %-16s %-8s %7llu %7llu %7llu %8llu\n", t->tid,
			t->name, task_state_name(t->state),
			(unsigned long long)t->ticks_run,
			(unsigned long long)t->voluntary_switches,
			(unsigned long long)t->involuntary_switches,
			(unsigned long long)((now - t->created_ns) /
					     NSEC_PER_MSEC));
	spin_unlock_irqrestore(&sched_lock, flags);
}
