/*
 * The kernel heap: kmalloc and kfree, for objects of any size.
 *
 * Small objects (up to 2 KiB with their header) come from slabs: a page
 * cut into equal objects of one size class (32, 64, ... 2048 bytes).
 * Bigger ones get whole runs of frames from the buddy allocator.
 *
 * With KMALLOC_DEBUG (the default build) every object also carries:
 *   - a red zone after the bytes asked for, checked at kfree: an overflow
 *     is caught and named, with the allocating function;
 *   - poison (0x6b) in freed objects, checked when reused: a write after
 *     free is caught;
 *   - a state in its header: a double free is caught.
 * Each of those is a kernel bug, so it panics with the details.
 */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include "kernel/lib/types.h"

/* @size bytes, 16-byte aligned, or NULL when memory is exhausted. */
void *kmalloc(size_t size);
/* The same, zeroed. */
void *kzalloc(size_t size);
/* Free what kmalloc returned; NULL is ignored. */
void kfree(void *ptr);

struct kmalloc_stats {
	size_t objects; /* live allocations */
	size_t bytes;	/* bytes asked for by live allocations */
	size_t slabs;	/* pages held as slabs */
};
struct kmalloc_stats kmalloc_stats(void);

#endif /* MM_KMALLOC_H */
