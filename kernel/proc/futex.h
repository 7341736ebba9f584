/*
 * Futexes ("fast user-space mutexes"): a thread sleeps in the kernel until
 * another wakes it, keyed by the address of a 32-bit word in user memory.
 * musl builds its mutexes, condition variables, pthread_join and more on
 * FUTEX_WAIT (sleep if the word still holds the value I saw) and
 * FUTEX_WAKE (wake up to N sleepers on this word).
 */
#ifndef KERNEL_PROC_FUTEX_H
#define KERNEL_PROC_FUTEX_H

#include "kernel/lib/types.h"

struct mm;

/* Wake up to @count waiters on the word at @uaddr in @mm; how many. */
int futex_wake_address(struct mm *mm, vaddr_t uaddr, int count);

#endif /* KERNEL_PROC_FUTEX_H */
