/*
 * Page tables (mm/paging.c) over a simulated physical memory: an 8 MiB
 * heap buffer whose byte P stands for physical address P, reached through
 * phys_to_virt() and unit_test_phys_base. The frame calls paging.c makes
 * are provided here on a buddy pool (mm/buddy.c) over the same frames,
 * with frame 0 kept reserved so that 0 can mean "no memory". Memory starts
 * out, and freed frames are left, full of a poison byte: a table that is
 * not zeroed, or is used after it was freed, shows up as garbage entries.
 */
#include "kernel/lib/errno.h"
#include "mm/frame.h"
#include "mm/memlayout.h"
#include "mm/paging.h"
#include "tests/unit/unit.h"

#include <stdlib.h>

#define MEM_SIZE (8ul << 20)
#define NFRAMES	 (MEM_SIZE / PAGE_SIZE)
#define POISON	 0xa5 /* as an entry: present, user, large... */

uintptr_t unit_test_phys_base;

static uint8_t *mem;
static struct page *pages;
static struct frame_pool pool;
static paddr_t root;
static unsigned long flushes;
static vaddr_t last_flush;

/* --- What paging.c needs from the rest of the kernel --------------------- */

paddr_t
frame_alloc(enum frame_use use)
{
	struct page *p = frame_pool_alloc(&pool, 0, use);

	if (!p)
		return 0;
	paddr_t pa = (paddr_t)(p - pages) * PAGE_SIZE;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

void
frame_put(paddr_t pa)
{
	struct page *p = pa < MEM_SIZE ? &pages[pa / PAGE_SIZE] : NULL;

	if (pa % PAGE_SIZE != 0 || !p || !p->head || p->use == FRAME_FREE ||
	    p->use == FRAME_RESERVED || p->refcount == 0) {
		printf("  frame_put(%#llx): not an allocated frame\n",
		       (unsigned long long)pa);
		unit_case_failed = 1;
		return;
	}
	if (--p->refcount == 0) {
		memset(phys_to_virt(pa), POISON, PAGE_SIZE << p->order);
		frame_pool_free(&pool, p);
	}
}

void
tlb_flush_page(vaddr_t va)
{
	flushes++;
	last_flush = va;
}

/* --- Set-up and inspection ---------------------------------------------- */

static void
teardown(void)
{
	free(mem);
	free(pages);
	mem = NULL;
	pages = NULL;
}

/* Fresh memory, a pool of all frames but frame 0, and an empty root. */
static void
setup(void)
{
	teardown();
	mem = aligned_alloc(PAGE_SIZE, MEM_SIZE);
	memset(mem, POISON, MEM_SIZE);
	unit_test_phys_base = (uintptr_t)mem;
	pages = malloc(NFRAMES * sizeof(*pages));
	frame_pool_init(&pool, pages, NFRAMES);
	frame_pool_release(&pool, 1, NFRAMES);
	root = frame_alloc(FRAME_PAGE_TABLE);
	flushes = 0;
	last_flush = 0;
}

static size_t
tables(void)
{
	return pool.count[FRAME_PAGE_TABLE];
}

static pte_t *
table(paddr_t pa)
{
	return phys_to_virt(pa);
}

/* The entry covering @va in the table at @level (4: the root), or 0 when
 * a table above it is missing. */
static pte_t
entry_at(vaddr_t va, int level)
{
	paddr_t t = root;

	for (int l = PT_LEVELS; l > level; l--) {
		pte_t e = table(t)[pt_index(va, l)];
		if (!(e & PTE_PRESENT))
			return 0;
		t = e & PTE_ADDR_MASK;
	}
	return table(t)[pt_index(va, level)];
}

/* Count the tables reachable from @t at @level, checking each entry that
 * leads to a lower table points to an allocated page-table frame. */
static size_t
reachable(paddr_t t, int level, bool *ok)
{
	size_t n = 1;

	if (level == 1)
		return n;
	for (int i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table(t)[i];
		if (!(e & PTE_PRESENT) || (e & PTE_LARGE))
			continue;
		paddr_t next = e & PTE_ADDR_MASK;
		struct page *p =
			next < MEM_SIZE ? &pages[next / PAGE_SIZE] : NULL;
		if (!p || !p->head || p->use != FRAME_PAGE_TABLE) {
			printf("  level %d entry %d: %#llx is no table\n",
			       level, i, (unsigned long long)next);
			*ok = false;
			continue;
		}
		n += reachable(next, level - 1, ok);
	}
	return n;
}

/* Every page-table frame allocated is in the tree, and the tree holds
 * nothing else: no leaks, no dangling entries. */
static bool
tables_ok(void)
{
	bool ok = true;
	size_t n = reachable(root, PT_LEVELS, &ok);

	if (ok && n != tables()) {
		printf("  %zu tables reachable from the root, %zu allocated\n",
		       n, tables());
		ok = false;
	}
	return ok;
}

/* CHECK(tables_ok()), and whether it held. */
static bool
sound(void)
{
	bool ok = tables_ok();

	CHECK(ok);
	return ok;
}

/* --- Cases -------------------------------------------------------------- */

static void
map_translate_unmap(void)
{
	vaddr_t va = 0x400000;
	paddr_t pa, got = 0, other;
	pte_t flags = 0;

	setup();
	pa = frame_alloc(FRAME_USER);
	other = frame_alloc(FRAME_USER);
	CHECK(!paging_translate(root, va, &got, &flags));
	CHECK_INT(paging_map(root, va, pa, PTE_WRITABLE | PTE_USER), 0);

	CHECK(paging_translate(root, va, &got, &flags));
	CHECK_INT(got, pa);
	CHECK_INT(flags, PTE_PRESENT | PTE_WRITABLE | PTE_USER);
	CHECK(paging_translate(root, va + 0x234, &got, NULL));
	CHECK_INT(got, pa + 0x234);
	CHECK(paging_translate(root, va + PAGE_SIZE - 1, &got, NULL));
	CHECK_INT(got, pa + PAGE_SIZE - 1);
	CHECK(paging_translate(root, va, NULL, NULL));
	CHECK(!paging_translate(root, va + PAGE_SIZE, NULL, NULL));
	CHECK(!paging_translate(root, va - 1, NULL, NULL));

	/* Mapped already: refused, and the first mapping stays. */
	CHECK_INT(paging_map(root, va, other, PTE_WRITABLE), -EEXIST);
	CHECK(paging_translate(root, va, &got, &flags));
	CHECK_INT(got, pa);
	CHECK_INT(flags, PTE_PRESENT | PTE_WRITABLE | PTE_USER);

	got = 0;
	CHECK_INT(paging_unmap(root, va, &got), 0);
	CHECK_INT(got, pa);
	CHECK_INT(flushes, 1);
	CHECK_INT(last_flush, va);
	CHECK(!paging_translate(root, va, NULL, NULL));
	CHECK_INT(paging_unmap(root, va, &got), -ENOENT);
	CHECK_INT(paging_unmap(root, va, NULL), -ENOENT);
	CHECK_INT(paging_unmap(root, 0x7000000000, NULL), -ENOENT);
	CHECK_INT(flushes, 1);
	/* The frame was the caller's: not freed. */
	CHECK_INT(pool.count[FRAME_USER], 2);

	/* The place can be mapped again, to another frame. */
	CHECK_INT(paging_map(root, va, other, PTE_NX), 0);
	CHECK(paging_translate(root, va, &got, &flags));
	CHECK_INT(got, other);
	CHECK_INT(flags, PTE_PRESENT | PTE_NX);
	CHECK(tables_ok());
}

/* The upper levels are permissive, user-accessible in the user half only;
 * the last level holds exactly the flags asked for. */
static void
user_bit_on_tables(void)
{
	static const struct {
		vaddr_t va;
		bool user;
	} cases[] = {
		{ 0x1000, true },
		{ USER_END - PAGE_SIZE, true },
		{ DIRECT_MAP_BASE + 0x123000, false },
		{ KSTACK_BASE + 0x5000, false },
		{ KERNEL_VMA + 0x200000, false },
	};

	setup();
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		vaddr_t va = cases[i].va;
		paddr_t pa = frame_alloc(FRAME_USER);
		CHECK_INT(paging_map(root, va, pa, PTE_WRITABLE), 0);
		for (int level = PT_LEVELS; level > 1; level--) {
			pte_t e = entry_at(va, level);
			CHECK(e & PTE_PRESENT);
			CHECK(e & PTE_WRITABLE);
			CHECK(!(e & PTE_NX));
			CHECK(!(e & PTE_LARGE));
			if (cases[i].user)
				CHECK(e & PTE_USER);
			else
				CHECK(!(e & PTE_USER));
		}
		CHECK_INT(entry_at(va, 1), pa | PTE_PRESENT | PTE_WRITABLE);
	}
	CHECK(tables_ok());
}

