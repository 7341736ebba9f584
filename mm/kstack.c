/*
 * Kernel stack allocation (the layout is drawn in kstack.h). Slots are
 * found in a bitmap; pages come from the frame allocator and are mapped
 * into the kernel half, which every address space shares, so a stack is
 * usable whatever CR3 holds.
 */
#include "mm/kstack.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/spinlock.h"
#include "mm/frame.h"
#include "mm/kernel_space.h"
#include "mm/memlayout.h"
#include "mm/paging.h"

static struct spinlock kstack_lock = SPINLOCK_INIT("kstack");
static uint64_t used[KSTACK_SLOTS / 64];
static int owners[KSTACK_SLOTS];

static vaddr_t
slot_base(size_t slot)
{
	return KSTACK_BASE + slot * KSTACK_SLOT_SIZE;
}

/* Unmap and free the mapped pages of the stack in @slot. */
static void
unmap_stack(size_t slot)
{
	vaddr_t bottom = slot_base(slot) + PAGE_SIZE;

	for (vaddr_t va = bottom; va < bottom + KSTACK_SIZE; va += PAGE_SIZE) {
		paddr_t pa;
		if (paging_unmap(kernel_root, va, &pa) == 0)
			frame_put(pa);
	}
}

vaddr_t
kstack_alloc(int owner)
{
	size_t slot;
	uint64_t flags = spin_lock_irqsave(&kstack_lock);

	for (slot = 0; slot < KSTACK_SLOTS; slot++)
		if (!(used[slot / 64] & (1ull << (slot % 64))))
			break;
	if (slot == KSTACK_SLOTS) {
		spin_unlock_irqrestore(&kstack_lock, flags);
		return 0;
	}
	used[slot / 64] |= 1ull << (slot % 64);
	owners[slot] = owner;
	spin_unlock_irqrestore(&kstack_lock, flags);

	/* The guard page at slot_base stays unmapped. */
	vaddr_t bottom = slot_base(slot) + PAGE_SIZE;
	for (vaddr_t va = bottom; va < bottom + KSTACK_SIZE; va += PAGE_SIZE) {
		paddr_t pa = frame_alloc(FRAME_KERNEL);
		if (!pa || paging_map(kernel_root, va, pa,
				      PTE_WRITABLE | pte_nx) != 0) {
			if (pa)
				frame_put(pa);
			kstack_free(bottom + KSTACK_SIZE); /* unmaps the rest */
			return 0;
		}
	}
	return bottom + KSTACK_SIZE;
}

void
kstack_free(vaddr_t top)
{
	size_t slot = (top - KSTACK_BASE) / KSTACK_SLOT_SIZE - 1;

	if (top < KSTACK_BASE || slot >= KSTACK_SLOTS ||
	    top != slot_base(slot) + KSTACK_SLOT_SIZE)
		panic("kstack_free: %#llx is not a kernel stack top",
		      (unsigned long long)top);
	unmap_stack(slot);
	uint64_t flags = spin_lock_irqsave(&kstack_lock);
	used[slot / 64] &= ~(1ull << (slot % 64));
	spin_unlock_irqrestore(&kstack_lock, flags);
}

bool
kstack_guard_hit(vaddr_t addr, int *owner)
{
	if (addr < KSTACK_BASE ||
	    addr >= KSTACK_BASE + (vaddr_t)KSTACK_SLOTS * KSTACK_SLOT_SIZE)
		return false;
	size_t slot = (addr - KSTACK_BASE) / KSTACK_SLOT_SIZE;
	if (addr - slot_base(slot) >= PAGE_SIZE)
		return false; /* in the stack itself, not its guard */
	if (!(used[slot / 64] & (1ull << (slot % 64))))
		return false;
	*owner = owners[slot];
	return true;
}
