/*
 * The size of an address space, and how much of it is in memory (the
 * picture of a page-table walk is in paging.h).
 */
#include "mm/mm_usage.h"
#include "kernel/lib/spinlock.h"
#include "mm/address_space.h"
#include "mm/memlayout.h"
#include "mm/paging.h"

/* The pages mapped under the first @entries entries of @table, a table
 * at @level (4: PML4 ... 1: page table). */
static uint64_t
pages_mapped(paddr_t table, int level, unsigned entries)
{
	const pte_t *pt = phys_to_virt(table);
	uint64_t n = 0;

	for (unsigned i = 0; i < entries; i++) {
		pte_t e = pt[i];
		if (level == 1) {
			/* A PROT_NONE page still holds its frame. */
			n += (e & (PTE_PRESENT | PTE_PROTNONE)) != 0;
		} else if (!(e & PTE_PRESENT)) {
			continue;
		} else if (e & PTE_LARGE) {
			n += 1ull << (9 * (level - 1));
		} else {
			n += pages_mapped(e & PTE_ADDR_MASK, level - 1,
					  PT_ENTRIES);
		}
	}
	return n;
}

struct mm_usage
mm_usage(struct mm *mm)
{
	struct mm_usage u = { 0, 0 };
	uint64_t flags = spin_lock_irqsave(&mm->lock);

	for (struct region *r = mm->regions; r; r = r->next)
		u.size += r->end - r->start;
	/* Only the user half: the kernel half is every process's. */
	u.resident = pages_mapped(mm->root, PT_LEVELS, PML4_KERNEL_FIRST);
	spin_unlock_irqrestore(&mm->lock, flags);
	return u;
}
