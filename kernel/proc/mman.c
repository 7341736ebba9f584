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
	if (len > USER_END)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr % PAGE_SIZE)
			return -EINVAL;
		if (addr + len > USER_END || addr + len < addr)
			return -ENOMEM;
		if (flags & MAP_FIXED_NOREPLACE) {
			for (vaddr_t p = addr; p < addr + len; p += PAGE_SIZE)
				if (mm_region_find(mm, p))
					return -EEXIST;
		} else {
			mm_region_remove(mm, addr, addr + len); /* replace */
		}
	} else {
		addr = mm_find_gap(mm, len, MMAP_BOTTOM, MMAP_TOP);
		if (!addr)
			return -ENOMEM;
	}
	int err = mm_region_add(mm, addr, addr + len, prot, REGION_ANON);
	return err ? err : (long)addr;
}

long
sys_munmap(const struct syscall_args *a)
{
	vaddr_t addr = a->a[0];
	size_t len = ALIGN_UP(a->a[1], PAGE_SIZE);

	if (addr % PAGE_SIZE || len == 0 || addr + len > USER_END ||
	    addr + len < addr)
		return -EINVAL;
	return mm_region_remove(my_mm(), addr, addr + len);
}

long
sys_mprotect(const struct syscall_args *a)
{
	vaddr_t addr = a->a[0];
	size_t len = ALIGN_UP(a->a[1], PAGE_SIZE);
	unsigned prot = (unsigned)a->a[2];

	if (addr % PAGE_SIZE || (prot & ~PROT_KNOWN) || addr + len < addr)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (addr + len > USER_END)
		return -ENOMEM;
	return mm_region_protect(my_mm(), addr, addr + len, prot);
}