static void
tables_created(void)
{
	setup();
	CHECK_INT(tables(), 1);
	CHECK_INT(paging_map(root, 0x400000, 0x10000, PTE_USER), 0);
	CHECK_INT(tables(), 1 + 3);
	/* The same 2 MiB: the same page table. */
	CHECK_INT(paging_map(root, 0x401000, 0x11000, PTE_USER), 0);
	CHECK_INT(paging_map(root, 0x5ff000, 0x12000, PTE_USER), 0);
	CHECK_INT(tables(), 1 + 3);
	/* The next 2 MiB: one more page table. */
	CHECK_INT(paging_map(root, 0x600000, 0x13000, PTE_USER), 0);
	CHECK_INT(tables(), 1 + 4);
	/* The next 1 GiB: a directory and a table. */
	CHECK_INT(paging_map(root, 0x40000000, 0x14000, PTE_USER), 0);
	CHECK_INT(tables(), 1 + 6);
	/* The next PML4 entry, and one in the kernel half: three each. */
	CHECK_INT(paging_map(root, 0x8000000000, 0x15000, PTE_USER), 0);
	CHECK_INT(tables(), 1 + 9);
	CHECK_INT(paging_map(root, KSTACK_BASE, 0x16000, PTE_WRITABLE), 0);
	CHECK_INT(tables(), 1 + 12);
	/* A refused map creates nothing either. */
	CHECK_INT(paging_map(root, 0x400000, 0x17000, PTE_USER), -EEXIST);
	CHECK_INT(tables(), 1 + 12);
	CHECK(tables_ok());
}

