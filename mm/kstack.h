/*
 * Kernel stacks: one per task, in their own region of the kernel half,
 * each with an unmapped guard page below it. A stack overflow runs into
 * the guard page and faults, and the fault handler can say whose stack
 * it was, instead of the overflow silently overwriting a neighbour.
 *
 *   KSTACK_BASE + slot * KSTACK_SLOT_SIZE
 *   +--------------+-------------------------------+
 *   | guard (4 KiB)| stack (KSTACK_SIZE)            |
 *   | not mapped   | grows down from the top  <--   |
 *   +--------------+-------------------------------+
 *   low                                          high = top
 */
#ifndef MM_KSTACK_H
#define MM_KSTACK_H

#include "kernel/lib/types.h"
#include "mm/memlayout.h" /* KSTACK_BASE, KSTACK_SIZE, KSTACK_SLOT_SIZE */

/* A stack for task @owner: returns its top (the initial stack pointer),
 * or 0 when out of memory or slots. */
vaddr_t kstack_alloc(int owner);
/* Free the stack whose top is @top. */
void kstack_free(vaddr_t top);
/* If @addr lies in a guard page, the owner of the stack above it. */
bool kstack_guard_hit(vaddr_t addr, int *owner);

#endif /* MM_KSTACK_H */
