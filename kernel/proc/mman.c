/*
 * Memory system calls: brk, mmap, munmap, mprotect. Thin wrappers over
 * the address-space code (mm/address_space.c) for the calling process.
 *
 * Where things go in the user half:
 *
 *   program segments | heap (brk) ->        <- mmap area | gap | stack
 *                                              MMAP_TOP    8 MiB
 */
#include "kernel/fs/vfs.h"
#include "kernel/lib/errno.h"
#include "kernel/lib/printk.h"
#include "kernel/syscall.h"
#include "mm/address_space.h"
#include "mm/memlayout.h"
#include "sched/task.h"

#define PROT_KNOWN	    (PROT_READ | PROT_WRITE | PROT_EXEC)
#define MAP_SHARED	    0x01
#define MAP_PRIVATE	    0x02
#define MAP_TYPE	    0x0f
#define MAP_FIXED	    0x10
#define MAP_ANONYMOUS	    0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MMAP_TOP	    0x00007fff00000000ull /* well below the stack */
#define MMAP_BOTTOM	    0x0000100000000000ull /* well above any heap */
#define BRK_MAX		    (1ull << 40) /* how far the heap may grow */

static struct mm *
my_mm(void)
{
	return current_task()->mm;
}

/*
 * The end of [addr, addr + len) rounded up to a page, or 0 if that is
 * past the top of the address space. (ALIGN_UP(len) alone would turn a
 * length within a page of SIZE_MAX into 0, an empty range.) @addr is
 * page-aligned.
 */
static vaddr_t
range_end(vaddr_t addr, size_t len)
{
	vaddr_t end;

	if (__builtin_add_overflow(addr, len, &end) ||
	    end > UINT64_MAX - (PAGE_SIZE - 1))
		return 0;
	return ALIGN_UP(end, PAGE_SIZE);
}

/* brk(0) asks where the heap ends; brk(addr) moves the end. Failure
 * returns the old end, as Linux's system call does. */
long
sys_brk(const struct syscall_args *a)
{
	struct mm *mm = my_mm();
	vaddr_t want = a->a[0];
	vaddr_t old_top = ALIGN_UP(mm->brk, PAGE_SIZE);

	if (want < mm->brk_start || want > mm->brk_start + BRK_MAX)
		return (long)mm->brk;
	vaddr_t new_top = ALIGN_UP(want, PAGE_SIZE);
	if (new_top > old_top) {
		if (mm_region_add(mm, old_top, new_top, PROT_READ | PROT_WRITE,
				  REGION_HEAP))
			return (long)mm->brk; /* runs into something */
	} else if (new_top < old_top) {
		mm_region_remove(mm, new_top, old_top);
	}
	mm->brk = want;
	return (long)want;
}

long
sys_mmap(const struct syscall_args *a)
{
	vaddr_t addr = a->a[0];
	size_t len = a->a[1];
	unsigned prot = (unsigned)a->a[2];
	unsigned flags = (unsigned)a->a[3];
	uint64_t offset = a->a[5];
	struct mm *mm = my_mm();

	if (len == 0 || (prot & ~PROT_KNOWN) || offset % PAGE_SIZE)
		return -EINVAL;
	if ((flags & MAP_TYPE) != MAP_PRIVATE) {
		/* Shared mappings need pages shared across fork: not yet. */
		return (flags & MAP_TYPE) == MAP_SHARED ? -ENODEV : -EINVAL;
	}
	if (!(flags & MAP_ANONYMOUS)) {
		/* A file mapping: a bad descriptor first, as Linux checks. */
		struct file *f = fd_get(current_task()->files, (int)a->a[4]);
		if (!f)
			return -EBADF;
		file_put(f);
		return -ENODEV; /* no file mappings yet */
	}
	if (len > USER_MAP_END)
		return -ENOMEM; /* checked before rounding up: no wrap */
	len = ALIGN_UP(len, PAGE_SIZE);

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr % PAGE_SIZE)
			return -EINVAL;
		vaddr_t end = range_end(addr, len);
		if (!end || end > USER_MAP_END)
			return -ENOMEM;
		/* MAP_FIXED_NOREPLACE needs no check of its own: adding the
		 * region fails with EEXIST if it overlaps one, in one pass
		 * over the regions and under their lock. (Looking up each
		 * page instead loops 4 billion times for 16 TiB, in a kernel
		 * that nothing preempts.) */
		if (!(flags & MAP_FIXED_NOREPLACE))
			mm_region_remove(mm, addr, addr + len); /* replace */
	} else {
		addr = mm_find_gap(mm, len, MMAP_BOTTOM, MMAP_TOP);
		if (!addr)
			return -ENOMEM;
	}
	int err = mm_region_add(mm, addr, addr + len, prot, REGION_ANON);
	return err ? err : (long)addr;
}

/* Linux's checks, in Linux's order: the range is checked before it is
 * rounded up, so that no length wraps. (USER_MAP_END is Linux's
 * TASK_SIZE.) */
long
sys_munmap(const struct syscall_args *a)
{
	vaddr_t addr = a->a[0];
	size_t len = a->a[1];

	if (addr % PAGE_SIZE || len == 0 || addr > USER_MAP_END ||
	    len > USER_MAP_END - addr)
		return -EINVAL;
	vaddr_t end = range_end(addr, len);
	if (end <= USER_MIN)
		return 0; /* nothing is ever mapped there */
	return mm_region_remove(my_mm(), MAX(addr, USER_MIN), end);
}

/* Linux's order again: alignment, an empty range (nothing to do), a
 * range past the top (ENOMEM, not a wrapped length), the flags. */
long
sys_mprotect(const struct syscall_args *a)
{
	vaddr_t addr = a->a[0];
	size_t len = a->a[1];
	unsigned prot = (unsigned)a->a[2];

	if (addr % PAGE_SIZE)
		return -EINVAL;
	if (len == 0)
		return 0;
	vaddr_t end = range_end(addr, len);
	if (!end)
		return -ENOMEM;
	if (prot & ~PROT_KNOWN)
		return -EINVAL;
	if (addr < USER_MIN || end > USER_MAP_END)
		return -ENOMEM; /* nothing is mapped there */
	return mm_region_protect(my_mm(), addr, end, prot);
}