static void
walk(void)
{
	vaddr_t va = USER_END - PAGE_SIZE;
	paddr_t pa;

	setup();
	pa = frame_alloc(FRAME_USER);
	CHECK(paging_walk(root, va, false) == NULL);
	CHECK_INT(tables(), 1);
	pte_t *pte = paging_walk(root, va, true);
	CHECK(pte != NULL);
	CHECK_INT(tables(), 1 + 3);
	if (!pte)
		return;
	CHECK_INT(*pte, 0);
	CHECK(pte == table(entry_at(va, 2) & PTE_ADDR_MASK) + pt_index(va, 1));
	CHECK(paging_walk(root, va, false) == pte);
	CHECK(paging_walk(root, va, true) == pte);
	CHECK_INT(tables(), 1 + 3);
	CHECK_INT(paging_map(root, va, pa, PTE_USER), 0);
	CHECK_INT(*pte, pa | PTE_PRESENT | PTE_USER);
	CHECK(tables_ok());
}

/* paging_skip_missing: from an empty PML4 slot to the next 512 GiB, from
 * an empty PDPT slot to the next 1 GiB, from an empty page directory
 * slot to the next 2 MiB; where a table is, nowhere. */
static void
skip_missing(void)
{
	const uint64_t gib = 1ull << 30, pml4_span = 512 * gib;
	vaddr_t va = 3 * pml4_span + 5 * gib + 7 * LARGE_PAGE_SIZE + 0x3000;

	setup();
	CHECK_INT(paging_skip_missing(root, 0x1234000), pml4_span);
	CHECK_INT(paging_skip_missing(root, va), 4 * pml4_span);
	CHECK_INT(paging_map(root, va, frame_alloc(FRAME_USER), PTE_USER), 0);
	CHECK_INT(paging_skip_missing(root, va), va);
	CHECK_INT(paging_skip_missing(root, va + 0x1000), va + 0x1000);
	/* Same PDPT, another 1 GiB: no page directory there. */
	CHECK_INT(paging_skip_missing(root, va + gib), 3 * pml4_span + 7 * gib);
	/* Same page directory, another 2 MiB: no page table there. */
	CHECK_INT(paging_skip_missing(root, va + LARGE_PAGE_SIZE),
		  3 * pml4_span + 5 * gib + 9 * LARGE_PAGE_SIZE);
	CHECK(tables_ok());
}

