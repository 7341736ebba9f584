/*
 * How much memory an address space uses, for /proc/<pid>/stat and
 * status: the size of its regions (what it may touch) and the pages
 * mapped in it now (what it has touched: with demand paging, far less).
 */
#ifndef MM_MM_USAGE_H
#define MM_MM_USAGE_H

#include "kernel/lib/types.h"

struct mm;

struct mm_usage {
	uint64_t size;	   /* bytes in its regions: Linux's VmSize */
	uint64_t resident; /* pages mapped: Linux's RSS */
};

/* Count @mm's regions and mapped pages. Takes mm->lock. */
struct mm_usage mm_usage(struct mm *mm);

#endif /* MM_MM_USAGE_H */
