/*
 * Spinlocks: mutual exclusion between CPUs, and (because taking one turns
 * interrupts off on this CPU) between a thread and the interrupt handlers
 * on its own CPU.
 *
 *   uint64_t flags = spin_lock_irqsave(&lock);
 *   ... touch what the lock protects ...
 *   spin_unlock_irqrestore(&lock, flags);
 *
 * Sprout runs one CPU for now, where the atomic exchange always succeeds at
 * once; the code is what a second CPU will need.
 */
#ifndef KERNEL_LIB_SPINLOCK_H
#define KERNEL_LIB_SPINLOCK_H

#include "kernel/cpu/x86.h"

struct spinlock {
	int locked;	  /* 1 while held */
	const char *name; /* for debugging */
};

#define SPINLOCK_INIT(lock_name)                 \
	{                                        \
		.locked = 0, .name = (lock_name) \
	}

/* Take @lock with interrupts off; returns the old interrupt state. */
static inline uint64_t
spin_lock_irqsave(struct spinlock *lock)
{
	uint64_t flags = irq_save();

	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
	return flags;
}

/* Release @lock and put the interrupt state back as it was. */
static inline void
spin_unlock_irqrestore(struct spinlock *lock, uint64_t flags)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
	irq_restore(flags);
}

#endif /* KERNEL_LIB_SPINLOCK_H */