static void
large_pages(void)
{
	vaddr_t va = 0x40000000; /* 1 GiB */
	paddr_t pa, got = 0, small;
	pte_t flags = 0;

	setup();
	/* The 2 MiB page is a real block of the pool, so that freeing it by
	 * mistake would show. */
	struct page *block = frame_pool_alloc(&pool, 9, FRAME_USER);
	CHECK(block != NULL);
	if (!block)
		return;
	pa = (paddr_t)(block - pages) * PAGE_SIZE;
	CHECK_INT(pa % LARGE_PAGE_SIZE, 0);
	small = frame_alloc(FRAME_USER);

	CHECK_INT(paging_map_large(root, va, pa, PTE_WRITABLE | PTE_USER), 0);
	CHECK_INT(tables(), 1 + 2); /* a PDPT and a PD, no page table */
	CHECK(paging_translate(root, va, &got, &flags));
	CHECK_INT(got, pa);
	CHECK_INT(flags, PTE_PRESENT | PTE_WRITABLE | PTE_USER | PTE_LARGE);
	CHECK(paging_translate(root, va + 0x12345, &got, NULL));
	CHECK_INT(got, pa + 0x12345);
	CHECK(paging_translate(root, va + LARGE_PAGE_SIZE - 1, &got, NULL));
	CHECK_INT(got, pa + LARGE_PAGE_SIZE - 1);
	CHECK(!paging_translate(root, va + LARGE_PAGE_SIZE, NULL, NULL));
	CHECK(!paging_translate(root, va - 1, NULL, NULL));
	CHECK(entry_at(va, 3) & PTE_USER);

	/* Nothing 4 KiB-sized inside it. */
	CHECK_INT(paging_map(root, va + 0x3000, small, PTE_WRITABLE), -EEXIST);
	CHECK(paging_walk(root, va + 0x3000, true) == NULL);
	CHECK_INT(paging_unmap(root, va + 0x3000, NULL), -ENOENT);
	CHECK_INT(paging_protect(root, va + 0x3000, 0), -ENOENT);
	CHECK_INT(paging_map_large(root, va, pa, 0), -EEXIST);
	CHECK_INT(tables(), 1 + 2);
	CHECK(paging_translate(root, va + 0x3000, &got, NULL));
	CHECK_INT(got, pa + 0x3000);

	/* A 2 MiB page over a page table in use is refused too. */
	CHECK_INT(paging_map(root, va + LARGE_PAGE_SIZE, small, 0), 0);
	CHECK_INT(paging_map_large(root, va + LARGE_PAGE_SIZE, pa, 0), -EEXIST);
	CHECK(paging_translate(root, va + LARGE_PAGE_SIZE, &got, NULL));
	CHECK_INT(got, small);

	/* In the kernel half, as the direct map does it. */
	CHECK_INT(paging_map_large(root, DIRECT_MAP_BASE + pa, pa,
				   PTE_WRITABLE | PTE_GLOBAL),
		  0);
	CHECK(paging_translate(root, DIRECT_MAP_BASE + pa + 8, &got, &flags));
	CHECK_INT(got, pa + 8);
	CHECK_INT(flags, PTE_PRESENT | PTE_WRITABLE | PTE_GLOBAL | PTE_LARGE);
	CHECK(!(entry_at(DIRECT_MAP_BASE + pa, 3) & PTE_USER));
	CHECK(tables_ok());

	/* Freeing the tables leaves the 2 MiB page alone. */
	paging_free_tables(root, 0, PT_ENTRIES);
	CHECK_INT(tables(), 1);
	CHECK_INT(block->use, FRAME_USER);
	CHECK_INT(block->refcount, 1);
	CHECK_INT(pool.count[FRAME_USER], 512 + 1);
}

