/*
 * x86-64 4-level page tables.
 *
 * A 48-bit virtual address is cut into four 9-bit table indexes and a
 * 12-bit offset. Each index picks one of 512 eight-byte entries in a
 * 4 KiB table; each entry holds the physical address of the next table
 * (or, at the last level, of the page itself):
 *
 *   63     48 47     39 38     30 29     21 20     12 11          0
 *  +---------+---------+---------+---------+---------+-------------+
 *  | sign    |  PML4   |  PDPT   |   PD    |   PT    |   offset    |
 *  | (=bit47)|  index  |  index  |  index  |  index  |  in page    |
 *  +---------+---------+---------+---------+---------+-------------+
 *                 |         |         |         |           |
 *   CR3 -> PML4 --+-> PDPT -+-> PD ---+-> PT ---+-> page ---+-> byte
 *                  (level 4) (level 3) (level 2) (level 1)
 *
 * A PD entry with PTE_LARGE maps a whole 2 MiB page and ends the walk
 * one level early (the direct map uses those).
 *
 * An entry, at any level:
 *
 *   63 62    52 51                          12 11  9 8 7 6 5 4 3 2 1 0
 *  +--+--------+------------------------------+-----+-+-+-+-+-+-+-+-+-+
 *  |NX| ignored| physical address of the next | avl |G|L|D|A|C|T|U|W|P|
 *  |  |        | table or of the page         |     | | | | | | | | | |
 *  +--+--------+------------------------------+-----+-+-+-+-+-+-+-+-+-+
 *   P present   W writable   U user may access   T write-through
 *   C cache disable   A accessed   D dirty   L large page (PD level)
 *   G global   NX no execute (only when EFER.NXE is on)
 *   avl: ignored by the CPU, free for the kernel. Sprout uses bit 9,
 *   PTE_PROTNONE, for a page of a PROT_NONE region: the entry keeps its
 *   frame but is not present, so every access faults, the kernel's too.
 *
 * The CPU ANDs the permissions of all four levels, so Sprout leaves the
 * upper levels permissive and decides at the last one.
 */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include "kernel/lib/types.h"

typedef uint64_t pte_t;

#define PTE_PRESENT	  (1ull << 0)
#define PTE_WRITABLE	  (1ull << 1)
#define PTE_USER	  (1ull << 2)
#define PTE_WRITE_THROUGH (1ull << 3)
#define PTE_CACHE_DISABLE (1ull << 4)
#define PTE_ACCESSED	  (1ull << 5)
#define PTE_DIRTY	  (1ull << 6)
#define PTE_LARGE	  (1ull << 7)
#define PTE_GLOBAL	  (1ull << 8)
#define PTE_PROTNONE	  (1ull << 9) /* software: mapped, but PROT_NONE */
#define PTE_NX		  (1ull << 63)
#define PTE_ADDR_MASK	  0x000ffffffffff000ull
#define PTE_FLAGS_MASK	  (~PTE_ADDR_MASK)

#define PT_ENTRIES	  512
#define PT_LEVELS	  4
#define PML4_KERNEL_FIRST 256 /* entries 256..511: the shared kernel half */

/* The index of @va in the table at @level (4: PML4 ... 1: page table). */
static inline unsigned
pt_index(vaddr_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

/* PTE_NX when the CPU has no-execute pages, else 0 (the bit would then be
 * reserved and fault). Set by paging_init_cpu_features(). */
extern pte_t pte_nx;

/* Map the 4 KiB page at @va to @pa with @flags (PTE_PRESENT is added).
 * Allocates missing tables. -EEXIST if @va is mapped (a large page
 * counts), -EINVAL for an unaligned or non-canonical address, -ENOMEM. */
int paging_map(paddr_t root, vaddr_t va, paddr_t pa, pte_t flags);
/* The same for a 2 MiB page; @va and @pa 2 MiB-aligned. */
int paging_map_large(paddr_t root, vaddr_t va, paddr_t pa, pte_t flags);
/* Remove the 4 KiB mapping at @va; its frame goes to *@pa (if not NULL).
 * -ENOENT if nothing is mapped there. The frame is not freed. */
int paging_unmap(paddr_t root, vaddr_t va, paddr_t *pa);
/* Change the flags of the 4 KiB mapping at @va (PTE_PROTNONE instead of
 * PTE_PRESENT makes it inaccessible but keeps it). -ENOENT if unmapped. */
int paging_protect(paddr_t root, vaddr_t va, pte_t flags);
/* The physical address and flags behind @va; false if unmapped. A
 * PTE_PROTNONE page counts as mapped (its flags say so). */
bool paging_translate(paddr_t root, vaddr_t va, paddr_t *pa, pte_t *flags);
/* The last-level entry for @va, creating tables on the way when @create;
 * NULL if a table is missing (or could not be allocated). */
pte_t *paging_walk(paddr_t root, vaddr_t va, bool create);
/* @va if a last-level table covers it; else the first address after the
 * missing (or large-page) entry that stopped the walk: 2 MiB, 1 GiB or
 * 512 GiB further, so a walk over a huge, mostly empty range skips the
 * empty parts in a few steps. */
vaddr_t paging_skip_missing(paddr_t root, vaddr_t va);
/* Free the page tables (not the pages) under PML4 entries [first, end),
 * and clear those entries. */
void paging_free_tables(paddr_t root, unsigned first, unsigned end);

/* Invalidate the TLB entry for @va on this CPU. */
void tlb_flush_page(vaddr_t va);
/* Invalidate every non-global TLB entry on this CPU (reloads CR3). */
void tlb_flush_all(void);

#endif /* MM_PAGING_H */
