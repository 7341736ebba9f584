/*
 * Page-table walking, mapping and unmapping (the layout is drawn in
 * paging.h). Tables are reached through the direct map; new tables come
 * from frame_alloc, zeroed, counted as FRAME_PAGE_TABLE.
 *
 * Host unit tests run this file over simulated physical memory
 * (tests/unit/test_paging.c), so it touches memory only through
 * phys_to_virt and the TLB only through tlb_flush_page.
 */
#include "mm/paging.h"
#include "kernel/lib/errno.h"
#include "mm/frame.h"
#include "mm/memlayout.h"

pte_t pte_nx;

/* Does a last-level entry hold a page (present, or kept as PROT_NONE)? */
static bool
holds_page(pte_t entry)
{
	return entry & (PTE_PRESENT | PTE_PROTNONE);
}

static pte_t *
table_at(paddr_t pa)
{
	return phys_to_virt(pa);
}

/* Flags for a table entry that points to a lower table: present and
 * writable, and user-accessible in the user half, so that the last level
 * alone decides. */
static pte_t
table_entry_flags(vaddr_t va)
{
	return PTE_PRESENT | PTE_WRITABLE | (va < USER_END ? PTE_USER : 0);
}

/*
 * Walk from @root down to the table at @stop_level that covers @va and
 * return its entry for @va. Missing tables are allocated when @create.
 */
static pte_t *
walk_to(paddr_t root, vaddr_t va, int stop_level, bool create)
{
	paddr_t table = root;

	for (int level = PT_LEVELS; level > stop_level; level--) {
		pte_t *entry = &table_at(table)[pt_index(va, level)];
		if (!(*entry & PTE_PRESENT)) {
			if (!create)
				return NULL;
			paddr_t fresh = frame_alloc(FRAME_PAGE_TABLE);
			if (!fresh)
				return NULL;
			*entry = fresh | table_entry_flags(va);
		} else if (*entry & PTE_LARGE) {
			return NULL; /* a large page covers it: no table below */
		}
		table = *entry & PTE_ADDR_MASK;
	}
	return &table_at(table)[pt_index(va, stop_level)];
}

pte_t *
paging_walk(paddr_t root, vaddr_t va, bool create)
{
	return walk_to(root, va, 1, create);
}

vaddr_t
paging_skip_missing(paddr_t root, vaddr_t va)
{
	paddr_t table = root;

	for (int level = PT_LEVELS; level > 1; level--) {
		pte_t entry = table_at(table)[pt_index(va, level)];
		if (!(entry & PTE_PRESENT) || (entry & PTE_LARGE)) {
			/* One entry at this level covers 4 KiB << 9 per
			 * level below it. */
			uint64_t span = (uint64_t)PAGE_SIZE
					<< (9 * (level - 1));
			return ALIGN_DOWN(va, span) + span;
		}
		table = entry & PTE_ADDR_MASK;
	}
	return va;
}

/* Bits 63..48 must copy bit 47, or the CPU refuses the address. */
static bool
is_canonical(vaddr_t va)
{
	return va < USER_END || va >= DIRECT_MAP_BASE;
}

/* Why a walk for @va stopped: a large page covers it, or no memory. */
static int
walk_error(paddr_t root, vaddr_t va)
{
	return paging_translate(root, va, NULL, NULL) ? -EEXIST : -ENOMEM;
}

/* Map one page of @size (4 KiB at level 1, 2 MiB at level 2). */
static int
map_at_level(paddr_t root, vaddr_t va, paddr_t pa, pte_t flags, int level)
{
	uint64_t size = level == 1 ? PAGE_SIZE : LARGE_PAGE_SIZE;

	if (!is_canonical(va) || va % size || pa % size)
		return -EINVAL;
	pte_t *entry = walk_to(root, va, level, true);
	if (!entry)
		return walk_error(root, va);
	if (holds_page(*entry))
		return -EEXIST;
	/* In a last-level entry bit 7 is PAT, not "large": never pass it.
	 * A PROT_NONE page stays not present (mm_copy maps those too). */
	flags = flags & PTE_FLAGS_MASK & ~PTE_LARGE;
	flags |= flags & PTE_PROTNONE ? 0 : PTE_PRESENT;
	*entry = pa | flags | (level == 2 ? PTE_LARGE : 0);
	return 0;
}

int
paging_map(paddr_t root, vaddr_t va, paddr_t pa, pte_t flags)
{
	return map_at_level(root, va, pa, flags, 1);
}

int
paging_map_large(paddr_t root, vaddr_t va, paddr_t pa, pte_t flags)
{
	return map_at_level(root, va, pa, flags, 2);
}

int
paging_unmap(paddr_t root, vaddr_t va, paddr_t *pa)
{
	pte_t *pte = walk_to(root, va, 1, false);

	if (!pte || !holds_page(*pte))
		return -ENOENT;
	if (pa)
		*pa = *pte & PTE_ADDR_MASK;
	*pte = 0;
	tlb_flush_page(va);
	return 0;
}

int
paging_protect(paddr_t root, vaddr_t va, pte_t flags)
{
	pte_t *pte = walk_to(root, va, 1, false);

	if (!pte || !holds_page(*pte))
		return -ENOENT;
	if (!(flags & PTE_PROTNONE))
		flags |= PTE_PRESENT;
	else
		flags &= ~PTE_PRESENT;
	*pte = (*pte & PTE_ADDR_MASK) | (flags & PTE_FLAGS_MASK);
	tlb_flush_page(va);
	return 0;
}

bool
paging_translate(paddr_t root, vaddr_t va, paddr_t *pa, pte_t *flags)
{
	paddr_t table = root;

	for (int level = PT_LEVELS; level >= 1; level--) {
		pte_t entry = table_at(table)[pt_index(va, level)];
		if (!(entry & PTE_PRESENT) &&
		    !(level == 1 && holds_page(entry)))
			return false;
		if (level == 1 || (level == 2 && (entry & PTE_LARGE))) {
			uint64_t page_mask = level == 1 ? PAGE_SIZE - 1
							: LARGE_PAGE_SIZE - 1;
			if (pa)
				*pa = ((entry & PTE_ADDR_MASK) & ~page_mask) |
				      (va & page_mask);
			if (flags)
				*flags = entry & PTE_FLAGS_MASK;
			return true;
		}
		table = entry & PTE_ADDR_MASK;
	}
	return false;
}

/* Free @table (at @level) and every table below it; not the pages. */
static void
free_table(paddr_t table, int level)
{
	if (level > 1) {
		pte_t *entries = table_at(table);
		for (int i = 0; i < PT_ENTRIES; i++)
			if ((entries[i] & PTE_PRESENT) &&
			    !(entries[i] & PTE_LARGE))
				free_table(entries[i] & PTE_ADDR_MASK,
					   level - 1);
	}
	frame_put(table);
}

void
paging_free_tables(paddr_t root, unsigned first, unsigned end)
{
	pte_t *pml4 = table_at(root);

	for (unsigned i = first; i < end; i++) {
		if (pml4[i] & PTE_PRESENT)
			free_table(pml4[i] & PTE_ADDR_MASK, PT_LEVELS - 1);
		pml4[i] = 0;
	}
}