static void
protect(void)
{
	vaddr_t va = 0x7fff0000;
	paddr_t pa, got = 0;
	pte_t flags = 0;

	setup();
	pa = frame_alloc(FRAME_USER);
	CHECK_INT(paging_map(root, va, pa, PTE_WRITABLE | PTE_USER), 0);
	CHECK_INT(flushes, 0);

	CHECK_INT(paging_protect(root, va, PTE_USER | PTE_NX), 0);
	CHECK(paging_translate(root, va, &got, &flags));
	CHECK_INT(got, pa);
	CHECK_INT(flags, PTE_PRESENT | PTE_USER | PTE_NX);
	CHECK_INT(flushes, 1);
	CHECK_INT(last_flush, va);

	CHECK_INT(paging_protect(root, va, PTE_WRITABLE), 0);
	CHECK(paging_translate(root, va, &got, &flags));
	CHECK_INT(got, pa);
	CHECK_INT(flags, PTE_PRESENT | PTE_WRITABLE);
	CHECK_INT(flushes, 2);

	/* Nothing there: refused, nothing flushed, no table made. */
	size_t before = tables();
	CHECK_INT(paging_protect(root, va + PAGE_SIZE, PTE_WRITABLE), -ENOENT);
	CHECK_INT(paging_protect(root, 0x500000000000, PTE_WRITABLE), -ENOENT);
	CHECK_INT(flushes, 2);
	CHECK_INT(tables(), before);
	CHECK(tables_ok());
}

/* A process's worth of scattered pages over several PML4 entries, torn
 * down: every table comes back, the pages stay the caller's, and the
 * kernel half is untouched. */
