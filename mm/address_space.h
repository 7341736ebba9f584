/*
 * Address spaces: struct mm, one per process (threads share it).
 *
 * An address space is a PML4 (whose kernel half is shared by all) and a
 * sorted list of regions: the ranges of the user half the process may
 * use, each with its protection and kind. Pages inside a region are
 * mapped lazily: the first touch faults, and mm_fault maps a zeroed
 * page. A touch outside every region, or against a region's protection,
 * is the process's error (SIGSEGV once signals exist).
 *
 *   0x0000000000400000  ELF segments           REGION_ELF
 *           ...         heap (brk), grows up   REGION_HEAP
 *           ...         mmap'd memory          REGION_ANON
 *   0x00007ffffffff000  stack, grows down      REGION_STACK
 */
#ifndef MM_ADDRESS_SPACE_H
#define MM_ADDRESS_SPACE_H

#include "kernel/lib/spinlock.h"
#include "kernel/lib/types.h"

/* Protection bits: Linux's PROT_* values, as mmap and mprotect pass them. */
#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

enum region_kind {
	REGION_ELF,   /* a segment of the program */
	REGION_HEAP,  /* brk */
	REGION_STACK, /* the main thread's stack */
	REGION_ANON,  /* anonymous mmap */
};

struct region {
	vaddr_t start, end; /* page-aligned; end is one past the last byte */
	unsigned prot;	    /* PROT_* */
	enum region_kind kind;
	struct region *next; /* the next region up */
};

struct mm {
	paddr_t root;		/* the PML4, for CR3 */
	struct region *regions; /* sorted by start; never overlapping */
	uint32_t refcount;	/* tasks using it (threads share it) */
	struct spinlock lock;	/* protects regions and the user tables */
	vaddr_t brk_start, brk; /* the heap, for brk() */
};

/* An empty address space, or NULL when out of memory. */
struct mm *mm_create(void);
/* A copy for fork: every region, and every mapped page shared
 * copy-on-write (one more reference on its frame, read-only on both
 * sides until one writes). NULL when out of memory, in which case
 * nothing is left allocated. */
struct mm *mm_copy(struct mm *src);
void mm_get(struct mm *mm);
/* Drop a reference; the last one frees every user page, every user page
 * table and the PML4. */
void mm_put(struct mm *mm);

/* Add the region [start, end) with @prot. -EINVAL for an empty,
 * unaligned or non-user range, -EEXIST if it overlaps a region, -ENOMEM. */
int mm_region_add(struct mm *mm, vaddr_t start, vaddr_t end, unsigned prot,
		  enum region_kind kind);
/* The region containing @va, or NULL. */
struct region *mm_region_find(struct mm *mm, vaddr_t va);
/* Remove [start, end) from whatever regions cover it, splitting them,
 * and free the pages mapped there (munmap). Holes are fine. -EINVAL for
 * a bad range, -ENOMEM if a split cannot get memory. */
int mm_region_remove(struct mm *mm, vaddr_t start, vaddr_t end);
/* Change the protection of [start, end), splitting regions and updating
 * mapped pages (mprotect). -ENOMEM if part of the range is in no region,
 * as on Linux; -EINVAL for a bad range. */
int mm_region_protect(struct mm *mm, vaddr_t start, vaddr_t end, unsigned prot);

/* Resolve a page fault at @addr with the CPU's error code @error (PF_*
 * bits, kernel/cpu/trap.h) if a region allows the access: map a zeroed
 * page, or give a write to a copy-on-write page its own copy. 0 if
 * resolved, -EFAULT if the access is not allowed (the caller's process
 * gets SIGSEGV) or no frame was left for the copy. */
int mm_fault(struct mm *mm, vaddr_t addr, uint64_t error);

/* The highest start address of a free range of @len bytes (page
 * multiple) inside [low, high), or 0 if there is none: where mmap puts
 * a mapping that did not ask for an address. */
vaddr_t mm_find_gap(struct mm *mm, size_t len, vaddr_t low, vaddr_t high);

/* Copy @size bytes from kernel memory to @va in @mm, which need not be
 * the active address space (execve fills a new one): pages are mapped as
 * their regions say, copied first if shared copy-on-write, and written
 * through the direct map whatever their protection. -EFAULT if part of
 * the range is in no region, -ENOMEM. */
int mm_copy_in(struct mm *mm, vaddr_t va, const void *src, size_t size);

/* Make @mm the address space of this CPU (NULL: the kernel's own). */
void mm_activate(struct mm *mm);
/* The address space this CPU runs in, or NULL for the kernel's own. */
struct mm *mm_active(void);

#endif /* MM_ADDRESS_SPACE_H */
