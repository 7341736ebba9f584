/*
 * Address spaces: regions, lazy (demand-zero) pages, copy and teardown.
 *
 * Every user page that is mapped belongs to exactly one region and holds
 * one reference on its frame (frame_put frees it). fork shares frames
 * copy-on-write: each address space that maps a frame holds a reference,
 * and while there are several, every mapping of it is read-only; the
 * first write faults and gets a copy (cow_break). Page tables of the
 * user half belong to the address space alone; the kernel half's are
 * shared and never freed here.
 */
#include "mm/address_space.h"
#include "kernel/cpu/trap.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/string.h"
#include "mm/frame.h"
#include "mm/kernel_space.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/paging.h"

/* The address space loaded on this CPU. (Per CPU once there are more.) */
static struct mm *active_mm;

static bool
range_ok(vaddr_t start, vaddr_t end)
{
	return start < end && start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0 &&
	       start >= USER_MIN && end <= USER_MAP_END;
}

/* The page-table flags for a page of a region with @prot. x86 cannot
 * map a page writable but unreadable, so PROT_WRITE implies read.
 * PROT_NONE keeps the page but makes it not present (PTE_PROTNONE). */
static pte_t
prot_to_pte(unsigned prot)
{
	pte_t flags = PTE_PRESENT | PTE_USER;

	if (prot == PROT_NONE)
		return PTE_PROTNONE | PTE_USER | pte_nx;
	if (prot & PROT_WRITE)
		flags |= PTE_WRITABLE;
	if (!(prot & PROT_EXEC))
		flags |= pte_nx;
	return flags;
}

/* The flags for a page of a region with @prot whose frame is @pa: a
 * frame that other address spaces share stays read-only, whatever the
 * region allows, so that a write faults and copies it first. */
static pte_t
page_flags(unsigned prot, paddr_t pa)
{
	pte_t flags = prot_to_pte(prot);

	if ((flags & PTE_WRITABLE) && frame_refcount(pa) > 1)
		flags &= ~PTE_WRITABLE;
	return flags;
}

/*
 * The first address at or after @va, below @end, that has a page (or
 * @end): 2 MiB blocks with no page table are skipped whole, and inside a
 * page table the entries are scanned directly. Regions are mostly
 * unmapped (an 8 MiB stack uses a few pages), so fork and exit would
 * otherwise walk the tables once for every page of them.
 */
static vaddr_t
next_maybe_mapped(struct mm *mm, vaddr_t va, vaddr_t end)
{
	while (va < end) {
		/* No table at some level: skip all it would have covered. */
		vaddr_t next = paging_skip_missing(mm->root, va);
		if (next != va) {
			va = next;
			continue;
		}
		vaddr_t block_end =
			ALIGN_DOWN(va, LARGE_PAGE_SIZE) + LARGE_PAGE_SIZE;
		pte_t *pte = paging_walk(mm->root, va, false);
		if (pte) {
			/* One page table covers the block: its entries for
			 * va onwards are consecutive. */
			for (; va < block_end && va < end;
			     va += PAGE_SIZE, pte++)
				if (*pte & (PTE_PRESENT | PTE_PROTNONE))
					return va;
		}
		va = block_end;
	}
	return end;
}

/* Unmap and free the pages mapped in [start, end). */
static void
free_pages(struct mm *mm, vaddr_t start, vaddr_t end)
{
	for (vaddr_t va = next_maybe_mapped(mm, start, end); va < end;
	     va = next_maybe_mapped(mm, va + PAGE_SIZE, end)) {
		paddr_t pa;
		if (paging_unmap(mm->root, va, &pa) == 0)
			frame_put(pa);
	}
}

struct mm *
mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	mm->root = kernel_space_new_root();
	if (!mm->root) {
		kfree(mm);
		return NULL;
	}
	mm->refcount = 1;
	mm->lock = (struct spinlock)SPINLOCK_INIT("mm");
	return mm;
}

void
mm_get(struct mm *mm)
{
	__atomic_add_fetch(&mm->refcount, 1, __ATOMIC_RELAXED);
}

static void
mm_destroy(struct mm *mm)
{
	struct region *r = mm->regions;

	/* Never free the tables CR3 points at: move to the kernel's own. */
	if (mm_active() == mm)
		mm_activate(NULL);

	while (r) {
		struct region *next = r->next;
		free_pages(mm, r->start, r->end);
		kfree(r);
		r = next;
	}
	paging_free_tables(mm->root, 0, PML4_KERNEL_FIRST);
	frame_put(mm->root);
	kfree(mm);
}