static void
free_tables_user_half(void)
{
	static const unsigned slots[] = { 0, 1, 7, 128, 255 };
	enum { NPAGES = 300, NSLOTS = ARRAY_SIZE(slots) };
	static vaddr_t vas[NPAGES];
	static paddr_t frames[NPAGES];
	bool pdpt_made[NSLOTS] = { 0 }, pd_made[NSLOTS][4] = { 0 };
	bool pt_made[NSLOTS][4][8] = { 0 };
	size_t mapped = 0, expect = 0, lost = 0;
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	setup();
	size_t free_start = pool.count[FRAME_FREE], tables_start = tables();

	paddr_t kpage = frame_alloc(FRAME_KERNEL);
	vaddr_t kva = KSTACK_BASE + 0x5000;
	CHECK_INT(paging_map(root, kva, kpage, PTE_WRITABLE), 0);
	size_t kernel_tables = tables() - tables_start;
	CHECK_INT(kernel_tables, 3);

	for (int tries = 0; mapped < NPAGES && tries < 100 * NPAGES; tries++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		unsigned s = rng % NSLOTS, a = (rng >> 8) % 4;
		unsigned b = (rng >> 16) % 8, c = (rng >> 24) % PT_ENTRIES;
		vaddr_t va = (vaddr_t)slots[s] << 39 | (vaddr_t)a << 30 |
			     (vaddr_t)b << 21 | (vaddr_t)c << 12;
		if (paging_translate(root, va, NULL, NULL))
			continue; /* drawn before */
		paddr_t pa = frame_alloc(FRAME_USER);
		CHECK(pa != 0);
		CHECK_INT(paging_map(root, va, pa, PTE_USER | PTE_WRITABLE), 0);
		expect += !pdpt_made[s] + !pd_made[s][a] + !pt_made[s][a][b];
		pdpt_made[s] = pd_made[s][a] = pt_made[s][a][b] = true;
		vas[mapped] = va;
		frames[mapped++] = pa;
	}
	CHECK_INT(mapped, NPAGES);
	CHECK_INT(tables(), tables_start + kernel_tables + expect);
	CHECK(tables_ok());
	for (size_t i = 0; i < mapped; i++) {
		paddr_t got = 0;
		lost += !paging_translate(root, vas[i], &got, NULL) ||
			got != frames[i];
	}
	CHECK_INT(lost, 0);

	paging_free_tables(root, 0, PML4_KERNEL_FIRST);
	CHECK_INT(tables(), tables_start + kernel_tables);
	CHECK(tables_ok());
	size_t left = 0;
	for (int i = 0; i < PML4_KERNEL_FIRST; i++)
		left += table(root)[i] != 0;
	CHECK_INT(left, 0);
	if (left)
		return; /* entries to freed tables: not to be walked */
	for (size_t i = 0; i < mapped; i++)
		left += paging_translate(root, vas[i], NULL, NULL);
	CHECK_INT(left, 0);
	paddr_t got = 0;
	CHECK(paging_translate(root, kva, &got, NULL));
	CHECK_INT(got, kpage);

	/* The pages were never the tables' to free. */
	CHECK_INT(pool.count[FRAME_USER], NPAGES);
	for (size_t i = 0; i < mapped; i++)
		frame_put(frames[i]);
	CHECK_INT(pool.count[FRAME_USER], 0);

	CHECK_INT(paging_unmap(root, kva, NULL), 0);
	frame_put(kpage);
	paging_free_tables(root, PML4_KERNEL_FIRST, PT_ENTRIES);
	CHECK_INT(tables(), tables_start);
	CHECK_INT(pool.count[FRAME_FREE], free_start);
	CHECK(tables_ok());

	/* Torn down, built again: the tree works as before. */
	CHECK_INT(paging_map(root, vas[0], frames[0], PTE_USER), 0);
	CHECK(paging_translate(root, vas[0], &got, NULL));
	CHECK_INT(got, frames[0]);
	CHECK(tables_ok());
}

