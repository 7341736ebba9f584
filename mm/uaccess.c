/*
 * copy_from_user and friends: range checks, the SMAP window, and the
 * exception-table lookup used by the page-fault handler.
 */
#include "mm/uaccess.h"
#include "kernel/lib/errno.h"
#include "mm/kernel_space.h"
#include "mm/memlayout.h"

/* In uaccess_copy.S. */
size_t uaccess_copy(void *dst, const void *src, size_t size);
long uaccess_strncpy(char *dst, const char *src, size_t size);

struct extable_entry {
	uint64_t insn;	/* an instruction that may fault on user memory */
	uint64_t fixup; /* where to continue if it does */
};
extern const struct extable_entry __ex_table_start[], __ex_table_end[];

bool
uaccess_range_ok(vaddr_t addr, size_t size)
{
	return addr <= USER_END && size <= USER_END - addr;
}

/* Open and close the SMAP window (only where the CPU has SMAP: on
 * others stac and clac do not exist). */
static void
uaccess_begin(void)
{
	if (cpu_has_smap)
		__asm__ volatile("stac" ::: "memory");
}

static void
uaccess_end(void)
{
	if (cpu_has_smap)
		__asm__ volatile("clac" ::: "memory");
}

/* Copy @size bytes between kernel memory and the user range that starts
 * at @user (which is @dst or @src). */
static int
copy_checked(void *dst, const void *src, size_t size, const void *user)
{
	if (!uaccess_range_ok((vaddr_t)user, size))
		return -EFAULT;
	uaccess_begin();
	size_t left = uaccess_copy(dst, src, size);
	uaccess_end();
	return left ? -EFAULT : 0;
}

int
copy_from_user(void *dst, const void *user_src, size_t size)
{
	return copy_checked(dst, user_src, size, user_src);
}

int
copy_to_user(void *user_dst, const void *src, size_t size)
{
	return copy_checked(user_dst, src, size, user_dst);
}

long
strncpy_from_user(char *dst, const char *user_src, size_t size)
{
	/* The string may end well before size bytes; check only what can
	 * be read: up to the end of the user half. */
	vaddr_t src = (vaddr_t)user_src;
	size_t readable = size;
	if (src >= USER_END)
		return -EFAULT;
	if (readable > USER_END - src)
		readable = USER_END - src;
	uaccess_begin();
	long n = uaccess_strncpy(dst, user_src, readable);
	uaccess_end();
	/* No NUL before the end of the user half: the rest would be kernel
	 * memory, which is as bad an address as an unmapped one. */
	if (n >= 0 && (size_t)n == readable && readable < size)
		return -EFAULT;
	return n;
}

uint64_t
uaccess_fixup(uint64_t rip)
{
	for (const struct extable_entry *e = __ex_table_start;
	     e < __ex_table_end; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}
