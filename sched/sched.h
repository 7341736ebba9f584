/*
 * The scheduler: which task runs, and switching between them.
 *
 * Sprout's kernel is not preemptive: a task in the kernel keeps the CPU
 * until it blocks, yields, or passes a preemption point. The timer tick
 * only marks the running task for rescheduling when its slice is used
 * up (this_cpu()->need_resched); the switch happens at the next
 * preemption point: sched_preempt_point() in long kernel loops, the
 * idle loop, and (with user mode) every return to user mode.
 *
 * Lock: sched_lock protects every task's state, the run queue, the
 * armed timers and all wait queues. It is held across context_switch: the
 * task switched to releases it (xv6 does the same with its p->lock).
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include "kernel/lib/spinlock.h"
#include "kernel/lib/types.h"

struct task;

#define SCHED_DEFAULT_QUANTUM_MS 20

extern struct spinlock sched_lock;

/* Make the running boot code the idle task (tid 0) of this CPU and pick
 * the policy named @policy ("rr" if NULL) with a slice of @quantum_ms
 * (0: the default). Unknown names are reported and replaced by rr. */
void sched_init(const char *policy, unsigned quantum_ms);

/* A kernel thread running fn(arg), READY; NULL when out of memory. */
struct task *kthread_create(const char *name, void (*fn)(void *arg), void *arg);
/* The same, but not yet READY: the caller finishes setting it up (fork
 * copies a process into it) and then calls sched_start(). */
struct task *task_create(const char *name, void (*fn)(void *arg), void *arg);
void sched_start(struct task *t);
/* Free a ZOMBIE's stack, tid and struct: its reaper calls this. */
void task_free(struct task *t);
/* Become a ZOMBIE and leave the CPU for good. Caller holds sched_lock
 * (interrupts off) and has woken whoever will reap it. */
__noreturn void sched_exit_locked(void);
/* The same for a task nobody will reap (a thread): it is freed by the
 * next task to run, once nothing runs on its stack. */
__noreturn void sched_exit_reap_locked(void);
/* End the calling kernel thread. Does not return. */
__noreturn void kthread_exit(int status);
/* Wait for @t to exit, free it, and return its exit status. */
int kthread_join(struct task *t);

/* Give up the CPU to the next ready task, if any. */
void sched_yield(void);
/* Switch if the running task's slice is used up. Cheap otherwise: call it
 * in long kernel loops. */
void sched_preempt_point(void);
/* Block for at least @ns nanoseconds (woken by the first tick after). */
void sched_sleep_ns(uint64_t ns);

/* The idle task's loop: run whatever is ready, halt when nothing is.
 * Does not return. */
__noreturn void sched_idle_loop(void);

/* Called by the timer interrupt, HZ times a second. */
void sched_tick(void);

/* The task with this tid (zombies included), or NULL. */
struct task *task_find(int tid);
/* The task with the smallest tid above @tid, or NULL: a walk over every
 * task that needs no snapshot (for kill -1, and /proc's listing). */
struct task *task_next(int tid);

/* Print every task: state, ticks, switches (Ctrl-P on the console). */
void sched_dump(void);

/*
 * A timer: call expire() from the tick once clock_ns() has reached
 * deadline_ns. All armed timers wait in one list, soonest first, which
 * sched_tick looks at on every tick, so a timer expires at most one tick
 * late and never early. A sleeping task is one kind (task->sleep_timer);
 * a process's ITIMER_REAL another (kernel/proc/itimer.c). Every field is
 * under sched_lock.
 */
struct sched_timer {
	uint64_t deadline_ns;	  /* clock_ns time; 0: not armed */
	struct sched_timer *next; /* in the list of armed timers */
	/* Called from the tick's interrupt with sched_lock held, once the
	 * timer is off the list; @due_ns is the deadline it had. It may
	 * wake tasks and arm timers, nothing that takes another lock. */
	void (*expire)(struct sched_timer *timer, uint64_t due_ns);
};

/* Arm @timer for @deadline_ns (clock_ns time), first disarming it if it
 * was armed. Caller holds sched_lock. */
void sched_timer_start_locked(struct sched_timer *timer, uint64_t deadline_ns,
			      void (*expire)(struct sched_timer *timer,
					     uint64_t due_ns));
/* Disarm @timer; nothing if it is not armed. Caller holds sched_lock. */
void sched_timer_stop_locked(struct sched_timer *timer);

/* Wake @t at @deadline_ns (clock_ns time) if nothing wakes it before;
 * t->timed_out then says which happened. Caller holds sched_lock. */
void sched_wake_at_locked(struct task *t, uint64_t deadline_ns);

/* For wait.c: block the running task (RUNNING -> WAITING) and switch;
 * wake @t (WAITING -> READY). Caller holds sched_lock. */
void sched_block_locked(const char *why);
void sched_wake_locked(struct task *t, const char *why);

/* The name of the policy in use, and the slice in ticks. */
const char *sched_policy_name(void);
unsigned sched_slice_ticks(void);

#endif /* SCHED_SCHED_H */