static void
out_of_memory(void)
{
	static struct page *hog[NFRAMES];
	size_t nhog = 0;
	vaddr_t first = 0x1000, va = 0x0000123456789000;
	paddr_t got = 0;

	setup();
	size_t free_start = pool.count[FRAME_FREE];
	CHECK_INT(paging_map(root, first, 0x10000, PTE_USER), 0);
	while (nhog < NFRAMES &&
	       (hog[nhog] = frame_pool_alloc(&pool, 0, FRAME_KERNEL)) != NULL)
		nhog++;
	CHECK_INT(pool.count[FRAME_FREE], 0);

	/* No memory at all: refused, and nothing left behind. (A bad entry
	 * would send the walks below astray: stop at the first.) */
	CHECK_INT(paging_map(root, va, 0x20000, PTE_USER), -ENOMEM);
	CHECK_INT(tables(), 1 + 3);
	if (!sound())
		return;
	CHECK_INT(paging_map_large(root, 0x40000000, 0x200000, 0), -ENOMEM);
	CHECK(paging_walk(root, va, true) == NULL);
	if (!sound())
		return;
	CHECK(!paging_translate(root, va, NULL, NULL));
	/* A page next to one mapped needs no table: that still works. */
	CHECK_INT(paging_map(root, first + PAGE_SIZE, 0x11000, PTE_USER), 0);

	/* Memory for part of the walk only: two tables of the three. */
	frame_pool_free(&pool, hog[--nhog]);
	frame_pool_free(&pool, hog[--nhog]);
	CHECK_INT(paging_map(root, va, 0x20000, PTE_USER), -ENOMEM);
	if (!sound())
		return;
	CHECK(!paging_translate(root, va, NULL, NULL));
	CHECK(paging_walk(root, va, false) == NULL);

	/* Memory back: the same map goes through, and no table is built
	 * twice. */
	while (nhog > 0)
		frame_pool_free(&pool, hog[--nhog]);
	CHECK_INT(paging_map(root, va, 0x20000, PTE_USER), 0);
	CHECK(paging_translate(root, va, &got, NULL));
	CHECK_INT(got, 0x20000);
	CHECK(paging_translate(root, first, &got, NULL));
	CHECK_INT(got, 0x10000);
	CHECK_INT(tables(), 1 + 3 + 3);
	CHECK(tables_ok());

	paging_free_tables(root, 0, PT_ENTRIES);
	CHECK_INT(tables(), 1);
	CHECK_INT(pool.count[FRAME_FREE], free_start);
}

/* The last-level entry reached through the given indexes, PML4 first,
 * or 0 if a table on the way is missing. */
static pte_t
follow(const unsigned index[PT_LEVELS])
{
	pte_t e = 0;
	paddr_t t = root;

	for (int i = 0; i < PT_LEVELS; i++) {
		e = table(t)[index[i]];
		if (i < PT_LEVELS - 1 && !(e & PTE_PRESENT))
			return 0;
		t = e & PTE_ADDR_MASK;
	}
	return e;
}

static void
index_split(void)
{
	vaddr_t a = DIRECT_MAP_BASE, b = KERNEL_VMA;

	CHECK_INT(pt_index(a, 4), 256);
	CHECK_INT(pt_index(a, 3), 0);
	CHECK_INT(pt_index(a, 2), 0);
	CHECK_INT(pt_index(a, 1), 0);
	CHECK_INT(pt_index(b, 4), 511);
	CHECK_INT(pt_index(b, 3), 510);
	CHECK_INT(pt_index(b, 2), 0);
	CHECK_INT(pt_index(b, 1), 0);
	CHECK_INT(pt_index(0x00007fffffffffffull, 4), 255);
	CHECK_INT(pt_index(0x00007fffffffffffull, 1), 511);
	/* Each field of its own: 3, 5, 7, 9, offset 0xabc. */
	vaddr_t c = 3ull << 39 | 5ull << 30 | 7ull << 21 | 9ull << 12 | 0xabc;
	CHECK_INT(pt_index(c, 4), 3);
	CHECK_INT(pt_index(c, 3), 5);
	CHECK_INT(pt_index(c, 2), 7);
	CHECK_INT(pt_index(c, 1), 9);

	/* The tables really are filled at those indexes. */
	setup();
	CHECK_INT(paging_map(root, b, 0x30000, PTE_WRITABLE), 0);
	CHECK_INT(paging_map(root, a, 0x40000, PTE_WRITABLE), 0);
	static const unsigned image[PT_LEVELS] = { 511, 510, 0, 0 };
	static const unsigned direct[PT_LEVELS] = { 256, 0, 0, 0 };
	CHECK_INT(follow(image), 0x30000 | PTE_PRESENT | PTE_WRITABLE);
	CHECK_INT(follow(direct), 0x40000 | PTE_PRESENT | PTE_WRITABLE);
	size_t used = 0;
	for (int i = 0; i < PT_ENTRIES; i++)
		used += table(root)[i] != 0;
	CHECK_INT(used, 2);
	CHECK(tables_ok());
}

