/*
 * Page faults and double faults: the memory manager's trap handlers.
 */
#ifndef MM_FAULT_H
#define MM_FAULT_H

/* Take over vectors 14 (page fault) and 8 (double fault). */
void fault_init(void);

#endif /* MM_FAULT_H */
