/*
 * Physical frames: every 4 KiB page of RAM, who uses it, and a buddy
 * allocator that hands out runs of 2^order contiguous frames.
 *
 * Each frame has a struct page in one big array (the "memory map"), found
 * by frame number: page = &pages[pa / PAGE_SIZE]. The allocator keeps its
 * free lists in those structs, not in the free frames themselves, so the
 * host unit tests can run it with no real memory behind it.
 */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include "kernel/lib/types.h"
#include "mm/memlayout.h"

#define FRAME_MAX_ORDER 10 /* the largest block: 2^10 frames = 4 MiB */

/* What a frame is used for: counted, so leaks can be found. */
enum frame_use {
	FRAME_FREE = 0,
	FRAME_RESERVED,	  /* firmware, the kernel image, boot data */
	FRAME_KERNEL,	  /* kernel data: kmalloc slabs, stacks, misc */
	FRAME_USER,	  /* a page of some process's memory */
	FRAME_PAGE_TABLE, /* a page-table page */
	FRAME_FILE,	  /* a page of a file in the tree (ramfs_data.c) */
	FRAME_USE_COUNT,
};

struct page {
	struct page *next, *prev; /* free-list links, while free */
	uint32_t refcount;	  /* mappings or owners; 0 when free */
	uint8_t order;		  /* free or allocated block: its order */
	uint8_t use;		  /* enum frame_use */
	uint8_t head;		  /* first frame of a block */
	uint8_t slab_class;	  /* kmalloc: size class + 1, or 0 */
	uint32_t slab_inuse;	  /* kmalloc: objects handed out */
	void *slab_free;	  /* kmalloc: first free object */
};

/*
 * A pool: the frames numbered [0, npages), with free lists per order.
 * The kernel has one (frame_pool); the unit tests make their own.
 */
struct frame_pool {
	struct page *pages;
	size_t npages;
	struct page *free_lists[FRAME_MAX_ORDER + 1];
	size_t count[FRAME_USE_COUNT]; /* frames per use */
};

/* Doubly linked lists of pages through page->next/prev: the buddy
 * allocator's free lists, kmalloc's partial slabs. */
void page_list_push(struct page **head, struct page *p);
void page_list_remove(struct page **head, struct page *p);

/* The pool's own operations (host-testable: no hardware, no locks). */
void frame_pool_init(struct frame_pool *pool, struct page *pages,
		     size_t npages);
/* Give frames [first, end) to the allocator; they must be reserved. */
void frame_pool_release(struct frame_pool *pool, size_t first, size_t end);
/* A block of 2^order frames, or NULL when none is left. */
struct page *frame_pool_alloc(struct frame_pool *pool, unsigned order,
			      enum frame_use use);
void frame_pool_free(struct frame_pool *pool, struct page *page);

/* --- The kernel's frames ------------------------------------------------ */

struct boot_info;

/* Build the memory map from the boot information: every usable frame
 * that is not the kernel, a boot module, boot data or the map itself.
 * Only frames below @limit are released now (the rest by
 * frame_release_high), so early page tables stay reachable. */
void frame_init(const struct boot_info *bi, paddr_t limit);
void frame_release_high(void);

/* One zeroed frame, or 0 when memory is exhausted. */
paddr_t frame_alloc(enum frame_use use);
/* 2^order contiguous zeroed frames, or 0. */
paddr_t frame_alloc_order(unsigned order, enum frame_use use);
/* The same, not zeroed: for callers that fill every byte themselves
 * (kmalloc's large objects, whose caller asked for uninitialised bytes). */
paddr_t frame_alloc_order_raw(unsigned order, enum frame_use use);
/* Drop one reference; the frame (block) is freed at zero. */
void frame_put(paddr_t pa);
/* Take one more reference (a second mapping, copy-on-write). */
void frame_get(paddr_t pa);
/* How many references @pa has: more than one for a user page means that
 * several address spaces share it, copy-on-write. */
uint32_t frame_refcount(paddr_t pa);

struct page *frame_to_page(paddr_t pa);
paddr_t page_to_frame(const struct page *page);

struct frame_stats {
	size_t total; /* frames the allocator manages */
	size_t free;
	size_t by_use[FRAME_USE_COUNT];
};
struct frame_stats frame_stats(void);
/* Print the counters on one line, after @what. */
void frame_stats_print(const char *what);

#endif /* MM_FRAME_H */