/* Addresses the CPU would refuse, or that would set PAT bits. */
static void
bad_addresses(void)
{
	paddr_t root = frame_alloc(FRAME_PAGE_TABLE);
	size_t before = tables();

	CHECK_INT(paging_map(root, 0x0000800000000000ull, 0x20000, 0), -EINVAL);
	CHECK_INT(paging_map(root, 0xffff7ffffffff000ull, 0x20000, 0), -EINVAL);
	CHECK_INT(paging_map(root, 0x400001, 0x20000, 0), -EINVAL);
	CHECK_INT(paging_map(root, 0x400000, 0x20001, 0), -EINVAL);
	CHECK_INT(paging_map_large(root, 0x400000 + 0x1000, 0x200000, 0),
		  -EINVAL);
	CHECK_INT(paging_map_large(root, 0x400000, 0x201000, 0), -EINVAL);
	CHECK_INT(tables(), before); /* nothing was built for them */
	/* PTE_LARGE means PAT in a last-level entry: it is dropped. */
	CHECK_INT(paging_map(root, 0x400000, 0x20000, PTE_LARGE | PTE_USER), 0);
	pte_t flags;
	CHECK(paging_translate(root, 0x400000, NULL, &flags));
	CHECK(!(flags & PTE_LARGE));
	paging_free_tables(root, 0, PT_ENTRIES);
	frame_put(root);
}

/* A PROT_NONE page keeps its frame but is not present. */
static void
protnone(void)
{
	paddr_t root = frame_alloc(FRAME_PAGE_TABLE);
	paddr_t got;
	pte_t flags;

	CHECK_INT(paging_map(root, 0x400000, 0x20000, PTE_USER | PTE_WRITABLE),
		  0);
	CHECK_INT(paging_protect(root, 0x400000, PTE_PROTNONE | PTE_USER), 0);
	pte_t *pte = paging_walk(root, 0x400000, false);
	CHECK(pte != NULL && !(*pte & PTE_PRESENT) && (*pte & PTE_PROTNONE));
	CHECK(paging_translate(root, 0x400000, &got, &flags));
	CHECK_INT(got, 0x20000);
	CHECK(!(flags & PTE_PRESENT));
	CHECK_INT(paging_map(root, 0x400000, 0x30000, PTE_USER), -EEXIST);
	/* And back: present again, same frame. */
	CHECK_INT(paging_protect(root, 0x400000, PTE_USER), 0);
	CHECK(paging_translate(root, 0x400000, &got, &flags));
	CHECK_INT(got, 0x20000);
	CHECK(flags & PTE_PRESENT);
	CHECK(!(flags & PTE_PROTNONE));
	/* Unmap takes a PROT_NONE page too. */
	CHECK_INT(paging_protect(root, 0x400000, PTE_PROTNONE), 0);
	CHECK_INT(paging_unmap(root, 0x400000, &got), 0);
	CHECK_INT(got, 0x20000);
	CHECK(!paging_translate(root, 0x400000, NULL, NULL));
	paging_free_tables(root, 0, PT_ENTRIES);
	frame_put(root);
}

int
main(void)
{
	unit_suite = "paging";
	UNIT_RUN(map_translate_unmap);
	UNIT_RUN(user_bit_on_tables);
	UNIT_RUN(tables_created);
	UNIT_RUN(walk);
	UNIT_RUN(skip_missing);
	UNIT_RUN(large_pages);
	UNIT_RUN(bad_addresses);
	UNIT_RUN(protnone);
	UNIT_RUN(protect);
	UNIT_RUN(free_tables_user_half);
	UNIT_RUN(out_of_memory);
	UNIT_RUN(index_split);
	teardown();
	return unit_failures;
}
