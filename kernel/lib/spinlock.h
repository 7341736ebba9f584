/*
 * Spinlocks: mutual exclusion between CPUs, and (because taking one turns
 * interrupts off on this CPU) between a thread and the interrupt handlers
 * on its own CPU.
 *
 *   uint64_t flags = spin_lock_irqsave(&lock);
 *   ... touch what the lock protects ...
 *   spin_unlock_irqrestore(&lock, flags);
 *
 * Taking a lock this CPU already holds would spin forever; instead it
 * panics, naming the lock. Sprout runs one CPU for now, where the atomic
 * exchange always succeeds at once; the code is what a second CPU needs.
 */
#ifndef KERNEL_LIB_SPINLOCK_H
#define KERNEL_LIB_SPINLOCK_H

#include "kernel/cpu/percpu.h"
#include "kernel/cpu/x86.h"

struct spinlock {
	int locked;	  /* 1 while held */
	int owner;	  /* the holding CPU's id, while held */
	const char *name; /* for the recursion panic */
};

#define SPINLOCK_INIT(lock_name)                              \
	{                                                     \
		.locked = 0, .owner = -1, .name = (lock_name) \
	}

/* Panics: @lock is already held by this CPU. Does not return. */
__noreturn void spin_lock_recursion(struct spinlock *lock);

/* Take and release @lock without touching the interrupt flag: for code
 * that runs with interrupts off already (the scheduler, wait queues).
 * Caller has interrupts off. */
static inline void
spin_lock(struct spinlock *lock)
{
	int me = this_cpu()->id;

	if (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED) &&
	    lock->owner == me)
		spin_lock_recursion(lock);
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
	lock->owner = me;
}

static inline void
spin_unlock(struct spinlock *lock)
{
	lock->owner = -1;
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

/* Take @lock with interrupts off; returns the old interrupt state. */
static inline uint64_t
spin_lock_irqsave(struct spinlock *lock)
{
	uint64_t flags = irq_save();

	spin_lock(lock);
	return flags;
}

/* Release @lock and put the interrupt state back as it was. */
static inline void
spin_unlock_irqrestore(struct spinlock *lock, uint64_t flags)
{
	spin_unlock(lock);
	irq_restore(flags);
}

/* Is @lock held by this CPU? For assertions ("caller holds the lock"). */
static inline bool
spin_held(struct spinlock *lock)
{
	return lock->locked && lock->owner == this_cpu()->id;
}

#endif /* KERNEL_LIB_SPINLOCK_H */