void
mm_put(struct mm *mm)
{
	if (__atomic_sub_fetch(&mm->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		mm_destroy(mm);
}

static struct region *
region_new(vaddr_t start, vaddr_t end, unsigned prot, enum region_kind kind)
{
	struct region *r = kmalloc(sizeof(*r));

	if (r)
		*r = (struct region){ start, end, prot, kind, NULL };
	return r;
}

int
mm_region_add(struct mm *mm, vaddr_t start, vaddr_t end, unsigned prot,
	      enum region_kind kind)
{
	struct region **link;

	if (!range_ok(start, end))
		return -EINVAL;
	uint64_t flags = spin_lock_irqsave(&mm->lock);
	/* Find the first region that ends after start: the new one goes
	 * before it, if it does not overlap it. */
	for (link = &mm->regions; *link && (*link)->end <= start;
	     link = &(*link)->next)
		;
	if (*link && (*link)->start < end) {
		spin_unlock_irqrestore(&mm->lock, flags);
		return -EEXIST;
	}
	struct region *r = region_new(start, end, prot, kind);
	if (!r) {
		spin_unlock_irqrestore(&mm->lock, flags);
		return -ENOMEM;
	}
	r->next = *link;
	*link = r;
	spin_unlock_irqrestore(&mm->lock, flags);
	return 0;
}

static struct region *
region_find_locked(struct mm *mm, vaddr_t va)
{
	for (struct region *r = mm->regions; r && r->start <= va; r = r->next)
		if (va < r->end)
			return r;
	return NULL;
}

struct region *
mm_region_find(struct mm *mm, vaddr_t va)
{
	uint64_t flags = spin_lock_irqsave(&mm->lock);
	struct region *r = region_find_locked(mm, va);

	spin_unlock_irqrestore(&mm->lock, flags);
	return r;
}

/* Split @r at @at (strictly inside it) into r = [start, at) and a new
 * region [at, end) after it. */
static int
region_split(struct region *r, vaddr_t at)
{
	struct region *upper = region_new(at, r->end, r->prot, r->kind);

	if (!upper)
		return -ENOMEM;
	upper->next = r->next;
	r->next = upper;
	r->end = at;
	return 0;
}

/* Make region boundaries fall exactly at @start and @end, so that the
 * regions inside [start, end) can be changed whole. */
static int
split_at_bounds(struct mm *mm, vaddr_t start, vaddr_t end)
{
	struct region *r = region_find_locked(mm, start);

	if (r && r->start < start) {
		int err = region_split(r, start);
		if (err)
			return err;
	}
	r = region_find_locked(mm, end - 1);
	if (r && r->end > end)
		return region_split(r, end);
	return 0;
}

int
mm_region_remove(struct mm *mm, vaddr_t start, vaddr_t end)
{
	if (!range_ok(start, end))
		return -EINVAL;
	uint64_t flags = spin_lock_irqsave(&mm->lock);
	int err = split_at_bounds(mm, start, end);
	if (err) {
		spin_unlock_irqrestore(&mm->lock, flags);
		return err;
	}
	struct region **link = &mm->regions;
	while (*link) {
		struct region *r = *link;
		if (r->start >= start && r->end <= end) {
			free_pages(mm, r->start, r->end);
			*link = r->next;
			kfree(r);
		} else {
			link = &r->next;
		}
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	return 0;
}

/* Does a run of regions cover [start, end) with no hole? */
static bool
covered(struct mm *mm, vaddr_t start, vaddr_t end)
{
	vaddr_t at = start;

	for (struct region *r = mm->regions; r && at < end; r = r->next) {
		if (r->end <= at)
			continue;
		if (r->start > at)
			return false;
		at = r->end;
	}
	return at >= end;
}

int
mm_region_protect(struct mm *mm, vaddr_t start, vaddr_t end, unsigned prot)
{
	if (!range_ok(start, end))
		return -EINVAL;
	uint64_t flags = spin_lock_irqsave(&mm->lock);
	int err = covered(mm, start, end) ? split_at_bounds(mm, start, end)
					  : -ENOMEM;
	if (err) {
		spin_unlock_irqrestore(&mm->lock, flags);
		return err;
	}
	for (struct region *r = mm->regions; r && r->start < end; r = r->next) {
		if (r->start < start)
			continue;
		r->prot = prot;
		for (vaddr_t va = next_maybe_mapped(mm, r->start, r->end);
		     va < r->end;
		     va = next_maybe_mapped(mm, va + PAGE_SIZE, r->end)) {
			paddr_t pa;
			if (paging_translate(mm->root, va, &pa, NULL))
				paging_protect(mm->root, va,
					       page_flags(prot, pa));
		}
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	return 0;
}

/* Is an access with error code @error allowed by @prot? */
static bool
access_allowed(unsigned prot, uint64_t error)
{
	if (error & PF_FETCH)
		return prot & PROT_EXEC;
	if (error & PF_WRITE)
		return prot & PROT_WRITE;
	return prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
}

/*
 * Give an address space its own copy of the shared (copy-on-write)
 * page whose entry is @pte, at @va, writable if @writable. The last sharer keeps the
 * frame and, when @writable, just gets write access back; any other
 * copies it and drops its reference on the shared frame. 0 or -ENOMEM.
 * Caller holds the lock of the address space @pte belongs to.
 */
static int
cow_break(vaddr_t va, pte_t *pte, bool writable)
{
	paddr_t old = *pte & PTE_ADDR_MASK;
	pte_t flags = (*pte & PTE_FLAGS_MASK) | (writable ? PTE_WRITABLE : 0);

	if (frame_refcount(old) > 1) {
		paddr_t copy = frame_alloc_order_raw(0, FRAME_USER);
		if (!copy)
			return -ENOMEM;
		memcpy(phys_to_virt(copy), phys_to_virt(old), PAGE_SIZE);
		*pte = copy | flags;
		frame_put(old);
	} else {
		*pte = old | flags;
	}
	tlb_flush_page(va);
	return 0;
}

/*
 * The decision, in order:
 *
 *   no region at addr, or a reserved bit     -> -EFAULT (SIGSEGV)
 *   the region does not allow the access     -> -EFAULT (SIGSEGV)
 *   page not present                         -> map a zeroed page
 *   present, a write, the entry read-only    -> copy-on-write: cow_break
 *   present, anything else                   -> -EFAULT
 *
 * A read-only entry in a writable region means a shared frame: mm_copy
 * made it so, and nothing else does (mm_region_protect keeps shared
 * frames read-only too). A PROT_READ region stops at the second line.
 */
int
mm_fault(struct mm *mm, vaddr_t addr, uint64_t error)
{
	int err = -EFAULT;
	vaddr_t va = ALIGN_DOWN(addr, PAGE_SIZE);
	uint64_t flags = spin_lock_irqsave(&mm->lock);
	struct region *r = region_find_locked(mm, addr);

	if (!r || (error & PF_RESERVED) || !access_allowed(r->prot, error))
		goto out;
	if (!(error & PF_PRESENT)) {
		paddr_t pa = frame_alloc(FRAME_USER);
		if (pa &&
		    paging_map(mm->root, va, pa, prot_to_pte(r->prot)) == 0)
			err = 0;
		else if (pa)
			frame_put(pa);
	} else if (error & PF_WRITE) {
		pte_t *pte = paging_walk(mm->root, va, false);
		if (pte && (*pte & PTE_PRESENT) && !(*pte & PTE_WRITABLE))
			err = cow_break(va, pte, true);
	}
out:
	spin_unlock_irqrestore(&mm->lock, flags);
	return err;
}

/*
 * Share the mapped pages of @r between @src and @dst, copy-on-write:
 * each frame gets one more reference, and a writable page becomes
 * read-only in both, so that whichever side writes first faults and
 * copies it (cow_break). Read-only pages (program text) are shared the
 * same way and never need copying. Sets *@protected when a page of @src
 * lost write access: its TLB entries must then be flushed.
 *
 * Like next_maybe_mapped, it goes one page table (2 MiB) at a time and
 * scans the entries directly: a fork of a 32 MiB heap visits 8192 of
 * them, and a walk from the root for each would cost as much again.
 */
static int
share_region_pages(struct mm *dst, struct mm *src, struct region *r,
		   bool *protected)
{
	vaddr_t va = r->start;

	while (va < r->end) {
		vaddr_t next = paging_skip_missing(src->root, va);
		if (next != va) {
			va = next;
			continue;
		}
		vaddr_t block_end =
			MIN(ALIGN_DOWN(va, LARGE_PAGE_SIZE) + LARGE_PAGE_SIZE,
			    r->end);
		pte_t *from = paging_walk(src->root, va, false);
		pte_t *to = NULL; /* dst's entry for va, once it has a table */
		for (; va < block_end; va += PAGE_SIZE, from++) {
			if (to)
				to++;
			if (!(*from & (PTE_PRESENT | PTE_PROTNONE)))
				continue;
			if (!to) {
				to = paging_walk(dst->root, va, true);
				if (!to)
					return -ENOMEM;
			}
			if (*from & PTE_WRITABLE) {
				*from &= ~PTE_WRITABLE;
				*protected = true;
			}
			frame_get(*from & PTE_ADDR_MASK);
			*to = *from;
		}
	}
	return 0;
}

/* After mm_copy write-protected pages of @src: the CPU may still hold
 * writable translations for them, and must forget them before @src runs
 * again. Only the loaded address space has any (a CR3 switch drops the
 * others'); one CPU, so no other CPU needs telling. */
static void
flush_if_protected(struct mm *src, bool protected)
{
	if (protected && mm_active() == src)
		tlb_flush_all();
}

struct mm *
mm_copy(struct mm *src)
{
	struct mm *dst = mm_create();

	if (!dst)
		return NULL;
	bool protected = false;
	uint64_t flags = spin_lock_irqsave(&src->lock);
	struct region **tail = &dst->regions;
	for (struct region *r = src->regions; r; r = r->next) {
		struct region *copy =
			region_new(r->start, r->end, r->prot, r->kind);
		if (!copy)
			goto out_fail;
		*tail = copy; /* linked first, so a failure frees it too */
		tail = &copy->next;
		if (share_region_pages(dst, src, r, &protected) != 0)
			goto out_fail;
	}
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	flush_if_protected(src, protected);
	spin_unlock_irqrestore(&src->lock, flags);
	return dst;

out_fail:
	/* Pages already made read-only stay so: their next write finds
	 * the count back at 1 and only restores write access. */
	flush_if_protected(src, protected);
	spin_unlock_irqrestore(&src->lock, flags);
	mm_put(dst);
	return NULL;
}

vaddr_t
mm_find_gap(struct mm *mm, size_t len, vaddr_t low, vaddr_t high)
{
	vaddr_t best = 0, gap_start = low;
	uint64_t flags = spin_lock_irqsave(&mm->lock);

	/* Walk the gaps between regions, upwards; keep the last that fits. */
	for (struct region *r = mm->regions;; r = r->next) {
		vaddr_t gap_end = r ? MIN(r->start, high) : high;
		if (gap_end > gap_start && gap_end - gap_start >= len)
			best = gap_end - len;
		if (!r || r->end >= high)
			break;
		gap_start = MAX(gap_start, r->end);
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	return best;
}

int
mm_copy_in(struct mm *mm, vaddr_t va, const void *src, size_t size)
{
	const uint8_t *from = src;
	int err = 0;
	uint64_t flags = spin_lock_irqsave(&mm->lock);

	while (size && !err) {
		vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);
		size_t n = MIN(size, page + PAGE_SIZE - va);
		struct region *r = region_find_locked(mm, va);
		paddr_t pa;
		if (!r) {
			err = -EFAULT;
			break;
		}
		pte_t *pte = paging_walk(mm->root, page, false);
		if (pte && (*pte & (PTE_PRESENT | PTE_PROTNONE)) &&
		    frame_refcount(*pte & PTE_ADDR_MASK) > 1) {
			/* Shared copy-on-write (clone's CLONE_CHILD_SETTID
			 * writes into a fresh copy): copy it first. */
			err = cow_break(page, pte, r->prot & PROT_WRITE);
			if (err)
				break;
		}
		if (!paging_translate(mm->root, page, &pa, NULL)) {
			pa = frame_alloc(FRAME_USER);
			if (!pa) {
				err = -ENOMEM;
				break;
			}
			if (paging_map(mm->root, page, pa,
				       prot_to_pte(r->prot))) {
				frame_put(pa);
				err = -ENOMEM;
				break;
			}
		}
		memcpy((uint8_t *)phys_to_virt(pa) + (va - page), from, n);
		va += n;
		from += n;
		size -= n;
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	return err;
}

void
mm_activate(struct mm *mm)
{
	active_mm = mm;
	kernel_space_switch(mm ? mm->root : kernel_root);
}

struct mm *
mm_active(void)
{
	return active_mm;
}
